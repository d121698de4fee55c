"""Application level: the installed command's screenshot mode, no torch on the GUI path, language
switching without a restart, the error dialog of an unexpected exception, a 5,000 x 20 shop."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.store import Store
from desktop_app.gui import i18n
from tests.gui.helpers import seed

EXE = shutil.which("standardq", path=str(Path(sys.executable).parent)) or shutil.which("standardq")


def _env(tmp_path, **extra):
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "STANDARDQ_HOME": str(tmp_path / "unused-home"), **extra}


def test_screenshot_command_writes_a_png_in_seconds(tmp_path):
    assert EXE, "the standardq console script is not installed"
    home, shot = tmp_path / "home", tmp_path / "shots" / "editor.png"
    t0 = time.perf_counter()
    proc = subprocess.run([EXE, "--home", str(home), "gui", "--screenshot", str(shot)], env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    store = Store(home)
    try:  # the demo shop was created, and no model was built for the screenshot
        shop = store.shop("净途演示店")
        assert len(store.standards(shop.id)) == 66 and store.versions(shop.id) == []
    finally:
        store.close()
    assert (home / "logs" / "standardq.log").exists()
    print(f"screenshot command: {seconds:.1f} s")


def test_without_a_display_the_command_explains_instead_of_crashing(tmp_path):
    env = {k: v for k, v in _env(tmp_path).items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([EXE, "--home", str(tmp_path / "home")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1 and "no display" in proc.stderr


def test_the_gui_path_imports_no_torch(tmp_path):
    code = ("import sys\nfrom pathlib import Path\nfrom desktop_app.gui import app\n"
            "from desktop_app.core.store import Store\nfrom desktop_app.cli import ensure_demo_shop\n"
            "a = app.create_application(); s = Store(Path(sys.argv[1])); ensure_demo_shop(s)\n"
            "w = app.Shell(s).open(remember=False, build_models=False); a.processEvents()\n"
            "assert w.questions.model.rowCount() == 66\n"
            "print('torch' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "home")], env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False"


def test_the_app_loads_pyside6_classes_eagerly(tmp_path):
    """The command's path (desktop_app.__main__ -> gui) turns PySide6's lazy class creation off
    before PySide6 loads: created lazily, a class made by the background pyqtgraph import while
    the GUI thread painted crashed the frozen app. Eager: the module holds its classes at once."""
    env = {k: v for k, v in _env(tmp_path).items() if k != "PYSIDE6_OPTION_LAZY"}
    code = ("import sys\nfrom desktop_app.gui import app\nimport PySide6.QtWidgets as w\n"
            "print('QListView' in vars(w), len(vars(w)) > 100)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]


def test_the_tests_run_with_pyside6_eager_like_the_app():
    import PySide6.QtWidgets as w

    assert "QListView" in vars(w) and len(vars(w)) > 100


def test_language_switch_rebuilds_the_window_in_place(store, qtbot):
    from desktop_app.gui.app import Shell

    shop = seed(store)
    shell = Shell(store)
    window = shell.open(remember=False, build_models=False)
    qtbot.addWidget(window)
    sq = store.find_standard(shop.id, "退货运费谁出")
    window.questions.select(sq.id)
    window.tabs.setCurrentIndex(window.TEST_TAB)
    try:
        window.language_requested.emit("zh_CN")
        zh = shell.window
        qtbot.addWidget(zh)
        assert zh is not window and not window.isVisible()
        assert zh.tabs.tabText(zh.EDITOR_TAB) == "问题编辑" and zh.form.enabled.text() == "启用（参与匹配）"
        assert zh.form.save_button.text() == "保存"
        assert zh.questions.current().id == sq.id and zh.tabs.currentIndex() == zh.TEST_TAB
        assert i18n.chosen_language() == "zh_CN"
        zh.language_requested.emit("en")
        en = shell.window
        qtbot.addWidget(en)
        assert en.tabs.tabText(en.EDITOR_TAB) == "Questions"
    finally:
        i18n.install_translators("en")
        i18n.remember_language("")


def test_chinese_follows_the_system_locale(monkeypatch):
    from PySide6.QtCore import QLocale

    chinese, german = QLocale(QLocale.Language.Chinese, QLocale.Country.China), QLocale(QLocale.Language.German)
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: chinese))
    assert i18n.effective_language("") == "zh_CN"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: german))
    assert i18n.effective_language("") == "en"
    assert i18n.effective_language("zh_CN") == "zh_CN"


def test_unexpected_exceptions_show_a_dialog_and_are_logged(tmp_path, qtbot, monkeypatch, caplog):
    from desktop_app.gui.app import ErrorReporter

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.informativeText(),
                                                                       box.detailedText())) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    reporter = ErrorReporter(tmp_path / "standardq.log")
    reporter.install()
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError("boom")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        assert len(shown) == 1 and "ValueError: boom" in shown[0][1] and "Traceback" in shown[0][2]
        assert "standardq.log" in shown[0][1]
        worker = threading.Thread(target=lambda: 1 / 0)  # from a worker thread: queued to the GUI thread
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 2)
    assert "ZeroDivisionError" in shown[1][1]
    assert sum("unexpected error" in r.message for r in caplog.records) == 2


# ----------------------------------------------------------------------------- a big shop
@pytest.fixture(scope="module")
def big_home(tmp_path_factory):
    from bench.gui_startup import build_big_shop

    home = tmp_path_factory.mktemp("big")
    store = Store(home)
    build_big_shop(store, 5000, 20)
    store.close()
    return home


def test_the_list_handles_5000_questions_with_20_similar_each(big_home, make_window, qtbot):
    store = Store(big_home)
    try:
        t0 = time.perf_counter()
        window = make_window(store)
        opened = time.perf_counter() - t0
        questions = window.questions
        assert questions.model.rowCount() == 5000 and questions.proxy.rowCount() == 5000
        assert window.stats_label.text().startswith("5000 standard questions · 100000 similar")
        last = questions.model.record(4999)
        assert questions.select(last.id)
        assert len(window.similars.model.records()) == 20 and window.form.text.text() == last.text
        t1 = time.perf_counter()
        questions.search.setText("第4321号")
        qtbot.waitUntil(lambda: questions.proxy.rowCount() == 1)
        searched = time.perf_counter() - t1
        questions.search.clear()
        qtbot.waitUntil(lambda: questions.proxy.rowCount() == 5000)
        questions.category.setCurrentIndex(questions.category.findData("售后"))
        assert questions.proxy.rowCount() == 625
        # Timings are informative only (bench/gui_startup.py measures start-up properly).
        print(f"5000x20: window {opened:.2f} s, search round trip {searched:.2f} s")
        window.close()
    finally:
        store.close()
