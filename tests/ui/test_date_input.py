"""The date input, typed as people type dates: several forms give exactly the date typed, empty
is "Not set" (no sentinel date), text that is not a date is an error saying what to type, the
calendar opens on today, Tab moves on, and a screen reader reads the date."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.actions_model import COL_DUE
from lscp_audit.ui.editor.questions.date_input import DateInput
from lscp_audit.ui.widgets.date_input import DateField, DateLineEdit
from lscp_audit.ui.widgets.date_text import read_date
from tests.ui.conftest import new_audit

TYPED_FORMS = [
    "15/09/2026",
    "15/9/2026",
    "15.09.2026",
    "15-09-2026",
    "15 Sep 2026",
    "15 sept 2026",
    "15 September 2026",
]


@pytest.mark.parametrize("typed", [*TYPED_FORMS, "2026-09-15", " 15th September 2026 "])
def test_every_usual_form_reads_as_that_date(typed: str) -> None:
    assert read_date(typed).value == date(2026, 9, 15)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31/02/2026", "There is no day 31 in February 2026."),
        ("15/13/2026", "no month 13"),
        ("15/09/26", "Type the year in full"),
        ("15 Sepx 2026", "is not a month"),
        ("next week", "Type a date like 15/09/2026 or 15 Sep 2026."),
        ("15/09/1066", "Type a year from 1900"),
    ],
)
def test_text_that_is_not_one_clear_date_is_an_error_saying_what_to_type(typed: str, says: str) -> None:
    reading = read_date(typed)
    assert reading.value is None and says in reading.error
    assert "YYYY" not in reading.error


@pytest.mark.parametrize("typed", TYPED_FORMS)
def test_typing_into_the_field_gives_exactly_that_date(qtbot: QtBot, typed: str) -> None:
    field = DateField("Date of the strategy discussion")
    qtbot.addWidget(field)
    with qtbot.waitSignal(field.edited):
        qtbot.keyClicks(field.line, typed)
    assert field.iso() == "2026-09-15" and field.error() == ""
    field.line.editingFinished.emit()
    assert field.text() == "15 Sep 2026"  # what is shown, and what a screen reader reads


def test_empty_is_not_set_and_the_calendar_opens_on_today(qtbot: QtBot) -> None:
    field = DateField("Date of the strategy discussion")
    qtbot.addWidget(field)
    field.show()
    assert field.iso() is None and field.date() is None and field.error() == ""
    assert field.line.placeholderText() == "Not set" and field.text() == ""
    qtbot.keyClick(field.line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = field.line.popup
    assert popup is not None and popup.isVisible()
    selected = popup.selectedDate()
    assert (selected.year(), selected.month(), selected.day()) == date.today().timetuple()[:3]
    days = popup.findChild(QAbstractItemView)  # the grid of days has the keyboard in the pop-up
    assert days is not None
    qtbot.keyClick(days, Qt.Key.Key_Return)  # picks the highlighted day
    assert field.date() == date.today()


def test_invalid_text_is_shown_as_an_error_and_never_becomes_another_date(qtbot: QtBot) -> None:
    field = DateField("Due")
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field.line, "31/02/2026")
    field.line.editingFinished.emit()
    assert field.iso() is None and field.text() == "31/02/2026"
    assert field.error_label.isVisible() and "February 2026" in field.error_label.text()
    field.line.clear()
    qtbot.keyClicks(field.line, "28/02/2026")
    assert not field.error_label.isVisible() and field.iso() == "2026-02-28"


def test_tab_moves_on_from_an_empty_date_field(qtbot: QtBot) -> None:
    """Issue 19: a QDateEdit showing "Not set" used Tab to move between day, month and year."""
    form = QWidget()
    layout = QVBoxLayout(form)
    before, field, after = QLineEdit(), DateField("Period from"), QLineEdit()
    for widget in (before, field, after):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    field.line.setFocus()
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is field.calendar_button
    qtbot.keyClick(field.calendar_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    qtbot.keyClicks(field.line, "1/7/2025")
    assert field.text() == "1/7/2025"  # no "Not set" text left in front of what was typed


def test_editor_date_question_saves_the_date_typed(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    block = next(b for b in page.stack.blocks() if b.key == "q_date")
    assert isinstance(block.input, DateInput)
    qtbot.keyClicks(block.input.editor, "15 Sep 2026")
    assert page.flush()
    assert audit_service.get_audit(audit_id).answer_map()[("q_date", "")].value == "2026-09-15"
    block.input.editor.clear()
    qtbot.keyClicks(block.input.editor, "31/09/2026")
    assert page.flush()  # kept as a draft, not an error to drop
    assert audit_service.get_audit(audit_id).answer_map()[("q_date", "")].value == "2026-09-15"
    assert "There is no day 31 in September 2026." in block.error_label.text()
    assert audit_service.drafts(audit_id)["q_date"]["input"] == {"text": "31/09/2026"}


def test_due_cell_typed_as_15_09_2026_saves_15_september(qtbot: QtBot, template_service: TemplateService) -> None:
    """The Due cell used to turn 15/09/2026 into 15 Dec 2026 (the cursor was in the month)."""
    question = template_service.get("ui-all-types").question("q_actions")
    actions = ActionsInput(question, {"agency_names": ["Police"]})
    qtbot.addWidget(actions)
    actions.show()
    actions.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is actions)
    actions.model.add_action()
    actions.table.setCurrentIndex(actions.model.index(0, COL_DUE))
    qtbot.keyClick(actions.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, DateLineEdit) and editor.text() == ""  # Not set stays not set
    qtbot.keyClicks(editor, "15/09/2026")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits the cell on its next turn
    qtbot.waitUntil(lambda: actions.model.actions()[0]["due"] != "")
    assert actions.model.actions()[0]["due"] == "2026-09-15"
    assert actions.model.index(0, COL_DUE).data() == "15 Sep 2026"
