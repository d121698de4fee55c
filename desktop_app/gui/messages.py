"""Operator-facing wording of the store's errors, and the message boxes the editor shows.

The store's messages are English sentences built from a few fixed patterns; they are recognised
here so a Chinese UI says "“发票怎么开”已经是“怎么开发票”的相似问" instead of English.
Dialogs go through QMessageBox's static functions, which tests replace to auto-answer them.
(lupdate only sees literal `QCoreApplication.translate("Messages", ...)` calls, hence no alias.)
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.store import Conflict, ConflictError, StoreError


def _what(name: str) -> str | None:
    if name == "standard question":
        return QCoreApplication.translate("Messages", "the standard question")
    if name == "similar question":
        return QCoreApplication.translate("Messages", "the similar question")
    if name == "question":
        return QCoreApplication.translate("Messages", "the question")
    return None


def conflict_text(conflict: Conflict) -> str:
    """One conflict as a sentence, with its source row when it came from a file."""
    text, reason = conflict.text, conflict.reason
    if m := re.fullmatch(r"is already the standard question '(.*)'", reason, re.S):
        line = QCoreApplication.translate(
            "Messages", "“{text}” is already the standard question “{other}”").format(text=text, other=m[1])
    elif m := re.fullmatch(r"is already a similar question of '(.*)'", reason, re.S):
        line = QCoreApplication.translate(
            "Messages", "“{text}” is already a similar question of “{other}”").format(text=text, other=m[1])
    elif reason == "already exists as a shop":
        line = QCoreApplication.translate("Messages", "a shop named “{text}” already exists").format(text=text)
    elif reason == "is the same as its own standard question":
        line = QCoreApplication.translate(
            "Messages", "“{text}” is the same as its own standard question").format(text=text)
    else:  # a validation message passed through by the import
        line = f"“{text}”: {store_message(reason)}"
    if conflict.row is not None:
        line = QCoreApplication.translate("Messages", "row {row}: ").format(row=conflict.row) + line
    return line


def store_message(message: str) -> str:
    """A ValidationError / NotFoundError message in the UI language (unknown ones pass through)."""
    if (m := re.fullmatch(r"the (.+) is empty", message)) and (what := _what(m[1])):
        return QCoreApplication.translate("Messages", "{what} is empty").format(what=what)
    m = re.fullmatch(r"the (.+) is (\d+) characters long; the limit is (\d+)", message)
    if m and (what := _what(m[1])):
        return QCoreApplication.translate(
            "Messages", "{what} is {n} characters long; the limit is {limit}").format(what=what, n=m[2], limit=m[3])
    if message == "the shop name is empty":
        return QCoreApplication.translate("Messages", "the shop name is empty")
    return message


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ConflictError):
        lines = [conflict_text(c) for c in exc.conflicts[:10]]
        if len(exc.conflicts) > 10:
            lines.append(QCoreApplication.translate("Messages", "… and {n} more").format(n=len(exc.conflicts) - 10))
        return "\n".join(lines)
    if isinstance(exc, StoreError):
        return store_message(str(exc))
    return str(exc)


def show_error(parent: QWidget | None, title: str, exc_or_text: BaseException | str) -> None:
    text = exc_or_text if isinstance(exc_or_text, str) else error_text(exc_or_text)
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
