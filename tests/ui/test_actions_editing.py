"""The SMART actions table driven by keyboard through its real cell editors (line edit, agency
combo box, date edit, status combo box), as an auditor fills it in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.actions_model import (
    COL_ACTION,
    COL_DUE,
    COL_LINK,
    COL_MEASURE,
    COL_OWNER_AGENCY,
    COL_OWNER_ROLE,
    COL_STATUS,
)
from lscp_audit.ui.widgets.date_input import DateLineEdit
from tests.ui.conftest import new_audit
from tests.ui.test_editor_drafts import actions_of


def _editor(kind: type[QWidget]) -> QWidget:
    widget = QApplication.focusWidget()
    assert isinstance(widget, kind), f"expected a {kind.__name__} cell editor, got {type(widget).__name__}"
    return widget


def _start_editing(qtbot: QtBot, actions: ActionsInput, column: int) -> None:
    actions.table.setCurrentIndex(actions.model.index(0, column))
    qtbot.keyClick(actions.table, Qt.Key.Key_F2)


def test_an_action_typed_into_the_table_is_the_answer(qtbot: QtBot, template_service: TemplateService) -> None:
    question = template_service.get("ui-all-types").question("q_actions")
    actions = ActionsInput(question, {"agency_names": ["Police", "Health"]})
    qtbot.addWidget(actions)
    actions.show()
    actions.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is actions)

    with qtbot.waitSignal(actions.edited):
        qtbot.mouseClick(actions.add_button, Qt.MouseButton.LeftButton)  # opens the action cell for typing
        qtbot.keyClicks(_editor(QLineEdit), "Review the referral pathway with the MASH")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_OWNER_AGENCY)
    agency = _editor(QComboBox)
    qtbot.keyClicks(agency, "Police")
    qtbot.keyClick(agency, Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_OWNER_ROLE)
    qtbot.keyClicks(_editor(QLineEdit), "Detective inspector")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_DUE)
    due = _editor(DateLineEdit)
    qtbot.keyClicks(due, "31/01/2027")
    qtbot.keyClick(due, Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_STATUS)
    status = _editor(QComboBox)
    qtbot.keyClicks(status, "In")  # type-ahead picks "In progress"
    qtbot.keyClick(status, Qt.Key.Key_Return)

    [action] = actions.value()
    assert action == {
        "action": "Review the referral pathway with the MASH",
        "owner_agency": "Police",
        "owner_role": "Detective inspector",
        "due": "2027-01-31",
        "status": "in_progress",
    }


def test_measure_of_success_and_what_the_action_answers_by_keyboard_in_the_editor(
    qtbot: QtBot, audit_service: AuditService
) -> None:
    """In the real editor: the owner list offers every agency of the register (School is not in
    this case) and the partnership itself; the Answers list offers the sections, findings and
    agencies; the columns are named for screen readers."""
    audit_id = new_audit(audit_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    actions = actions_of(page)
    model = actions.model
    names = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole) for c in range(7)]
    assert names == ["Action", "Measure of success", "Answers", "Owner agency", "Owner role", "Due", "Status"]
    actions.add_action()
    qtbot.keyClicks(_editor(QLineEdit), "Audit ten referrals for the voice of the child")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_MEASURE)
    qtbot.keyClicks(_editor(QLineEdit), "8 of 10 referrals record the child's words")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_LINK)
    link = _editor(QComboBox)
    offered = [link.itemText(i) for i in range(link.count())]
    assert offered[0] == "Its own section" and "Agency: School" in offered and "The case" in offered
    link.setCurrentIndex(link.findText("Agency: Health"))
    qtbot.keyClick(link, Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_OWNER_AGENCY)
    owner = _editor(QComboBox)
    owners = [owner.itemText(i) for i in range(owner.count())]
    assert owners == ["Police", "Health", "School", "The partnership itself"]
    owner.setCurrentIndex(owners.index("The partnership itself"))
    qtbot.keyClick(owner, Qt.Key.Key_Return)

    _start_editing(qtbot, actions, COL_OWNER_ROLE)
    qtbot.keyClicks(_editor(QLineEdit), "Business manager")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    _start_editing(qtbot, actions, COL_DUE)
    qtbot.keyClicks(_editor(DateLineEdit), "31/03/2027")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    assert model.index(0, COL_LINK).data() == "Agency: Health"
    assert page.flush()
    [saved] = audit_service.get_audit(audit_id).answer_map()[("q_actions", "")].value
    assert saved == {
        "action": "Audit ten referrals for the voice of the child",
        "measure": "8 of 10 referrals record the child's words",
        "link": "agency:health",
        "owner_agency": "The partnership itself",
        "owner_role": "Business manager",
        "due": "2027-03-31",
        "status": "open",
    }


def test_an_action_saved_before_measures_existed_loads_and_stays_as_it_was(
    qtbot: QtBot, audit_service: AuditService
) -> None:
    audit_id = new_audit(audit_service)
    old = {"action": "Review", "owner_agency": "Police", "owner_role": "DI", "due": "2027-01-31", "status": "open"}
    audit_service.save_actions(audit_id, "q_actions", [old])
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    actions = actions_of(page)
    assert actions.model.index(0, COL_MEASURE).data() == "" and actions.model.index(0, COL_LINK).data() == ""
    assert actions.value() == [old]  # measure and link stay out of an action that has none


def test_seven_columns_fit_a_78_character_pane_at_one_and_a_half_times_the_text(
    qtbot: QtBot, template_service: TemplateService
) -> None:
    question = template_service.get("ui-all-types").question("q_actions")
    actions = ActionsInput(question, {"action_owners": ["Police", "The partnership itself"]})
    qtbot.addWidget(actions)
    font = actions.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    actions.setFont(font)
    actions.table.setFont(font)
    actions.model.set_actions([{"action": "Audit ten referrals", "measure": "8 of 10", "owner_agency": "Police",
                                "owner_role": "DI", "due": "2027-09-28", "status": "in_progress"}])  # fmt: skip
    # 78 average characters: the question area at normal size; at 1.5x text the default layout
    # leaves about 45, and the table then scrolls sideways (a data table may, WCAG 1.4.10).
    char = actions.table.fontMetrics().averageCharWidth()
    actions.resize(char * 78, 400)
    actions.show()
    qtbot.waitUntil(lambda: actions.table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = actions.table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(7))
    assert used <= actions.table.viewport().width() + 1
    assert header.sectionSize(COL_ACTION) >= char * 12
