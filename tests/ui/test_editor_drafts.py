"""Nothing typed is lost: half-written SMART actions and answers waiting for a warning reason are
kept as drafts in the vault (through auto-lock too), and a write that fails (a full disk) is
retried, keeps the header on "Not saved – see …", and is not dropped without asking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import Answer
from lscp_audit.core.errors import DiskFull
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.actions_model import COL_ACTION, COL_DUE, COL_OWNER_AGENCY, COL_OWNER_ROLE
from lscp_audit.ui.editor.questions.choice import ChoiceInput
from tests.ui.conftest import PASSPHRASE, new_audit


def block(page: EditorPage, key: str) -> QuestionBlock:
    found = next((b for b in page.stack.blocks() if b.key == key), None)
    assert found is not None, key
    return found


def actions_of(page: EditorPage) -> ActionsInput:
    widget = block(page, "q_actions").input
    assert isinstance(widget, ActionsInput)
    return widget


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None], tries: int = 200) -> None:
    widget, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
    if isinstance(widget, kind) and focus is not None and widget.isAncestorOf(focus):
        act(widget)
    elif tries:
        QTimer.singleShot(50, lambda: when_modal(kind, act, tries - 1))
    elif isinstance(QApplication.activeModalWidget(), kind):
        act(QApplication.activeModalWidget())  # let it fail (and close the dialog) rather than hang


def test_half_written_action_is_a_draft_with_its_problems_in_plain_words(
    qtbot: QtBot, audit_service: AuditService
) -> None:
    audit_id = new_audit(audit_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    actions = actions_of(page)
    actions.add_action()
    model = actions.model
    model.setData(model.index(0, COL_ACTION), "Review the referral pathway with the MASH")
    model.setData(model.index(0, COL_OWNER_ROLE), "Detective inspector")
    model.setData(model.index(0, COL_DUE), "15/13/2026")  # typed, but not a date
    assert page.flush()
    assert ("q_actions", "") not in audit_service.get_audit(audit_id).answer_map()  # not an answer yet
    assert audit_service.drafts(audit_id)["q_actions"]["input"]["rows"][0]["owner_role"] == "Detective inspector"
    problems = actions.problems.text()
    assert problems.startswith("• Action 1 is kept as a draft until you choose the agency that owns it")
    assert "fix the due date" in problems and "YYYY" not in problems
    assert "✖" not in block(page, "q_actions").error_label.text()

    again = EditorPage(audit_service, audit_id)  # reopened (or after a lock): the row is back
    qtbot.addWidget(again)
    [row] = actions_of(again).model.actions()
    assert row["action"] == "Review the referral pathway with the MASH" and row["due"] == "15/13/2026"
    assert [item.label for item in again.unfinished_answers()] == ["Actions agreed"]


def test_a_finished_row_is_saved_and_the_draft_goes(qtbot: QtBot, audit_service: AuditService) -> None:
    audit_id = new_audit(audit_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    model = actions_of(page).model
    model.add_action()
    row = ((COL_ACTION, "Audit ten referrals"), (COL_OWNER_AGENCY, "Police"), (COL_OWNER_ROLE, "Detective inspector"))
    for column, text in (*row, (COL_DUE, "2027-01-31")):
        model.setData(model.index(0, column), text)
        assert page.flush()
    assert audit_service.get_audit(audit_id).answer_map()[("q_actions", "")].value[0]["due"] == "2027-01-31"
    assert audit_service.drafts(audit_id) == {}
    assert actions_of(page).problems.isHidden()


def test_answer_waiting_for_a_warning_reason_is_kept_and_the_warning_stays_above_its_reason(
    qtbot: QtBot, audit_service: AuditService
) -> None:
    audit_id = new_audit(audit_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    page.show()
    number = block(page, "q_number")
    qtbot.keyClicks(number.input.focus_widgets()[0], "1")
    assert page.flush()
    assert number.warning_label.isVisibleTo(page) and "at least two agencies" in number.warning_label.text()
    assert audit_service.drafts(audit_id)["q_number"]["value"] == 1
    assert "Not saved – see “Number of agencies at the strategy discussion”" in page.header.save_state.text()

    reopened = EditorPage(audit_service, audit_id)
    qtbot.addWidget(reopened)
    reopened.show()
    again = block(reopened, "q_number")
    qtbot.waitUntil(lambda: again.warning_label.isVisibleTo(reopened))  # the draft is checked again
    assert again.input.value() == 1
    qtbot.keyClicks(again.reason, "Only the police attended; health sent notes.")
    assert reopened.flush()
    assert audit_service.get_audit(audit_id).answer_map()[("q_number", "")].warning_reason
    assert audit_service.drafts(audit_id) == {}
    assert again.warning_label.isVisibleTo(reopened) and "at least two agencies" in again.warning_label.text()
    assert again.reason_label.isVisibleTo(reopened) and again.reason_label.buddy() is again.reason

    later = EditorPage(audit_service, audit_id)  # opened again: the warning is still above its reason
    qtbot.addWidget(later)
    later.show()
    kept = block(later, "q_number")
    assert kept.warning_label.isVisibleTo(later) and "at least two agencies" in kept.warning_label.text()
    assert kept.reason.text() == "Only the police attended; health sent notes."


def test_auto_lock_keeps_a_half_written_action_typed_in_an_open_cell(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService
) -> None:
    from tests.ui.test_keyboard import open_window

    window = open_window(qtbot, vault_service, template_service)
    assert window.shell.audits_area is not None
    audit_id = new_audit(window.shell.session.audits)
    editor = window.shell.audits_area.open_audit(audit_id)
    assert editor is not None
    actions = actions_of(editor)
    editor.go_to_section("basics")
    actions.add_action()  # opens the Action cell for typing
    cell = QApplication.focusWidget()
    assert isinstance(cell, QLineEdit)
    qtbot.keyClicks(cell, "Review the referral pathway")  # still in the cell editor, nothing committed

    assert window.shell.idle is not None
    window.shell.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: window.shell.session is None, timeout=3000)  # idle auto-lock

    vault_service.unlock(passphrase=PASSPHRASE)
    window.shell.install(vault_service)
    assert window.shell.audits_area is not None
    reopened = window.shell.audits_area.open_audit(audit_id)
    assert reopened is not None
    [row] = actions_of(reopened).model.actions()
    assert row["action"] == "Review the referral pathway"


class FullDiskStore(VaultAuditStore):
    """The real vault store, except that writing the listed questions fails as a full disk does."""

    def __init__(self, vault: Any) -> None:
        super().__init__(vault)
        self.full_for: set[str] = set()

    def save_answers(self, audit_id: str, answers: Sequence[Answer], actor: str) -> None:
        if any(a.question_id in self.full_for for a in answers):
            raise DiskFull("The change could not be saved: the disk is full.")
        super().save_answers(audit_id, answers, actor)


def test_full_disk_autosave_is_retried_and_not_dropped_without_asking(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lscp_audit.ui.editor.autosave.RETRY_MS", (100, 100))
    store = FullDiskStore(vault_service.vault)
    service = AuditService(store, template_service, actor="Test Auditor")
    audit_id = new_audit(service)
    page = EditorPage(service, audit_id)
    qtbot.addWidget(page)
    page.show()
    store.full_for = {"q_short"}
    qtbot.keyClicks(block(page, "q_short").input.focus_widgets()[0], "Social worker")
    assert not page.flush()
    assert "disk is full" in block(page, "q_short").error_label.text()
    choice = block(page, "q_yes").input
    assert isinstance(choice, ChoiceInput)
    choice.buttons["yes"].click()
    page.flush()  # another answer saves...
    assert service.get_audit(audit_id).answer_map()[("q_yes", "")].value == "yes"
    assert page.header.save_state.accessibleName() == "Not saved – see “Lead professional's role”"  # ...still

    asked: list[str] = []

    def stay(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    when_modal(QMessageBox, stay)
    closed: list[bool] = []
    page.closed.connect(lambda: closed.append(True))
    page.close_editor()
    assert asked == ["&Try again"] and not closed  # Esc stays in the audit; nothing dropped

    store.full_for.clear()  # space freed: the retry saves it without the user doing anything
    qtbot.waitUntil(lambda: page.header.save_state.accessibleName().startswith("Saved"), timeout=3000)
    assert service.get_audit(audit_id).answer_map()[("q_short", "")].value == "Social worker"
    assert not block(page, "q_short").error_label.isVisibleTo(page)


def test_lock_quit_and_auto_lock_do_not_drop_an_answer_the_full_disk_refused(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.test_keyboard import open_window

    monkeypatch.setattr("lscp_audit.ui.editor.autosave.RETRY_MS", (100, 100))
    monkeypatch.setattr("lscp_audit.ui.vault.auto_lock.RETRY_MS", 100)
    full = {"on": True}
    real_save = VaultAuditStore.save_answers

    def save_answers(store: VaultAuditStore, audit_id: str, answers: Sequence[Answer], actor: str) -> None:
        if full["on"] and any(a.question_id == "q_short" for a in answers):
            raise DiskFull("The change could not be saved: the disk is full.")
        real_save(store, audit_id, answers, actor)

    monkeypatch.setattr(VaultAuditStore, "save_answers", save_answers)
    window = open_window(qtbot, vault_service, template_service)
    session = window.shell.session
    audit_id = new_audit(session.audits)
    editor = window.shell.audits_area.open_audit(audit_id)
    assert editor is not None
    qtbot.keyClicks(block(editor, "q_short").input.focus_widgets()[0], "Social worker")
    assert not editor.flush()

    asked: list[str] = []

    def stay(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    when_modal(QMessageBox, stay)
    window.lock_action.trigger()  # Ctrl+L
    assert asked == ["&Try again"] and window.shell.session is session  # still unlocked, nothing lost
    when_modal(QMessageBox, stay)
    window.close()  # quit
    assert len(asked) == 2 and window.isVisible()

    postponed: list[bool] = []
    window.shell.idle.postponed.connect(lambda: postponed.append(True))
    window.shell.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: bool(postponed), timeout=3000)  # nobody to ask: the idle lock waits
    assert window.shell.session is session
    full["on"] = False  # space freed: the answer is written, then the idle lock goes ahead
    qtbot.waitUntil(lambda: window.shell.session is None, timeout=3000)
    vault_service.unlock(passphrase=PASSPHRASE)
    audits = AuditService.for_vault(vault_service.vault, template_service)
    assert audits.get_audit(audit_id).answer_map()[("q_short", "")].value == "Social worker"
