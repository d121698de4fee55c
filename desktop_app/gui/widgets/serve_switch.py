"""The Serve switch of the status bar: the matching API on or off, its address, the token, the load.

The server runs in a child process (gui/serve_process.py); this widget starts it, reads its
messages with a timer (never blocking the GUI thread), and stops it: the stop Event first, a
terminate only when it has not ended after STOP_GRACE_S. It stops with the application unless
the operator ticked "Keep serving after StandardQ closes" (ServeSettings.keep_running); a server
kept from an earlier session is found at start-up (`probe_existing`) and shown, and can be stopped.
The token is read off the GUI thread (a keyring may be slow) and goes to the clipboard only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QMenu, QToolButton, QWidget

from ...core import serve_settings
from .. import serve_process
from ..icons import icon
from ..job_runner import JobRunner
from ..serve_process import ServeProcess
from ..style import (BORDER, ERROR, GREY, MUTED, PRIMARY, SUCCESS, SUCCESS_BG, SUCCESS_BORDER, WARNING,
                     WARNING_BG, WARNING_BORDER)
from ..workers import FunctionWorker

log = logging.getLogger(__name__)

POLL_MS = 200
ERROR_WIDTH = 340  # the error is elided to this many pixels; the whole text is its tooltip

STYLE = f"""
QToolButton#serveToggle {{ border-radius: 10px; padding: 2px 10px; font-weight: 600; background: {GREY};
    color: {MUTED}; border: 1px solid {BORDER}; }}
QToolButton#serveToggle[state="on"], QToolButton#serveToggle[state="external"] {{ background: {SUCCESS_BG};
    color: {SUCCESS}; border: 1px solid {SUCCESS_BORDER}; }}
QToolButton#serveToggle[state="starting"], QToolButton#serveToggle[state="stopping"] {{ background: {WARNING_BG};
    color: {WARNING}; border: 1px solid {WARNING_BORDER}; }}
