"""The layering that pyproject.toml's import-linter contracts state, no import circles, and a
query path that loads neither Qt nor torch when it runs."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    exe = str(exe) if exe.exists() else shutil.which("lint-imports")
    assert exe, "import-linter is not installed (pip install -e '.[dev]')"
    proc = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_no_import_circles():
    import grimp

    graph = grimp.build_graph("desktop_app", cache_dir=None)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(imported=module, importer=imported):
                circles.append(f"{module} -> {imported}")
    assert circles == []


def test_command_line_and_core_load_no_qt():
    code = ("import sys, pkgutil, importlib, desktop_app.core, desktop_app.cli\n"
            "for m in pkgutil.walk_packages(desktop_app.core.__path__, 'desktop_app.core.'):\n"
            "    importlib.import_module(m.name)\n"
            "desktop_app.cli.build_parser()\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'pyqtgraph'))))")
    assert run(code).strip() == "[]"


def test_answering_a_query_loads_no_torch(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)  # built here, with torch; answered below in a fresh process
    code = ("import sys\nfrom pathlib import Path\nfrom desktop_app.core.store import Store\n"
            "from desktop_app.core.matcher import Matcher\n"
            "r = Matcher.open(Store(Path(sys.argv[1])), int(sys.argv[2])).query('发票怎么开')\n"
            "print(r.matches[0].standard_question, sorted({m.split('.')[0] for m in sys.modules}\n"
            "      & {'torch', 'transformers', 'pytorch_metric_learning', 'PySide6'}))")
    out = subprocess.run([sys.executable, "-c", code, str(store.home), str(tiny_shop.id)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "怎么开发票 []"
