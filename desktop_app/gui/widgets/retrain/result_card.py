"""How the last retrain ended: done (top-1 before / after, time taken), cancelled or failed."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from ...style import ANSWER, NO_MATCH, SUGGEST, TEXT_SECONDARY, set_state
from .formatting import format_duration, format_pct


class ResultCard(QFrame):
    """Its look follows its "state" property (done / cancelled / failed); hidden until a run ends."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("resultCard")
        card = QHBoxLayout(self)
        card.setContentsMargins(14, 10, 14, 10)
        card.setSpacing(22)
        text_col = QVBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("resultTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text_col.addWidget(self.title)
        text_col.addWidget(self.text)
        card.addLayout(text_col, 1)
        self.numbers: dict[str, QLabel] = {}
        self._names: list[QLabel] = []
        for key, name in (("before", self.tr("Top-1 before")), ("after", self.tr("Top-1 after")),
                          ("time", self.tr("Time taken"))):
            box = QVBoxLayout()
            box.setSpacing(0)
            value = QLabel("–")
            value.setObjectName("bigNumber")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label = QLabel(name)
            label.setObjectName("numberName")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(value)
            box.addWidget(label)
            card.addLayout(box)
            self.numbers[key] = value
            self._names.append(label)
        self.setVisible(False)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the plot above keeps its size when the card comes and goes
        self.setSizePolicy(policy)

    def show_result(self, state: str, title: str, text: str, before=None, after=None, seconds=None) -> None:
        set_state(self, state)
        color = {"done": ANSWER, "cancelled": TEXT_SECONDARY, "failed": NO_MATCH}.get(state, SUGGEST)
        icon = {"done": "✓", "cancelled": "■", "failed": "✕"}.get(state, "")
        self.title.setText(f"<span style='color:{color}'>{icon}</span> {title}")
        self.text.setText(text)
        show_numbers = state == "done"
        self.numbers["before"].setText(format_pct(before))
        self.numbers["after"].setText(format_pct(after))
        self.numbers["time"].setText(format_duration(seconds) if seconds is not None else "–")
        for label in (*self.numbers.values(), *self._names):
            label.setVisible(show_numbers)
        self.setVisible(True)

    def show_done(self, result: dict, shop_name: str | None = None) -> float | None:
        """A finished retrain (`shop_name`: when it was another shop's); returns the validation
        top-1 before it, when measured."""
        before, after = result.get("val_top1_before"), result.get("val_top1_after")
        measured = before is not None and after is not None and not (math.isnan(before) or math.isnan(after))
        if measured:
            text = self.tr("Validation top-1 {before} → {after} ({delta:+.1f} points) on questions held out from "
                           "training.").format(before=format_pct(before), after=format_pct(after),
                                               delta=100 * (after - before))
        else:
            text = self.tr("Not measured: the shop has too few similar questions to hold some out for "
                           "validation.")
        title = self.tr("Model v{id} is active").format(id=result.get("version_id"))
        if shop_name:
            title += f" · {shop_name}"
        self.show_result("done", title, text, before=before if measured else None,
                         after=after if measured else None, seconds=result.get("seconds") or 0.0)
        return before if measured else None
