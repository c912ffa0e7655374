"""Tab order and status messages found by the AT-SPI walk (tests/atspi), checked here on Qt's
offscreen platform so `make test` keeps them: Tab goes through a screen in the order it is shown,
never stops on a scroll area with nothing to say, enters a group of radio buttons at the chosen
option, and leaves tables; disabled buttons say why; status labels are named by their message."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import Answer
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.demo_data import generate_answers
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget
from lscp_audit.ui.inbox_page import InboxPage
from tests.ui.test_a11y_names import name_of


def tab_cycle(start: QWidget, qtbot: QtBot, limit: int = 80) -> list[QWidget]:
    """Press Tab from `start` until the focus is back on it; every widget focused on the way."""
    root = start.window()
    start.setFocus()
    seen: list[QWidget] = [start]
    for _ in range(limit):
        focused = root.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = root.focusWidget()
        assert now is not None
        if now is start:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab never came back to the start: {[name_of(w) for w in seen]}")


def open_editor(qtbot: QtBot, audit_service: AuditService, answers: list[Answer] | None = None) -> EditorPage:
    values = {"case_reference": "CS-0412", "agencies": ["police", "health"]}
    audit_id = audit_service.new_audit("ui-all-types", values, answers=answers or []).id
    page = EditorPage(audit_service, audit_id, sign_handler=lambda _parent, _audit: None)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_editor_tab_goes_sections_questions_then_guidance(qtbot: QtBot, audit_service: AuditService) -> None:
    page = open_editor(qtbot, audit_service, [Answer("q_yes", "no")])
    cycle = tab_cycle(page.navigator, qtbot)
    assert not any(isinstance(w, QAbstractScrollArea) and name_of(w).startswith("Questions") for w in cycle)
    blocks = list(page.stack.blocks())
    first_question = cycle.index(blocks[0].input.buttons["no"])  # type: ignore[attr-defined]
    actions = next(b for b in blocks if b.question.id == "q_actions")
    last_question = max(cycle.index(w) for w in cycle if actions.isAncestorOf(w))
    assert cycle.index(page.review_button) < first_question < last_question < cycle.index(page.guidance.browser)
    radios = [w for w in cycle if isinstance(w, QRadioButton) and blocks[0].isAncestorOf(w)]
    assert [name_of(w) for w in radios] == ["Was the referral made within one working day?: No"]  # the chosen one


def test_review_tab_goes_down_the_page(qtbot: QtBot, audit_service: AuditService) -> None:
    page = open_editor(qtbot, audit_service)
    page.show_review()
    review = page.review
    assert page.focusWidget() is review.complete_button
    cycle = tab_cycle(review.missing, qtbot)
    overrides = [w for w in cycle if name_of(w).startswith("Override the judgement")]
    assert overrides
    assert cycle.index(review.missing) < cycle.index(overrides[0])
    assert cycle.index(overrides[-1]) < cycle.index(review.complete_button) < cycle.index(page.guidance.browser)
    assert not review.sign_button.isEnabled()
    assert "Complete the audit first" in review.sign_button.accessibleDescription()
    assert review.sign_button.toolTip() == review.sign_button.accessibleDescription()


def test_completed_review_puts_the_focus_on_a_button(qtbot: QtBot, audit_service: AuditService) -> None:
    subject = {"case_reference": "CS-0101", "agencies": ["police", "health"]}
    answers = generate_answers(random.Random(19), audit_service.template("ui-all-types"), subject, "strong")
    audit_id = audit_service.new_audit("ui-all-types", subject, answers=answers).id
    audit_service.complete(audit_id)
    page = EditorPage(audit_service, audit_id, sign_handler=lambda _parent, _audit: None)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.show_review()
    assert page.focusWidget() is page.review.sign_button  # not the page, which says nothing
    assert page.review.sign_button.toolTip() == ""


def test_inbox_tables_let_tab_leave_and_messages_are_named(qtbot: QtBot, vault_service: VaultService) -> None:
    page = InboxPage(inbox=InboxService(vault_service.vault))
    qtbot.addWidget(page)
    returns = page.returns
    assert isinstance(returns, ImportedReturnsWidget)
    for table in (returns.results, returns.table, returns.quarantine_table, page.verify.table):
        assert not table.tabKeyNavigation()  # Tab leaves; arrows move between cells
    assert not returns.trust_signer_button.isEnabled()
    assert "Select a return" in returns.trust_signer_button.accessibleDescription()
    returns.summary.setText("1 imported.")
    assert name_of(returns.summary) == "1 imported."
    assert returns.summary.accessibleDescription() == "Import status"
