"""Training settings of one shop: loss, epochs, margin, scale and base model.

Stored sparsely in the shop's settings (core.shop_settings, `train`): only what differs from the defaults
(TrainConfig's, and the shop's own base model), so improving a default later reaches every shop
whose operator never touched it. Everything is validated by TrainConfig before it is saved.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ...core.config import LOSSES, TrainConfig
from ...core.losses import LOSS_SPECS
from ...core.encoders import DEFAULT_BASE_MODEL
from ...core.shop_settings import load_settings, update_settings
from ...core.store import Store
from ..style import ERROR, ERROR_BG, ERROR_BORDER, SUBTLE

EXPOSED = ("loss", "epochs", "margin", "scale", "base_model")
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")

DIALOG_STYLE = f"""
QLabel#error {{ background: {ERROR_BG}; border: 1px solid {ERROR_BORDER}; border-radius: 6px; color: {ERROR};
    padding: 8px; }}
QLabel#fieldHint {{ color: {SUBTLE}; font-size: 11px; }}
"""


class SettingsDialog(QDialog):
    BUNDLED, FOLDER, HUB = range(3)

    def __init__(self, store: Store, shop_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id = shop_id
        self.settings = load_settings(store, shop_id)
        self.shop_base = self.settings.effective_base_model
        self.defaults = TrainConfig(base_model=self.shop_base)
        self.saved_config: TrainConfig | None = None
        self.setWindowTitle(self.tr("Training settings — {shop}").format(shop=store.shop(shop_id).name))
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(560)
        self._build()
        self._load()

    # ------------------------------------------------------------------ layout
    def _hint(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("fieldHint")
        label.setWordWrap(True)
        return label

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)
        intro = QLabel(self.tr("The defaults suit most shops. A retrain uses these settings; the active model "
                               "is not affected until the next retrain."))
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        root.addWidget(intro)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(4)

        self.loss = QComboBox()
        names = {"arcface": self.tr("ArcFace: additive angular margin (recommended)"),
                 "subcenter_arcface": self.tr("Sub-center ArcFace: tolerates noisy similar questions"),
                 "cosface": self.tr("CosFace: additive cosine margin"),
                 "sphereface": self.tr("SphereFace: multiplicative angular margin"),
                 "softmax": self.tr("Softmax: no margin (baseline)"),
                 "contrastive": self.tr("Contrastive (pairs)"),
                 "triplet": self.tr("Triplet, semi-hard mining (pairs)"),
                 "npair": self.tr("N-pair (pairs)"),
                 "lifted": self.tr("Lifted structure (pairs)"),
                 "multi_similarity": self.tr("Multi-similarity (pairs)")}
        for loss in LOSSES:
            self.loss.addItem(names.get(loss, loss), loss)
        self.loss.currentIndexChanged.connect(self._loss_changed)
        form.addRow(self.tr("Loss"), self.loss)

        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100)
        form.addRow(self.tr("Epochs"), self.epochs)
        form.addRow("", self._hint(self.tr("Passes over the similar questions. More can help small shops; "
                                           "the best epoch on held-out questions is kept.")))

        self.margin = QDoubleSpinBox()
        self.margin.setDecimals(2)
        self.margin.setRange(0.0, 1.49)
        self.margin.setSingleStep(0.05)
        form.addRow(self.tr("Margin"), self.margin)
        self.margin_hint = self._hint("")
        form.addRow("", self.margin_hint)

        self.scale = QDoubleSpinBox()
        self.scale.setDecimals(1)
        self.scale.setRange(1.0, 128.0)
        self.scale.setSingleStep(1.0)
        form.addRow(self.tr("Scale"), self.scale)
        form.addRow("", self._hint(self.tr("Logit scale s: about 32 suits tens to hundreds of standard "
                                           "questions; raise it for thousands.")))

        base_row = QWidget()
        base_lay = QHBoxLayout(base_row)
        base_lay.setContentsMargins(0, 0, 0, 0)
        self.base_kind = QComboBox()
        self.base_kind.addItem(self.tr("Bundled multilingual-e5-small"), self.BUNDLED)
        self.base_kind.addItem(self.tr("Local folder"), self.FOLDER)
        self.base_kind.addItem(self.tr("Hugging Face model id"), self.HUB)
        self.base_kind.currentIndexChanged.connect(self._base_kind_changed)
        base_lay.addWidget(self.base_kind)
        self.base_text = QLineEdit()
        base_lay.addWidget(self.base_text, 1)
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.clicked.connect(self._browse)
        base_lay.addWidget(self.browse)
        form.addRow(self.tr("Base model"), base_row)
        self.base_hint = self._hint("")
        form.addRow("", self.base_hint)
        root.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        root.addWidget(self.error_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setText(self.tr("Restore defaults"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        self.buttons = buttons
        root.addWidget(buttons)

    # ------------------------------------------------------------------ values
    def _load(self) -> None:
        self.extra = {k: v for k, v in self.settings.train.items() if k not in EXPOSED}
        try:
            config = self.settings.train_config()
        except (ValueError, TypeError) as exc:
            self.extra = {}
            config = self.defaults
            self.show_error(self.tr("The stored settings are invalid ({error}); the defaults are shown. "
                                    "Save to replace them.").format(error=exc))
        self._show(config)

    def _show(self, config: TrainConfig) -> None:
        self.loss.setCurrentIndex(max(0, self.loss.findData(config.loss)))
        self.epochs.setValue(config.epochs)
        self.margin.setValue(config.loss_margin() or 0.0)
        self.scale.setValue(config.scale)
        spec = config.base_model
        if spec.startswith("bundled:"):
            kind = self.BUNDLED
        elif Path(spec).expanduser().exists() or "\\" in spec or spec.startswith(("/", ".", "~")) or \
                (len(spec) > 1 and spec[1] == ":"):
            kind = self.FOLDER
        else:
            kind = self.HUB
        self.base_kind.setCurrentIndex(self.base_kind.findData(kind))
        self.base_text.setText("" if kind == self.BUNDLED else spec)
        self._base_kind_changed()
        self._loss_changed()

    def restore_defaults(self) -> None:
        self.extra = {}
        self.error_label.setVisible(False)
        self._show(self.defaults)

    def base_model_spec(self) -> str:
        kind = self.base_kind.currentData()
        if kind == self.BUNDLED:
            return DEFAULT_BASE_MODEL
        return self.base_text.text().strip()

    def values(self) -> dict:
        """The settings shown, as sparse overrides (only what differs from the defaults)."""
        loss = self.loss.currentData()
        shown = {"loss": loss, "epochs": self.epochs.value(), "scale": round(self.scale.value(), 4),
                 "base_model": self.base_model_spec()}
        overrides = dict(self.extra)
        for key, value in shown.items():
            if value != getattr(self.defaults, key):
                overrides[key] = value
        default_margin = LOSS_SPECS[loss].margin  # each loss has its own default margin (or none)
        if default_margin is not None and round(self.margin.value(), 4) != default_margin:
            overrides["margin"] = round(self.margin.value(), 4)
        return overrides

    def validate(self) -> TrainConfig:
        """The config the dialog describes; raises ValueError with a message for the operator."""
        kind = self.base_kind.currentData()
        spec = self.base_model_spec()
        if kind == self.FOLDER:
            if not spec:
                raise ValueError(self.tr("Choose the folder of the base model."))
            folder = Path(spec).expanduser()
            if not folder.is_dir():
                raise ValueError(self.tr("The folder “{path}” does not exist.").format(path=spec))
            if not (folder / "config.json").exists():
                raise ValueError(self.tr("The folder “{path}” holds no transformers model (config.json is "
                                         "missing).").format(path=spec))
        elif kind == self.HUB and not HUB_ID.match(spec):
            raise ValueError(self.tr("“{spec}” is not a Hugging Face model id (like BAAI/bge-small-zh-v1.5).")
                             .format(spec=spec))
        try:
            return TrainConfig.from_dict({"base_model": self.shop_base, **self.values()})
        except (ValueError, TypeError) as exc:
            raise ValueError(str(exc)) from None

    def show_error(self, message: str) -> None:
        self.error_label.setText("⚠ " + message)
        self.error_label.setVisible(True)

    def accept(self) -> None:
        try:
            self.validate()
            self.saved_config = update_settings(self.store, self.shop_id, train=self.values()).train_config()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        super().accept()

    # ------------------------------------------------------------------ reactions
    def _loss_changed(self) -> None:
        spec = LOSS_SPECS[self.loss.currentData()]
        self.margin.setEnabled(spec.margin is not None)
        if spec.margin is None:
            self.margin.setSuffix("")
            self.margin_hint.setText(self.tr("This loss has no margin."))
            return
        whole = self.loss.currentData() == "sphereface"
        self.margin.setDecimals(0 if whole else 2)
        self.margin.setSingleStep(1.0 if whole else 0.05)
        self.margin.setRange(spec.low, spec.high - (1.0 if whole else 0.01))
        self.margin.setSuffix(self.tr(" rad") if spec.unit.startswith("rad") else "")
        hints = {"arcface": self.tr("Added to the angle of the right class: 0.2 rad (about 11°) is a good start; "
                                    "larger separates more but can slow learning."),
                 "subcenter_arcface": self.tr("As ArcFace, with 3 sub-centres per standard question; similar "
                                              "questions far from the main one are listed as outliers."),
                 "cosface": self.tr("Subtracted from the cosine of the right class: 0.1 to 0.35."),
                 "sphereface": self.tr("Multiplies the angle of the right class: 2 is a strong margin already."),
                 "contrastive": self.tr("Pairs of different standard questions are pushed below this cosine."),
                 "triplet": self.tr("A question must be this much closer (in cosine) to its own standard question's "
                                    "examples than to another's."),
                 "lifted": self.tr("Pairs of different standard questions are pushed beyond this distance.")}
        self.margin_hint.setText(hints.get(self.loss.currentData(), "") + " " + self.tr("Default: {m:g}.").format(
            m=spec.margin))
        if self.sender() is self.loss:  # a new loss starts at its own default margin
            self.margin.setValue(spec.margin)

    def _base_kind_changed(self) -> None:
        kind = self.base_kind.currentData()
        self.base_text.setVisible(kind != self.BUNDLED)
        self.browse.setVisible(kind == self.FOLDER)
        if kind == self.BUNDLED:
            self.base_hint.setText(self.tr("Ships with the app; works offline. Recommended."))
        elif kind == self.FOLDER:
            self.base_text.setPlaceholderText(self.tr("A folder with a transformers model and its tokenizer"))
            self.base_hint.setText(self.tr("A sentence encoder saved with transformers (config.json, weights, "
                                           "tokenizer)."))
        else:
            self.base_text.setPlaceholderText("BAAI/bge-small-zh-v1.5")
            self.base_hint.setText(self.tr("Downloaded on the next retrain; needs a network connection."))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Base model folder"), self.base_text.text())
        if folder:
            self.base_text.setText(folder)
