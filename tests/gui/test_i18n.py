"""The Qt Linguist catalogues (resources/i18n/*.ts) hold every UI string of the code, translated,
with its placeholders and plural forms, and the compiled .qm turn the application Chinese."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from desktop_app.gui import i18n
from tests.gui.helpers import seed

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%L?\d")


def _load_script():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


tools = _load_script()


def forms(message) -> list[str]:
    translation = message.find("translation")
    if message.get("numerus") == "yes":
        return [f.text or "" for f in translation.iter("numerusform")]
    return [translation.text or ""]


@pytest.fixture(scope="module")
def catalogues():
    return {language: tools.messages(tools.ts_path(language)) for language in tools.CATALOGUES}


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory):
    """The .ts compiled afresh, so the tests read what the .ts say, not a stale build."""
    folder = tmp_path_factory.mktemp("qm")
    for language in tools.CATALOGUES:
        tools.lrelease(tools.ts_path(language), folder / f"standardq_{language}.qm")
    return folder


def test_every_string_of_the_code_is_in_the_catalogues_and_translated():
    """lupdate over the code again: no string missing from a .ts, none left over, none unfinished
    (python scripts/update_translations.py, then translate what it lists)."""
    problems = tools.check()
    assert not problems, "\n".join(problems)


def test_lupdate_finds_the_module_level_strings(catalogues):
    """Strings outside a class come in with their explicit context (QCoreApplication.translate)."""
    zh = catalogues["zh_CN"]
    for key in [("Messages", "the shop name is empty"), ("Labels", "accepted"), ("QueryPanel", "No match"),
                ("RetrainPanel", "{m} min {s} s"), ("AugmentDialog", "too short")]:
        assert key in zh, key
    assert ("", "too short") not in zh and not any(context == "" for context, _ in zh)


def test_translations_keep_their_placeholders(catalogues):
    bad = [f"{language} {key}: {form!r}" for language, found in catalogues.items() for key, message in found.items()
           for form in forms(message)
           if sorted(PLACEHOLDER.findall(key[1])) != sorted(PLACEHOLDER.findall(form))]
    assert not bad, "\n".join(bad)


def test_counts_have_their_plural_forms(catalogues):
    """Every "%n" string is a numerus message: one form in Chinese, singular and plural in English."""
    zh, en = catalogues["zh_CN"], catalogues["en"]
    counted = {key for key in zh if "%n" in key[1]}
    assert len(counted) >= 15
    assert all(zh[key].get("numerus") == "yes" and len(forms(zh[key])) == 1 for key in counted)
    assert set(en) == counted  # the English catalogue holds the plural strings, and only them
    assert all(len(forms(en[key])) == 2 for key in counted)
    singular, plural = forms(en[("MainWindow", "%n edit(s) since this model was made")])
    assert (singular, plural) == ("%n edit since this model was made", "%n edits since this model was made")


def test_compiled_catalogues_translate_by_context_and_count(qapp, qm_dir):
    zh, en = QTranslator(), QTranslator()
    assert zh.load("standardq_zh_CN", str(qm_dir)) and en.load("standardq_en", str(qm_dir))
    assert zh.translate("QuestionForm", "Answer") == "答案"  # one English word, two Chinese ones
    assert zh.translate("QueryPanel", "Answer") == "直接回答"
    assert zh.translate("MainWindow", "%n edit(s) since this model was made", "", 3) == "此模型生成后有 %n 处修改"
    assert en.translate("QuestionList", "%n question(s)", "", 1) == "%n question"
    assert en.translate("QuestionList", "%n question(s)", "", 2) == "%n questions"
    assert en.translate("QuestionList", "Find", "") == ""  # not in the English catalogue: the source shows


@pytest.fixture
def language(qapp, qm_dir, monkeypatch):
    """install_translators(code) over the freshly compiled catalogues; English again afterwards."""
    monkeypatch.setattr(i18n, "qm_dir", lambda: qm_dir)
    yield i18n.install_translators
    i18n.install_translators("en")


def test_english_plurals(language):
    language("en")
    translate = QCoreApplication.translate
    assert translate("MainWindow", "%n edit(s) since this model was made", "", 1) == "1 edit since this model was made"
    assert translate("MainWindow", "Model out of date: %n edit(s) since training", "", 4) == \
        "Model out of date: 4 edits since training"
    assert translate("ImportDialog", " %n conflicting row(s) were left out.", "", 1) == \
        " 1 conflicting row was left out."


def test_the_application_in_chinese(language, store, make_window):
    from desktop_app.gui.widgets.query.labels import decision_name
    from desktop_app.gui.widgets.retrain.formatting import format_duration

    language("zh_CN")
    assert decision_name("no_match") == "无匹配" and format_duration(75) == "1 分 15 秒"
    assert QCoreApplication.translate("Messages", "the shop name is empty") == "店铺名称不能为空"
    seed(store)
    window = make_window(store)
    assert window.tabs.tabText(window.EDITOR_TAB) == "问题编辑"
    assert window.form.save_button.text() == "保存"
    assert [a.text() for a in window.menuBar().actions()][:2] == ["文件(&F)", "店铺(&S)"]
    assert re.fullmatch(r"共 \d+ 个", window.questions.count_label.text())  # "%n question(s)"
    # Qt's own catalogue is installed beside ours
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_no_string_is_marked_inside_an_f_string():
    """lupdate does not look inside f-strings: f"{self.tr('x')}" would never be translated."""
    import ast

    found = []
    for path in sorted((ROOT / "desktop_app" / "gui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                found += [f"{path.name}:{call.lineno}" for call in ast.walk(node) if isinstance(call, ast.Call)
                          and getattr(call.func, "attr", getattr(call.func, "id", None)) in ("tr", "translate")]
    assert not found, found


def test_no_plural_string_sits_in_a_class_that_is_subclassed(catalogues):
    """PySide6's self.tr with a count tries the most derived class's context only."""
    import ast

    bases = set()
    for path in sorted((ROOT / "desktop_app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases |= {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
    inherited = {context for context, source in catalogues["en"] if context in bases}
    assert not inherited, inherited
