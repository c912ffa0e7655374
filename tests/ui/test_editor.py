"""End to end through real widgets on a real vault: new audit -> every question type ->
a relevant question appears -> constraints and warnings -> missing answers -> complete ->
read-only."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.actions_model import COL_ACTION, COL_DUE, COL_OWNER_AGENCY, COL_OWNER_ROLE
from lscp_audit.ui.editor.questions.choice import ChoiceInput
from lscp_audit.ui.editor.questions.date_input import DateInput
from lscp_audit.ui.editor.questions.multi_choice import MultiChoiceInput
from lscp_audit.ui.editor.questions.short_text import ShortTextInput
from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog


def create_through_dialog(qtbot: QtBot, service: AuditService, templates: TemplateService) -> str:
    dialog = NewAuditDialog(service, templates.get)
    qtbot.addWidget(dialog)
    rows = [dialog.templates.item(i).data(Qt.ItemDataRole.UserRole + 1).id for i in range(dialog.templates.count())]
    dialog.templates.setCurrentRow(rows.index("ui-all-types"))
    assert dialog.form is not None
    reference = dialog.form.inputs["case_reference"]
    assert isinstance(reference, ShortTextInput)
    qtbot.keyClicks(reference.editor, "not a ref")
    dialog.create_audit()  # the first attempt shows the format error
    assert dialog.created_id is None and "Not accepted" in dialog.form.shown_message("case_reference")
    reference.editor.clear()
    qtbot.keyClicks(reference.editor, "CS-0412")
    agencies = dialog.form.inputs["agencies"]
    assert isinstance(agencies, MultiChoiceInput)
    agencies.boxes["police"].click()
    agencies.boxes["health"].click()
    dialog.create_audit()
    assert dialog.created_id is not None
    return dialog.created_id


def block(page: EditorPage, key: str) -> QuestionBlock:
    found = next((b for b in page.stack.blocks() if b.key == key), None)
    assert found is not None, key
    return found


def choose(page: EditorPage, key: str, code: str) -> None:
    widget = block(page, key).input
    assert isinstance(widget, ChoiceInput)
    widget.buttons[code].click()


def saved(page: EditorPage, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: page.header.save_state.text().startswith("Saved"), timeout=3000)


def answer_first_section(page: EditorPage, qtbot: QtBot) -> None:
    choose(page, "q_yes", "yes")
    assert block(page, "q_followup").isHidden()
    choose(page, "q_yes", "no")
    assert not block(page, "q_followup").isHidden()  # the relevant question appeared live
    qtbot.keyClicks(block(page, "q_followup").input.focus_widgets()[0], "The duty team was short-staffed.")
    choose(page, "q_single", "school")
    multi = block(page, "q_multi").input
    assert isinstance(multi, MultiChoiceInput)
    multi.boxes["s47"].click()
    choose(page, "q_grade", "good")
    evidence = block(page, "q_grade").evidence
    assert evidence is not None
    qtbot.keyClicks(evidence, "Strategy discussion notes.")
    choose(page, "q_rag", "amber")
    qtbot.keyClicks(block(page, "q_short").input.focus_widgets()[0], "Social worker")
    date_input = block(page, "q_date").input
    assert isinstance(date_input, DateInput)
    qtbot.keyClicks(date_input.editor, "2/11/2026")
    actions = block(page, "q_actions").input
    assert isinstance(actions, ActionsInput)
    actions.add_action()
    model = actions.model
    model.setData(model.index(0, COL_ACTION), "Review the referral pathway")
    model.setData(model.index(0, COL_OWNER_AGENCY), "Police")
    model.setData(model.index(0, COL_OWNER_ROLE), "Detective inspector")
    model.setData(model.index(0, COL_DUE), "2027-01-31")


def check_constraint_and_warning(page: EditorPage, qtbot: QtBot) -> None:
    number = block(page, "q_number")
    editor = number.input.focus_widgets()[0]
    qtbot.keyClicks(editor, "99")
    page.flush()
    assert number.error_label.isVisibleTo(page) and "0 to 30" in number.error_label.text()
    editor.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "1")
    page.flush()
    assert not number.error_label.isVisibleTo(page)
    assert number.warning_label.isVisibleTo(page) and number.reason.isVisibleTo(page)
    qtbot.keyClicks(number.reason, "Only the police attended; health sent notes.")
    saved(page, qtbot)


def test_new_audit_to_completed_read_only(
    qtbot: QtBot, audit_service: AuditService, template_service: TemplateService, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = create_through_dialog(qtbot, audit_service, template_service)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    page.show()
    answer_first_section(page, qtbot)
    check_constraint_and_warning(page, qtbot)
    saved(page, qtbot)
    stored = audit_service.get_audit(audit_id).answer_map()
    assert stored[("q_yes", "")].value == "no"
    assert stored[("q_multi", "")].value == ["s47"]
    assert stored[("q_grade", "")].evidence == "Strategy discussion notes."
    assert stored[("q_date", "")].value == "2026-11-02"
    assert stored[("q_number", "")].value == 1 and stored[("q_number", "")].warning_reason
    assert stored[("q_actions", "")].value[0]["action"] == "Review the referral pathway"

    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: messages.append(str(args[2])))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    page.show_review()
    page.review.complete_button.click()  # refused: the per-agency grades are missing
    assert messages and audit_service.get_audit(audit_id).status == AuditStatus.DRAFT
    missing = [page.review.missing.item(i).text() for i in range(page.review.missing.count())]
    assert len(missing) == 2 and all("Quality of this agency's practice" in m for m in missing)
    for _ in range(2):
        item = page.review.missing.item(0)
        page.review.missing.itemActivated.emit(item)  # jumps to the question
        focused = _focused_block(page)
        assert focused is not None and focused.question.id == "q_agency_grade"
        choose(page, focused.key, "requires_improvement")
        page.show_review()
    assert page.review.missing.count() == 0
    page.review.complete_button.click()
    _assert_read_only(page, audit_service, audit_id, qtbot)


def _focused_block(page: EditorPage) -> Any:
    widget: QWidget | None = page.focusWidget()
    while widget is not None and not isinstance(widget, QuestionBlock):
        widget = widget.parentWidget()
    return widget


def _assert_read_only(page: EditorPage, service: AuditService, audit_id: str, qtbot: QtBot) -> None:
    record = service.get_audit(audit_id)
    assert record.status == AuditStatus.COMPLETE
    assert page.read_only
    assert page.review.complete_button.isHidden() and not page.review.amend_button.isHidden()
    page.go_to_section("basics")
    short = block(page, "q_short").input
    assert isinstance(short, ShortTextInput) and short.editor.isReadOnly()
    yes_no = block(page, "q_yes").input
    assert isinstance(yes_no, ChoiceInput)
    no, yes = yes_no.buttons["no"], yes_no.buttons["yes"]
    assert no.isChecked() and no.isEnabled()  # readable, not a disabled grey radio
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    yes.setFocus()
    qtbot.keyClick(yes, Qt.Key.Key_Space)
    assert no.isChecked() and not yes.isChecked()  # but it cannot be changed
    assert no.accessibleDescription().endswith("(read-only)")


def test_override_needs_a_rationale(qtbot: QtBot, audit_service: AuditService) -> None:
    from lscp_audit.ui.editor.override_dialog import OverrideDialog
    from tests.ui.conftest import new_audit

    page = EditorPage(audit_service, new_audit(audit_service))
    qtbot.addWidget(page)
    judgement, title = page._judgement_views()[-1]
    dialog = OverrideDialog(judgement, title)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Practice was better than the graded answers suggest.")
    assert ok.isEnabled()
    audit_service.set_override(page.audit_id, judgement.scope, "good", dialog.rationale(), agency=judgement.agency)
    page.reload()
    page.show_review()
    assert "Overridden to Good because: Practice was better" in " ".join(
        w.accessibleName() for w in page.review.judgements.findChildren(type(page.review.summary))
    )


def test_amend_asks_a_reason_per_changed_answer(
    qtbot: QtBot, audit_service: AuditService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_audit.core.audit import Answer
    from tests.ui.conftest import new_audit

    audit_id = new_audit(audit_service, "ui-short")
    audit_service.fill_answers(
        audit_id, [Answer("k_yes", "yes"), Answer("k_text", "Social worker"), Answer("k_grade", "good")]
    )
    audit_service.complete(audit_id)
    page = EditorPage(audit_service, audit_id)
    qtbot.addWidget(page)
    page.show_review()
    assert page.read_only and not page.review.amend_button.isHidden()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.open_requested) as opened:
        page.review.amend_button.click()
    revision_id = opened.args[0]
    amended = EditorPage(audit_service, revision_id)
    qtbot.addWidget(amended)
    assert not amended.read_only and amended.opened.record.previous_revision_id == audit_id
    choose(amended, "k_grade", "inadequate")
    amended.show_review()
    assert list(amended.review.reason_edits) == ["k_grade"]  # one reason box per changed answer
    qtbot.keyClicks(amended.review.reason_edits["k_grade"], "The second reader found missed visits.")
    amended.review.reason_edits["k_grade"].editingFinished.emit()
    amended.review.complete_button.click()
    assert audit_service.get_audit(revision_id).status == AuditStatus.COMPLETE
    assert audit_service.get_audit(audit_id).status == AuditStatus.AMENDED


def test_complete_leads_to_sign_and_export(
    qtbot: QtBot, audit_service: AuditService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_audit.core.audit import Answer
    from tests.ui.conftest import new_audit

    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    audit_id = new_audit(audit_service, "ui-short")
    calls: list[str] = []
    page = EditorPage(audit_service, audit_id, sign_handler=lambda _parent, aid: calls.append(aid))
    qtbot.addWidget(page)
    page.show_review()
    assert not page.review.sign_button.isEnabled()  # only a completed audit can be signed
    audit_service.fill_answers(
        audit_id, [Answer("k_yes", "no"), Answer("k_text", "Health visitor"), Answer("k_grade", "good")]
    )
    page.review.complete_button.click()
    assert page.review.sign_button.isEnabled()
    page.review.sign_button.click()
    assert calls == [audit_id]
    without = EditorPage(audit_service, audit_id)
    qtbot.addWidget(without)
    without.show_review()
    assert not without.review.sign_button.isEnabled() and without.review.sign_button.toolTip()