QToolButton#serveToggle::menu-button {{ border: none; width: 14px; }}
QLabel#serveAddress {{ color: {PRIMARY}; }}
QLabel#serveRate {{ color: {MUTED}; }}
QLabel#serveError {{ color: {ERROR}; }}
"""


class ServeSwitch(QWidget):
    """Start / stop the API server child and show what it reports."""

    state_changed = Signal(str)  # off / starting / on / stopping / external
    token_copied = Signal()
    status_updated = Signal(dict)

    def __init__(self, home: Path, parent=None, *, host: str | None = None, port: int | None = None) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.host = host  # None: the saved setting (serve.json); tests pass port 0 (a free port)
        self.port = port
        self.process: ServeProcess | None = None
        self.state = "off"
        self.address = ""
        self.status: dict = {}
        self.last_error = ""
        self.external: dict | None = None  # a server found at start-up, not started by this window
        self._error_seen = False  # the child sent an error: its exit is no surprise
        self.runner = JobRunner(self)  # the start-up probe and stopping an earlier session's server
        self.token_runner = JobRunner(self)
        self.runner.finished.connect(self._background_done)
        self.runner.failed.connect(self._show_error)
        self.token_runner.finished.connect(self._copy_token_to_clipboard)
        self.token_runner.failed.connect(self._show_error)

        self.setStyleSheet(STYLE)
        self.toggle = QToolButton(objectName="serveToggle")
        self.toggle.setCheckable(True)
        self.toggle.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.toggle.setToolTip(self.tr("Serve the matching API to the shop's customer-service system"))
        self.toggle.clicked.connect(self._toggled)
        self.menu = QMenu(self)
        self.copy_token_action = QAction(icon("copy"), self.tr("Copy API token"), self)
        self.copy_token_action.triggered.connect(self.copy_token)
        self.copy_address_action = QAction(self.tr("Copy address"), self)
        self.copy_address_action.triggered.connect(self.copy_address)
        self.docs_action = QAction(self.tr("Open the API page (/docs)"), self)
        self.docs_action.triggered.connect(self.open_docs)
        self.keep_action = QAction(self.tr("Keep serving after StandardQ closes"), self, checkable=True)
        self.port_action = QAction(self.tr("Port…"), self)
        self.port_action.setToolTip(self.tr("The port the API listens on (127.0.0.1); saved for the next starts"))
        self.port_action.triggered.connect(self.choose_port)
        self.menu.addActions([self.copy_token_action, self.copy_address_action, self.docs_action])
        self.menu.addSeparator()
        self.menu.addActions([self.port_action, self.keep_action])
        self.toggle.setMenu(self.menu)

        self.address_label = QLabel(objectName="serveAddress")
        self.address_label.setToolTip(self.tr("The API's address: POST /v1/shops/<shop>/query"))
        self.copy_button = QToolButton()
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setAutoRaise(True)
        self.copy_button.setToolTip(self.tr("Copy the API token (Authorization: Bearer <token>)"))
        self.copy_button.clicked.connect(self.copy_token)
        self.rate_label = QLabel(objectName="serveRate")
        self.error_label = QLabel(objectName="serveError")
        self.error_label.setMaximumWidth(ERROR_WIDTH)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(6)
        for widget in (self.error_label, self.toggle, self.address_label, self.copy_button, self.rate_label):
            layout.addWidget(widget)

        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._set_state("off")
        self.keep_action.setChecked(self._settings_keep())
        self.keep_action.toggled.connect(self.set_keep_running)

    # -- settings ----------------------------------------------------------------------------
    def _settings(self) -> serve_settings.ServeSettings | None:
        try:
            return serve_settings.load(self.home)
        except ValueError as exc:
            self._show_error(str(exc))
            return None

    def _settings_keep(self) -> bool:
        settings = self._settings()
        return bool(settings and settings.keep_running)

    def set_keep_running(self, keep: bool) -> None:
        """The menu's checkbox: saved (serve.json), and told to a running child at once."""
        try:
            serve_settings.update(self.home, keep_running=bool(keep))
        except (ValueError, OSError) as exc:
            self._show_error(str(exc))
        if self.process is not None:
            self.process.set_keep_running(bool(keep))

    def choose_port(self) -> None:
        """Menu ▸ Port…: another port when 8765 is taken by some other program."""
        settings = self._settings()
        current = settings.port if settings else serve_settings.ServeSettings().port
        port, ok = QInputDialog.getInt(self, self.tr("API port"), self.tr("Port (1–65535):"), current, 1, 65535)
        if ok:
            self.set_port(port)

    def set_port(self, port: int) -> bool:
        """Save the port (serve.json); the next start uses it. False when it could not be saved."""
        try:
            serve_settings.update(self.home, port=int(port))
        except (ValueError, OSError) as exc:
            self._show_error(str(exc))
            return False
        self.port = None  # from now on the saved setting
        self._show_error("")
        return True

    # -- start / stop ------------------------------------------------------------------------
    def is_serving(self) -> bool:
        return self.state in ("on", "external")

    def start(self) -> None:
        if self.process is not None or self.state == "external":
            return
        if self.runner.busy():  # the start-up probe is still out: it must not overwrite what we start
            self.runner.drop()
        self._show_error("")
        self._error_seen = False
        self.status = {}
        self.process = ServeProcess(self.home, host=self.host, port=self.port)
        try:
            self.process.start(keep_running=self.keep_action.isChecked())
        except OSError as exc:
            self.process = None
            self._show_error(self.tr("The server could not be started: {error}").format(error=exc))
            self._set_state("off")
            return
        self._set_state("starting")
        self.timer.start()

    def stop(self) -> None:
        """Ask the server to stop; the timer sees it end (and terminates it if it takes too long)."""
        if self.state == "external":
            self._stop_external()
            return
        if self.process is None:
            return
        self.process.request_stop()
        self._set_state("stopping")

    def _toggled(self, checked: bool) -> None:
        if checked and self.state == "off":
            self.start()
        elif not checked and self.state in ("on", "starting", "external"):
            self.stop()
        else:  # a click during starting / stopping: the button keeps showing the real state
            self._set_state(self.state)

    def adopt(self, other: "ServeSwitch") -> None:
        """Take over `other`'s server (the window rebuilt for another language): it keeps serving."""
        if self.process is not None or other.process is None and other.state != "external":
            return
        self.process, other.process = other.process, None
        other.timer.stop()
        self.address, self.status, self.external = other.address, dict(other.status), other.external
        self._error_seen = other._error_seen
        self._show_error(other.last_error)
        self._set_state(other.state)
        other.external = None
        other._set_state("off")
        if self.process is not None:
            self.process.set_keep_running(self.keep_action.isChecked())
            self.timer.start()

    def shutdown(self) -> None:
        """At the application's exit: stop the server, or leave it running when the operator chose so."""
        self.timer.stop()
        self.runner.shutdown(2000)
        self.token_runner.shutdown(2000)
        process, self.process = self.process, None
        if process is None:
            return
        if self.keep_action.isChecked() and process.alive() and self.state == "on":
            log.info("the API server (pid %s) keeps running after the application", process.pid)
            process.detach()
        else:
            process.stop()
        self._set_state("off")

    # -- the child's messages ----------------------------------------------------------------
    def _poll(self) -> None:
        process = self.process
        if process is None:
            self.timer.stop()
            return
        for kind, payload in process.messages():
            if kind == "ready":
                host, port = payload
                self.address = serve_process.address(host, port)
                self._set_state("on")
            elif kind == "status":
                self.status = dict(payload)
                self._show_status()
                self.status_updated.emit(self.status)
            elif kind == "stopped":  # also when stopped from outside (SIGTERM): no surprise
                self._error_seen = True
            elif kind == "error":
                self._error_seen = True
                self._show_error(self._error_text(str(payload)))
        if not process.alive():
            if not self._error_seen and self.state in ("starting", "on"):
                self._show_error(self.tr("The server stopped unexpectedly (exit code {code})").format(
                    code=process.exitcode()))
            process.stop(timeout_s=0)  # reaps it and closes the queue
            self.process = None
            self.timer.stop()
            self._set_state("off")
        elif self.state == "stopping" and process.stop_overdue():
            process.terminate()

    def _error_text(self, message: str) -> str:
        if message.startswith("port ") and "StandardQ is already serving" in message:
            port = message.split()[1]
            return self.tr("Port {port} is in use: StandardQ is already serving there").format(port=port)
        if message.startswith("port ") and "in use by another program" in message:
            port = message.split()[1]
            return self.tr("Port {port} is in use by another program").format(port=port)
        return message

    # -- a server of an earlier session --------------------------------------------------------
    def probe_existing(self) -> None:
        """Is a StandardQ server already on the configured port (kept from an earlier session,
        or `standardq serve`)? Asked in the background; the answer sets the switch."""
        settings = self._settings()
        if settings is None or self.process is not None:
            return
        host = self.host or settings.host
        port = settings.port if self.port in (None, 0) else self.port
        home = self.home

        def job(_reporter):
            return "probe", serve_process.find_running(home, host, port)

        self.runner.start(FunctionWorker(job))

    def _stop_external(self) -> None:
        found = self.external
        if not found or not found.get("pid"):
            self._show_error(self.tr("This server was not started by StandardQ's window: stop it where it "
                                     "was started"))
            self._set_state("external")
            return
        self._set_state("stopping")

        def job(_reporter):
            return "stopped", serve_process.stop_running(found["pid"], found["host"], found["port"])

        self.runner.start(FunctionWorker(job))

    def _background_done(self, result) -> None:
        kind, value = result
        if kind == "probe":
            if value is None or self.process is not None:
                return
            self.external = value
            self.address = serve_process.address(value["host"], value["port"])
            if value.get("pid"):  # this data directory's server, kept from an earlier session
                self._set_state("external")
            else:
                self._show_error(self.tr("StandardQ is already serving on {address} (started outside this "
                                         "window)").format(address=self.address))
                self._set_state("off")
        elif kind == "stopped":
            if value:
                self.external = None
                self._set_state("off")
            else:
                self._show_error(self.tr("The server of the earlier session did not stop"))
                self._set_state("external")

    # -- token, address ----------------------------------------------------------------------
    def copy_token(self) -> None:
        """The token to the clipboard (read in the background; never shown, never logged)."""
        from ...server.token import api_token

        self.token_runner.start(FunctionWorker(lambda _reporter: api_token()))

    def _copy_token_to_clipboard(self, token) -> None:
        if not token:
            return
        QGuiApplication.clipboard().setText(token)
        self.rate_label.setText(self.tr("token copied"))
        QTimer.singleShot(2500, self._show_status)
        self.token_copied.emit()

    def copy_address(self) -> None:
        if self.address:
            QGuiApplication.clipboard().setText(self.address)

    def open_docs(self) -> None:
        if self.address:
            QDesktopServices.openUrl(QUrl(self.address + "/docs"))

    # -- display ------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        changed = state != self.state
        self.state = state
        texts = {"off": self.tr("Serve API"), "starting": self.tr("Starting…"), "on": self.tr("Serving"),
                 "stopping": self.tr("Stopping…"), "external": self.tr("Serving (earlier session)")}
        self.toggle.setText(texts[state])
        self.toggle.setChecked(state in ("on", "starting", "external"))
        self.toggle.setProperty("state", state)
        self.toggle.style().unpolish(self.toggle)
        self.toggle.style().polish(self.toggle)
        serving = state in ("on", "external")
        if not serving:
            self.status = {}
        if state == "off":
            self.address = "" if self.external is None else self.address
        self.address_label.setText(self.address if serving else "")
        self.address_label.setVisible(serving)
        self.copy_button.setVisible(serving)
        self.rate_label.setVisible(serving)
        for action in (self.copy_address_action, self.docs_action):
            action.setEnabled(serving)
        self.port_action.setEnabled(state == "off")
        self._show_status()
        if changed:
            self.state_changed.emit(state)

    def _show_status(self) -> None:
        if self.state == "external":
            self.rate_label.setText("")
            return
        self.rate_label.setText(self.tr("{n} requests/min").format(n=self.status.get("requests_per_minute", 0)))
        self.rate_label.setToolTip(self.tr("%n request(s) since the server started", "",
                                           self.status.get("requests", 0)))
        server_error = self.status.get("last_error") or ""
        if server_error and server_error != self.last_error:
            self._show_error(server_error)

    def _show_error(self, message: str) -> None:
        self.last_error = message
        metrics = self.error_label.fontMetrics()
        self.error_label.setText(metrics.elidedText(message, Qt.TextElideMode.ElideRight, ERROR_WIDTH))
        self.error_label.setToolTip(message)
        self.error_label.setVisible(bool(message))
