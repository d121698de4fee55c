"""The LLM run's confirmation, asked on the GUI thread from the worker, and the guard's reasons."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog

from ...core.reporter import Cancelled
from ..messages import confirm

CONFIRM_POLL_S = 0.1


def reason_names() -> dict[str, str]:
    """The guard's reasons for dropping an output, for the operator."""
    return {"too_short": QCoreApplication.translate("AugmentDialog", "too short"),
            "too_long": QCoreApplication.translate("AugmentDialog", "too long"),
            "same_as_source": QCoreApplication.translate("AugmentDialog", "same as the source"),
            "duplicate": QCoreApplication.translate("AugmentDialog", "already there"),
            "duplicate_other": QCoreApplication.translate("AugmentDialog", "belongs to another standard question"),
            "closer_to_other": QCoreApplication.translate("AugmentDialog", "closer to another standard question")}


class Confirmer(QObject):
    """`confirm(provider, base_url, n_questions, per_question)` for augment_llm, called in the worker:
    asks on the GUI thread (a queued signal) and waits for the answer, or for a cancel."""

    _ask = Signal(str)

    def __init__(self, dialog: QDialog, stop: threading.Event) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.stop = stop  # set by Cancel
        self._event = threading.Event()
        self._answer = False
        self._ask.connect(self._on_ask, Qt.ConnectionType.QueuedConnection)

    def __call__(self, provider: str, base_url: str, n_questions: int, per_question: int) -> bool:
        text = self.tr("Send %n standard question(s) of this shop to {provider} ({url}), asking for up to {k} "
                       "paraphrases each?\n\nOnly the standard questions and a few of their similar questions "
                       "are sent, nothing else.", "", n_questions).format(provider=provider, url=base_url,
                                                                          k=per_question)
        self._event.clear()
        self._ask.emit(text)
        while not self._event.wait(CONFIRM_POLL_S):
            if self.stop.is_set():
                raise Cancelled()
        return self._answer

    def _on_ask(self, text: str) -> None:
        self._answer = confirm(self.dialog, self.tr("Send questions to the LLM?"), text)
        self._event.set()
