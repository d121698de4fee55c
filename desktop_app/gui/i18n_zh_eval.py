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
}
