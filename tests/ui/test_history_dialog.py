"""The change history on screen reads like the report: labels, sections, agency names, answers as
words, who; a new revision lists what changed since the previous one, not every copied answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lscp_audit.services.audit_service import AuditService
from lscp_audit.ui.editor.history_dialog import HistoryDialog
from lscp_audit.ui.editor.history_model import (
    AMEND_AFTER,
    AMEND_BEFORE,
    AMEND_QUESTION,
    AMEND_REASON,
    COL_FROM,
    COL_SECTION,
    COL_TO,
    COL_WHAT,
    COL_WHO,
)
from tests.ui.conftest import new_audit


def _texts(dialog: HistoryDialog, column: int) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def _complete(service: AuditService, audit_id: str) -> None:
    service.save_answer(audit_id, "q_yes", "yes")
    service.save_answer(audit_id, "q_single", "school")
    service.save_answer(audit_id, "q_grade", "good", evidence="Strategy notes, 3 Mar")
    for agency in ("police", "health"):
        service.save_answer(audit_id, "q_agency_grade", "good", agency=agency)
    service.complete(audit_id)


def test_history_reads_as_words(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service)
    audit_service.save_answer(audit_id, "q_yes", "no")
    audit_service.save_answer(audit_id, "q_agency_grade", "requires_improvement", agency="police")
    audit_service.save_answer(audit_id, "q_multi", ["ca", "s47"])
    dialog = HistoryDialog(audit_service.change_history(audit_id))
    qtbot.addWidget(dialog)
    whats = _texts(dialog, COL_WHAT)
    assert "Was the referral made within one working day?" in whats
    assert "Quality of this agency's practice (Police)" in whats
    row = whats.index("Quality of this agency's practice (Police)")
    assert _texts(dialog, COL_SECTION)[row] == "Agency practice"
    assert _texts(dialog, COL_FROM)[row] == "Not answered"
    assert _texts(dialog, COL_TO)[row] == "Requires improvement"
    assert _texts(dialog, COL_TO)[whats.index("Which assessments were completed?")] == (
        "Child and family assessment; Section 47 enquiry"
    )
    assert set(_texts(dialog, COL_WHO)) == {"Test Auditor"}
    every_cell = " ".join(" ".join(_texts(dialog, c)) for c in range(dialog.model.columnCount()))
    for raw in ("null", "{", '"value"', "evidence", "police", "requires_improvement"):
        assert raw not in every_cell


def test_quick_saves_of_one_answer_are_one_change(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service)
    for text in ("Soc", "Social work", "Social worker"):
        audit_service.save_answer(audit_id, "q_short", text)
    audit_service.save_answer(audit_id, "q_grade", "good")
    audit_service.save_evidence(audit_id, "q_grade", "Case notes of 4 May")
    dialog = HistoryDialog(audit_service.change_history(audit_id))
    qtbot.addWidget(dialog)
    whats = _texts(dialog, COL_WHAT)
    assert whats.count("Lead professional's role") == 1
    row = whats.index("Lead professional's role")
    assert (_texts(dialog, COL_FROM)[row], _texts(dialog, COL_TO)[row]) == ("Not answered", "Social worker")
    grade = whats.index("Quality of the initial response")
    assert _texts(dialog, COL_TO)[grade] == "Good\nEvidence: Case notes of 4 May"


def test_new_revision_lists_changes_not_copied_answers(qtbot: QtBot, audit_service: AuditService) -> None:
    first = new_audit(audit_service)
    _complete(audit_service, first)
    revision = audit_service.amend(first).id
    audit_service.save_answer(revision, "q_grade", "inadequate", amendment_reason="Second reading of the notes")
    dialog = HistoryDialog(audit_service.change_history(revision))
    qtbot.addWidget(dialog)

    whats = _texts(dialog, COL_WHAT)
    assert whats.count("Quality of this agency's practice (Police)") == 0  # copied, not changed
    assert "Was the referral made within one working day?" not in whats
    assert _texts(dialog, COL_TO)[0] == (
        "Revision 2, amending revision 1; 5 answers carried over (not listed as changes)"
    )
    assert "Quality of the initial response" in whats

    assert dialog.tabs is not None and dialog.tabs.currentIndex() == 0
    model = dialog.amendment_model
    assert model is not None and model.rowCount() == 1
    row = [model.data(model.index(0, c)) for c in (AMEND_QUESTION, AMEND_BEFORE, AMEND_AFTER, AMEND_REASON)]
    assert row == [
        "The case: Quality of the initial response",
        "Good",
        "Inadequate",
        "Second reading of the notes",
    ]
    assert "Revision 2" in dialog.summary.text()
    assert model.data(model.index(0, AMEND_REASON), Qt.ItemDataRole.AccessibleTextRole)


def test_editor_button_opens_readable_history(qtbot: QtBot, audit_service: AuditService) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from lscp_audit.ui.editor.editor_page import EditorPage

    page = EditorPage(audit_service, new_audit(audit_service))
    qtbot.addWidget(page)
    audit_service.save_answer(page.audit_id, "q_yes", "yes")
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, HistoryDialog):
            seen.extend(_texts(dialog, COL_TO))
            dialog.reject()

    QTimer.singleShot(0, close_it)
    page.header.history_button.click()
    assert "Yes" in seen
