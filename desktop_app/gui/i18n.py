"""UI language: Qt's own strings (qtbase_zh_CN.qm, shipped with Qt) plus ours (Python dicts).

Our strings are written in English in the code (self.tr / QCoreApplication.translate). Their
Chinese lives in i18n_zh.py (editor), i18n_zh_panels.py (query / retrain panels) and
i18n_zh_augment.py (generation and review), i18n_zh_eval.py (losses, evaluation) and
i18n_zh_serve.py (the Serve switch, the Statistics view), looked up by
a QTranslator subclass rather than a compiled .qm: a plain dict is reviewable in a diff, needs no
build step, and matches by source text whatever the context, so `self.tr` in a subclass or a
module-level helper finds its string too. "Context|source" keys disambiguate where needed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

log = logging.getLogger(__name__)

# Language codes the View/Language menu offers; "" follows the system locale.
LANGUAGES = {"zh_CN": "中文", "en": "English"}
SETTINGS_KEY = "language"

_installed: list[QTranslator] = []  # kept alive here: the application does not own them


class DictTranslator(QTranslator):
    """Translates from a {source: translation} dict (with optional "Context|source" keys), then
    from `fallback` (Qt's own catalogue), else returns the source text unchanged.

    It always returns a string: returning None from this Python override would ask Qt to fall
    back by itself, but PySide6 6.12 over-releases None returned from virtual methods.
    """

    def __init__(self, table: dict[str, str], fallback: QTranslator | None = None, parent=None):
        super().__init__(parent)
        self.table = table
        self.fallback = fallback

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 - Qt API
        found = self.table.get(f"{context}|{source_text}") or self.table.get(source_text)
        if found:
            return found
        if self.fallback is not None:
            found = self.fallback.translate(context, source_text, disambiguation, n)
        return found or source_text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return not self.table


def chinese_table() -> dict[str, str]:
    from .i18n_zh import ZH
    from .i18n_zh_augment import ZH_AUGMENT
    from .i18n_zh_eval import ZH_EVAL
    from .i18n_zh_panels import ZH_PANELS
    from .i18n_zh_serve import ZH_SERVE

    return {**ZH_SERVE, **ZH_EVAL, **ZH_AUGMENT, **ZH_PANELS, **ZH}


def chosen_language() -> str:
    """The operator's choice from the Language menu, or "" for the system locale."""
    value = QSettings().value(SETTINGS_KEY, "")
    return value if value in LANGUAGES else ""


def remember_language(code: str) -> None:
    QSettings().setValue(SETTINGS_KEY, code if code in LANGUAGES else "")


def effective_language(choice: str | None = None) -> str:
    """zh_CN when chosen, or when the system locale is Chinese; English otherwise."""
    choice = chosen_language() if choice is None else choice
    if choice in LANGUAGES:
        return choice
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install_translators(code: str) -> None:
    """Replace the installed translators by those of `code`; English needs none (the source text)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if code == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if code != "zh_CN":
        return
    qt = QTranslator(app)  # Qt's own dialogs and buttons: 确定 / 取消, the line edit's menu...
    if not qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        log.warning("Qt's Chinese translation (qtbase_zh_CN) was not found")
        qt = None
    ours = DictTranslator(chinese_table(), qt, app)  # asks Qt's catalogue for what it lacks
    app.installTranslator(ours)
    _installed.append(ours)
