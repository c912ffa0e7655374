"""Keyboard only: Ctrl+N, choose the short template, type the case reference, answer every
question, review and complete, without touching the mouse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog
from lscp_audit.ui.shell import build_main_window
from tests.ui.keys import focused, press, tab_to_next_question


def open_window(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> MainWindow:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def fill_new_audit_dialog(qtbot: QtBot, done: list[str]) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, NewAuditDialog)
    try:
        _fill(qtbot, dialog, done)
    finally:
        if dialog.isVisible():  # never leave a modal dialog blocking the test
            dialog.reject()


def _fill(qtbot: QtBot, dialog: NewAuditDialog, done: list[str]) -> None:
    qtbot.waitUntil(dialog.templates.hasFocus)  # the template list has the focus first
    press(qtbot, Qt.Key.Key_Down)  # the second template: "UI test short audit"
    assert dialog.template_id == "ui-short"
    while not (isinstance(focused(), QLineEdit) and focused().accessibleName() == "Case reference"):
        press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "CS-0101")
    press(qtbot, Qt.Key.Key_Return)
    done.append(dialog.created_id or "")


def when_modal(kind: type[QWidget], act: Callable[[], None], tries: int = 200) -> None:
    """Run `act` once a modal `kind` is showing with the keyboard focus in it (polls, so it works
    whenever the dialog opens, however busy the machine is)."""
    modal, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
    if isinstance(modal, kind) and focus is not None and modal.isAncestorOf(focus):
        act()
    elif tries:
        QTimer.singleShot(50, lambda: when_modal(kind, act, tries - 1))
    elif isinstance(QApplication.activeModalWidget(), kind):
        act()  # let it fail (and close the dialog) rather than hang


def confirm_by_keyboard(qtbot: QtBot, log: list[str]) -> None:
    """Answer the "Complete this audit?" question: the safe button is the default, so move to Yes."""
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    try:
        if box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel):
            log.append("Cancel is the default")
        yes = box.button(QMessageBox.StandardButton.Yes)
        for _ in range(5):
            if QApplication.focusWidget() is yes:
                break
            press(qtbot, Qt.Key.Key_Tab)
        press(qtbot, Qt.Key.Key_Space)
    finally:
        if box.isVisible():
            box.reject()


def test_keyboard_only_completion(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> None:
    window = open_window(qtbot, vault_service, template_service)
    created: list[str] = []
    QTimer.singleShot(0, lambda: fill_new_audit_dialog(qtbot, created))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert created and created[0]
    editor = window.shell.audits_area.editor
    assert isinstance(editor, EditorPage) and editor.audit_id == created[0]
    window.activateWindow()  # the offscreen platform does not re-activate after a dialog closes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.navigator)

    first = tab_to_next_question(qtbot, None)
    assert first.question.id == "k_yes" and isinstance(focused(), QRadioButton)
    press(qtbot, Qt.Key.Key_Space)  # chooses the focused option ("Yes")
    second = tab_to_next_question(qtbot, first)
    assert second.question.id == "k_text"
    qtbot.keyClicks(focused(), "Social worker")
    text_editor = focused()
    press(qtbot, Qt.Key.Key_F1)  # Help > Guidance
    assert focused() is editor.guidance.browser
    assert "Who saw the child?" in editor.guidance.browser.toPlainText()
    press(qtbot, Qt.Key.Key_Escape)  # back to the question
    assert focused() is text_editor
    third = tab_to_next_question(qtbot, second)
    assert third.question.id == "k_grade"
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Review and complete
    qtbot.waitUntil(lambda: focused() is editor.review.complete_button)  # mnemonics click after a short delay
    assert editor.review.missing.count() == 0
    confirmed: list[str] = []
    when_modal(QMessageBox, lambda: confirm_by_keyboard(qtbot, confirmed))
    press(qtbot, Qt.Key.Key_Space)
    assert confirmed == ["Cancel is the default"]
    record = editor.service.get_audit(editor.audit_id)
    assert record.status == AuditStatus.COMPLETE
    assert {a.question_id: a.value for a in record.answers} == {
        "k_yes": "yes",
        "k_text": "Social worker",
        "k_grade": "outstanding",
    }


def test_find_and_guidance_shortcuts(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService
) -> None:
    window = open_window(qtbot, vault_service, template_service)
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.shell.audits_area.list_page.filters.search
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    assert window.guidance_action.shortcut().toString() == "F1"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.session is None and not vault_service.is_unlocked
