"""Refresh the Qt Linguist files of the UI from the code, then compile them.

    python scripts/update_translations.py            # lupdate: sources -> .ts, then lrelease: .ts -> .qm
    python scripts/update_translations.py --release  # lrelease only (setup, the bundle)
    python scripts/update_translations.py --check    # exit 1 if a .ts misses or differs from a string in
                                                     # the code, or a Chinese translation is unfinished

The sources are every .py under desktop_app/gui; the strings are those of self.tr(...) (context: the
class) and QCoreApplication.translate("Context", ...) (context: the literal). Two catalogues:

- resources/i18n/standardq_zh_CN.ts: every string, in Chinese (edit with pyside6-linguist);
- resources/i18n/standardq_en.ts: only the strings with a count (%n), whose English plural forms
  ("%n edit" / "%n edits") the source text cannot give by itself.

The .ts are written without source locations, so moving code does not rewrite them. The .qm next to
them are build outputs (not in git): scripts/setup.sh and packaging/build.sh run --release.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "desktop_app" / "gui"
I18N = ROOT / "resources" / "i18n"
# language -> extra lupdate options
CATALOGUES = {"zh_CN": [], "en": ["-pluralonly"]}


def ts_path(language: str, folder: Path = I18N) -> Path:
    return folder / f"standardq_{language}.ts"


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease of this interpreter's environment, else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 (scripts/setup.sh does)")
    return found


def sources() -> list[str]:
    return [str(p) for p in sorted(SOURCES.rglob("*.py"))]


def lupdate(language: str, ts: Path) -> None:
    """Merge the code's strings into `ts` (created if absent), dropping those the code lost."""
    subprocess.run([tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none", "-sort-messages",
                    "-target-language", language, *CATALOGUES[language], *sources(), "-ts", str(ts)],
                   check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> <message> of a .ts file."""
    root = ET.parse(ts).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or ""): m
            for c in root.iter("context") for m in c.iter("message")}


def unfinished(message: ET.Element) -> bool:
    translation = message.find("translation")
    if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
        return True
    forms = [f.text for f in translation.iter("numerusform")] if message.get("numerus") == "yes" \
        else [translation.text]
    return not forms or not all(forms)


def check() -> list[str]:
    """What keeps the .ts from matching the code: strings missing, gone or unfinished."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in CATALOGUES:
            fresh = ts_path(language, Path(tmp))
            shutil.copy(ts_path(language), fresh)
            lupdate(language, fresh)
            kept, now = messages(ts_path(language)), messages(fresh)
            problems += [f"{language}: not in the .ts: {key}" for key in now.keys() - kept.keys()]
            problems += [f"{language}: no longer in the code: {key}" for key in kept.keys() - now.keys()]
            problems += [f"{language}: unfinished: {key}" for key, m in now.items() if unfinished(m)]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--release", action="store_true", help="only compile the .ts into .qm")
    mode.add_argument("--check", action="store_true", help="only check the .ts against the code")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "translations up to date")
        return 1 if problems else 0
    for language in CATALOGUES:
        ts = ts_path(language)
        if not args.release:
            lupdate(language, ts)
        lrelease(ts, ts.with_suffix(".qm"))
    if not args.release:
        left = [key for key, m in messages(ts_path("zh_CN")).items() if unfinished(m)]
        left += [key for key, m in messages(ts_path("en")).items() if unfinished(m)]
        if left:
            print(f"{len(left)} strings to translate (pyside6-linguist resources/i18n/*.ts), e.g. {left[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
