import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As desktop_app/gui/__init__.py does for the app: PySide6 creates its classes eagerly. pytest-qt
# imports PySide6 before any test imports desktop_app.gui, so without this the tests ran with lazy
# creation, and the background pyqtgraph import of one window raced the next window's widgets
# (a SIGSEGV in a fresh-clone run, inside pyqtgraph's enum copying).
os.environ.setdefault("PYSIDE6_OPTION_LAZY", "0")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the developer's real data directory, config (API keys) or keyring."""
    monkeypatch.setenv("STANDARDQ_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STANDARDQ_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def store(tmp_path):
    from desktop_app.core.store import Store

    s = Store(tmp_path / "store")
    yield s
    s.close()
