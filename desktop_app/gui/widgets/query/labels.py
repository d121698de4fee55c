"""What the query panel calls a decision and a model version."""

from __future__ import annotations


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("QueryPanel", text)


def decision_name(decision: str) -> str:
    return {"answer": _tr("Answer"), "suggest": _tr("Suggest"), "no_match": _tr("No match")}.get(decision, decision)


def decision_detail(decision: str) -> str:
    return {
        "answer": _tr("Confident: reply with the standard answer."),
        "suggest": _tr("Probably one of these: let an agent confirm."),
        "no_match": _tr("No standard question fits: hand it to an agent."),
    }.get(decision, "")


def model_description(version) -> str:
    """'Model v3 · fine-tuned (ArcFace) · int8' or 'Model v1 · untuned base encoder'."""
    if version is None:
        return _tr("No model")
    if version.loss == "none":
        kind = _tr("untuned base encoder")
    else:
        kind = _tr("fine-tuned ({loss})").format(loss={"arcface": "ArcFace", "cosface": "CosFace",
                                                        "softmax": "Softmax"}.get(version.loss, version.loss))
    variant = version.params.get("runtime_variant", "float32")
    return _tr("Model v{id}").format(id=version.id) + f" · {kind} · {variant}"
