"""Chinese for the generation dialog and the review queue: {English source: Chinese}.

Merged into the app's Chinese translation with the other tables (i18n.chinese_table).
Placeholders ({n}, {provider}...) must survive the translation unchanged.
"""

ZH_AUGMENT: dict[str, str] = {
    # ---------------------------------------------------------------- main window
    "Generate similar questions…": "生成相似问…",
    "Generate similar questions with rules or an LLM, for review": "用规则或大模型生成相似问，审核后使用",
    "Review queue…": "审核队列…",
    "Open the review queue": "打开审核队列",
    "{n} to review": "{n} 条待审核",
    "Generation running": "正在生成",
    "Stop generating and close? What arrived so far is kept.": "停止生成并关闭吗？已生成的内容会保留。",
    # ---------------------------------------------------------------- generation dialog
    "too short": "太短",
    "too long": "太长",
    "same as the source": "与原句相同",
    "already there": "已存在",
    "belongs to another standard question": "属于另一个标准问",
    "closer to another standard question": "更接近另一个标准问",
    "Send {n} standard questions of this shop to {provider} ({url}), asking for up to {k} paraphrases each?\n\n"
    "Only the standard questions and a few of their similar questions are sent, nothing else.":
        "要把本店的 {n} 个标准问发送给 {provider}（{url}），每个最多请求 {k} 条改写吗？\n\n"
        "只发送标准问和它们的少量相似问，不发送其他内容。",
    "Send questions to the LLM?": "发送问题给大模型？",
    "Generate similar questions — {shop}": "生成相似问 — {shop}",
    "Generated questions land in the review queue as pending. Only the ones you accept are matched and train "
    "the model; none ever enters the held-out evaluation.":
        "生成的问法会以“待审核”状态进入审核队列。只有你采纳的才会参与匹配和训练；生成的问法永远不会进入评估集。",
    "Standard questions:": "标准问范围：",
    "all {n}": "全部 {n} 个",
    "the selected one: “{text}”": "当前选中的“{text}”",
    "the {n} in the filtered list": "列表筛选出的 {n} 个",
    "Rules (offline)": "规则（离线）",
    "AugmentDialog|LLM": "大模型",
    "Drop what the current model places closer to another standard question": "丢弃当前模型认为更接近其他标准问的问法",
    "Preview": "预览",
    "Preview shows what the first chosen standard question would get, after the guard. Nothing is saved.":
        "预览显示所选范围内第一个标准问会得到的问法（已经过过滤），不会保存。",
    "Generate": "生成",
    "Per standard question": "每个标准问",
    "Tops each standard question up to this many rule outputs; a second run adds only what is missing.":
        "把每个标准问的规则生成问法补足到这个数量；再次运行只补缺少的部分。",
    "Seed": "随机种子",
    "Subject words": "主体词",
    "One per line: product names, model numbers, the brand. Some variants leave them out, as customers often do. "
    "The LLM gets them too.":
        "每行一个：商品名、型号、品牌。部分问法会去掉它们，就像顾客常做的那样。大模型也会收到这份列表。",
    "Synonyms": "同义词",
    "One group per line, words separated by commas. Built-in customer-service synonyms always apply.":
        "每行一组，词之间用逗号分隔。内置的客服常用同义词始终生效。",
    "Other OpenAI-compatible API": "其他兼容 OpenAI 的接口",
    "Provider": "服务商",
    "Base URL": "接口地址",
    "Remember": "记住",
    "In the system keyring, or else in a file only you can read": "保存在系统钥匙串中；没有钥匙串时保存在只有你能读取的文件里",
    "API key": "API 密钥",
    "Requests at once": "并发请求数",
    "Paraphrases per request": "每次请求的问法数",
    "You confirm which provider receives how many questions before the first request. A cancelled or failed run "
    "keeps what arrived; run again to continue.":
        "发出第一个请求前，你会确认把多少个问题发给哪个服务商。取消或失败的运行会保留已收到的结果；再次运行即可继续。",
    "stored key {key}: leave empty to use it": "已保存密钥 {key}：留空即使用它",
    "A key is stored for this provider.": "已为此服务商保存了密钥。",
    "paste the provider's API key": "粘贴服务商的 API 密钥",
    "A local server (Ollama, vLLM on this computer) needs no key.": "本机的服务（Ollama、vLLM）不需要密钥。",
    "custom API at {url}": "自定义接口 {url}",
    "Loading the model…": "正在加载模型…",
    "Send one standard question of this shop to {provider} ({url}) for a preview of 10 paraphrases? Nothing is "
    "saved.": "要把本店的 1 个标准问发送给 {provider}（{url}），预览 10 条改写吗？不会保存。",
    "Preview…": "正在预览…",
    "Cancelling…": "正在取消…",
    "Generating…": "正在生成…",
    "“{text}”: {kept} kept, {dropped} dropped": "“{text}”：保留 {kept} 条，丢弃 {dropped} 条",
    "Preview used {n} tokens.": "预览用了 {n} 个 token。",
    "{n} pending similar questions added to {touched} of {total} standard questions.":
        "已为 {total} 个标准问中的 {touched} 个添加 {n} 条待审核相似问。",
    "Dropped by the guard: {list}.": "被过滤掉的：{list}。",
    "Tokens: {prompt} prompt + {completion} completion = {total}; {requests} requests, {retries} retries.":
        "Token：提示 {prompt} + 生成 {completion} = {total}；请求 {requests} 次，重试 {retries} 次。",
    "{n} standard questions got fewer than asked, e.g. “{text}”: {note}.":
        "{n} 个标准问得到的少于要求，例如“{text}”：{note}。",
    "Failed: {first}": "失败：{first}",
    "Review them next: only accepted ones train.": "下一步请审核：只有采纳的才会参与训练。",
    "Stopped: {message}. What arrived before is saved; run again to continue.":
        "已停止：{message}。之前收到的已保存；再次运行即可继续。",
    "Cancelled. What arrived before is saved; run again to continue.": "已取消。之前收到的已保存；再次运行即可继续。",
    "Stop generating? What arrived so far is kept.": "停止生成吗？已生成的内容会保留。",
    # ---------------------------------------------------------------- review queue
    "Generated similar question": "生成的相似问",
    "Review queue — {shop}": "审核队列 — {shop}",
    "Generated questions wait here. Accept the ones that mean exactly what their standard question means; only "
    "accepted ones are matched and train the model.":
        "生成的问法在这里等待审核。请采纳与标准问意思完全相同的问法；只有采纳的才会参与匹配和训练。",
    "All sources": "全部来源",
    "Search standard or similar questions": "搜索标准问或相似问",
    "Accept selected": "采纳选中",
    "Reject selected": "拒绝选中",
    "Accept all of this standard question": "采纳该标准问的全部",
    "Reject all of this standard question": "拒绝该标准问的全部",
    "Accept all shown": "采纳显示的全部",
    "Reject all shown": "拒绝显示的全部",
    "{n} pending · {shown} shown": "共 {n} 条待审核 · 显示 {shown} 条",
    "Review queue": "审核队列",
    "{verb} all {n} shown similar questions?": "{verb}显示的全部 {n} 条相似问吗？",
}
