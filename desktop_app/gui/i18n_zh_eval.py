"""Chinese for the loss choices, the evaluation report, thresholds and the data doctor.

Merged into the app's Chinese translation with the other tables (i18n.chinese_table).
Placeholders ({n}, {m:g}...) must survive the translation unchanged.
"""

ZH_EVAL: dict[str, str] = {
    # ---------------------------------------------------------------- losses (settings dialog)
    "Sub-center ArcFace: tolerates noisy similar questions": "Sub-center ArcFace：容忍有噪声的相似问",
    "SphereFace: multiplicative angular margin": "SphereFace：乘性角度间隔",
    "Contrastive (pairs)": "Contrastive（样本对）",
    "Triplet, semi-hard mining (pairs)": "Triplet，半难样本挖掘（样本对）",
    "N-pair (pairs)": "N-pair（样本对）",
    "Lifted structure (pairs)": "Lifted structure（样本对）",
    "Multi-similarity (pairs)": "Multi-similarity（样本对）",
    "This loss has no margin.": "这种损失没有间隔参数。",
    "As ArcFace, with 3 sub-centres per standard question; similar questions far from the main one are listed "
    "as outliers.": "与 ArcFace 相同，但每个标准问有 3 个子中心；远离主中心的相似问会被列为离群项。",
    "Multiplies the angle of the right class: 2 is a strong margin already.": "乘到正确类别的角度上：2 已经是很强的间隔。",
    "Pairs of different standard questions are pushed below this cosine.": "不同标准问的样本对会被推到这个余弦值以下。",
    "A question must be this much closer (in cosine) to its own standard question's examples than to another's.":
        "一个问题与本标准问样本的余弦相似度，必须比与其他标准问样本的高出这么多。",
    "Pairs of different standard questions are pushed beyond this distance.": "不同标准问的样本对会被推到这个距离以外。",
    "Default: {m:g}.": "默认：{m:g}。",
    # ---------------------------------------------------------------- query panel: test questions
    "Keep this question for evaluation:": "把这个问题留作评估：",
    "Its answer is the selected one": "答案是选中的这个",
    "Store it as a test question of the selected standard question: held out, never trained on":
        "存为选中标准问的测试问题：只用于评估，从不参与训练",
    "It matches nothing": "它不匹配任何标准问",
    "Store it as a “none” question: the thresholds are calibrated so that such questions get no answer":
        "存为“无匹配”问题：阈值会校准为不回答这类问题",
    "Thresholds set by hand": "阈值为手动设置",
    "Thresholds of this model version": "当前模型版本的阈值",
    "; the bars span {lo:.2f} to 1.00": "；相似度条的范围是 {lo:.2f} 到 1.00",
    "Not kept": "未保存",
    "test set: {n} questions, {none} that match nothing": "测试集：{n} 个问题，其中 {none} 个不匹配任何标准问",
    # ---------------------------------------------------------------- report dialog
    "Evaluation report — {shop}": "评估报告 — {shop}",
    "Evaluate now": "立即评估",
    "Recompute the report against the current questions: standard questions added since training are scored as "
    "the open set.": "用当前的问题重新计算报告：训练后新增的标准问会作为开放集评分。",
    "Summary": "概览",
    "Curves": "曲线",
    "ReportDialog|Standard questions": "标准问",
    "Data doctor": "数据诊断",
    "Scoring": "评分方式",
    "Top-3": "Top-3",
    "MRR": "MRR",
    "Held-out questions, scored against each standard question's best entry (what queries use) and against the "
    "centroid of its entries:": "留出问题的成绩：按每个标准问最相似的条目评分（查询时用的方式），以及按其条目的中心评分：",
    "Decision thresholds": "决策阈值",
    "Answer when top-1 ≥": "直接回答：Top-1 ≥",
    "…and leads the second by ≥": "…且领先第二名 ≥",
    "Suggest when top-1 ≥": "建议确认：Top-1 ≥",
    "Use these thresholds": "使用这些阈值",
    "Back to calibrated": "恢复校准值",
    "No report yet.": "还没有报告。",
    "Per standard question (top-1 of the held-out questions); double-click to open it:":
        "每个标准问的成绩（留出问题的 Top-1）；双击可打开它：",
    "Precision": "精确率",
    "Recall": "召回率",
    "F1": "F1",
    "Most confused: the held-out question belonged to the first, and matched the second:":
        "最常混淆：留出问题属于前者，却匹配到了后者：",
    "Matched instead": "实际匹配到",
    "Times": "次数",
    "Check now": "立即检查",
    "This version has no evaluation report (it was made before reports existed): click Evaluate now.":
        "这个版本没有评估报告（它生成于报告功能之前）：请点击“立即评估”。",
    "the shop's test questions": "店铺的测试问题",
    "the validation split (held out of training)": "验证集（未参与训练）",
    "leave-one-out on similar questions": "相似问留一法",
    "{n} in-scope questions from {origin}; {cal} “none” questions to calibrate the thresholds and {rep} others to "
    "measure them": "{n} 个范围内问题，来自{origin}；{cal} 个“无匹配”问题用于校准阈值，另 {rep} 个用于衡量",
    "; {n} of those “none” questions come from the built-in set": "；这些“无匹配”问题中有 {n} 个来自内置集合",
    "fine-tuned": "微调后",
    "untuned base": "未微调",
    "best entry": "最佳条目",
    "centroid": "中心",
    "Standard questions added after training ({n}, {q} questions): top-1 {parts}.":
        "训练后新增的标准问（{n} 个，{q} 个问题）：Top-1 {parts}。",
    "No standard question was added since training (Evaluate now after adding some scores them as the open set).":
        "训练后没有新增标准问（新增后点击“立即评估”，会把它们作为开放集评分）。",
    "Calibrated: answer ≥ {a} with a lead of ≥ {m}, suggest ≥ {s}. On the measuring half, answered questions are "
    "right {p} of the time; {c} of in-scope questions are answered and {n} of the “none” ones.":
        "校准结果：Top-1 ≥ {a} 且领先 ≥ {m} 时直接回答，≥ {s} 时建议确认。在衡量用的一半上，直接回答的正确率为 {p}；"
        "范围内问题有 {c} 被直接回答，“无匹配”问题有 {n} 被直接回答。",
    "Precision target {t} not reached while answering at least {c} of in-scope questions: at that "
    "coverage, answered questions are right {p} of the time ({b} at the least, with 90% confidence). "
    "More similar questions (or fewer overlapping standard questions) would help; or set the "
    "thresholds by hand below.":
        "在至少回答 {c} 的范围内问题时未达到精确率目标 {t}：此覆盖率下，直接回答的问题正确率为 {p}"
        "（90% 置信下至少 {b}）。增加相似问（或减少相互重叠的标准问）会有帮助；也可以在下方手动设置阈值。",
    "Set by hand: {keys}. Queries use these.": "手动设置：{keys}。查询使用这些阈值。",
    "Queries use the calibrated thresholds.": "查询使用校准后的阈值。",
    "pyqtgraph is not installed: no plots.": "未安装 pyqtgraph：无法绘图。",
    "Precision against coverage (answer threshold swept)": "精确率与覆盖率（调整回答阈值）",
    "in-scope questions answered (%)": "被直接回答的范围内问题（%）",
    "answered questions right (%)": "直接回答的正确率（%）",
    "target": "目标",
    "Top-1 scores": "Top-1 分数",
    "cosine similarity": "余弦相似度",
    "questions": "问题数",
    "right match": "正确匹配",
    "best wrong standard question": "最高的错误标准问",
    "“none” questions": "“无匹配”问题",
    "problem": "问题",
    "warning": "警告",
    "note": "提示",
    "Double-click to open the standard question": "双击打开这个标准问",
    "{p} problems, {w} warnings, {i} notes, from the check before this version was trained (or Check now). Fix the "
    "problems first: they teach the model contradictions.":
        "{p} 个问题、{w} 个警告、{i} 个提示，来自训练这个版本之前的检查（或“立即检查”）。请先修正问题：它们会让模型学到自相矛盾的东西。",
    "Not checked yet: click Check now.": "尚未检查：请点击“立即检查”。",
    "Thresholds": "阈值",
    "Failed: {error}": "失败：{error}",
    "Evaluated against the current questions; the stored report of the version is unchanged.":
        "已用当前的问题评估；这个版本保存的报告未改变。",
    "Evaluating…": "正在评估…",
    "Checking the data…": "正在检查数据…",
    # ---------------------------------------------------------------- retrain panel, versions
    "Report…": "报告…",
    "Accuracy on held-out questions, the decision thresholds, and the data doctor's findings":
        "留出问题上的准确率、决策阈值，以及数据诊断的发现",
    "Comparing the int8 and float32 encoders…": "正在比较 int8 与 float32 编码器…",
    "Preparing the untuned model for comparison…": "正在准备未微调的模型用于对比…",
    "Evaluating and calibrating the thresholds…": "正在评估并校准阈值…",
    "held-out top-1 {t1}, top-3 {t3} ({n} questions; Report… has the rest)":
        "留出问题 Top-1 {t1}，Top-3 {t3}（{n} 个问题；详见“报告…”）",
    # ---------------------------------------------------------------- data doctor findings
    "{texts} belong to {n} standard questions: {standards}; queries that match them are suggested, not answered":
        "{texts} 同时属于 {n} 个标准问：{standards}；与之匹配的问题只作建议，不直接回答",
    "“{a}” (of “{a_standard}”) and “{b}” (of “{b_standard}”) are nearly the same (cosine {cosine:.3f})":
        "“{a}”（属于“{a_standard}”）与“{b}”（属于“{b_standard}”）几乎相同（余弦 {cosine:.3f}）",
    "“{text}” sits closer to “{other}” than to its own standard question “{own}” (by {gap:.3f})":
        "“{text}”离“{other}”比离它自己的标准问“{own}”更近（相差 {gap:.3f}）",
    "“{text}” is far from the main sub-centre of “{own}” (sub-center ArcFace)":
        "“{text}”远离“{own}”的主子中心（sub-center ArcFace）",
    "“{a}” and “{b}” are very close (centroid cosine {cosine:.3f}): the same question, or in need of more distinct "
    "similar questions": "“{a}”与“{b}”非常接近（中心余弦 {cosine:.3f}）：可能是同一个问题，或需要更有区分度的相似问",
    "“{standard}” has {n} similar questions; {min} or more train it well":
        "“{standard}”只有 {n} 个相似问；{min} 个以上才能训练好",
    "In use (edit to set them by hand):": "当前使用（修改即为手动设置）：",
}
