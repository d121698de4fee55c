"""The core knows nothing of Qt, and the query path never imports torch."""

import subprocess
import sys

CORE = ["store", "migrations", "normalize", "io_formats", "index", "matcher", "runtime", "evaluation",
        "pipeline", "jobs", "reporter", "config", "encoders", "training", "export", "losses"]


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_core_imports_no_qt():
    code = ("import sys\n" + "".join(f"import desktop_app.core.{m}\n" for m in CORE)
            + "import desktop_app.cli\nprint(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))")
    assert run(code).strip() == "[]"


def test_query_path_imports_no_torch():
    code = ("import sys\nimport desktop_app.core.matcher, desktop_app.core.pipeline, desktop_app.cli\n"
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    assert run(code).strip() == "False False"
