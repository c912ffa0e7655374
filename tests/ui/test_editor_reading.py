"""The editor reads well and asks what it promised: descriptors visible without a mouse, Tab
scrolls to the question, options wrap, the RAG chip shows its whole word, agency names, the
override dialog's starting point, Complete confirms (Cancel by default) and names the real
blocker, an amendment asks the reason beside each changed answer, guidance follows the section."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.services.audit_service import AuditService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.override_dialog import OverrideDialog
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.questions.choice import ChoiceInput
from lscp_audit.ui.editor.questions.rag import RagInput
from tests.ui.conftest import new_audit


def block(page: EditorPage, key: str) -> QuestionBlock:
    found = next((b for b in page.stack.blocks() if b.key == key), None)
    assert found is not None, key
    return found


def shown_page(qtbot: QtBot, service: AuditService, audit_id: str, width: int = 1200, height: int = 700) -> EditorPage:
    page = EditorPage(service, audit_id)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    return page


def test_grade_descriptors_are_on_screen_not_only_in_tooltips(qtbot: QtBot, audit_service: AuditService) -> None:
    page = shown_page(qtbot, audit_service, new_audit(audit_service))
    grade = block(page, "q_grade").input
    assert isinstance(grade, ChoiceInput)
    shown = grade.descriptions["good"]
    assert shown.isVisibleTo(page) and shown.text() == "Met expectations; any gaps were minor."
    assert shown.buddy() is grade.buttons["good"]
    assert grade.buttons["good"].accessibleDescription() == "Met expectations; any gaps were minor."


def test_tab_to_a_question_below_the_fold_scrolls_it_into_view(qtbot: QtBot, audit_service: AuditService) -> None:
    page = shown_page(qtbot, audit_service, new_audit(audit_service), height=420)
    scroll = page.stack._scrolls["basics"]
    block(page, "q_short").focus_first()
    assert scroll.verticalScrollBar().value() > 0 or _in_view(scroll.viewport(), QApplication.focusWidget())
    start = scroll.verticalScrollBar().value()
    for _ in range(30):  # on to the number question, well below the fold
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is block(page, "q_number").input.focus_widgets()[0]:
            break
    focus = QApplication.focusWidget()
    assert focus is block(page, "q_number").input.focus_widgets()[0]
    assert scroll.verticalScrollBar().value() > start and _in_view(scroll.viewport(), focus)
    assert scroll.horizontalScrollBar().value() == 0  # never sideways


def _in_view(viewport: QWidget, widget: QWidget | None) -> bool:
    assert widget is not None
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


def test_options_wrap_on_a_narrow_page_instead_of_scrolling_sideways(qtbot: QtBot, audit_service: AuditService) -> None:
    page = shown_page(qtbot, audit_service, new_audit(audit_service), width=760)
    page.splitter.setSizes([150, 330, 280])
    qtbot.wait(50)
    scroll = page.stack._scrolls["basics"]
    assert not scroll.horizontalScrollBar().isVisible()
    yes_no = block(page, "q_yes").input
    assert isinstance(yes_no, ChoiceInput)
    rows = {button.y() for button in yes_no.buttons.values()}
    assert len(rows) > 1  # "Yes No Partly Not known Not applicable" wrapped onto more lines
    assert all(button.geometry().right() <= yes_no.width() for button in yes_no.buttons.values())


def test_rag_chip_shows_its_whole_word(qtbot: QtBot, audit_service: AuditService) -> None:
    page = shown_page(qtbot, audit_service, new_audit(audit_service))
    rag = block(page, "q_rag").input
    assert isinstance(rag, RagInput)
    rag.select("amber")
    qtbot.wait(20)
    chip = rag.chip
    margins = chip.contentsMargins()
    assert chip.text() == "Amber" and chip.accessibleName() == "Amber"
    # the padding round the word is part of the size the layout gives the chip, so the
    # coloured box is never cut through the text, whatever the scale
    assert min(margins.left(), margins.right()) >= 6 and min(margins.top(), margins.bottom()) >= 2
    assert chip.minimumSize() == chip.sizeHint()
    assert chip.contentsRect().width() >= chip.fontMetrics().horizontalAdvance("Amber")
    assert chip.contentsRect().height() >= chip.fontMetrics().height()


def test_per_agency_page_says_the_agency_name(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service, agencies=["police", "health"])
    page = shown_page(qtbot, audit_service, audit_id)
    page.go_to_section("agency", "health")
    texts = [label.text() for label in page.stack.page("agency", "health").findChildren(QLabel)]
    assert "Answers for: <b>Health</b>" in texts
    assert page.stack.agency_tabs.tabText(1) == "Health"


def test_override_dialog_starts_on_the_derived_judgement(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service)
    audit_service.fill_answers(audit_id, [Answer("q_grade", "requires_improvement")])
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    judgement, title = next((j, t) for j, t in page._judgement_views() if j.scope == "basics")
    assert judgement.derived == "requires_improvement" and judgement.override is None
    dialog = OverrideDialog(judgement, title)
    qtbot.addWidget(dialog)
    assert dialog.value() == "requires_improvement"


def _questions(monkeypatch: pytest.MonkeyPatch, reply: QMessageBox.StandardButton) -> list[tuple[Any, ...]]:
    asked: list[tuple[Any, ...]] = []

    def question(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args)
        return reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_complete_asks_first_and_cancel_is_the_default(
    qtbot: QtBot, audit_service: AuditService, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = new_audit(audit_service, "ui-short")
    audit_service.fill_answers(audit_id, [Answer("k_yes", "yes"), Answer("k_text", "GP"), Answer("k_grade", "good")])
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    page.show_review()
    asked = _questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    page.review.complete_button.click()
    [args] = asked
    assert "read-only" in args[2] and args[4] == QMessageBox.StandardButton.Cancel
    assert audit_service.get_audit(audit_id).status == AuditStatus.DRAFT


def test_an_amendment_asks_the_reason_beside_the_changed_answer_and_complete_names_it(
    qtbot: QtBot, audit_service: AuditService, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = new_audit(audit_service, "ui-short")
    audit_service.fill_answers(audit_id, [Answer("k_yes", "yes"), Answer("k_text", "GP"), Answer("k_grade", "good")])
    audit_service.complete(audit_id)
    revision_id = audit_service.amend(audit_id).id
    page = shown_page(qtbot, audit_service, revision_id)
    grade = block(page, "k_grade")
    assert not grade.amendment_reason.isVisibleTo(page)
    grade_input = grade.input
    assert isinstance(grade_input, ChoiceInput)
    grade_input.select("inadequate")
    assert page.flush()
    assert grade.amendment_reason.isVisibleTo(page) and grade.amendment_label.buddy() is grade.amendment_reason

    _questions(monkeypatch, QMessageBox.StandardButton.Yes)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(str(args[2])))
    page.review.complete_button.click()
    assert told and "Give the reason for changing: “Quality of practice”" in told[0]
    assert "required answers are missing" not in told[0]
    assert audit_service.get_audit(revision_id).status == AuditStatus.DRAFT

    qtbot.keyClicks(grade.amendment_reason, "The second reader found missed visits.")
    assert page.flush()
    page.review.complete_button.click()
    assert audit_service.get_audit(revision_id).status == AuditStatus.COMPLETE
    assert audit_service.get_audit(revision_id).amendment_reasons == {
        "k_grade": "The second reader found missed visits."
    }


def test_guidance_follows_the_section(qtbot: QtBot, audit_service: AuditService) -> None:
    page = shown_page(qtbot, audit_service, new_audit(audit_service))
    block(page, "q_yes").focus_first()
    assert "Was the referral made within one working day?" in page.guidance.browser.toPlainText()
    page.go_to_section("agency", "police")
    text = page.guidance.browser.toPlainText()
    assert "Agency practice" in text and "within one working day" not in text
