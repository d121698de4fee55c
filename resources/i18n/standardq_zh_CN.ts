<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AugmentDialog</name>
    <message numerus="yes">
        <source>%n pending similar question(s) added to {touched} of {total} standard questions.</source>
        <translation>
            <numerusform>已为 {total} 个标准问中的 {touched} 个添加 %n 条待审核相似问。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n standard question(s) got fewer than asked, e.g. “{text}”: {note}.</source>
        <translation>
            <numerusform>%n 个标准问得到的少于要求，例如“{text}”：{note}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelled. What arrived before is saved; run again to continue.</source>
        <translation>已取消。之前收到的已保存；再次运行即可继续。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Drop what the current model places closer to another standard question</source>
        <translation>丢弃当前模型认为更接近其他标准问的问法</translation>
    </message>
    <message>
        <source>Dropped by the guard: {list}.</source>
        <translation>被过滤掉的：{list}。</translation>
    </message>
    <message>
        <source>Failed: {first}</source>
        <translation>失败：{first}</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate similar questions — {shop}</source>
        <translation>生成相似问 — {shop}</translation>
    </message>
    <message>
        <source>Generated questions land in the review queue as pending. Only the ones you accept are matched and train the model; none ever enters the held-out evaluation.</source>
        <translation>生成的问法会以“待审核”状态进入审核队列。只有你采纳的才会参与匹配和训练；生成的问法永远不会进入评估集。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Generation running</source>
        <translation>正在生成</translation>
    </message>
    <message>
        <source>LLM</source>
        <translation>大模型</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>One group per line, words separated by commas. Built-in customer-service synonyms always apply.</source>
        <translation>每行一组，词之间用逗号分隔。内置的客服常用同义词始终生效。</translation>
    </message>
    <message>
        <source>One per line: product names, model numbers, the brand. Some variants leave them out, as customers often do. The LLM gets them too.</source>
        <translation>每行一个：商品名、型号、品牌。部分问法会去掉它们，就像顾客常做的那样。大模型也会收到这份列表。</translation>
    </message>
    <message>
        <source>Per standard question</source>
        <translation>每个标准问</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Preview shows what the first chosen standard question would get, after the guard. Nothing is saved.</source>
        <translation>预览显示所选范围内第一个标准问会得到的问法（已经过过滤），不会保存。</translation>
    </message>
    <message numerus="yes">
        <source>Preview used %n token(s).</source>
        <translation>
            <numerusform>预览用了 %n 个 token。</numerusform>
        </translation>
    </message>
    <message>
        <source>Preview…</source>
        <translation>正在预览…</translation>
    </message>
    <message>
        <source>Review queue…</source>
        <translation>审核队列…</translation>
    </message>
    <message>
        <source>Review them next: only accepted ones train.</source>
        <translation>下一步请审核：只有采纳的才会参与训练。</translation>
    </message>
    <message>
        <source>Rules (offline)</source>
        <translation>规则（离线）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Send one standard question of this shop to {provider} ({url}) for a preview of 10 paraphrases? Nothing is saved.</source>
        <translation>要把本店的 1 个标准问发送给 {provider}（{url}），预览 10 条改写吗？不会保存。</translation>
    </message>
    <message>
        <source>Send questions to the LLM?</source>
        <translation>发送问题给大模型？</translation>
    </message>
    <message>
        <source>Standard questions:</source>
        <translation>标准问范围：</translation>
    </message>
    <message>
        <source>Stop generating? What arrived so far is kept.</source>
        <translation>停止生成吗？已生成的内容会保留。</translation>
    </message>
    <message>
        <source>Stopped: {message}. What arrived before is saved; run again to continue.</source>
        <translation>已停止：{message}。之前收到的已保存；再次运行即可继续。</translation>
    </message>
    <message>
        <source>Subject words</source>
        <translation>主体词</translation>
    </message>
    <message>
        <source>Synonyms</source>
        <translation>同义词</translation>
    </message>
    <message>
        <source>Tokens: {prompt} prompt + {completion} completion = {total}; {requests} requests, {retries} retries.</source>
        <translation>Token：提示 {prompt} + 生成 {completion} = {total}；请求 {requests} 次，重试 {retries} 次。</translation>
    </message>
    <message>
        <source>Tops each standard question up to this many rule outputs; a second run adds only what is missing.</source>
        <translation>把每个标准问的规则生成问法补足到这个数量；再次运行只补缺少的部分。</translation>
    </message>
    <message>
        <source>all {n}</source>
        <translation>全部 {n} 个</translation>
    </message>
    <message>
        <source>already there</source>
        <translation>已存在</translation>
    </message>
    <message>
        <source>belongs to another standard question</source>
        <translation>属于另一个标准问</translation>
    </message>
    <message>
        <source>closer to another standard question</source>
        <translation>更接近另一个标准问</translation>
    </message>
    <message>
        <source>same as the source</source>
        <translation>与原句相同</translation>
    </message>
    <message>
        <source>the selected one: “{text}”</source>
        <translation>当前选中的“{text}”</translation>
    </message>
    <message>
        <source>the {n} in the filtered list</source>
        <translation>列表筛选出的 {n} 个</translation>
    </message>
    <message>
        <source>too long</source>
        <translation>太长</translation>
    </message>
    <message>
        <source>too short</source>
        <translation>太短</translation>
    </message>
    <message>
        <source>“{text}”: {kept} kept, {dropped} dropped</source>
        <translation>“{text}”：保留 {kept} 条，丢弃 {dropped} 条</translation>
    </message>
