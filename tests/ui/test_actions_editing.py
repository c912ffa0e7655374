"""The SMART actions table driven by keyboard through its real cell editors (line edit, agency
combo box, date edit, status combo box), as an auditor fills it in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.actions_model import COL_DUE, COL_OWNER_AGENCY, COL_OWNER_ROLE, COL_STATUS
from lscp_audit.ui.widgets.date_input import DateLineEdit


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
