"""Colours live in the palette (gui/style.py): no other GUI module writes a hex colour."""

from __future__ import annotations

import re
from pathlib import Path

import desktop_app.gui
from desktop_app.gui import style

GUI = Path(desktop_app.gui.__file__).parent
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_no_hex_colour_outside_the_palette():
    found = [f"{path.relative_to(GUI)}:{n}: {line.strip()}"
             for path in sorted(GUI.rglob("*.py")) if path.name != "style.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if HEX.search(line)]
    assert not found, "name these colours in gui/style.py:\n" + "\n".join(found)


def test_the_style_sheet_fills_every_placeholder():
    sheet = style.style_sheet()
    assert not re.search(r"\{[A-Za-z_]+\}", sheet)  # every {NAME} was a palette entry
    assert style.PRIMARY in sheet and "chevron-down.svg" in sheet
