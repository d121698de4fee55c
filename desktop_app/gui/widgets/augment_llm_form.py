"""The generation dialog's LLM tab: provider preset or any OpenAI-compatible API, model, API key
(typed, or the stored one) and request sizes, turned into the core's LlmSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

CUSTOM = "custom"


def spin_box(low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setMaximumWidth(140)
    return box


def hint_label(text: str) -> QLabel:
    label = QLabel(text, objectName="fieldHint")
    label.setWordWrap(True)
    return label


class LlmForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        from ...core.augment.llm import PRESETS

        super().__init__(parent)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.provider = QComboBox()
        for key, preset in PRESETS.items():
            self.provider.addItem(preset.name, key)
        self.provider.addItem(self.tr("Other OpenAI-compatible API"), CUSTOM)
        self.provider.currentIndexChanged.connect(self.provider_changed)
        form.addRow(self.tr("Provider"), self.provider)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://host/v1")
        self.base_url.editingFinished.connect(self.show_key_state)
        form.addRow(self.tr("Base URL"), self.base_url)
        self.model = QLineEdit()
        form.addRow(self.tr("Model"), self.model)
        key_row = QWidget()
        key_layout = QHBoxLayout(key_row)
        key_layout.setContentsMargins(0, 0, 0, 0)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_key = QCheckBox(self.tr("Remember"))
        self.remember_key.setChecked(True)
        self.remember_key.setToolTip(self.tr("In the system keyring, or else in a file only you can read"))
        key_layout.addWidget(self.api_key, 1)
        key_layout.addWidget(self.remember_key)
        form.addRow(self.tr("API key"), key_row)
        self.key_hint = hint_label("")
        form.addRow("", self.key_hint)
        self.llm_n = spin_box(1, 1000)
        form.addRow(self.tr("Per standard question"), self.llm_n)
        self.concurrency = spin_box(1, 32)
        form.addRow(self.tr("Requests at once"), self.concurrency)
        self.batch_size = spin_box(1, 100)
        form.addRow(self.tr("Paraphrases per request"), self.batch_size)
        form.addRow("", hint_label(self.tr("You confirm which provider receives how many questions before the "
                                           "first request. A cancelled or failed run keeps what arrived; run "
                                           "again to continue.")))

    def load(self, s: QSettings, default_n: int) -> None:
        """The operator's last choices, from the dialog's QSettings group."""
        self.llm_n.setValue(int(s.value("llm_n", default_n)))
        self.concurrency.setValue(int(s.value("concurrency", 4)))
        self.batch_size.setValue(int(s.value("batch_size", 20)))
        self.provider.setCurrentIndex(max(0, self.provider.findData(s.value("provider", "deepseek"))))
        self.provider_changed()
        if s.value("base_url"):
            self.base_url.setText(s.value("base_url"))
        if s.value("model"):
            self.model.setText(s.value("model"))
        self.show_key_state()

    def choices(self) -> dict:
        return {"llm_n": self.llm_n.value(), "concurrency": self.concurrency.value(),
                "batch_size": self.batch_size.value(), "provider": self.provider.currentData(),
                "base_url": self.base_url.text().strip(), "model": self.model.text().strip()}

    def provider_changed(self) -> None:
        from ...core.augment.llm import PRESETS

        preset = PRESETS.get(self.provider.currentData())
        self.base_url.setText(preset.base_url if preset else "")
        self.model.setText(preset.model if preset else "")
        self.base_url.setReadOnly(False)
        self.show_key_state()

    def key_name(self) -> str:
        """Keys are stored under the preset's name, or under the base URL of a custom API (as the CLI does)."""
        from ...core.augment.llm import PRESETS

        key = self.provider.currentData()
        preset = PRESETS.get(key)
        if preset is not None and self.base_url.text().strip() == preset.base_url:
            return key
        return self.base_url.text().strip()

    def show_key_state(self) -> None:
        from ...core.augment.secrets import load_key, mask

        stored = load_key(self.key_name()) if self.key_name() else None
        self.api_key.clear()
        if stored:
            self.api_key.setPlaceholderText(self.tr("stored key {key}: leave empty to use it").format(key=mask(stored)))
            self.key_hint.setText(self.tr("A key is stored for this provider."))
        else:
            self.api_key.setPlaceholderText(self.tr("paste the provider's API key"))
            self.key_hint.setText(self.tr("A local server (Ollama, vLLM on this computer) needs no key."))

    def llm_settings(self):
        """LlmSettings from the form (the key typed, else the stored one); raises ValueError with a message."""
        from ...core.augment.llm import PRESETS, LlmSettings
        from ...core.augment.secrets import load_key, store_key

        key = self.provider.currentData()
        name = PRESETS[key].name if key in PRESETS else self.tr("custom API at {url}").format(
            url=self.base_url.text().strip())
        settings = LlmSettings(self.base_url.text().strip(), self.model.text().strip(), provider=name,
                               concurrency=self.concurrency.value(), batch_size=self.batch_size.value())
        typed = self.api_key.text().strip()
        if typed and self.remember_key.isChecked():
            store_key(self.key_name(), typed)
        settings.api_key = typed or load_key(self.key_name()) or None
        return settings
