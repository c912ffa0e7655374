"""The audit editor: section navigator with progress, the questions of the current section,
guidance for the focused question, live visibility, autosave and the Complete step.

All reads and writes go through `AuditService`; validation findings come back from it and are
only displayed here. Nothing here logs answer text or case references.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
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

from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.services.audit_types import AnswerRejected, MissingAnswer, OpenAudit, WarningNotAcknowledged
from lscp_audit.ui.display import judgement_label
from lscp_audit.ui.editor.autosave import FAILED, SAVED, Autosaver
from lscp_audit.ui.editor.editor_actions import EditorActions
from lscp_audit.ui.editor.editor_header import EditorHeaderWidget
from lscp_audit.ui.editor.guidance_panel import GuidancePanel
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.review_page import ReviewPageWidget
from lscp_audit.ui.editor.section_list_model import ProgressRole, SectionListModel
from lscp_audit.ui.editor.section_stack import SectionStackWidget
from lscp_audit.ui.editor.visibility import evaluate
from lscp_audit.ui.errors import show_error

log = logging.getLogger(__name__)
SignHandler = Callable[[QWidget, str], object]


class EditorPage(QWidget):
    """Edits one audit; `closed` asks the Audits area to go back to the list."""

    closed = Signal()
    audit_changed = Signal(str)  # audit id: the list should refresh
    open_requested = Signal(str)  # another revision should be opened instead

    def __init__(
        self, service: Any, audit_id: str, sign_handler: SignHandler | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.sign_handler = sign_handler
        self.opened: OpenAudit = service.open_audit(audit_id)
        self.audit_id = audit_id
        self.answers: dict[str, Answer] = {_key(a): a for a in self.opened.record.answers}
        self.autosaver = Autosaver(self)
        self._last_block: QuestionBlock | None = None
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
        splitter.setSizes([240, 640, 280])
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
        self.autosaver.state_changed.connect(self._save_state_changed)
        self.autosaver.rejected.connect(self._save_rejected)
        self.autosaver.saved.connect(self._saved)
        self.review.jump_requested.connect(self.jump_to)
        self.guidance.back_requested.connect(self._back_from_guidance)
        self.review.override_requested.connect(self.commands.override_judgement)
        self.review.reason_edited.connect(self.commands.set_amendment_reason)
        self.review.complete_button.clicked.connect(self.commands.complete)
        self.review.amend_button.clicked.connect(self.commands.amend)
        self.review.sign_button.clicked.connect(self._sign)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

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
        self._refresh_review()

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
        self.review.show_missing(missing, read_only, self._context()["agency_labels"])
        self.review.show_judgements(self._judgement_views(), read_only)
        self.review.show_amended(self.service.amended_answers(self.audit_id), read_only)
        status = self.opened.record.status
        can_amend = status in (AuditStatus.COMPLETE, AuditStatus.SIGNED)
        self.review.set_state(read_only, can_amend, self.sign_handler is not None)

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
        self.stack.show_section(progress.section_id, progress.agency)
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
        self.review.complete_button.setFocus() if not self.read_only else self.review.setFocus()

    def jump_to(self, missing: MissingAnswer) -> None:
        self.go_to_section(missing.section_id, missing.agency)
        page = self.stack.page(missing.section_id, missing.agency)
        block = page.blocks.get(missing.key)
        if block is not None:
            self.stack.scroll_to(block)
            block.focus_first()

    def focus_guidance(self) -> None:
        self.guidance.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, QuestionBlock):
            widget = widget.parentWidget()
        if isinstance(widget, QuestionBlock) and self.isAncestorOf(widget):
            if widget is not self._last_block:
                self.guidance.show_question(widget.question)
            self._last_block = widget
            self._last_focus = new

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
        answer = block.answer()
        value = answer.value if answer else None
        evidence = answer.evidence if answer else ""
        reason = answer.warning_reason if answer else None
        self.service.save_answer(
            self.audit_id, block.question.id, value, agency=block.agency, evidence=evidence, warning_reason=reason
        )
        block.show_check()

    def _saved(self, _key: str) -> None:
        self._refresh_progress()
        self._refresh_section_judgement()

    def _refresh_section_judgement(self) -> None:
        current = self.stack.current
        if current is None or self.opened.template.judgement_rules is None:
            return
        section_id, agency = current
        try:
            judgement = self.service.judgements(self.audit_id).get(section_id, agency)
        except LscpAuditError:
            return
        self.stack.page(section_id, agency).show_judgement(judgement_text(judgement))

    def _save_rejected(self, key: str, exc: LscpAuditError) -> None:
        block = next((b for b in self.stack.blocks() if b.key == key), None)
        if block is None:
            show_error(self, exc)
        elif isinstance(exc, WarningNotAcknowledged):
            block.show_check(warning=exc.warning)
        elif isinstance(exc, AnswerRejected):
            block.show_check(errors=tuple(p.message for p in exc.fields))
        else:
            show_error(self, exc)

    def _save_state_changed(self, state: str) -> None:
        when = datetime.now().strftime("%H:%M") if state == SAVED else ""
        self.header.show_save_state(state, when)
        if state == FAILED:
            log.info("an answer was not saved (validation)")

    def flush(self) -> bool:
        """Save everything pending now (before closing, locking or quitting)."""
        return self.autosaver.flush()

    def close_editor(self) -> None:
        if not self.flush() and not self._leave_with_unsaved():
            return
        self.audit_changed.emit(self.audit_id)
        self.closed.emit()

    def _leave_with_unsaved(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Answers not saved"),
            self.tr(
                "Some answers could not be saved because they break a rule of the template (see the "
                "message under each one). Leave the audit anyway? Those answers will be lost."
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _sign(self) -> None:
        if self.sign_handler is not None:
            self.sign_handler(self, self.audit_id)
            self.reload()
            self.audit_changed.emit(self.audit_id)


def judgement_text(judgement: Any) -> str:
    """``Section judgement: Good (rule: ...)``, with the override when there is one."""
    if judgement is None:
        return ""
    derived = judgement_label(judgement.derived) or "not enough answers yet"
    text = f"Section judgement: {derived}. Rule: {judgement.rule_text}"
    if judgement.override is not None:
        text += f" Overridden to {judgement_label(judgement.override.value)}: {judgement.override.rationale}"
    return text


def _key(answer: Answer) -> str:
    return f"{answer.question_id}@{answer.agency}" if answer.agency else answer.question_id
