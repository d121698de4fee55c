"""Chinese for the query panel, the retrain panel and their dialogs: {English source: Chinese}.

The panels write English in the code (self.tr / QCoreApplication.translate with the contexts
QueryPanel, RetrainPanel, SettingsDialog, VersionsDialog); this dict is merged into the app's
Chinese translation. Placeholders ({name}, {n}...) must survive the translation unchanged.
"""

ZH_PANELS: dict[str, str] = {
    # ---------------------------------------------------------------- query panel
    "Query test": "问答测试",
    "Live test": "实时测试",
    "Batch test": "批量测试",
    "No model": "没有模型",
    "untuned base encoder": "未微调的基础编码器",
    "fine-tuned ({loss})": "已微调（{loss}）",
    "Model v{id}": "模型 v{id}",
    "Choose a shop": "请选择店铺",
    "Type a consumer question, e.g. 扫地机吸力变小了怎么办": "输入一个顾客问题，例如：扫地机吸力变小了怎么办",
    "Waiting": "等待输入",
    "Results appear as you type.": "边输入边出结果。",
    "Standard answer": "标准答案",
    "The standard answer of the selected match shows here.": "选中的匹配项的标准答案显示在这里。",
    "Answer": "直接回答",
    "Suggest": "建议确认",
    "No match": "无匹配",
    "Confident: reply with the standard answer.": "置信度高：可直接回复标准答案。",
    "Probably one of these: let an agent confirm.": "可能是以下问题之一：请人工确认。",
    "No standard question fits: hand it to an agent.": "没有合适的标准问：转人工处理。",
    "The top two hold the same similar question (see the data doctor): let an agent pick one.":
        "前两个标准问含有相同的相似问（见数据诊断）：请人工选择其一。",
    "Standard question": "标准问",
    "Category": "类目",
    "Similarity": "相似度",
    "answer ≥ {t:.3f}": "直接回答 ≥ {t:.3f}",
    "suggest ≥ {t:.3f}": "建议确认 ≥ {t:.3f}",
    "Thresholds of this model version; the bars span {lo:.2f} to 1.00":
        "当前模型版本的阈值；相似度条的范围是 {lo:.2f} 到 1.00",
    "{ms:.1f} ms · model v{version}": "{ms:.1f} 毫秒 · 模型 v{version}",
    "Loading model…": "正在加载模型…",
    "Model not available": "模型不可用",
    "The model could not be loaded:": "模型加载失败：",
    "No questions yet": "还没有问题",
    "Choose or create a shop to test its questions.": "选择或新建一个店铺，即可测试它的问题。",
    "This shop has no enabled standard questions yet: import or add some, then test them here.":
        "这个店铺还没有启用的标准问：先导入或添加一些，再来这里测试。",
    "Preparing the base model (first run only, about a minute)…": "正在准备基础模型（仅首次运行，约一分钟）…",
    "Indexing the shop's questions…": "正在为店铺的问题建立索引…",
    "Type a question above: the shop's standard questions that match it appear here, best first.":
        "在上方输入一个问题：匹配的标准问会按相似度从高到低显示在这里。",
    "Nothing to match yet: the shop has no enabled questions.": "还没有可匹配的内容：店铺没有启用的问题。",
    "(this standard question has no answer text yet)": "（这个标准问还没有答案）",
    "The query failed: {error}": "查询失败：{error}",
    # batch test
    "Open question file…": "打开问题文件…",
    "A .txt file with one question per line, or a CSV / Excel file with a “query” (问题) column and an "
    "optional “expected” (标准问) column.":
        "每行一个问题的 .txt 文件，或带“问题”（query）列的 CSV / Excel 文件，可选“标准问”（expected）列用于计算准确率。",
    "Cancel": "取消",
    "Export results…": "导出结果…",
    "Export results": "导出结果",
    "Open question file": "打开问题文件",
    "Question files (*.txt *.csv *.xlsx *.json);;All files (*)": "问题文件 (*.txt *.csv *.xlsx *.json);;所有文件 (*)",
    "CSV files (*.csv)": "CSV 文件 (*.csv)",
    "Questions": "问题数",
    "Accuracy": "准确率",
    "Top-1 right": "Top-1 正确率",
    "Answered": "直接回答",
    "Suggested": "建议确认",
    "ms / question": "毫秒 / 问",
    "Question": "问题",
    "Expected": "期望标准问",
    "Top match": "最佳匹配",
    "Decision": "判定",
    "Right": "正确",
    "(no match)": "（应无匹配）",
    "{name}: answering {n} questions…": "{name}：正在回答 {n} 个问题…",
    "{name}: {n} questions, {right} right ({acc}).": "{name}：共 {n} 个问题，答对 {right} 个（{acc}）。",
    "{name}: {n} questions (add an “expected” column to measure accuracy).":
        "{name}：共 {n} 个问题（加上“标准问”列即可计算准确率）。",
    "Batch test cancelled.": "批量测试已取消。",
    "The batch test failed: {error}": "批量测试失败：{error}",
    # ---------------------------------------------------------------- retrain panel
    "Model training": "模型训练",
    "Settings…": "设置…",
    "Versions…": "版本…",
    "Retrain": "重新训练",
    "Retraining…": "训练中…",
    "Fine-tune the encoder on this shop's questions, then export, index and activate the new model. The "
    "current model keeps answering until the new one is ready.":
        "用本店的问题微调编码器，然后导出、建索引并启用新模型。新模型就绪之前，当前模型照常回答。",
    "Prepare": "准备",
    "Train": "训练",
    "Export": "导出",
    "Evaluate": "评估",
    "Index": "索引",
    "Ready": "就绪",
    "Starting…": "正在启动…",
    "The training loss and the validation accuracy are plotted here during a retrain.":
        "训练时，这里实时绘制训练损失和验证准确率。",
    "Details": "详细日志",
    "training step": "训练步数",
    "loss": "损失",
    "validation top-1 (%)": "验证 Top-1（%）",
    "validation top-1": "验证 Top-1",
    "before": "微调前",
    "retrain started": "开始训练",
    "Rebuilding the base model (first run only)…": "正在重建基础模型（仅首次运行）…",
    "Downloading the base model…": "正在下载基础模型…",
    "Preparing: embedding the training questions…": "准备中：正在编码训练问题…",
    "Training": "训练中",
    "Training · step {done} / {total}": "训练中 · 第 {done} / {total} 步",
    "Exporting to ONNX…": "正在导出 ONNX…",
    "Checking the exported model…": "正在校验导出的模型…",
    "Quantizing (int8)…": "正在量化（int8）…",
    "Evaluating on held-out questions…": "正在用留出的问题评估…",
    "Elapsed {elapsed}": "已用 {elapsed}",
    " · about {eta} left": " · 预计还需 {eta}",
    " · almost done": " · 即将完成",
    "stage: {name}": "阶段：{name}",
    "{s} s": "{s} 秒",
    "{m} min {s} s": "{m} 分 {s} 秒",
    "{h} h {m} min": "{h} 小时 {m} 分",
    "Cancelling… (the current model stays active)": "正在取消…（当前模型保持启用）",
    "Done": "完成",
    "Finished in {t}": "用时 {t}",
    "Model v{id} is active": "模型 v{id} 已启用",
    "Validation top-1 {before} → {after} ({delta:+.1f} points) on questions held out from training.":
        "验证集 Top-1：{before} → {after}（{delta:+.1f} 个百分点），验证问题未参与训练。",
    "Not measured: the shop has too few similar questions to hold some out for validation.":
        "未测量：店铺的相似问太少，无法留出一部分做验证。",
    "Top-1 before": "微调前 Top-1",
    "Top-1 after": "微调后 Top-1",
    "Time taken": "用时",
    "done: model v{id} active": "完成：模型 v{id} 已启用",
    "Cancelled": "已取消",
    "Retrain cancelled": "训练已取消",
    "Nothing changed: the previous model is still active.": "没有任何改动：原来的模型仍在使用。",
    "cancelled": "已取消",
    "Failed": "失败",
    "Retrain failed": "训练失败",
    "{error}\nThe previous model is still active. The details are in the log.":
        "{error}\n原来的模型仍在使用。详细信息见日志。",
    "failed: {error}": "失败：{error}",
    "No shop selected.": "未选择店铺。",
    "No model yet: the base encoder answers once the shop is opened in the query test; retrain to "
    "fine-tune it on this shop.":
        "还没有模型：在问答测试中打开店铺后由基础编码器回答；重新训练即可针对本店微调。",
    "fine-tuned with {loss}": "{loss} 微调",
    " · leave-one-out top-1 {acc}": " · 留一法 Top-1 {acc}",
    " · validation top-1 {acc}": " · 验证 Top-1 {acc}",
    "Active model: <b>v{id}</b> · {kind}{acc}": "当前模型：<b>v{id}</b> · {kind}{acc}",
    "Not fine-tuned yet: a retrain usually improves accuracy a lot.": "尚未微调：重新训练通常能大幅提升准确率。",
    "{n} edits since this model was trained (new questions are matched already; a retrain learns from them).":
        "此模型训练后有 {n} 处修改（新问题已可匹配；重新训练可从中学习）。",
    "Up to date with the shop's questions.": "与店铺问题保持同步。",
    "The training settings are invalid": "训练设置无效",
    "{error}. Open Settings… to fix them.": "{error}。请打开“设置…”修改。",
    "Cannot retrain": "无法训练",
    "Cannot retrain yet": "暂时无法训练",
    "Training needs at least 2 enabled standard questions.": "训练至少需要 2 个启用的标准问。",
    # ---------------------------------------------------------------- settings dialog
    "Training settings — {shop}": "训练设置 — {shop}",
    "The defaults suit most shops. A retrain uses these settings; the active model is not affected until "
    "the next retrain.":
        "默认值适合大多数店铺。设置在下次训练时生效，不影响当前模型。",
    "ArcFace: additive angular margin (recommended)": "ArcFace：加性角度间隔（推荐）",
    "CosFace: additive cosine margin": "CosFace：加性余弦间隔",
    "Softmax: no margin (baseline)": "Softmax：无间隔（基线）",
    "Loss": "损失函数",
    "Epochs": "训练轮数",
    "Passes over the similar questions. More can help small shops; the best epoch on held-out questions "
    "is kept.":
        "遍历相似问的次数。小店铺可适当增加；最终保留验证效果最好的一轮。",
    "Margin": "间隔",
    " rad": " 弧度",
    "Added to the angle of the right class: 0.2 rad (about 11°) is a good start; larger separates more but "
    "can slow learning.":
        "加在正确类别的角度上：0.2 弧度（约 11°）是不错的起点；越大类别分得越开，但可能学得更慢。",
    "Subtracted from the cosine of the right class: 0.1 to 0.35.": "从正确类别的余弦中减去：0.1 到 0.35。",
    "Softmax uses no margin.": "Softmax 不使用间隔。",
    "Scale": "缩放",
    "Logit scale s: about 32 suits tens to hundreds of standard questions; raise it for thousands.":
        "logit 缩放系数 s：约 32 适合几十到几百个标准问；上千个时可调高。",
    "Base model": "基础模型",
    "Bundled multilingual-e5-small": "内置 multilingual-e5-small",
    "Local folder": "本地文件夹",
    "Hugging Face model id": "Hugging Face 模型 ID",
    "Browse…": "浏览…",
    "Base model folder": "基础模型文件夹",
    "Ships with the app; works offline. Recommended.": "随应用提供，无需联网。推荐。",
    "A folder with a transformers model and its tokenizer": "包含 transformers 模型和分词器的文件夹",
    "A sentence encoder saved with transformers (config.json, weights, tokenizer).":
        "用 transformers 保存的句向量编码器（config.json、权重、分词器）。",
    "Downloaded on the next retrain; needs a network connection.": "下次训练时下载，需要联网。",
    "Save": "保存",
    "Restore defaults": "恢复默认",
    "The stored settings are invalid ({error}); the defaults are shown. Save to replace them.":
        "已保存的设置无效（{error}），当前显示默认值。保存即可覆盖。",
    "Choose the folder of the base model.": "请选择基础模型所在的文件夹。",
    "The folder “{path}” does not exist.": "文件夹“{path}”不存在。",
    "The folder “{path}” holds no transformers model (config.json is missing).":
        "文件夹“{path}”中没有 transformers 模型（缺少 config.json）。",
    "“{spec}” is not a Hugging Face model id (like BAAI/bge-small-zh-v1.5).":
        "“{spec}”不是 Hugging Face 模型 ID（格式如 BAAI/bge-small-zh-v1.5）。",
    # ---------------------------------------------------------------- versions dialog
    "Model versions — {shop}": "模型版本 — {shop}",
    "Each retrain makes a new version; the files of the newest three are kept. Activating an older version "
    "rebuilds its index from the current questions.":
        "每次训练生成一个新版本，保留最新三个版本的文件。启用旧版本时，会用当前的问题重建它的索引。",
    "Version": "版本",
    "Created": "创建时间",
    "Status": "状态",
    "Runtime": "运行精度",
    "Top-1 untuned": "微调前 Top-1",
    "Top-1": "Top-1",
    "Active": "当前",
    "Files": "文件",
    "ready": "就绪",
    "failed": "失败",
    "training": "训练中",
    "indexing": "建索引中",
    "none (untuned)": "无（未微调）",
    "(leave-one-out)": "（留一法）",
    "removed": "已清理",
    "Activate selected version": "启用所选版本",
    "Close": "关闭",
    "A retrain is running: versions can be activated when it ends.": "正在训练：训练结束后才能切换版本。",
    "base model": "基础模型",
    "loss {loss}, {epochs} epochs, margin {margin}, scale {scale}":
        "损失函数 {loss}，{epochs} 轮，间隔 {margin}，缩放 {scale}",
    "{n_train} training questions, {n_val} held out; best epoch {best}; training took {s:.0f} s":
        "训练问题 {n_train} 个，留出验证 {n_val} 个；最佳轮次 {best}；训练用时 {s:.0f} 秒",
    "validation top-1: untuned {u}, float32 {f}, int8 {i}": "验证 Top-1：微调前 {u}，float32 {f}，int8 {i}",
    "leave-one-out top-1 on similar questions: {x}": "相似问留一法 Top-1：{x}",
    "thresholds: answer ≥ {a}, suggest ≥ {s}": "阈值：直接回答 ≥ {a}，建议确认 ≥ {s}",
    "Its files were removed to save space: it cannot be activated again.": "为节省空间，其文件已清理，无法再次启用。",
    "Activating v{id}: rebuilding its index from the current questions…": "正在启用 v{id}：用当前问题重建索引…",
    "Model v{id} is active.": "模型 v{id} 已启用。",
    "Activation failed: {error}": "启用失败：{error}",
}

# The translation contexts the strings above are looked up in (the classes' self.tr and the
# modules' QCoreApplication.translate calls).
CONTEXTS = ("QueryPanel", "RetrainPanel", "SettingsDialog", "VersionsDialog")


def to_ts(language: str = "zh_CN") -> str:
    """ZH_PANELS as a Qt Linguist .ts document (every string in every context), for lrelease.

    Load the result through a compiled .qm: a Python override of QTranslator.translate is not an
    option (PySide6 6.12 over-releases None on every call and aborts the interpreter after a while).
    """
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="2.1" language="{language}">']
    for context in CONTEXTS:
        parts.append(f"<context><name>{context}</name>")
        for source, target in ZH_PANELS.items():
            parts.append(f"<message><source>{escape(source)}</source>"
                         f"<translation>{escape(target)}</translation></message>")
        parts.append("</context>")
    parts.append("</TS>")
    return "\n".join(parts)
