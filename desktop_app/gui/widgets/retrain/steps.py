"""The retrain's steps as chips (Prepare › Train › Export › Index › Evaluate) and each stage's words."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ...style import set_state

# The core's stage names, grouped into the steps the operator sees.
STEPS = [
    ("prepare", ("rebuild base model", "download base model", "check data", "prepare")),
    ("train", ("train",)),
    ("export", ("export", "parity", "quantize", "choose encoder")),
    ("index", ("index",)),
    ("evaluate", ("export base model", "evaluate")),
]


def step_of(stage: str) -> int | None:
    for i, (_, names) in enumerate(STEPS):
        if stage in names:
            return i
    return None


class StepChips(QWidget):
    """One chip per step: done, active or to come."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        names = {"prepare": self.tr("Prepare"), "train": self.tr("Train"), "export": self.tr("Export"),
                 "evaluate": self.tr("Evaluate"), "index": self.tr("Index")}
        self.chips: dict[str, QLabel] = {}
        for i, (key, _) in enumerate(STEPS):
            if i:
                arrow = QLabel("›")
                arrow.setObjectName("stepArrow")
                row.addWidget(arrow)
            chip = QLabel(names[key])
            chip.setObjectName("stepChip")
            self.chips[key] = chip
            row.addWidget(chip)
        row.addStretch(1)

    def show_stage(self, stage: str) -> None:
        """The stage's step active, those before it done (unknown stages change nothing)."""
        step = step_of(stage)
        if step is None:
            return
        for i, (key, _) in enumerate(STEPS):
            set_state(self.chips[key], "done" if i < step else "active" if i == step else "")

    def set_all(self, state: str) -> None:
        for chip in self.chips.values():
            set_state(chip, state)

    def stage_text(self, stage: str) -> str:
        """What the operator reads while the stage runs."""
        texts = {"rebuild base model": self.tr("Rebuilding the base model (first run only)…"),
                 "download base model": self.tr("Downloading the base model…"),
                 "prepare": self.tr("Preparing: embedding the training questions…"),
                 "train": self.tr("Training"),
                 "export": self.tr("Exporting to ONNX…"),
                 "parity": self.tr("Checking the exported model…"),
                 "quantize": self.tr("Quantizing (int8)…"),
                 "check data": self.tr("Checking the data…"),
                 "choose encoder": self.tr("Comparing the int8 and float32 encoders…"),
                 "export base model": self.tr("Preparing the untuned model for comparison…"),
                 "evaluate": self.tr("Evaluating and calibrating the thresholds…"),
                 "index": self.tr("Indexing the shop's questions…")}
        return texts.get(stage, stage)
