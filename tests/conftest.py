import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the developer's real data directory."""
    monkeypatch.setenv("STANDARDQ_HOME", str(tmp_path / "home"))


@pytest.fixture
def store(tmp_path):
    from desktop_app.core.store import Store

    s = Store(tmp_path / "store")
    yield s
    s.close()
