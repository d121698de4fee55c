"""The running retrain's stage, elapsed time and ETA, progress bar and Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from .formatting import format_duration


class RetrainProgress(QWidget):
    """Two rows: stage … elapsed / ETA; bar, percent, Cancel. Its parts keep their place when hidden."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(10)
        texts = QHBoxLayout()
        self.stage_label = QLabel(self.tr("Ready"))
        self.stage_label.setObjectName("stageText")
        texts.addWidget(self.stage_label)
        texts.addStretch(1)
        self.eta_label = QLabel("")
        self.eta_label.setObjectName("eta")
        texts.addWidget(self.eta_label)
        root.addLayout(texts)

        bar_row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        bar_row.addWidget(self.bar, 1)
        self.percent_label = QLabel("")
        self.percent_label.setMinimumWidth(44)
        self.percent_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar_row.addWidget(self.percent_label)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setProperty("danger", True)
        bar_row.addWidget(self.cancel_button)
        root.addLayout(bar_row)
        # Shown and hidden by a retrain without resizing the plot below (a resize repaints its axes).
        for widget in (self.bar, self.percent_label, self.cancel_button):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)

    def set_fraction(self, fraction: float) -> None:
        value = int(1000 * fraction)
        if value != self.bar.value():
            # setValue paints at once (up to 31 ms inside a timer slot on a busy machine); with
            # updates off for the call, the new value is painted with the next frame instead.
            self.bar.setUpdatesEnabled(False)
            self.bar.setValue(value)
            self.bar.setUpdatesEnabled(True)
        self.percent_label.setText(f"{int(100 * fraction)}%")

    def show_time(self, elapsed: float, eta: float | None) -> None:
        text = self.tr("Elapsed {elapsed}").format(elapsed=format_duration(elapsed))
        if eta is not None:
            text += (self.tr(" · about {eta} left").format(eta=format_duration(eta)) if eta >= 5
                     else self.tr(" · almost done"))
        self.eta_label.setText(text)

    def set_running(self, running: bool, started: bool) -> None:
        """Cancel while running; the bar while running or once a run has moved it (`started`)."""
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.bar.setVisible(running or started)
        self.percent_label.setVisible(running or started)
        if running:
            self.bar.setValue(0)
            self.percent_label.setText("0%")
            self.stage_label.setText(self.tr("Starting…"))
            self.eta_label.setText("")
