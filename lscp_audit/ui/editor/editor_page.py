"""The audit editor: section navigator with progress, the questions of the current section,
guidance for the focused question, live visibility, autosave and the Complete step.

All reads and writes go through `AuditService`; validation findings come back from it and are
only displayed here. Nothing here logs answer text or case references.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.actions import link_choices, owner_choices
from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.judgements import Judgement
from lscp_audit.services.audit_types import (
    AnswerRejected,
    FieldProblem,
    MissingAnswer,
    OpenAudit,
    WarningNotAcknowledged,
)
from lscp_audit.ui.a11y import after_in_tab_order, name_splitter_handles
from lscp_audit.ui.display import judgement_value_text, level_html
from lscp_audit.ui.editor.autosave import FAILED, SAVED, Autosaver
from lscp_audit.ui.editor.editor_actions import EditorActions
from lscp_audit.ui.editor.editor_header import EditorHeaderWidget
from lscp_audit.ui.editor.guidance_panel import GuidancePanel
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.review_page import ReviewPageWidget
from lscp_audit.ui.editor.section_list_model import ProgressRole, SectionListModel
from lscp_audit.ui.editor.section_page import SectionPageWidget
from lscp_audit.ui.editor.section_stack import SectionStackWidget
from lscp_audit.ui.editor.visibility import evaluate
from lscp_audit.ui.errors import show_error

if TYPE_CHECKING:
    from lscp_audit.services.audit_service import AuditService

log = logging.getLogger(__name__)
SPLIT_SHARES = (22, 53, 25)  # sections, questions, guidance (% of the width)
SignHandler = Callable[[QWidget, str], object]


class EditorPage(QWidget):
    """Edits one audit; `closed` asks the Audits area to go back to the list."""

    closed = Signal()
    audit_changed = Signal(str)  # audit id: the list should refresh
    open_requested = Signal(str)  # another revision should be opened instead

    def __init__(
        self,
        service: AuditService,
        audit_id: str,
        sign_handler: SignHandler | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.sign_handler = sign_handler
        self.opened: OpenAudit = service.open_audit(audit_id)
        self.audit_id = audit_id
        self.answers: dict[str, Answer] = {_key(a): a for a in self.opened.record.answers}
        self.drafts: dict[str, dict[str, Any]] = service.drafts(audit_id)  # key -> kept unfinished work
        self.amended: dict[str, str | None] = {}  # key -> reason, for answers changed in an amendment
        self.autosaver = Autosaver(self)
        self._last_block: QuestionBlock | None = None
        self._split_done = False
        self._last_focus: QWidget | None = None
        self.header = EditorHeaderWidget()
        self.sections = SectionListModel(self._context()["agency_labels"], self)
        self.navigator = self._make_navigator()
        self.review_button = QPushButton(self.tr("&Review and complete"))
        self.review_button.setAccessibleDescription(
            self.tr("See what is missing, the judgements, and complete the audit")
        )
        self.guidance = GuidancePanel()
        self.stack = SectionStackWidget(self.opened.template, self._context(), self.answers)
        self.review = ReviewPageWidget()
        self.stack.add_extra_page(self.review)
        self.commands = EditorActions(self)
        self._layout()
        self._connect()
        self._refresh_all()
        self._open_first_section()

    # -- building ----------------------------------------------------------------------------

    def _context(self) -> dict[str, Any]:
        template = self.opened.template
        agencies = self.opened.record.subject.get("agencies") or []
        labels = {o.code: o.label for o in template.agency_options}
        return {
            "agencies": list(agencies),
            "agency_labels": labels,
            "agency_names": [labels.get(a, a) for a in agencies],
            # SMART actions: any agency of the register (not only those in the case) or the
            # partnership itself owns one; it answers a section, finding or agency.
            "action_owners": list(owner_choices(template)),
            "action_links": [(c.code, c.label) for c in link_choices(template)],
        }

    def _make_navigator(self) -> QListView:
        view = QListView()
        view.setModel(self.sections)
        view.setAccessibleName(self.tr("Sections"))
        view.setAccessibleDescription(self.tr("Sections of the audit with answered and required counts"))
        view.setWordWrap(True)
        view.setSpacing(2)
        view.setUniformItemSizes(False)
        return view

    def _layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        sections_label = QLabel(self.tr("Sectio&ns"))
        sections_label.setBuddy(self.navigator)
        left_layout.addWidget(sections_label)
        left_layout.addWidget(self.navigator)
        left_layout.addWidget(self.review_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.guidance)
        splitter.setStretchFactor(1, 1)
        name_splitter_handles(splitter, self.tr("Sections"), self.tr("Questions"), self.tr("Guidance"))
        splitter.setSizes(list(SPLIT_SHARES))  # proportions; set in pixels once the page has a width
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.header.back_button.clicked.connect(self.close_editor)
        self.header.history_button.clicked.connect(self.commands.show_history)
        self.navigator.selectionModel().currentChanged.connect(
            lambda current, _prev: self._section_chosen(current.row())
        )
        self.review_button.clicked.connect(self.show_review)
        self.stack.block_changed.connect(self._block_changed)
        self.stack.agency_chosen.connect(self.go_to_section)
        self.stack.page_created.connect(self._page_created)
        self.autosaver.state_changed.connect(self._save_state_changed)
        self.autosaver.rejected.connect(self._save_rejected)
        self.autosaver.write_failed.connect(self._write_failed)
        self.autosaver.saved.connect(self._saved)
        self.header.save_state.linkActivated.connect(lambda _link: self.go_to_attention())
        self.review.jump_requested.connect(self.jump_to)
        self.guidance.back_requested.connect(self._back_from_guidance)
        self.review.override_requested.connect(self.commands.override_judgement)
        self.review.reason_edited.connect(self.commands.set_amendment_reason)
        self.review.complete_button.clicked.connect(self.commands.complete)
        self.review.amend_button.clicked.connect(self.commands.amend)
        self.review.next_round_button.clicked.connect(self.commands.next_round)
        self.review.sign_button.clicked.connect(self._sign)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Share the width between sections, questions and guidance once it is known, so the
        questions get most of a small screen or a large text scale."""
        super().resizeEvent(event)
        self._fit_split()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit_split()

    def _fit_split(self) -> None:
        width = self.splitter.width()
        if not self._split_done and width > 0 and self.isVisible():
            self._split_done = True
            self.splitter.setSizes([width * share // 100 for share in SPLIT_SHARES])

    # -- state -------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.opened.record.status != AuditStatus.DRAFT

    def reload(self) -> None:
        """Re-read the audit after a status change (complete, override, amendment reason)."""
        self.opened = self.service.open_audit(self.audit_id)
        self._refresh_all()

    def _refresh_all(self) -> None:
        self.header.show_record(self.opened.record, self.opened.template.title)
        self.stack.set_read_only(self.read_only)
        self._refresh_visibility()
        self._refresh_progress()
        self._refresh_amended()
        self._refresh_carried_forward()
        self._refresh_review()

    def _refresh_carried_forward(self) -> None:
        """Mark each answer carried forward from the previous return until it is confirmed."""
        pending = set(self.opened.record.unconfirmed) if not self.read_only else set()
        for block in self.stack.blocks():
            block.show_carried_forward(block.key in pending)

    def _confirm_carried_forward(self, block: QuestionBlock) -> None:
        """The user confirms a carried-forward answer (a quick write, like an autosave)."""
        if self.read_only:
            return
        try:
            record = self.service.confirm_carried_forward(self.audit_id, block.key)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.opened = replace(self.opened, record=record)
        block.show_carried_forward(False)
        self._refresh_review()

    def _refresh_amended(self) -> None:
        """In an amendment, ask beside each changed answer why it changed."""
        if not self.opened.record.previous_revision_id:
            return
        try:
            changed = self.service.amended_answers(self.audit_id)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.amended = {item.key: item.reason or "" for item in changed}
        for block in self.stack.blocks():
            block.show_amendment(self.amended.get(block.key))

    def _page_created(self, page: SectionPageWidget) -> None:
        pending = set(self.opened.record.unconfirmed) if not self.read_only else set()
        for block in page.blocks.values():
            block.confirmed.connect(self._confirm_carried_forward)
            block.show_carried_forward(block.key in pending)
            block.amendment_reason.editingFinished.connect(partial(self._amendment_reason_edited, block))
            block.amendment_reason.textEdited.connect(lambda _t, b=block: self._amendment_reason_typed(b))
            block.show_amendment(self.amended.get(block.key))
            draft = self.drafts.get(block.key)
            if draft is not None and not self.read_only:
                block.load_draft(draft)
                self.autosaver.schedule(block.key, partial(self._save_block, block))  # shows what it needs
            elif (saved := self.answers.get(block.key)) is not None and saved.warning_reason:
                self._show_saved_warning(block, saved)
        self._guidance_last()

    def _guidance_last(self) -> None:
        """Tab goes from the questions (or the Review page) to the guidance pane on their right."""
        after_in_tab_order(self.stack, self.guidance.browser, self.guidance.term)

    def _show_saved_warning(self, block: QuestionBlock, saved: Answer) -> None:
        """An answer kept with a reason: show the warning it answers above the reason."""
        try:
            check = self.service.check_answer(self.audit_id, block.question.id, saved.value, agency=block.agency)
        except LscpAuditError:
            return
        if check.warning:
            block.warning = check.warning
            block.show_saved(True)

    def _amendment_reason_typed(self, block: QuestionBlock) -> None:
        self.autosaver.schedule("reason:" + block.key, partial(self._save_amendment_reason, block))

    def _amendment_reason_edited(self, block: QuestionBlock) -> None:
        if self.autosaver.has_pending:
            self.autosaver.flush()

    def _save_amendment_reason(self, block: QuestionBlock) -> None:
        reason = block.amendment_reason.text().strip()
        if reason and not self.read_only:
            self.service.set_amendment_reason(self.audit_id, block.key, reason)
            self.amended[block.key] = reason

    def _refresh_visibility(self) -> None:
        record = self.opened.record
        agencies = list(record.subject.get("agencies") or [])
        state = evaluate(self.opened.template, record.subject, list(self.answers.values()), agencies)
        self.stack.apply_visibility(state)

    def _refresh_progress(self) -> None:
        try:
            self.sections.update_progress(self.service.progress(self.audit_id))
        except LscpAuditError as exc:
            show_error(self, exc)

    def _refresh_review(self) -> None:
        read_only = self.read_only
        missing = () if read_only else self.service.missing_answers(self.audit_id)
        unfinished = () if read_only else self.unfinished_answers()
        self.review.show_missing(missing, read_only, self._context()["agency_labels"], unfinished)
        self.review.show_judgements(self._judgement_views(), read_only)
        self.review.show_amended(self.service.amended_answers(self.audit_id), read_only)
        status = self.opened.record.status
        can_amend = status in (AuditStatus.COMPLETE, AuditStatus.SIGNED)
        self.review.set_state(read_only, can_amend, self.sign_handler is not None)
        self_assessment = str(self.opened.template.kind) == "agency_self_assessment"
        self.review.next_round_button.setVisible(self_assessment and can_amend)
        self._guidance_last()

    def unfinished_answers(self) -> tuple[MissingAnswer, ...]:
        """Answers with unfinished work kept as a draft, in document order."""
        found = []
        for section in self.opened.template.sections:
            for question in section.questions:
                for key, agency in self._keys_of(question.id):
                    if key in self.drafts:
                        found.append(MissingAnswer(question.id, section.id, section.title, question.label, agency))
        return tuple(found)

    def _keys_of(self, question_id: str) -> list[tuple[str, str | None]]:
        agencies = [None, *self._context()["agencies"]]
        return [(f"{question_id}@{a}" if a else question_id, a) for a in agencies]

    def _judgement_views(self) -> list[tuple[Any, str]]:
        template = self.opened.template
        labels = self._context()["agency_labels"]
        views = []
        for judgement in self.service.judgements(self.audit_id).all():
            if judgement.scope == "overall":
                title = self.tr("Overall judgement")
            else:
                title = template.section(judgement.scope).title
            if judgement.agency:
                title += f" — {labels.get(judgement.agency, judgement.agency)}"
            views.append((judgement, title))
        return views

    # -- navigation --------------------------------------------------------------------------

    def _open_first_section(self) -> None:
        if self.sections.rowCount() > 0:
            self.navigator.setCurrentIndex(self.sections.index(0))
        else:
            self.show_review()

    def _section_chosen(self, row: int) -> None:
        if row < 0:
            return
        progress = self.sections.index(row).data(ProgressRole)
        page = self.stack.show_section(progress.section_id, progress.agency)
        self._last_block = None
        self.guidance.show_section(page.section)
        self._refresh_section_judgement()

    def go_to_section(self, section_id: str, agency: str | None = None) -> None:
        row = self.sections.row_of(section_id, agency)
        if row >= 0:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.navigator.selectionModel().setCurrentIndex(self.sections.index(row), flags)
        self.stack.show_section(section_id, agency)

    def show_review(self) -> None:
        self.autosaver.flush()
        self._refresh_review()
        self.navigator.selectionModel().clearCurrentIndex()
        self.navigator.clearSelection()
        self.stack.show_extra_page(self.review)
        self._last_block = None
        self.guidance.show_intro()
        self.review.first_control().setFocus(Qt.FocusReason.OtherFocusReason)

    def jump_to(self, missing: MissingAnswer) -> None:
        self.go_to_section(missing.section_id, missing.agency)
        page = self.stack.page(missing.section_id, missing.agency)
        block = page.blocks.get(missing.key)
        if block is not None:
            self.stack.scroll_to(block)
            block.focus_first()

    def jump_to_answer(self, question_id: str, agency: str | None = None) -> None:
        """Show the question `question_id` (of `agency` in a per-agency section) and focus it."""
        try:
            section = self.opened.template.section_of(question_id)
        except KeyError:
            return
        self.go_to_section(section.id, agency if section.per_agency else None)
        page = self.stack.page(section.id, agency if section.per_agency else None)
        key = f"{question_id}@{agency}" if agency and section.per_agency else question_id
        block = page.blocks.get(key)
        if block is not None:
            self.stack.scroll_to(block)
            block.focus_first()

    def focus_guidance(self) -> None:
        self.guidance.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, QuestionBlock):
            widget = widget.parentWidget()
        if isinstance(widget, QuestionBlock) and self.isAncestorOf(widget):
            if widget is not self._last_block:
                self.guidance.show_question(widget.question)
            self._last_block = widget
            self._last_focus = new
        if new is not None and self.stack.isAncestorOf(new):
            self.stack.scroll_to(new)  # Tab to a question below the fold brings it into view

    def _back_from_guidance(self) -> None:
        target = self._last_focus if self._last_focus is not None else self.navigator
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- editing and autosave ----------------------------------------------------------------

    def _block_changed(self, block: QuestionBlock) -> None:
        if self.read_only:
            return
        answer = block.answer()
        if answer is None:
            self.answers.pop(block.key, None)
        else:
            self.answers[block.key] = answer
        self._refresh_visibility()
        self.autosaver.schedule(block.key, partial(self._save_block, block))

    def _save_block(self, block: QuestionBlock) -> None:
        """Save the block's answer; keep what cannot be an answer yet as a draft."""
        problem = block.input.problem()
        if problem:
            self._keep_draft(block)
            raise AnswerRejected([FieldProblem(block.key, problem)])
        answer = block.answer()
        try:
            result = self.service.save_answer(
                self.audit_id,
                block.question.id,
                answer.value if answer else None,
                agency=block.agency,
                evidence=answer.evidence if answer else "",
                warning_reason=answer.warning_reason if answer else None,
            )
        except AnswerRejected:
            self._keep_draft(block)
            raise
        if block.has_unfinished_work():
            self._keep_draft(block)
        elif block.key in self.drafts:
            self.service.discard_draft(self.audit_id, block.key)
            self.drafts.pop(block.key, None)
        block.show_saved(result.warning is not None)
        if block.carried_forward:  # saving a carried-forward answer confirms it (the service records that)
            block.show_carried_forward(False)
            unconfirmed = tuple(k for k in self.opened.record.unconfirmed if k != block.key)
            carried = self.opened.record.carried_forward
            if carried is not None:
                record = replace(self.opened.record, carried_forward=replace(carried, pending=unconfirmed))
                self.opened = replace(self.opened, record=record)
        if block.has_unfinished_work():
            block.show_check(draft=True)

    def _keep_draft(self, block: QuestionBlock) -> None:
        draft = block.draft()
        if self.drafts.get(block.key) != draft:
            self.service.save_draft(self.audit_id, block.key, draft)
            self.drafts[block.key] = draft

    def _saved(self, key: str) -> None:
        self._refresh_progress()
        self._refresh_section_judgement()
        if self.opened.record.previous_revision_id and not key.startswith("reason:"):
            self._refresh_amended()

    def _refresh_section_judgement(self) -> None:
        current = self.stack.current
        if current is None or self.opened.template.judgement_rules is None:
            return
        section_id, agency = current
        try:
            judgement = self.service.judgements(self.audit_id).get(section_id, agency)
        except LscpAuditError:
            return
        plain, rich = judgement_text(judgement, not self.read_only)
        self.stack.page(section_id, agency).show_judgement(plain, rich)

    def _block(self, key: str) -> QuestionBlock | None:
        key = key.removeprefix("reason:")
        return next((b for b in self.stack.blocks() if b.key == key), None)

    def _save_rejected(self, key: str, exc: LscpAuditError) -> None:
        block = self._block(key)
        if block is None or key.startswith("reason:"):
            show_error(self, exc)
        elif isinstance(exc, WarningNotAcknowledged):
            block.show_check(warning=exc.warning)
        elif isinstance(exc, AnswerRejected):
            block.show_check(errors=tuple(p.message for p in exc.fields))
        else:
            show_error(self, exc)

    def _write_failed(self, key: str, exc: LscpAuditError) -> None:
        block = self._block(key)
        if block is not None:
            block.show_write_failure(str(exc))

    def _where(self, key: str | None) -> str:
        """How the header names the answer that needs attention."""
        block = self._block(key) if key else None
        if block is None:
            return ""
        agency = self._context()["agency_labels"].get(block.agency or "", block.agency or "")
        return f"“{block.question.label}”" + (f" ({agency})" if agency else "")

    def go_to_attention(self) -> None:
        """Show the answer the "Not saved" header is about."""
        block = self._block(self.autosaver.attention_key or "")
        if block is None:
            return
        section_id = self._section_of(block)
        if self.stack.current != (section_id, block.agency):
            self.go_to_section(section_id, block.agency)
        self.stack.scroll_to(block)
        block.focus_first()

    def _section_of(self, block: QuestionBlock) -> str:
        return next(s.id for s in self.opened.template.sections if any(q.id == block.question.id for q in s.questions))

    def _save_state_changed(self, state: str) -> None:
        when = datetime.now().strftime("%H:%M") if state == SAVED else ""
        self.header.show_save_state(state, when, self._where(self.autosaver.attention_key))
        if state == FAILED:
            log.info("an answer is not saved yet (rejected or write failed)")

    def flush(self) -> bool:
        """Save everything pending now (before closing, locking or quitting): answers that are
        ready are saved, unfinished work is kept as drafts. False when a write failed (e.g. a
        full disk) and something typed is only on screen."""
        for block in self.stack.blocks():
            block.input.commit_editing()
        return self.autosaver.flush()

    def unsaved_summary(self) -> str:
        """The answers only on screen because their write failed, by name."""
        return ", ".join(self._where(key) for key in self.autosaver.failed_keys) or self.tr("some answers")

    def confirm_leave(self, action: str) -> bool:
        """Save everything; when a write keeps failing, ask before `action` (e.g. "lock the
        vault") drops it. Trying again is the default, Esc stays in the audit. True: go ahead."""
        while not self.flush():
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(self.tr("Answers not saved"))
            box.setText(
                self.tr("These answers could not be written to the vault: %1.").replace("%1", self.unsaved_summary())
            )
            box.setInformativeText(
                self.tr("The disk may be full. Free some space and try again, or stay in the audit.")
                + " "
                + self.tr("If you %1 now, what you typed there is lost.").replace("%1", action)
            )
            retry = box.addButton(self.tr("&Try again"), QMessageBox.ButtonRole.AcceptRole)
            stay = box.addButton(self.tr("&Stay in the audit"), QMessageBox.ButtonRole.RejectRole)
            drop = box.addButton(
                self.tr("&Discard and %1").replace("%1", action), QMessageBox.ButtonRole.DestructiveRole
            )
            box.setDefaultButton(retry)
            box.setEscapeButton(stay)
            box.exec()
            if box.clickedButton() is drop:
                self.autosaver.discard_failed()
                return True
            if box.clickedButton() is not retry:
                return False
        return True

    def close_editor(self) -> None:
        if not self.confirm_leave(self.tr("leave the audit")):
            return
        self.audit_changed.emit(self.audit_id)
        self.closed.emit()

    def _sign(self) -> None:
        if self.sign_handler is not None:
            self.sign_handler(self, self.audit_id)
            self.reload()
            self.audit_changed.emit(self.audit_id)


def judgement_text(judgement: Judgement | None, draft: bool) -> tuple[str, str]:
    """``Section judgement: [G] Good. Rule: ...`` as (plain text, rich text), "Provisional" while
    a draft has unanswered graded questions, and the override when there is one."""
    if judgement is None:
        return "", ""
    plain, rich = judgement_value_text(judgement, draft)
    text = f"Section judgement: {plain}. Rule: {judgement.rule_text}"
    rich = f"<b>Section judgement:</b> {rich}. Rule: {html.escape(judgement.rule_text)}"
    if judgement.override is not None:
        level = judgement.scale_info.level(judgement.override.value)
        text += f" Overridden to {judgement.label}: {judgement.override.rationale}"
        rich += (
            f" <b>Overridden to</b> {level_html(level, judgement.label)}: {html.escape(judgement.override.rationale)}"
        )
    return text, rich


def _key(answer: Answer) -> str:
    return f"{answer.question_id}@{answer.agency}" if answer.agency else answer.question_id
