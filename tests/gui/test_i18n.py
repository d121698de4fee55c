"""Every UI string of the GUI has a Chinese translation that keeps its placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import desktop_app.gui
from desktop_app.gui.i18n import DictTranslator, chinese_table

GUI = Path(desktop_app.gui.__file__).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def marked_strings():
    """(file, context, text) of every literal passed to self.tr / tr / _tr / translate(ctx, text)."""
    found = []
    for path in sorted(GUI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node, cls):
            for child in ast.iter_child_nodes(node):
                ctx = child.name if isinstance(child, ast.ClassDef) else cls
                if isinstance(child, ast.Call):
                    f = child.func
                    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                    args = [a.value if isinstance(a, ast.Constant) else None for a in child.args]
                    if name in ("tr", "_tr") and args and isinstance(args[0], str):
                        found.append((path.name, cls or "", args[0]))
                    elif name == "translate" and len(args) >= 2 and isinstance(args[1], str):
                        found.append((path.name, args[0] or "", args[1]))
                visit(child, ctx)

        visit(tree, None)
    return found


def test_every_ui_string_has_a_chinese_translation():
    table = chinese_table()
    missing = [f"{file}: {text!r}" for file, ctx, text in marked_strings()
               if f"{ctx}|{text}" not in table and text not in table]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    bad = [f"{key!r} -> {value!r}" for key, value in chinese_table().items()
           if sorted(PLACEHOLDER.findall(key.split("|", 1)[-1])) != sorted(PLACEHOLDER.findall(value))]
    assert not bad, "\n".join(bad)


def test_context_keys_win_over_plain_ones(qapp):
    translator = DictTranslator({"Answer": "直接回答", "QuestionForm|Answer": "答案"})
    assert translator.translate("QuestionForm", "Answer") == "答案"
    assert translator.translate("QueryPanel", "Answer") == "直接回答"
    assert translator.translate("X", "unknown") == "unknown"  # the English source
