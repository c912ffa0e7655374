"""New audit dialog: messages only once they help, a form that stays still, Esc that asks before
throwing work away, the auditor's details filled in, and Tab in reading order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import Auditor
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.editor.questions.multi_choice import MultiChoiceInput
from lscp_audit.ui.editor.questions.short_text import ShortTextInput
from lscp_audit.ui.new_audit.new_audit_dialog import ChoiceRole, NewAuditDialog

OPEN: list[NewAuditDialog] = []
ME = Auditor("Sam Patel", "Designated nurse", "Health")


@pytest.fixture(autouse=True)
def close_dialogs() -> Iterator[None]:
    yield
    for dialog in OPEN:  # done() closes without asking (reject() would ask about typed work)
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()
    OPEN.clear()


def _dialog(qtbot: QtBot, service: AuditService, templates: TemplateService, auditor: Auditor = ME) -> NewAuditDialog:
    dialog = NewAuditDialog(service, templates.get, auditor)
    OPEN.append(dialog)
    ids = [dialog.templates.item(i).data(ChoiceRole).id for i in range(dialog.templates.count())]
    dialog.templates.setCurrentRow(ids.index("ui-all-types"))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _reference(dialog: NewAuditDialog) -> ShortTextInput:
    assert dialog.form is not None
    reference = dialog.form.inputs["case_reference"]
    assert isinstance(reference, ShortTextInput)
    return reference


def test_no_messages_until_the_field_is_left_or_create_is_pressed(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    form = dialog.form
    assert form is not None
    reference = _reference(dialog)
    reference.editor.setFocus()
    qtbot.keyClicks(reference.editor, "not a ref")
    assert dialog.run_check() is not None and not dialog.run_check().ok  # the check has found it...
    assert form.shown_message("case_reference") == ""  # ...but says nothing while the auditor types
    qtbot.keyClick(reference.editor, Qt.Key.Key_Tab)  # leaves the field
    assert "Not accepted" in form.shown_message("case_reference")
    assert form.shown_message("agencies") == ""  # not touched yet


def test_first_create_attempt_shows_every_message(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    form = dialog.form
    assert form is not None
    qtbot.keyClicks(_reference(dialog).editor, "bad")
    assert form.shown_message("case_reference") == ""
    dialog.create_button.click()
    assert dialog.created_id is None and dialog.isVisible()
    assert "Not accepted" in form.shown_message("case_reference")
    assert QApplication.focusWidget() is _reference(dialog).editor  # taken to the first problem


def test_form_does_not_jump_when_a_message_appears(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    form = dialog.form
    assert form is not None
    agencies = form.inputs["agencies"]
    before = agencies.mapTo(form, agencies.rect().topLeft())
    qtbot.keyClicks(_reference(dialog).editor, "not a ref")
    dialog.create_audit()
    assert "Not accepted" in form.shown_message("case_reference")
    QApplication.processEvents()
    assert agencies.mapTo(form, agencies.rect().topLeft()) == before


def test_auditor_details_come_from_settings_and_do_not_count_as_typing(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    assert (dialog.auditor_name.text(), dialog.auditor_role.text(), dialog.auditor_agency.text()) == (
        "Sam Patel",
        "Designated nurse",
        "Health",
    )
    assert not dialog.has_typed()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes straight away
    assert not dialog.isVisible()


def _answer_discard_box(choice: str, seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append(box.defaultButton().text().replace("&", ""))
        for button in box.buttons():
            if button.text().replace("&", "") == choice:
                button.click()


def test_escape_asks_before_discarding_typed_work(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    reference = _reference(dialog)
    qtbot.keyClicks(reference.editor, "CS-0412")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer_discard_box("Keep editing", seen))
    qtbot.keyClick(reference.editor, Qt.Key.Key_Escape)
    assert seen == ["Keep editing"]  # the safe choice is the default
    assert dialog.isVisible() and reference.editor.text() == "CS-0412"
    QTimer.singleShot(0, lambda: _answer_discard_box("Discard", seen))
    qtbot.keyClick(reference.editor, Qt.Key.Key_Escape)
    assert len(seen) == 2 and not dialog.isVisible()
    assert audit_service.list_audits().total == 0


def test_tab_goes_through_the_form_then_create_and_cancel(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    dialog.templates.setFocus()
    stops: list[QWidget] = []
    for _ in range(40):
        widget = QApplication.focusWidget()
        assert widget is not None
        if stops and widget is stops[0]:
            break
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    names = [w.accessibleName() or w.text().replace("&", "") for w in stops]  # type: ignore[attr-defined]
    assert all(names), names  # no silent stop on an unnamed area
    assert names[:5] == ["Templates", "Audit title", "Your name", "Your role", "Your agency"]
    assert names[-2:] == ["Create audit", "Cancel"], str(names)
    assert stops[-2] is dialog.create_button and stops[-1] is dialog.cancel_button
    agencies = dialog.form.inputs["agencies"] if dialog.form else None
    assert isinstance(agencies, MultiChoiceInput)
    assert _reference(dialog).editor in stops and agencies.boxes["police"] in stops
    assert stops.index(_reference(dialog).editor) < stops.index(dialog.create_button)


def test_a_field_problem_is_part_of_what_a_screen_reader_says(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService
) -> None:
    dialog = _dialog(qtbot, audit_service, template_service)
    editor = _reference(dialog).editor
    plain = editor.accessibleDescription()
    qtbot.keyClicks(editor, "bad")
    dialog.create_audit()
    assert editor.accessibleDescription().startswith("✖ Not accepted")
    assert dialog.form is not None
    line = QAccessible.queryAccessibleInterface(dialog.form.messages["case_reference"])
    assert line is not None and line.text(QAccessible.Text.Name).startswith(
        "✖ Not accepted"
    )  # the message line says it
    editor.clear()
    qtbot.keyClicks(editor, "CS-0412")
    dialog.run_check()
    assert editor.accessibleDescription() == plain
    assert line.text(QAccessible.Text.Name) == "Case reference: check"  # nothing to say: what the line is for
