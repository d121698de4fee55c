"""The active model in a line, and how many edits the shop has had since it was trained."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ....core.losses import TITLES as LOSS_TITLES
from ....core.services.versions import edits_since_training, version_top1
from ....core.store import Store, StoreError
from .formatting import format_pct


class ModelSummary(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("hint")
        self.inbox_label = QLabel()  # similar questions from the inbox since training (set by the inbox tab)
        self.inbox_label.setObjectName("hint")
        self.inbox_label.hide()
        col.addWidget(self.model_label)
        col.addWidget(self.stale_label)
        col.addWidget(self.inbox_label)

    def set_from_inbox(self, n: int) -> None:
        """How many similar questions the inbox added since the active model was trained."""
        self.inbox_label.setText(self.tr("%n similar question(s) came from the inbox since this model was trained: "
                                         "matched already, learnt by the next retrain.", "", n))
        self.inbox_label.setVisible(n > 0)

    def refresh(self, store: Store, shop_id: int | None) -> None:
        if shop_id is None:
            self.model_label.setText(self.tr("No shop selected."))
            self.stale_label.setText("")
            return
        try:
            version = store.active_version(shop_id)
            revision = store.shop(shop_id).revision
        except StoreError:
            return
        if version is None:
            self.model_label.setText(self.tr("No model yet: the base encoder answers once the shop is opened in "
                                             "the query test; retrain to fine-tune it on this shop."))
            self.stale_label.setText("")
            return
        top1, how = version_top1(version)
        kind = (self.tr("untuned base encoder") if version.loss == "none"
                else self.tr("fine-tuned with {loss}").format(loss=LOSS_TITLES.get(version.loss, version.loss)))
        acc = ""
        if top1 is not None:
            acc = (self.tr(" · leave-one-out top-1 {acc}") if how == "loo"
                   else self.tr(" · validation top-1 {acc}")).format(acc=format_pct(top1))
        self.model_label.setText(self.tr("Active model: <b>v{id}</b> · {kind}{acc}").format(
            id=version.id, kind=kind, acc=acc))
        edits = edits_since_training(version, revision)
        if version.loss == "none":
            self.stale_label.setText(self.tr("Not fine-tuned yet: a retrain usually improves accuracy a lot."))
        elif edits:
            self.stale_label.setText(self.tr("%n edit(s) since this model was trained (new questions are "
                                             "matched already; a retrain learns from them).", "", edits))
        else:
            self.stale_label.setText(self.tr("Up to date with the shop's questions."))
