"""Keyboard helpers shared by the keyboard-only tests: act on whatever has the focus, as a user would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.ui.editor.question_block import QuestionBlock


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def block_of(widget: QWidget | None) -> QuestionBlock | None:
    while widget is not None and not isinstance(widget, QuestionBlock):
        widget = widget.parentWidget()
    return widget


def tab_to_next_question(qtbot: QtBot, current: QuestionBlock | None) -> QuestionBlock:
    for _ in range(40):
        press(qtbot, Qt.Key.Key_Tab)
        found = block_of(focused())
        if found is not None and found is not current:
            return found
    raise AssertionError("Tab never reached the next question")