</context>
<context>
    <name>BatchTab</name>
    <message>
        <source>A .txt file with one question per line, or a CSV / Excel file with a “query” (问题) column and an optional “expected” (标准问) column.</source>
        <translation>每行一个问题的 .txt 文件，或带“问题”（query）列的 CSV / Excel 文件，可选“标准问”（expected）列用于计算准确率。</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>直接回答</translation>
    </message>
    <message>
        <source>Batch test cancelled.</source>
        <translation>批量测试已取消。</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>Export results…</source>
        <translation>导出结果…</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <source>Open question file</source>
        <translation>打开问题文件</translation>
    </message>
    <message>
        <source>Open question file…</source>
        <translation>打开问题文件…</translation>
    </message>
    <message>
        <source>Question files (*.txt *.csv *.xlsx *.json);;All files (*)</source>
        <translation>问题文件 (*.txt *.csv *.xlsx *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议确认</translation>
    </message>
    <message>
        <source>The batch test failed: {error}</source>
        <translation>批量测试失败：{error}</translation>
    </message>
    <message>
        <source>Top-1 right</source>
        <translation>Top-1 正确率</translation>
    </message>
    <message>
        <source>ms / question</source>
        <translation>毫秒 / 问</translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n question(s) (add an “expected” column to measure accuracy).</source>
        <translation>
            <numerusform>{name}：共 %n 个问题（加上“标准问”列即可计算准确率）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n question(s), {right} right ({acc}).</source>
        <translation>
            <numerusform>{name}：共 %n 个问题，答对 {right} 个（{acc}）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: answering %n question(s)…</source>
        <translation>
            <numerusform>{name}：正在回答 %n 个问题…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BatchTableModel</name>
    <message>
        <source>(no match)</source>
        <translation>（应无匹配）</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>期望标准问</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Top match</source>
        <translation>最佳匹配</translation>
    </message>
</context>
<context>
    <name>ChatLogImportDialog</name>
    <message>
        <source>1. File</source>
        <translation>1. 选择文件</translation>
    </message>
    <message>
        <source>2. Columns: check what each column of the file holds</source>
        <translation>2. 列：核对文件每一列的内容</translation>
    </message>
    <message>
        <source>3. Only the consumer&apos;s messages</source>
        <translation>3. 只导入顾客的消息</translation>
    </message>
    <message>
        <source>A chat export of the shop platform: CSV or Excel (.xlsx)</source>
        <translation>店铺平台导出的聊天记录：CSV 或 Excel (.xlsx)</translation>
    </message>
    <message>
        <source>A text repeated in one conversation counts once</source>
        <translation>同一会话中重复的消息只算一次</translation>
    </message>
    <message>
        <source>About {n} of the {rows} messages are imported (empty and repeated ones are left out); each is matched by the active model and lands in the inbox if it is not answered.</source>
        <translation>{rows} 条消息中约 {n} 条会被导入（空消息和重复消息除外）；每条都由当前模型匹配，没有回答的进入收件箱。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Chat log imported</source>
        <translation>聊天记录已导入</translation>
    </message>
    <message>
        <source>Chat logs (*.csv *.xlsx);;All files (*)</source>
        <translation>聊天记录 (*.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Choose the column that holds the message text.</source>
        <translation>请选择消息内容所在的列。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Import chat log</source>
        <translation>导入聊天记录</translation>
    </message>
    <message>
        <source>Mask personal data (phone, order and parcel numbers, addresses…), as the query log does</source>
        <translation>遮蔽个人信息（手机号、订单号、快递单号、地址…），与查询日志相同</translation>
    </message>
    <message>
        <source>Matching and logging the messages…</source>
        <translation>正在匹配并记录消息…</translation>
    </message>
    <message>
        <source>No sender column: every message is imported, the shop&apos;s replies too. Set the column that says who wrote each message to “sender”.</source>
        <translation>没有发送方列：所有消息都会导入，包括店铺的回复。请把标明发送者的那一列设为“发送方”。</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current batch; what was imported stays, and importing the same file again goes on from there.</source>
        <translation>在当前批次后停止；已导入的保留，再次导入同一文件会从停下处继续。</translation>
    </message>
    <message>
        <source>Stopped. {summary} Importing the same file again goes on from there.</source>
        <translation>已停止。{summary} 再次导入同一文件会从停下处继续。</translation>
    </message>
    <message>
        <source>The file has a header but no messages.</source>
        <translation>文件只有表头，没有消息。</translation>
    </message>
    <message>
        <source>The import failed: {error}</source>
        <translation>导入失败：{error}</translation>
    </message>
    <message>
        <source>The inbox groups what was not answered.</source>
        <translation>没有回答的消息已在收件箱中归组。</translation>
    </message>
    <message>
        <source>The shop&apos;s model is still loading: it matches each message as it is imported.</source>
        <translation>店铺的模型还在加载：导入时要用它匹配每条消息。</translation>
    </message>
    <message>
        <source>This file cannot be imported: {error}</source>
        <translation>无法导入这个文件：{error}</translation>
    </message>
    <message>
        <source>Tick at least one sender value that is the consumer.</source>
        <translation>请至少勾选一个代表顾客的发送方。</translation>
    </message>
    <message>
        <source>Who wrote each message is in “{col}”. Tick the values that are the consumer (买家, 顾客…): only their messages are imported.</source>
        <translation>发送者在“{col}”列。请勾选代表顾客的值（买家、顾客…）：只导入他们的消息。</translation>
    </message>
    <message>
        <source>message text</source>
        <translation>消息内容</translation>
    </message>
    <message>
        <source>not used</source>
        <translation>不使用</translation>
    </message>
    <message>
        <source>sender</source>
        <translation>发送方</translation>
    </message>
    <message>
        <source>session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>{done} / {total} messages</source>
        <translation>{done} / {total} 条消息</translation>
    </message>
    <message>
        <source>{n} messages logged: {a} answered, {s} suggested, {m} not matched. Left out: {o} from other senders, {r} repeats, {e} empty, {b} imported before; {k} masked.</source>
        <translation>已记录 {n} 条消息：回答 {a} 条，建议 {s} 条，未匹配 {m} 条。未导入：其他发送方 {o} 条，重复 {r} 条，空消息 {e} 条，之前已导入 {b} 条；遮蔽了 {k} 条。</translation>
    </message>
    <message>
        <source>{rows} rows, {cols} columns. The first row of the preview says what each column holds; only the message text is required.</source>
        <translation>共 {rows} 行、{cols} 列。预览的第一行标明每列的内容；只有消息内容是必需的。</translation>
    </message>
</context>
<context>
    <name>Confirmer</name>
    <message numerus="yes">
        <source>Send %n standard question(s) of this shop to {provider} ({url}), asking for up to {k} paraphrases each?

Only the standard questions and a few of their similar questions are sent, nothing else.</source>
        <translation>
            <numerusform>要把本店的 %n 个标准问发送给 {provider}（{url}），每个最多请求 {k} 条改写吗？

只发送标准问和它们的少量相似问，不发送其他内容。</numerusform>
        </translation>
    </message>
    <message>
        <source>Send questions to the LLM?</source>
        <translation>发送问题给大模型？</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>Details were written to {path}</source>
        <translation>详细信息已写入 {path}</translation>
    </message>
    <message>
        <source>Something went wrong. Your data is safe; you can keep working, or restart StandardQ if the window misbehaves.</source>
        <translation>程序出了点问题。数据是安全的，可以继续使用；如果窗口表现异常，请重启 StandardQ。</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
</context>
<context>
    <name>FixBar</name>
    <message numerus="yes">
        <source> %n held back as test questions.</source>
        <translation>
            <numerusform> 其中 %n 条留作测试题。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped: {why}</source>
        <translation>
            <numerusform>跳过 %n 条：{why}</numerusform>
        </translation>
    </message>
    <message>
        <source>(Ctrl+Z undoes it)</source>
        <translation>（Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <source>Add as similar questions of “{q}”</source>
        <translation>加为“{q}”的相似问</translation>
    </message>
    <message>
        <source>Add as similar questions of…</source>
        <translation>加为相似问…</translation>
    </message>
    <message>
        <source>Add them as similar questions of “{q}”: matched at once, before any retraining. The arrow picks another standard question.</source>
        <translation>把它们加为“{q}”的相似问：立即生效，无需重新训练。点箭头可选别的标准问。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n text(s) as similar questions of “{q}”; they are matched at once.</source>
        <translation>
            <numerusform>已把 %n 种问法加为“{q}”的相似问，立即生效。</numerusform>
        </translation>
    </message>
    <message>
        <source>Another standard question…</source>
        <translation>其他标准问…</translation>
    </message>
    <message>
        <source>Choose the standard question they are ways of asking</source>
        <translation>选择它们所问的标准问</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message numerus="yes">
        <source>Ignored %n text(s).</source>
        <translation>
            <numerusform>已忽略 %n 种问法。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Marked %n text(s) as matching nothing.</source>
        <translation>
            <numerusform>已把 %n 种问法标为不匹配任何问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>Matches nothing</source>
        <translation>不匹配任何问题</translation>
    </message>
    <message>
        <source>New standard question</source>
        <translation>新建标准问</translation>
    </message>
    <message numerus="yes">
        <source>New standard question “{q}” with %n similar question(s); its answer is still to be written.</source>
        <translation>
            <numerusform>已新建标准问“{q}”，带 %n 条相似问；答案还没写。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message>
        <source>Take them out of the inbox without changing the shop; later texts like them are not shown again.</source>
        <translation>从收件箱移除，不改动店铺数据；以后类似的问法也不再显示。</translation>
    </message>
    <message>
        <source>The group&apos;s representative becomes a new standard question and its other texts its similar questions; the answer is left for you to write.</source>
        <translation>用本组的代表问法新建标准问，其余问法作为它的相似问；答案留给你来写。</translation>
    </message>
    <message>
        <source>These texts match no standard question: they become the shop&apos;s negatives, are never answered, and later texts like them are not shown again.</source>
        <translation>这些问法不对应任何标准问：它们成为店铺的反例，永不回答，以后类似的问法也不再显示。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message numerus="yes">
        <source>Undo the last fix ({what}, %n text(s)) (Ctrl+Z)</source>
        <translation>
            <numerusform>撤销上一次处理（{what}，%n 种问法）(Ctrl+Z)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undone: %n text(s) are back in the inbox.</source>
        <translation>
            <numerusform>已撤销：%n 种问法回到收件箱。</numerusform>
        </translation>
    </message>
    <message>
        <source>Write it now</source>
        <translation>现在去写</translation>
    </message>
    <message>
        <source>added as similar questions</source>
        <translation>加为相似问</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>matches nothing</source>
        <translation>不匹配任何问题</translation>
    </message>
    <message>
        <source>new standard question</source>
        <translation>新建标准问</translation>
    </message>
</context>
<context>
    <name>GroupDetail</name>
    <message>
        <source>Click: add to this one. Double-click: open it in the editor.</source>
        <translation>单击：加到这个标准问。双击：在编辑器中打开。</translation>
    </message>
    <message>
        <source>Nearest standard questions</source>
        <translation>最接近的标准问</translation>
    </message>
    <message>
        <source>What consumers asked (select texts to fix only those)</source>
        <translation>顾客的问法（选中部分问法可只处理它们）</translation>
    </message>
</context>
<context>
    <name>GroupModel</name>
    <message>
        <source>Consumers asked</source>
        <translation>顾客的问法</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息数</translation>
    </message>
    <message>
        <source>Near tie: the top two standard questions score almost the same; your decision here teaches the model most.</source>
        <translation>难分高下：前两个标准问的得分几乎相同；你在这里的决定对模型最有帮助。</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>问法数</translation>
    </message>
    <message>
        <source>Top suggestion</source>
        <translation>首选建议</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <source> %n conflicting row(s) were left out.</source>
        <translation>
            <numerusform>另有 %n 行因冲突未导入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s): the import stops on them unless you skip them.</source>
        <translation>
            <numerusform>%n 处冲突：除非选择跳过，否则导入会因此中止。</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>1. File</source>
        <translation>1. 选择文件</translation>
    </message>
    <message>
        <source>2. Columns: check what each column of the file holds</source>
        <translation>2. 对应列：确认文件中每一列的内容</translation>
    </message>
    <message>
        <source>3. Check: nothing is written until you press Import</source>
        <translation>3. 检查：点击“导入”之前不会写入任何数据</translation>
    </message>
    <message>
        <source>Added {sq} standard and {sim} similar questions, updated {up}.</source>
        <translation>新增 {sq} 个标准问、{sim} 个相似问，更新 {up} 个。</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Excel (*.xlsx);;JSON (*.json)</source>
        <translation>CSV (*.csv);;Excel (*.xlsx);;JSON (*.json)</translation>
    </message>
    <message>
        <source>CSV, Excel (.xlsx) or JSON file</source>
        <translation>CSV、Excel（.xlsx）或 JSON 文件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Export questions</source>
        <translation>导出问答</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Import questions</source>
        <translation>导入问答</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Question files (*.csv *.xlsx *.json)</source>
        <translation>问答文件 (*.csv *.xlsx *.json)</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Skip conflicting rows and import the rest</source>
        <translation>跳过冲突的行，导入其余的行</translation>
    </message>
    <message numerus="yes">
        <source>The file has %n problem(s); fix them (or the column mapping) first. Nothing was written.</source>
        <translation>
            <numerusform>文件有 %n 处问题，请先修改文件（或列的对应关系）。没有写入任何数据。</numerusform>
        </translation>
    </message>
    <message>
        <source>Would add {sq} standard and {sim} similar questions</source>
        <translation>将新增 {sq} 个标准问、{sim} 个相似问</translation>
    </message>
    <message>
        <source>not imported</source>
        <translation>不导入</translation>
    </message>
    <message numerus="yes">
        <source>skip %n row(s) already there</source>
        <translation>
            <numerusform>跳过 %n 行已有内容</numerusform>
        </translation>
    </message>
    <message>
        <source>update {n}</source>
        <translation>更新 {n} 个</translation>
    </message>
    <message>
        <source>{rows} rows, {cols} columns. The first row of the preview says where each column goes; columns set to “not imported” are left out.</source>
        <translation>共 {rows} 行、{cols} 列。预览的第一行指定每列导入到哪里；设为“不导入”的列会被忽略。</translation>
    </message>
    <message>
        <source>→</source>
        <translation>→</translation>
    </message>
</context>
<context>
    <name>InboxPanel</name>
    <message>
        <source> · {m} messages</source>
        <translation> · {m} 条消息</translation>
    </message>
    <message>
        <source> · {t} texts · {m} messages · updated {when}</source>
        <translation> · {t} 种问法 · {m} 条消息 · {when} 更新</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n 组</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n groups selected</source>
        <translation>
            <numerusform>已选 %n 组</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected text(s) of this group</source>
        <translation>
            <numerusform>本组选中的 %n 种问法</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n standard question(s) made here still need an answer:</source>
        <translation>
            <numerusform>在这里新建的 %n 个标准问还没有答案：</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose or create a shop.</source>
        <translation>请选择或新建店铺。</translation>
    </message>
    <message>
        <source>Encoding new questions…</source>
        <translation>正在编码新问题…</translation>
    </message>
    <message>
        <source>Encoding new questions… {done} / {total}</source>
        <translation>正在编码新问题… {done} / {total}</translation>
    </message>
    <message>
        <source>Finding the nearest standard questions…</source>
        <translation>正在查找最接近的标准问…</translation>
    </message>
    <message>
        <source>Group every open question again (after a model change it happens by itself)</source>
        <translation>把所有待处理的问题重新归组（换模型后会自动进行）</translation>
    </message>
    <message>
        <source>Grouping…</source>
        <translation>正在归组…</translation>
    </message>
    <message>
        <source>Hold back 1 in 5 as test questions</source>
        <translation>每 5 条留 1 条作测试题</translation>
    </message>
    <message>
        <source>Import chat log…</source>
        <translation>导入聊天记录…</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Nothing to look at: every logged question was answered, or dealt with here.
Questions the model could not answer arrive from the API&apos;s log, or from a chat log (File ▸ Import chat log…).</source>
        <translation>没有待处理的问题：记录下的问题都已回答或已在这里处理。
模型答不上的问题来自接口日志，或导入的聊天记录（文件 ▸ 导入聊天记录…）。</translation>
    </message>
    <message>
        <source>One in five accepted texts (and one in five marked as matching nothing) goes to the test questions instead, so the evaluation report follows real traffic; a held-back text is never used for matching.</source>
        <translation>采纳的问法（以及标为不匹配的问法）每 5 条有 1 条改作测试题，让评估报告反映真实流量；留作测试的问法不参与匹配。</translation>
    </message>
    <message>
        <source>Reading the log…</source>
        <translation>正在读取日志…</translation>
    </message>
    <message>
        <source>Regroup</source>
        <translation>重新归组</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Select a group (or several, or some of a group&apos;s texts) to fix it.</source>
        <translation>选择一组（或多组，或组内部分问法）来处理。</translation>
    </message>
    <message>
        <source>The inbox could not be updated</source>
        <translation>收件箱未能更新</translation>
    </message>
    <message>
        <source>The inbox groups questions with the shop&apos;s model; it is loading.</source>
        <translation>收件箱用店铺的模型给问题归组；模型正在加载。</translation>
    </message>
    <message>
        <source>The model is not available</source>
        <translation>模型不可用</translation>
    </message>
    <message numerus="yes">
        <source>This group: %n text(s)</source>
        <translation>
            <numerusform>本组：%n 种问法</numerusform>
        </translation>
    </message>
    <message>
        <source>This shop has no standard questions yet: add or import some, and the questions its model cannot answer will gather here.</source>
        <translation>本店还没有标准问：先添加或导入一些，模型答不上的问题会汇集到这里。</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>等待模型…</translation>
    </message>
    <message>
        <source>Which standard question are these texts ways of asking?</source>
        <translation>这些问法问的是哪个标准问？</translation>
    </message>
    <message>
        <source>near tie</source>
        <translation>难分高下</translation>
    </message>
</context>
<context>
    <name>InboxWiring</name>
    <message>
        <source>Import a chat export of the shop platform: what consumers asked lands in the inbox</source>
        <translation>导入店铺平台导出的聊天记录：顾客的提问进入收件箱</translation>
    </message>
    <message>
        <source>Import chat log…</source>
        <translation>导入聊天记录…</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message numerus="yes">
        <source>Inbox: %n group(s)</source>
        <translation>
            <numerusform>收件箱：%n 组</numerusform>
        </translation>
    </message>
    <message>
        <source>Open the inbox</source>
        <translation>打开收件箱</translation>
    </message>
    <message>
        <source>{t} texts, {m} messages the model did not answer. Open the inbox</source>
        <translation>模型没有回答的 {t} 种问法、{m} 条消息。打开收件箱</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>LLM</source>
        <translation>大模型生成</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已采纳</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>chat log</source>
        <translation>对话日志</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>人工</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>规则生成</translation>
    </message>
    <message>
        <source>similar question</source>
        <translation>相似问</translation>
    </message>
    <message>
        <source>source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>standard question</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>LiveTab</name>
    <message>
        <source>(this standard question has no answer text yet)</source>
        <translation>（这个标准问还没有答案）</translation>
    </message>
    <message>
        <source>Add it to the shop&apos;s off-topic messages: it and messages close to it get no answer, at once, without retraining</source>
        <translation>加入本店的无关消息：它和与它相近的消息将不再被回答，立即生效，无需重新训练</translation>
    </message>
    <message>
        <source>Close to a known off-topic message</source>
        <translation>接近一条已知的无关消息</translation>
    </message>
    <message>
        <source>Close to a message this shop marked as matching nothing</source>
        <translation>接近一条本店标记为“不匹配任何问题”的消息</translation>
    </message>
    <message>
        <source>It matches nothing</source>
        <translation>它不匹配任何标准问</translation>
    </message>
    <message>
        <source>Its answer is the selected one</source>
        <translation>答案是选中的这个</translation>
    </message>
    <message>
        <source>Keep this question for evaluation:</source>
        <translation>把这个问题留作评估：</translation>
    </message>
    <message>
        <source>Never answer it</source>
        <translation>永不回答</translation>
    </message>
    <message>
        <source>Not kept</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Nothing to match yet: the shop has no enabled questions.</source>
        <translation>还没有可匹配的内容：店铺没有启用的问题。</translation>
    </message>
    <message>
        <source>Results appear as you type.</source>
        <translation>边输入边出结果。</translation>
    </message>
    <message>
        <source>Standard answer</source>
        <translation>标准答案</translation>
    </message>
    <message>
        <source>Store it as a test question of the selected standard question: held out, never trained on</source>
        <translation>存为选中标准问的测试问题：只用于评估，从不参与训练</translation>
    </message>
    <message>
        <source>Store it as a “none” question: the thresholds are calibrated so that such questions get no answer</source>
        <translation>存为“无匹配”问题：阈值会校准为不回答这类问题</translation>
    </message>
    <message>
        <source>The query failed: {error}</source>
        <translation>查询失败：{error}</translation>
    </message>
    <message>
        <source>The standard answer of the selected match shows here.</source>
        <translation>选中的匹配项的标准答案显示在这里。</translation>
    </message>
    <message>
        <source>The top two hold the same similar question (see the data doctor): let an agent pick one.</source>
        <translation>前两个标准问含有相同的相似问（见数据诊断）：请人工选择其一。</translation>
    </message>
    <message>
        <source>Type a consumer question, e.g. 扫地机吸力变小了怎么办</source>
        <translation>输入一个顾客问题，例如：扫地机吸力变小了怎么办</translation>
    </message>
    <message>
        <source>Type a question above: the shop&apos;s standard questions that match it appear here, best first.</source>
        <translation>在上方输入一个问题：匹配的标准问会按相似度从高到低显示在这里。</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待输入</translation>
    </message>
    <message>
        <source>test set: {n} questions, {none} that match nothing</source>
        <translation>测试集：{n} 个问题，其中 {none} 个不匹配任何标准问</translation>
    </message>
    <message>
        <source>{ms:.1f} ms · model v{version}</source>
        <translation>{ms:.1f} 毫秒 · 模型 v{version}</translation>
    </message>
</context>
<context>
    <name>LlmForm</name>
    <message>
        <source>A key is stored for this provider.</source>
        <translation>已为此服务商保存了密钥。</translation>
    </message>
    <message>
        <source>A local server (Ollama, vLLM on this computer) needs no key.</source>
        <translation>本机的服务（Ollama、vLLM）不需要密钥。</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>接口地址</translation>
    </message>
    <message>
        <source>In the system keyring, or else in a file only you can read</source>
        <translation>保存在系统钥匙串中；没有钥匙串时保存在只有你能读取的文件里</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Other OpenAI-compatible API</source>
        <translation>其他兼容 OpenAI 的接口</translation>
    </message>
    <message>
        <source>Paraphrases per request</source>
        <translation>每次请求的问法数</translation>
    </message>
    <message>
        <source>Per standard question</source>
        <translation>每个标准问</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Remember</source>
        <translation>记住</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>并发请求数</translation>
    </message>
    <message>
        <source>You confirm which provider receives how many questions before the first request. A cancelled or failed run keeps what arrived; run again to continue.</source>
        <translation>发出第一个请求前，你会确认把多少个问题发给哪个服务商。取消或失败的运行会保留已收到的结果；再次运行即可继续。</translation>
    </message>
    <message>
        <source>custom API at {url}</source>
        <translation>自定义接口 {url}</translation>
    </message>
    <message>
        <source>paste the provider&apos;s API key</source>
        <translation>粘贴服务商的 API 密钥</translation>
    </message>
    <message>
        <source>stored key {key}: leave empty to use it</source>
        <translation>已保存密钥 {key}：留空即使用它</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n edit(s) since this model was made</source>
        <translation>
            <numerusform>此模型生成后有 %n 处修改</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Shop</source>
        <translation>店铺(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;StandardQ {version}&lt;/h3&gt;&lt;p&gt;Matches consumer questions to a shop&apos;s standard questions with a sentence encoder fine-tuned by an additive angular margin (ArcFace) loss.&lt;/p&gt;&lt;p&gt;Everything runs on this computer; no question leaves it.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;StandardQ {version}&lt;/h3&gt;&lt;p&gt;把顾客的问题匹配到店铺的标准问：句向量编码器经加性角度间隔损失（ArcFace）微调。&lt;/p&gt;&lt;p&gt;所有计算都在本机完成，问题不会离开这台电脑。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>A retrain is running. Cancel it and close? The current model stays active.</source>
        <translation>正在训练模型。取消训练并关闭吗？当前模型保持不变。</translation>
    </message>
    <message>
        <source>A retrain is running. Cancel it or wait for it to end first.</source>
        <translation>正在训练模型。请先取消或等待训练结束。</translation>
    </message>
    <message>
        <source>About StandardQ</source>
        <translation>关于 StandardQ</translation>
    </message>
    <message>
        <source>Create a shop, then add or import its standard questions and the ways customers ask them. Or open the demo shop to look around.</source>
        <translation>先新建一个店铺，再添加或导入它的标准问，以及顾客的各种问法（相似问）。也可以打开演示店铺先看看。</translation>
    </message>
    <message>
        <source>Delete question…</source>
        <translation>删除标准问…</translation>
    </message>
    <message>
        <source>Delete shop</source>
        <translation>删除店铺</translation>
    </message>
    <message>
        <source>Demo shop</source>
        <translation>演示店铺</translation>
    </message>
    <message>
        <source>Duplicate question</source>
        <translation>复制标准问</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Fine-tune the model on the shop&apos;s questions</source>
        <translation>用本店的问题微调模型</translation>
    </message>
    <message>
        <source>Generate similar questions with rules or an LLM, for review</source>
        <translation>用规则或大模型生成相似问，审核后使用</translation>
    </message>
    <message>
        <source>Generate similar questions…</source>
        <translation>生成相似问…</translation>
    </message>
    <message>
        <source>Generation running</source>
        <translation>正在生成</translation>
    </message>
    <message>
        <source>Imported: {sq} standard and {sim} similar questions added</source>
        <translation>导入完成：新增 {sq} 个标准问、{sim} 个相似问</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message numerus="yes">
        <source>Model out of date: %n edit(s) since training</source>
        <translation>
            <numerusform>模型待更新：训练后有 %n 处修改</numerusform>
        </translation>
    </message>
    <message>
        <source>Model up to date (v{id})</source>
        <translation>模型已是最新（v{id}）</translation>
    </message>
    <message>
        <source>Model versions…</source>
        <translation>模型版本…</translation>
    </message>
    <message>
        <source>New and edited questions are already matched; retrain to fine-tune on them.</source>
        <translation>新增和修改的问题已可匹配；重新训练可让模型从中学习。</translation>
    </message>
    <message>
        <source>New shop…</source>
        <translation>新建店铺…</translation>
    </message>
    <message>
        <source>New standard question</source>
        <translation>新建标准问</translation>
    </message>
    <message>
        <source>No model yet</source>
        <translation>尚无模型</translation>
    </message>
    <message>
        <source>Open the demo shop</source>
        <translation>打开演示店铺</translation>
    </message>
    <message>
        <source>Open the review queue</source>
        <translation>打开审核队列</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>问题编辑</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Retrain running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Review queue…</source>
        <translation>审核队列…</translation>
    </message>
    <message>
        <source>Statistics…</source>
        <translation>统计…</translation>
    </message>
    <message>
        <source>Stop generating and close? What arrived so far is kept.</source>
        <translation>停止生成并关闭吗？已生成的内容会保留。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>The untuned base model is prepared in the background once the shop is open.</source>
        <translation>打开店铺后，会在后台准备未微调的基础模型。</translation>
    </message>
    <message>
        <source>Training settings…</source>
        <translation>训练设置…</translation>
    </message>
    <message>
        <source>Untuned base model · retrain to fine-tune</source>
        <translation>未微调的基础模型 · 建议训练</translation>
    </message>
    <message>
        <source>Welcome to StandardQ</source>
        <translation>欢迎使用 StandardQ</translation>
    </message>
    <message>
        <source>{n} to review</source>
        <translation>{n} 条待审核</translation>
    </message>
    <message>
        <source>{sq} standard questions · {sim} similar questions</source>
        <translation>{sq} 个标准问 · {sim} 个相似问</translation>
    </message>
</context>
<context>
    <name>MatchTableModel</name>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
</context>
<context>
    <name>MemberModel</name>
    <message>
        <source>Last asked</source>
        <translation>最近提问</translation>
    </message>
    <message>
        <source>Not matched {a} times, only suggested {b} times, answered but marked unhelpful or answered with another question {c} times</source>
        <translation>未匹配 {a} 次，仅建议 {b} 次，已回答但被标为没帮助或应答另一标准问 {c} 次</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>问法</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Why here</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>no match</source>
        <translation>未匹配</translation>
    </message>
    <message>
        <source>suggested</source>
        <translation>仅建议</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>a shop named “{text}” already exists</source>
        <translation>已有名为“{text}”的店铺</translation>
    </message>
    <message>
        <source>row {row}: </source>
        <translation>第 {row} 行：</translation>
    </message>
    <message>
        <source>the question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>the shop name is empty</source>
        <translation>店铺名称不能为空</translation>
    </message>
    <message>
        <source>the similar question</source>
        <translation>相似问</translation>
    </message>
    <message>
        <source>the standard question</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>{what} is empty</source>
        <translation>{what}不能为空</translation>
    </message>
    <message>
        <source>{what} is {n} characters long; the limit is {limit}</source>
        <translation>{what}长 {n} 个字，最多 {limit} 个字</translation>
    </message>
    <message>
        <source>“{text}” is already a similar question of “{other}”</source>
        <translation>“{text}”已经是“{other}”的相似问</translation>
    </message>
    <message>
        <source>“{text}” is already the standard question “{other}”</source>
        <translation>“{text}”已经是标准问“{other}”</translation>
    </message>
    <message>
        <source>“{text}” is the same as its own standard question</source>
        <translation>“{text}”与它所属的标准问相同</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>……另有 {n} 条</translation>
    </message>
</context>
<context>
    <name>ModelSummary</name>
    <message>
        <source> · leave-one-out top-1 {acc}</source>
        <translation> · 留一法 Top-1 {acc}</translation>
    </message>
    <message>
        <source> · validation top-1 {acc}</source>
        <translation> · 验证 Top-1 {acc}</translation>
    </message>
    <message numerus="yes">
        <source>%n edit(s) since this model was trained (new questions are matched already; a retrain learns from them).</source>
        <translation>
            <numerusform>此模型训练后有 %n 处修改（新问题已可匹配；重新训练可从中学习）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n similar question(s) came from the inbox since this model was trained: matched already, learnt by the next retrain.</source>
        <translation>
            <numerusform>自这个模型训练以来，有 %n 条相似问来自收件箱：已经参与匹配，下次训练时学习。</numerusform>
        </translation>
    </message>
    <message>
        <source>Active model: &lt;b&gt;v{id}&lt;/b&gt; · {kind}{acc}</source>
        <translation>当前模型：&lt;b&gt;v{id}&lt;/b&gt; · {kind}{acc}</translation>
    </message>
    <message>
        <source>No model yet: the base encoder answers once the shop is opened in the query test; retrain to fine-tune it on this shop.</source>
        <translation>还没有模型：在问答测试中打开店铺后由基础编码器回答；重新训练即可针对本店微调。</translation>
    </message>
    <message>
        <source>No shop selected.</source>
        <translation>未选择店铺。</translation>
    </message>
    <message>
        <source>Not fine-tuned yet: a retrain usually improves accuracy a lot.</source>
        <translation>尚未微调：重新训练通常能大幅提升准确率。</translation>
    </message>
    <message>
        <source>Up to date with the shop&apos;s questions.</source>
        <translation>与店铺问题保持同步。</translation>
    </message>
    <message>
        <source>fine-tuned with {loss}</source>
        <translation>{loss} 微调</translation>
    </message>
    <message>
        <source>untuned base encoder</source>
        <translation>未微调的基础编码器</translation>
    </message>
</context>
<context>
    <name>NearestModel</name>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
</context>
<context>
    <name>PendingModel</name>
    <message>
        <source>Generated similar question</source>
        <translation>生成的相似问</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
</context>
<context>
    <name>QueryPanel</name>
    <message>
        <source>, and ahead of the nearest known off-topic message by {g:.2f}</source>
        <translation>，并领先最近的已知无关消息至少 {g:.2f}</translation>
    </message>
    <message>
        <source>; the bars span {lo:.2f} to 1.00</source>
        <translation>；相似度条的范围是 {lo:.2f} 到 1.00</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>直接回答</translation>
    </message>
    <message>
        <source>Answered outright: the score at least the answer threshold, the best standard question ahead of the second by the lead</source>
        <translation>直接回答的条件：相似度不低于直接回答阈值，最相似的标准问领先第二名至少“领先”值</translation>
    </message>
    <message>
        <source>Batch test</source>
        <translation>批量测试</translation>
    </message>
    <message>
        <source>Choose a shop</source>
        <translation>请选择店铺</translation>
    </message>
    <message>
        <source>Choose or create a shop to test its questions.</source>
        <translation>选择或新建一个店铺，即可测试它的问题。</translation>
    </message>
    <message>
        <source>Confident: reply with the standard answer.</source>
        <translation>置信度高：可直接回复标准答案。</translation>
    </message>
    <message>
        <source>Indexing the shop&apos;s questions…</source>
        <translation>正在为店铺的问题建立索引…</translation>
    </message>
    <message>
        <source>Live test</source>
        <translation>实时测试</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Model not available</source>
        <translation>模型不可用</translation>
    </message>
    <message>
        <source>Model v{id}</source>
        <translation>模型 v{id}</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>No questions yet</source>
        <translation>还没有问题</translation>
    </message>
    <message>
        <source>No standard question fits: hand it to an agent.</source>
        <translation>没有合适的标准问：转人工处理。</translation>
    </message>
    <message>
        <source>Preparing the base model (first run only, about a minute)…</source>
        <translation>正在准备基础模型（仅首次运行，约一分钟）…</translation>
    </message>
    <message>
        <source>Probably one of these: let an agent confirm.</source>
        <translation>可能是以下问题之一：请人工确认。</translation>
    </message>
    <message>
        <source>Query test</source>
        <translation>问答测试</translation>
    </message>
    <message>
        <source>Suggest</source>
        <translation>建议确认</translation>
    </message>
    <message>
        <source>The model could not be loaded:</source>
        <translation>模型加载失败：</translation>
    </message>
    <message>
        <source>This shop has no enabled standard questions yet: import or add some, then test them here.</source>
        <translation>这个店铺还没有启用的标准问：先导入或添加一些，再来这里测试。</translation>
    </message>
    <message>
        <source>Thresholds of this model version</source>
        <translation>当前模型版本的阈值</translation>
    </message>
    <message>
        <source>Thresholds set by hand</source>
        <translation>阈值为手动设置</translation>
    </message>
    <message>
        <source>answer ≥ {t:.3f}</source>
        <translation>直接回答 ≥ {t:.3f}</translation>
    </message>
    <message>
        <source>fine-tuned ({loss})</source>
        <translation>已微调（{loss}）</translation>
    </message>
    <message>
        <source>lead ≥ {m:.2f}</source>
        <translation>领先 ≥ {m:.2f}</translation>
    </message>
    <message>
        <source>suggest ≥ {t:.3f}</source>
        <translation>建议确认 ≥ {t:.3f}</translation>
    </message>
    <message>
        <source>untuned base encoder</source>
        <translation>未微调的基础编码器</translation>
    </message>
</context>
<context>
    <name>QuestionDelegate</name>
    <message>
        <source>Uncategorised</source>
        <translation>未分类</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
</context>
<context>
    <name>QuestionForm</name>
    <message>
        <source>A disabled question stays in the list but is never matched</source>
        <translation>停用的问题仍保留在列表中，但不会被匹配</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>Changes not saved</source>
        <translation>修改未保存</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用（参与匹配）</translation>
    </message>
    <message>
        <source>ID {id} · updated {when}</source>
        <translation>ID {id} · 更新于 {when}</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Pick or type a category</source>
        <translation>选择或输入类目</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>The reply the customer service gives</source>
        <translation>客服的标准回复</translation>
    </message>
    <message>
        <source>e.g. 扫地机器人吸力变小了怎么办</source>
        <translation>例如：扫地机器人吸力变小了怎么办</translation>
    </message>
</context>
<context>
    <name>QuestionList</name>
    <message>
        <source> (copy {n})</source>
        <translation>（副本 {n}）</translation>
    </message>
    <message>
        <source> (copy)</source>
        <translation>（副本）</translation>
    </message>
    <message numerus="yes">
        <source>%n question(s)</source>
        <translation>
            <numerusform>共 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类目</translation>
    </message>
    <message>
        <source>By text</source>
        <translation>按标准问排序</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete question</source>
        <translation>删除标准问</translation>
    </message>
    <message>
        <source>Delete the selected question (Del)</source>
        <translation>删除选中的标准问（Del）</translation>
    </message>
    <message numerus="yes">
        <source>Delete the standard question “{text}” and its %n similar question(s)?</source>
        <translation>
            <numerusform>删除标准问“{text}”及其 %n 个相似问吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete the standard question “{text}”?</source>
        <translation>删除标准问“{text}”吗？</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Fewest similar first</source>
        <translation>相似问少的在前</translation>
    </message>
    <message>
        <source>Most similar first</source>
        <translation>相似问多的在前</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>New standard question</source>
        <translation>新建标准问</translation>
    </message>
    <message>
        <source>New standard question (Ctrl+N)</source>
        <translation>新建标准问（Ctrl+N）</translation>
    </message>
    <message>
        <source>No shop selected.</source>
        <translation>未选择店铺。</translation>
    </message>
    <message>
        <source>No standard questions yet.
Add one with New, or import a file.</source>
        <translation>还没有标准问。
点“新建”添加，或从文件导入。</translation>
    </message>
    <message>
        <source>Not added</source>
        <translation>未添加</translation>
    </message>
    <message>
        <source>Not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <source>Not renamed</source>
        <translation>未能改名</translation>
    </message>
    <message>
        <source>Order added</source>
        <translation>按添加顺序</translation>
    </message>
    <message>
        <source>Order of the list</source>
        <translation>列表排序</translation>
    </message>
    <message>
        <source>Search questions or categories  (Ctrl+F)</source>
        <translation>搜索标准问或类目（Ctrl+F）</translation>
    </message>
    <message>
        <source>The question, as the shop would phrase it:</source>
        <translation>标准问（店铺的规范问法）：</translation>
    </message>
    <message>
        <source>Uncategorised</source>
        <translation>未分类</translation>
    </message>
    <message>
        <source>{shown} of {n}</source>
        <translation>{shown} / {n} 个</translation>
    </message>
</context>
<context>
    <name>QuestionPicker</name>
    <message>
        <source>Choose a standard question</source>
        <translation>选择标准问</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
</context>
<context>
    <name>ReportCurves</name>
    <message>
        <source>No report yet.</source>
        <translation>还没有报告。</translation>
    </message>
    <message>
        <source>Precision against coverage (answer threshold swept)</source>
        <translation>精确率与覆盖率（调整回答阈值）</translation>
    </message>
    <message>
        <source>Top-1 scores</source>
        <translation>Top-1 分数</translation>
    </message>
    <message>
        <source>answered questions right (%)</source>
        <translation>直接回答的正确率（%）</translation>
    </message>
    <message>
        <source>best wrong standard question</source>
        <translation>最高的错误标准问</translation>
    </message>
    <message>
        <source>cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>in-scope questions answered (%)</source>
        <translation>被直接回答的范围内问题（%）</translation>
    </message>
    <message>
        <source>pyqtgraph is not installed: no plots.</source>
        <translation>未安装 pyqtgraph：无法绘图。</translation>
    </message>
    <message>
        <source>questions</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>right match</source>
        <translation>正确匹配</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>“none” questions</source>
        <translation>“无匹配”问题</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message numerus="yes">
        <source>%n in-scope question(s) from {origin}; {cal} “none” questions to calibrate the thresholds and {rep} others to measure them</source>
        <translation>
            <numerusform>%n 个范围内问题，来自{origin}；{cal} 个“无匹配”问题用于校准阈值，另 {rep} 个用于衡量</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n of those “none” question(s) come from the built-in set</source>
        <translation>
            <numerusform>；这些“无匹配”问题中有 %n 个来自内置集合</numerusform>
        </translation>
    </message>
    <message>
        <source>Answer when top-1 ≥</source>
        <translation>直接回答：Top-1 ≥</translation>
    </message>
    <message>
        <source>Back to calibrated</source>
        <translation>恢复校准值</translation>
    </message>
    <message>
        <source>Calibrate for the traffic</source>
        <translation>按流量重新校准</translation>
    </message>
    <message>
        <source>Calibrate the thresholds of the active model again, for the mix of questions and off-topic messages the query log shows now (after working through the inbox). No retraining.</source>
        <translation>按查询日志当前显示的店内问题与无关消息的比例（处理完收件箱之后），重新校准当前模型的阈值。无需重新训练。</translation>
    </message>
    <message>
        <source>Calibrated: answer ≥ {a} with a lead of ≥ {m}, suggest ≥ {s}. On the measuring half, answered questions are right {p} of the time; {c} of in-scope questions are answered and {n} of the “none” ones.</source>
        <translation>校准结果：Top-1 ≥ {a} 且领先 ≥ {m} 时直接回答，≥ {s} 时建议确认。在衡量用的一半上，直接回答的正确率为 {p}；范围内问题有 {c} 被直接回答，“无匹配”问题有 {n} 被直接回答。</translation>
    </message>
    <message>
        <source>Calibrating…</source>
        <translation>正在校准…</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>立即检查</translation>
    </message>
    <message>
        <source>Checking the data…</source>
        <translation>正在检查数据…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Data doctor</source>
        <translation>数据诊断</translation>
    </message>
    <message>
        <source>Decision thresholds</source>
        <translation>决策阈值</translation>
    </message>
    <message>
        <source>Double-click to open the standard question</source>
        <translation>双击打开这个标准问</translation>
    </message>
    <message>
        <source>Evaluate now</source>
        <translation>立即评估</translation>
    </message>
    <message>
        <source>Evaluated against the current questions; the stored report of the version is unchanged.</source>
        <translation>已用当前的问题评估；这个版本保存的报告未改变。</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>Evaluation report — {shop}</source>
        <translation>评估报告 — {shop}</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>期望标准问</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <source>Held-out questions, scored against each standard question&apos;s best entry (what queries use) and against the centroid of its entries:</source>
        <translation>留出问题的成绩：按每个标准问最相似的条目评分（查询时用的方式），以及按其条目的中心评分：</translation>
    </message>
    <message>
        <source>In use (edit to set them by hand):</source>
        <translation>当前使用（修改即为手动设置）：</translation>
    </message>
    <message>
        <source>MRR</source>
        <translation>MRR</translation>
    </message>
    <message>
        <source>Matched instead</source>
        <translation>实际匹配到</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model v{id}</source>
        <translation>模型 v{id}</translation>
    </message>
    <message>
        <source>More similar questions (or fewer overlapping standard questions) would help; or set the thresholds by hand below.</source>
        <translation>增加相似问（或减少相互重叠的标准问）会有帮助；也可以在下方手动设置阈值。</translation>
    </message>
    <message>
        <source>Most confused: the held-out question belonged to the first, and matched the second:</source>
        <translation>最常混淆：留出问题属于前者，却匹配到了后者：</translation>
    </message>
    <message>
        <source>Most wrong answers are held-out questions given another standard question: more similar questions (or fewer overlapping standard questions, see the Standard questions tab) would help; or set the thresholds by hand below.</source>
        <translation>答错的大多是留出问题被匹配到了别的标准问：增加相似问（或减少相互重叠的标准问，见“标准问”页）会有帮助；也可以在下方手动设置阈值。</translation>
    </message>
    <message>
        <source>No model yet</source>
        <translation>尚无模型</translation>
    </message>
    <message>
        <source>No standard question was added since training (Evaluate now after adding some scores them as the open set).</source>
        <translation>训练后没有新增标准问（新增后点击“立即评估”，会把它们作为开放集评分）。</translation>
    </message>
    <message>
        <source>Not checked yet: click Check now.</source>
        <translation>尚未检查：请点击“立即检查”。</translation>
    </message>
    <message>
        <source>Off-topic messages these thresholds would answer: {m}</source>
        <translation>这些阈值会直接回答的无关消息：{m}</translation>
    </message>
    <message>
        <source>Per standard question (top-1 of the held-out questions); double-click to open it:</source>
        <translation>每个标准问的成绩（留出问题的 Top-1）；双击可打开它：</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Precision target {t} not reached while answering at least {c} of in-scope questions: at that coverage, answered questions are right {p} of the time ({b} at the least, with 90% confidence).</source>
        <translation>在至少回答 {c} 的范围内问题时未达到精确率目标 {t}：此覆盖率下，直接回答的问题正确率为 {p}（90% 置信下至少 {b}）。</translation>
    </message>
    <message>
        <source>Queries use the calibrated thresholds.</source>
        <translation>查询使用校准后的阈值。</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Recompute the report against the current questions: standard questions added since training are scored as the open set.</source>
        <translation>用当前的问题重新计算报告：训练后新增的标准问会作为开放集评分。</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>评分方式</translation>
    </message>
    <message>
        <source>Set by hand: {keys}. Queries use these.</source>
        <translation>手动设置：{keys}。查询使用这些阈值。</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>Standard questions</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>Standard questions added after training ({n}, {q} questions): top-1 {parts}.</source>
        <translation>训练后新增的标准问（{n} 个，{q} 个问题）：Top-1 {parts}。</translation>
    </message>
    <message>
        <source>Suggest when top-1 ≥</source>
        <translation>建议确认：Top-1 ≥</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>The thresholds are calibrated for {r} off-topic messages per in-scope one, measured on this shop&apos;s {n} logged consumer messages of the last {d} days ({k} of them neither answered nor confirmed in the inbox).</source>
        <translation>阈值按每条店内问题伴随 {r} 条无关消息校准，这个比例是在本店最近 {d} 天记录的 {n} 条顾客消息上测得的（其中 {k} 条既未被回答，也未在收件箱中确认）。</translation>
    </message>
    <message>
        <source>This version has no evaluation report (it was made before reports existed): click Evaluate now.</source>
        <translation>这个版本没有评估报告（它生成于报告功能之前）：请点击“立即评估”。</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Thresholds calibrated again and stored with the version; queries use them now.</source>
        <translation>阈值已重新校准并随版本保存；查询立即使用新阈值。</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Top-3</source>
        <translation>Top-3</translation>
    </message>
    <message>
        <source>Use these thresholds</source>
        <translation>使用这些阈值</translation>
    </message>
    <message>
        <source>With {r} off-topic messages for each in-scope one, as in real chat traffic, answers would be right {p} of the time.</source>
        <translation>若每条店内问题伴随 {r} 条无关消息（真实聊天流量的情形），回答的正确率为 {p}。</translation>
    </message>
    <message>
        <source>best entry</source>
        <translation>最佳条目</translation>
    </message>
    <message>
        <source>centroid</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>fine-tuned</source>
        <translation>微调后</translation>
    </message>
    <message>
        <source>leave-one-out on similar questions</source>
        <translation>相似问留一法</translation>
    </message>
    <message>
        <source>note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>the shop&apos;s test questions</source>
        <translation>店铺的测试问题</translation>
    </message>
    <message>
        <source>the validation split (held out of training)</source>
        <translation>验证集（未参与训练）</translation>
    </message>
    <message>
        <source>untuned base</source>
        <translation>未微调</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>{p} problems, {w} warnings, {i} notes, from the check before this version was trained (or Check now). Fix the problems first: they teach the model contradictions.</source>
        <translation>{p} 个问题、{w} 个警告、{i} 个提示，来自训练这个版本之前的检查（或“立即检查”）。请先修正问题：它们会让模型学到自相矛盾的东西。</translation>
    </message>
    <message>
        <source>{s} of the wrong answers would be off-topic messages. Mark those your shop receives as matching nothing (the inbox); add any of these that are your shop&apos;s business as similar questions; once the log holds your traffic, calibrate for it; or set the thresholds by hand below.</source>
        <translation>答错的回答中有 {s} 会是无关消息。把店铺收到的这类消息标为“不匹配任何问题”（收件箱）；其中属于本店业务的，加为相似问；日志积累了店铺的真实流量后，按流量校准；也可以在下方手动设置阈值。</translation>
    </message>
    <message>
        <source>{texts} belong to {n} standard questions: {standards}; queries that match them are suggested, not answered</source>
        <translation>{texts} 同时属于 {n} 个标准问：{standards}；与之匹配的问题只作建议，不直接回答</translation>
    </message>
    <message>
        <source>“{a}” (of “{a_standard}”) and “{b}” (of “{b_standard}”) are nearly the same (cosine {cosine:.3f})</source>
        <translation>“{a}”（属于“{a_standard}”）与“{b}”（属于“{b_standard}”）几乎相同（余弦 {cosine:.3f}）</translation>
    </message>
    <message>
        <source>“{a}” and “{b}” are very close (centroid cosine {cosine:.3f}): the same question, or in need of more distinct similar questions</source>
        <translation>“{a}”与“{b}”非常接近（中心余弦 {cosine:.3f}）：可能是同一个问题，或需要更有区分度的相似问</translation>
    </message>
    <message>
        <source>“{standard}” draws off-topic messages: {n} of {total} known ones land on it at {score:.2f} or more, e.g. {examples}; give it sharper similar questions and mark such messages as matching nothing</source>
        <translation>“{standard}”吸引无关消息：{total} 条已知无关消息中有 {n} 条落在它上面，得分 ≥ {score:.2f}，例如 {examples}；请为它补充更明确的相似问，并把这类消息标记为“不匹配任何问题”</translation>
    </message>
    <message>
        <source>“{standard}” has {n} similar questions; {min} or more train it well</source>
        <translation>“{standard}”只有 {n} 个相似问；{min} 个以上才能训练好</translation>
    </message>
    <message>
        <source>“{text}” is far from the main sub-centre of “{own}” (sub-center ArcFace)</source>
        <translation>“{text}”远离“{own}”的主子中心（sub-center ArcFace）</translation>
    </message>
    <message>
        <source>“{text}” sits closer to “{other}” than to its own standard question “{own}” (by {gap:.3f})</source>
        <translation>“{text}”离“{other}”比离它自己的标准问“{own}”更近（相差 {gap:.3f}）</translation>
    </message>
    <message>
        <source>…and leads the second by ≥</source>
        <translation>…且领先第二名 ≥</translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>Model v{id} is active</source>
        <translation>模型 v{id} 已启用</translation>
    </message>
    <message>
        <source>Not measured: the shop has too few similar questions to hold some out for validation.</source>
        <translation>未测量：店铺的相似问太少，无法留出一部分做验证。</translation>
    </message>
    <message>
        <source>Time taken</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Top-1 after</source>
        <translation>微调后 Top-1</translation>
    </message>
    <message>
        <source>Top-1 before</source>
        <translation>微调前 Top-1</translation>
    </message>
    <message>
        <source>Validation top-1 {before} → {after} ({delta:+.1f} points) on questions held out from training.</source>
        <translation>验证集 Top-1：{before} → {after}（{delta:+.1f} 个百分点），验证问题未参与训练。</translation>
    </message>
</context>
<context>
    <name>RetrainPanel</name>
    <message>
        <source>Accuracy on held-out questions, the decision thresholds, and the data doctor&apos;s findings</source>
        <translation>留出问题上的准确率、决策阈值，以及数据诊断的发现</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Cancelling… (the current model stays active)</source>
        <translation>正在取消…（当前模型保持启用）</translation>
    </message>
    <message>
        <source>Cannot retrain</source>
        <translation>无法训练</translation>
    </message>
    <message>
        <source>Cannot retrain yet</source>
        <translation>暂时无法训练</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Fine-tune the encoder on this shop&apos;s questions, then export, index and activate the new model. The current model keeps answering until the new one is ready.</source>
        <translation>用本店的问题微调编码器，然后导出、建索引并启用新模型。新模型就绪之前，当前模型照常回答。</translation>
    </message>
    <message>
        <source>Finished in {t}</source>
        <translation>用时 {t}</translation>
    </message>
    <message>
        <source>Model training</source>
        <translation>模型训练</translation>
    </message>
    <message>
        <source>Nothing changed: the previous model is still active.</source>
        <translation>没有任何改动：原来的模型仍在使用。</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Retrain cancelled</source>
        <translation>训练已取消</translation>
    </message>
    <message>
        <source>Retrain failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>Retraining…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>The training settings are invalid</source>
        <translation>训练设置无效</translation>
    </message>
    <message>
        <source>Training needs at least 2 enabled standard questions.</source>
        <translation>训练至少需要 2 个启用的标准问。</translation>
    </message>
    <message>
        <source>Training · step {done} / {total}</source>
        <translation>训练中 · 第 {done} / {total} 步</translation>
    </message>
    <message>
        <source>Versions…</source>
        <translation>版本…</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>done: model v{id} active</source>
        <translation>完成：模型 v{id} 已启用</translation>
    </message>
    <message>
        <source>failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <source>retrain started</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>stage: {name}</source>
        <translation>阶段：{name}</translation>
    </message>
    <message>
        <source>{error}
The previous model is still active. The details are in the log.</source>
        <translation>{error}
原来的模型仍在使用。详细信息见日志。</translation>
    </message>
    <message>
        <source>{error}. Open Settings… to fix them.</source>
        <translation>{error}。请打开“设置…”修改。</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
</context>
<context>
    <name>RetrainProgress</name>
    <message>
        <source> · about {eta} left</source>
        <translation> · 预计还需 {eta}</translation>
    </message>
    <message>
        <source> · almost done</source>
        <translation> · 即将完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Elapsed {elapsed}</source>
        <translation>已用 {elapsed}</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Accept</source>
        <translation>采纳</translation>
    </message>
    <message>
        <source>Accept all of this standard question</source>
        <translation>采纳该标准问的全部</translation>
    </message>
    <message>
        <source>Accept all shown</source>
        <translation>采纳显示的全部</translation>
    </message>
    <message>
        <source>Accept selected</source>
        <translation>采纳选中</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Generated questions wait here. Accept the ones that mean exactly what their standard question means; only accepted ones are matched and train the model.</source>
        <translation>生成的问法在这里等待审核。请采纳与标准问意思完全相同的问法；只有采纳的才会参与匹配和训练。</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>未修改</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Reject all of this standard question</source>
        <translation>拒绝该标准问的全部</translation>
    </message>
    <message>
        <source>Reject all shown</source>
        <translation>拒绝显示的全部</translation>
    </message>
    <message>
        <source>Reject selected</source>
        <translation>拒绝选中</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <source>Review queue — {shop}</source>
        <translation>审核队列 — {shop}</translation>
    </message>
    <message>
        <source>Search standard or similar questions</source>
        <translation>搜索标准问或相似问</translation>
    </message>
    <message>
        <source>{n} pending · {shown} shown</source>
        <translation>共 {n} 条待审核 · 显示 {shown} 条</translation>
    </message>
    <message numerus="yes">
        <source>{verb} all %n shown similar question(s)?</source>
        <translation>
            <numerusform>{verb}显示的全部 %n 条相似问吗？</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunLog</name>
    <message>
        <source>Details</source>
        <translation>详细日志</translation>
    </message>
</context>
<context>
    <name>ServeSwitch</name>
    <message numerus="yes">
        <source>%n request(s) since the server started</source>
        <translation>
            <numerusform>服务启动以来共 %n 次请求</numerusform>
        </translation>
    </message>
    <message>
        <source>API port</source>
        <translation>接口端口</translation>
    </message>
    <message>
        <source>Copy API token</source>
        <translation>复制 API 令牌</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <source>Copy the API token (Authorization: Bearer &lt;token&gt;)</source>
        <translation>复制 API 令牌（Authorization: Bearer &lt;令牌&gt;）</translation>
    </message>
    <message>
        <source>Keep serving after StandardQ closes</source>
        <translation>关闭 StandardQ 后继续提供服务</translation>
    </message>
    <message>
        <source>Open the API page (/docs)</source>
        <translation>打开接口文档页（/docs）</translation>
    </message>
    <message>
        <source>Port (1–65535):</source>
        <translation>端口（1–65535）：</translation>
    </message>
    <message>
        <source>Port {port} is in use by another program</source>
        <translation>端口 {port} 已被其他程序占用</translation>
    </message>
    <message>
        <source>Port {port} is in use: StandardQ is already serving there</source>
        <translation>端口 {port} 已被占用：StandardQ 已在该端口提供服务</translation>
    </message>
    <message>
        <source>Port…</source>
        <translation>端口…</translation>
    </message>
    <message>
        <source>Serve API</source>
        <translation>开启接口</translation>
    </message>
    <message>
        <source>Serve the matching API to the shop&apos;s customer-service system</source>
        <translation>向店铺的客服系统提供匹配接口（API）</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>服务中</translation>
    </message>
    <message>
        <source>Serving (earlier session)</source>
        <translation>服务中（上次会话）</translation>
    </message>
    <message>
        <source>StandardQ is already serving on {address} (started outside this window)</source>
        <translation>StandardQ 已在 {address} 提供服务（在本窗口之外启动）</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>The API&apos;s address: POST /v1/shops/&lt;shop&gt;/query</source>
        <translation>接口地址：POST /v1/shops/&lt;店铺&gt;/query</translation>
    </message>
    <message>
        <source>The port the API listens on (127.0.0.1); saved for the next starts</source>
        <translation>接口监听的端口（127.0.0.1）；保存后用于以后每次启动</translation>
    </message>
    <message>
        <source>The server could not be started: {error}</source>
        <translation>服务无法启动：{error}</translation>
    </message>
    <message>
        <source>The server of the earlier session did not stop</source>
        <translation>上次会话的服务未能停止</translation>
    </message>
    <message>
        <source>The server stopped unexpectedly (exit code {code})</source>
        <translation>服务意外停止（退出码 {code}）</translation>
    </message>
    <message>
        <source>This server was not started by StandardQ&apos;s window: stop it where it was started</source>
        <translation>该服务不是由 StandardQ 窗口启动的：请在启动它的地方停止</translation>
    </message>
    <message>
        <source>token copied</source>
        <translation>令牌已复制</translation>
    </message>
    <message>
        <source>{n} requests/min</source>
        <translation>{n} 次请求/分钟</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source> rad</source>
        <translation> 弧度</translation>
    </message>
    <message>
        <source>A folder with a transformers model and its tokenizer</source>
        <translation>包含 transformers 模型和分词器的文件夹</translation>
    </message>
    <message>
        <source>A question must be this much closer (in cosine) to its own standard question&apos;s examples than to another&apos;s.</source>
        <translation>一个问题与本标准问样本的余弦相似度，必须比与其他标准问样本的高出这么多。</translation>
    </message>
    <message>
        <source>A sentence encoder saved with transformers (config.json, weights, tokenizer).</source>
        <translation>用 transformers 保存的句向量编码器（config.json、权重、分词器）。</translation>
    </message>
    <message>
        <source>Added to the angle of the right class: 0.2 rad (about 11°) is a good start; larger separates more but can slow learning.</source>
        <translation>加在正确类别的角度上：0.2 弧度（约 11°）是不错的起点；越大类别分得越开，但可能学得更慢。</translation>
    </message>
    <message>
        <source>ArcFace: additive angular margin (recommended)</source>
        <translation>ArcFace：加性角度间隔（推荐）</translation>
    </message>
    <message>
        <source>As ArcFace, with 3 sub-centres per standard question; similar questions far from the main one are listed as outliers.</source>
        <translation>与 ArcFace 相同，但每个标准问有 3 个子中心；远离主中心的相似问会被列为离群项。</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Base model folder</source>
        <translation>基础模型文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Bundled multilingual-e5-small</source>
        <translation>内置 multilingual-e5-small</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose the folder of the base model.</source>
        <translation>请选择基础模型所在的文件夹。</translation>
    </message>
    <message>
        <source>Contrastive (pairs)</source>
        <translation>Contrastive（样本对）</translation>
    </message>
    <message>
        <source>CosFace: additive cosine margin</source>
        <translation>CosFace：加性余弦间隔</translation>
    </message>
    <message>
        <source>Default: {m:g}.</source>
        <translation>默认：{m:g}。</translation>
    </message>
    <message>
        <source>Downloaded on the next retrain; needs a network connection.</source>
        <translation>下次训练时下载，需要联网。</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>Hugging Face model id</source>
        <translation>Hugging Face 模型 ID</translation>
    </message>
    <message>
        <source>Lifted structure (pairs)</source>
        <translation>Lifted structure（样本对）</translation>
    </message>
    <message>
        <source>Local folder</source>
        <translation>本地文件夹</translation>
    </message>
    <message>
        <source>Logit scale s: about 32 suits tens to hundreds of standard questions; raise it for thousands.</source>
        <translation>logit 缩放系数 s：约 32 适合几十到几百个标准问；上千个时可调高。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>Multi-similarity (pairs)</source>
        <translation>Multi-similarity（样本对）</translation>
    </message>
    <message>
        <source>Multiplies the angle of the right class: 2 is a strong margin already.</source>
        <translation>乘到正确类别的角度上：2 已经是很强的间隔。</translation>
    </message>
    <message>
        <source>N-pair (pairs)</source>
        <translation>N-pair（样本对）</translation>
    </message>
    <message>
        <source>Pairs of different standard questions are pushed below this cosine.</source>
        <translation>不同标准问的样本对会被推到这个余弦值以下。</translation>
    </message>
    <message>
        <source>Pairs of different standard questions are pushed beyond this distance.</source>
        <translation>不同标准问的样本对会被推到这个距离以外。</translation>
    </message>
    <message>
        <source>Passes over the similar questions. More can help small shops; the best epoch on held-out questions is kept.</source>
        <translation>遍历相似问的次数。小店铺可适当增加；最终保留验证效果最好的一轮。</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Ships with the app; works offline. Recommended.</source>
        <translation>随应用提供，无需联网。推荐。</translation>
    </message>
    <message>
        <source>Softmax: no margin (baseline)</source>
        <translation>Softmax：无间隔（基线）</translation>
    </message>
    <message>
        <source>SphereFace: multiplicative angular margin</source>
        <translation>SphereFace：乘性角度间隔</translation>
    </message>
    <message>
        <source>Sub-center ArcFace: tolerates noisy similar questions</source>
        <translation>Sub-center ArcFace：容忍有噪声的相似问</translation>
    </message>
    <message>
        <source>Subtracted from the cosine of the right class: 0.1 to 0.35.</source>
        <translation>从正确类别的余弦中减去：0.1 到 0.35。</translation>
    </message>
    <message>
        <source>The defaults suit most shops. A retrain uses these settings; the active model is not affected until the next retrain.</source>
        <translation>默认值适合大多数店铺。设置在下次训练时生效，不影响当前模型。</translation>
    </message>
    <message>
        <source>The folder “{path}” does not exist.</source>
        <translation>文件夹“{path}”不存在。</translation>
    </message>
    <message>
        <source>The folder “{path}” holds no transformers model (config.json is missing).</source>
        <translation>文件夹“{path}”中没有 transformers 模型（缺少 config.json）。</translation>
    </message>
    <message>
        <source>The stored settings are invalid ({error}); the defaults are shown. Save to replace them.</source>
        <translation>已保存的设置无效（{error}），当前显示默认值。保存即可覆盖。</translation>
    </message>
    <message>
        <source>This loss has no margin.</source>
        <translation>这种损失没有间隔参数。</translation>
    </message>
    <message>
        <source>Training settings — {shop}</source>
        <translation>训练设置 — {shop}</translation>
    </message>
    <message>
        <source>Triplet, semi-hard mining (pairs)</source>
        <translation>Triplet，半难样本挖掘（样本对）</translation>
    </message>
    <message>
        <source>“{spec}” is not a Hugging Face model id (like BAAI/bge-small-zh-v1.5).</source>
        <translation>“{spec}”不是 Hugging Face 模型 ID（格式如 BAAI/bge-small-zh-v1.5）。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language applies when StandardQ starts next time.</source>
        <translation>新的语言将在下次启动 StandardQ 时生效。</translation>
    </message>
</context>
<context>
    <name>ShopBar</name>
    <message>
        <source>Delete shop</source>
        <translation>删除店铺</translation>
    </message>
    <message>
        <source>Delete shop…</source>
        <translation>删除店铺…</translation>
    </message>
    <message>
        <source>Delete the shop “{name}” with its {n} standard questions, their similar questions and all its models? This cannot be undone.</source>
        <translation>删除店铺“{name}”及其 {n} 个标准问、所有相似问和模型吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>New shop</source>
        <translation>新建店铺</translation>
    </message>
    <message>
        <source>New shop…</source>
        <translation>新建店铺…</translation>
    </message>
    <message>
        <source>No shop yet</source>
        <translation>还没有店铺</translation>
    </message>
    <message>
        <source>Rename shop</source>
        <translation>重命名店铺</translation>
    </message>
    <message>
        <source>Rename shop…</source>
        <translation>重命名店铺…</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Shop name:</source>
        <translation>店铺名称：</translation>
    </message>
    <message>
        <source>Shop not created</source>
        <translation>未能新建店铺</translation>
    </message>
    <message>
        <source>Shop not deleted</source>
        <translation>未能删除店铺</translation>
    </message>
    <message>
        <source>Shop not renamed</source>
        <translation>未能重命名店铺</translation>
    </message>
    <message>
        <source>Switch shop</source>
        <translation>切换店铺</translation>
    </message>
</context>
<context>
    <name>SimilarTable</name>
    <message>
        <source> · {n} pending review</source>
        <translation> · {n} 条待审核</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>采纳</translation>
    </message>
    <message>
        <source>Accepted questions are used for matching and training</source>
        <translation>已采纳的相似问会参与匹配和训练</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add many similar questions</source>
        <translation>批量添加相似问</translation>
    </message>
    <message>
        <source>Add many…</source>
        <translation>批量添加…</translation>
    </message>
    <message>
        <source>Added {added} of {total}. These were left out:

{listed}</source>
        <translation>已添加 {added} / {total} 条。以下未添加：

{listed}</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete similar questions</source>
        <translation>删除相似问</translation>
    </message>
    <message>
        <source>Delete the similar question “{text}”?</source>
        <translation>删除相似问“{text}”吗？</translation>
    </message>
    <message>
        <source>Delete {n} similar questions?</source>
        <translation>删除 {n} 个相似问吗？</translation>
    </message>
    <message numerus="yes">
        <source>Move %n similar question(s) to:</source>
        <translation>
            <numerusform>把 %n 个相似问移动到：</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to…</source>
        <translation>移动到…</translation>
    </message>
    <message>
        <source>Not added</source>
        <translation>未添加</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>未修改</translation>
    </message>
    <message>
        <source>Not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <source>Not moved</source>
        <translation>未移动</translation>
    </message>
    <message>
        <source>One similar question per line</source>
        <translation>每行一个相似问</translation>
    </message>
    <message>
        <source>Paste or type one question per line. Lines that already belong to a question are listed and left out.</source>
        <translation>粘贴或输入，每行一个。已属于其他问题的行会被列出并跳过。</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Similar questions</source>
        <translation>相似问</translation>
    </message>
    <message>
        <source>Some lines were not added</source>
        <translation>部分未添加</translation>
    </message>
    <message>
        <source>Type a similar question and press Enter; pasting several lines adds them all</source>
        <translation>输入相似问后按回车添加；粘贴多行可一次全部添加</translation>
    </message>
    <message>
        <source>{n} in total</source>
        <translation>共 {n} 条</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>……另有 {n} 条</translation>
    </message>
</context>
<context>
    <name>SimilarTableModel</name>
    <message>
        <source>Similar question</source>
        <translation>相似问</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message numerus="yes">
        <source>%n queries since {since}</source>
        <translation>
            <numerusform>自 {since} 起共 %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>直接回答</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>被选中</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Hits per standard question</source>
        <translation>各标准问命中</translation>
    </message>
    <message>
        <source>Hits per standard question ({n})</source>
        <translation>各标准问命中（{n}）</translation>
    </message>
    <message>
        <source>Install pyqtgraph to see the daily plot.</source>
        <translation>安装 pyqtgraph 后可查看每日图表。</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Never hit</source>
        <translation>从未命中</translation>
    </message>
    <message>
        <source>Never hit ({n})</source>
        <translation>从未命中（{n}）</translation>
    </message>
    <message>
        <source>No questions were served for this shop in this period.

Start serving (the Serve switch in the status bar) to collect questions; your customer-service system then sends them to the API, and they show up here.</source>
        <translation>该时间范围内，本店铺还没有通过接口回答过问题。

开启服务（状态栏中的“开启接口”）即可开始收集问题：客服系统把消费者的问题发到接口后，就会显示在这里。</translation>
    </message>
    <message>
        <source>Not answered</source>
        <translation>未直接回答</translation>
    </message>
    <message>
        <source>Not answered ({n})</source>
        <translation>未直接回答（{n}）</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <source>Questions served for {shop}</source>
        <translation>{shop} 的接口问答</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Standard question</source>
        <translation>标准问</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Statistics — {shop}</source>
        <translation>统计 — {shop}</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>问题文本</translation>
    </message>
    <message>
        <source>The statistics could not be computed: {error}</source>
        <translation>无法计算统计：{error}</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>直接回答</translation>
    </message>
    <message>
        <source>feedback: helpful</source>
        <translation>反馈：有帮助</translation>
    </message>
    <message>
        <source>latency p50</source>
        <translation>延迟 p50</translation>
    </message>
    <message>
        <source>no match</source>
        <translation>未匹配</translation>
    </message>
    <message>
        <source>p99 {p99}</source>
        <translation>p99 {p99}</translation>
    </message>
    <message>
        <source>queries</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>queries per day</source>
        <translation>每日问题数</translation>
    </message>
    <message>
        <source>suggested</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>the first one</source>
        <translation>第一个问题</translation>
    </message>
    <message>
        <source>{n} not helpful</source>
        <translation>{n} 条没有帮助</translation>
    </message>
    <message>
        <source>{p} from the cache</source>
        <translation>{p} 来自缓存</translation>
    </message>
</context>
<context>
    <name>StepChips</name>
    <message>
        <source>Checking the data…</source>
        <translation>正在检查数据…</translation>
    </message>
    <message>
        <source>Checking the exported model…</source>
        <translation>正在校验导出的模型…</translation>
    </message>
    <message>
        <source>Comparing the int8 and float32 encoders…</source>
        <translation>正在比较 int8 与 float32 编码器…</translation>
    </message>
    <message>
        <source>Downloading the base model…</source>
        <translation>正在下载基础模型…</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Evaluating and calibrating the thresholds…</source>
        <translation>正在评估并校准阈值…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exporting to ONNX…</source>
        <translation>正在导出 ONNX…</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>Indexing the shop&apos;s questions…</source>
        <translation>正在为店铺的问题建立索引…</translation>
    </message>
    <message>
        <source>Prepare</source>
        <translation>准备</translation>
    </message>
    <message>
        <source>Preparing the untuned model for comparison…</source>
        <translation>正在准备未微调的模型用于对比…</translation>
    </message>
    <message>
        <source>Preparing: embedding the training questions…</source>
        <translation>准备中：正在编码训练问题…</translation>
    </message>
    <message>
        <source>Quantizing (int8)…</source>
        <translation>正在量化（int8）…</translation>
    </message>
    <message>
        <source>Rebuilding the base model (first run only)…</source>
        <translation>正在重建基础模型（仅首次运行）…</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
</context>
<context>
    <name>TrainingPlot</name>
    <message>
        <source>The training loss and the validation accuracy are plotted here during a retrain.</source>
        <translation>训练时，这里实时绘制训练损失和验证准确率。</translation>
    </message>
    <message>
        <source>before</source>
        <translation>微调前</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>训练步数</translation>
    </message>
    <message>
        <source>validation top-1</source>
        <translation>验证 Top-1</translation>
    </message>
    <message>
        <source>validation top-1 (%)</source>
        <translation>验证 Top-1（%）</translation>
    </message>
</context>
<context>
    <name>VersionsDialog</name>
    <message>
        <source>(leave-one-out)</source>
        <translation>（留一法）</translation>
    </message>
    <message>
        <source>A retrain is running: versions can be activated when it ends.</source>
        <translation>正在训练：训练结束后才能切换版本。</translation>
    </message>
    <message>
        <source>Activate selected version</source>
        <translation>启用所选版本</translation>
    </message>
    <message>
        <source>Activating v{id}: rebuilding its index from the current questions…</source>
        <translation>正在启用 v{id}：用当前问题重建索引…</translation>
    </message>
    <message>
        <source>Activation failed: {error}</source>
        <translation>启用失败：{error}</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Each retrain makes a new version; the files of the newest three are kept. Activating an older version rebuilds its index from the current questions.</source>
        <translation>每次训练生成一个新版本，保留最新三个版本的文件。启用旧版本时，会用当前的问题重建它的索引。</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Its files were removed to save space: it cannot be activated again.</source>
        <translation>为节省空间，其文件已清理，无法再次启用。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Model versions — {shop}</source>
        <translation>模型版本 — {shop}</translation>
    </message>
    <message>
        <source>Model v{id} is active.</source>
        <translation>模型 v{id} 已启用。</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>运行精度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Top-1 untuned</source>
        <translation>微调前 Top-1</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message numerus="yes">
        <source>held-out top-1 {t1}, top-3 {t3} (%n question(s); Report… has the rest)</source>
        <translation>
            <numerusform>留出问题 Top-1 {t1}，Top-3 {t3}（%n 个问题；详见“报告…”）</numerusform>
        </translation>
    </message>
    <message>
        <source>indexing</source>
        <translation>建索引中</translation>
    </message>
    <message>
        <source>leave-one-out top-1 on similar questions: {x}</source>
        <translation>相似问留一法 Top-1：{x}</translation>
    </message>
    <message>
        <source>loss {loss}, {epochs} epochs, margin {margin}, scale {scale}</source>
        <translation>损失函数 {loss}，{epochs} 轮，间隔 {margin}，缩放 {scale}</translation>
    </message>
    <message>
        <source>none (untuned)</source>
        <translation>无（未微调）</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>已清理</translation>
    </message>
    <message>
        <source>thresholds: answer ≥ {a}, suggest ≥ {s}</source>
        <translation>阈值：直接回答 ≥ {a}，建议确认 ≥ {s}</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>validation top-1: untuned {u}, float32 {f}, int8 {i}</source>
        <translation>验证 Top-1：微调前 {u}，float32 {f}，int8 {i}</translation>
    </message>
    <message>
        <source>{n_train} training questions, {n_val} held out; best epoch {best}; training took {s:.0f} s</source>
        <translation>训练问题 {n_train} 个，留出验证 {n_val} 个；最佳轮次 {best}；训练用时 {s:.0f} 秒</translation>
    </message>
</context>
</TS>
