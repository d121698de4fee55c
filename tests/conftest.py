import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
