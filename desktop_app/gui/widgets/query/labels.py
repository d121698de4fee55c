"""What the query panel calls a decision and a model version."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def decision_name(decision: str) -> str:
    return {"answer": QCoreApplication.translate("QueryPanel", "Answer"),
            "suggest": QCoreApplication.translate("QueryPanel", "Suggest"),
            "no_match": QCoreApplication.translate("QueryPanel", "No match")}.get(decision, decision)


def decision_detail(decision: str) -> str:
    return {
        "answer": QCoreApplication.translate("QueryPanel", "Confident: reply with the standard answer."),
        "suggest": QCoreApplication.translate("QueryPanel", "Probably one of these: let an agent confirm."),
        "no_match": QCoreApplication.translate("QueryPanel", "No standard question fits: hand it to an agent."),
    }.get(decision, "")


def model_description(version) -> str:
    """'Model v3 · fine-tuned (ArcFace) · int8' or 'Model v1 · untuned base encoder'."""
    if version is None:
        return QCoreApplication.translate("QueryPanel", "No model")
    if version.loss == "none":
        kind = QCoreApplication.translate("QueryPanel", "untuned base encoder")
    else:
        loss = {"arcface": "ArcFace", "cosface": "CosFace", "softmax": "Softmax"}.get(version.loss, version.loss)
        kind = QCoreApplication.translate("QueryPanel", "fine-tuned ({loss})").format(loss=loss)
    variant = version.params.get("runtime_variant", "float32")
    return QCoreApplication.translate("QueryPanel", "Model v{id}").format(id=version.id) + f" · {kind} · {variant}"
