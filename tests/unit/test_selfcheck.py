"""The installation self-check (run first by the bundle's smoke test) lists every failure at once."""

from __future__ import annotations

from desktop_app import selfcheck


def test_every_check_passes_in_the_test_environment():
    assert selfcheck.run() == []


def test_failures_are_all_listed(monkeypatch, capsys):
    def missing():
        raise ModuleNotFoundError("No module named 'kernels'")

    def unreadable():
        raise FileNotFoundError("python_depends.json")

    monkeypatch.setattr(selfcheck, "CHECKS", {"a": missing, "b": unreadable, "c": lambda: None})
    failures = selfcheck.run()
    assert failures == ["a: ModuleNotFoundError: No module named 'kernels'",
                        "b: FileNotFoundError: python_depends.json"]
    assert selfcheck.main() == 1
    assert "1 passed, 2 failed" in capsys.readouterr().out
