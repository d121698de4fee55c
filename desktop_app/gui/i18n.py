"""UI language: our strings from Qt Linguist catalogues, plus Qt's own (qtbase_zh_CN.qm, shipped with Qt).

Our strings are written in English in the code (self.tr / QCoreApplication.translate with a literal
context). resources/i18n/standardq_zh_CN.ts holds their Chinese, standardq_en.ts the English plural
forms of the strings with a count ("%n edit(s)" -> "1 edit" / "3 edits"). scripts/update_translations.py
refreshes the .ts from the code (pyside6-lupdate) and compiles them to the .qm loaded here
(pyside6-lrelease); setup and the bundle build run its --release.

A count is marked in the class that shows it: PySide6's self.tr walks the class hierarchy for a
translation, but with a count it stops at the most derived class, so a plural string inherited
from a base class would stay untranslated (tests/gui/test_i18n.py checks this).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from ..paths import resource

log = logging.getLogger(__name__)

# Language codes the View/Language menu offers; "" follows the system locale.
LANGUAGES = {"zh_CN": "中文", "en": "English"}
SETTINGS_KEY = "language"

_installed: list[QTranslator] = []  # kept alive here: the application does not own them


def qm_dir() -> Path:
    """Where the compiled catalogues standardq_<language>.qm are."""
    return resource("i18n")


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
    """Replace the installed translators by those of `code` (zh_CN or en)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if code == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    catalogues = [(f"standardq_{code}", str(qm_dir()))]
    if code == "zh_CN":  # Qt's own dialogs and buttons: 确定 / 取消, the line edit's menu...
        catalogues.append(("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    for name, folder in catalogues:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("translation %s.qm not found in %s (python scripts/update_translations.py --release "
                        "builds ours)", name, folder)
