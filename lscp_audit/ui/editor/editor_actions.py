"""What the editor's buttons do beyond answering: complete, amend, override, reasons, history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.identifier_check import IdentifierCheck
from lscp_audit.core.judgements import Judgement
from lscp_audit.services.audit_types import IncompleteAudit
from lscp_audit.services.identifier_checks import IdentifiersNotAcknowledged
from lscp_audit.ui.checks.identifier_dialog import IdentifierDialog
from lscp_audit.ui.editor.history_dialog import HistoryDialog
from lscp_audit.ui.editor.override_dialog import OverrideDialog
from lscp_audit.ui.errors import show_error

if TYPE_CHECKING:
    from lscp_audit.ui.editor.editor_page import EditorPage


class EditorActions(QObject):
    """Runs the editor's commands through the service and refreshes the page."""

    def __init__(self, page: EditorPage) -> None:
        super().__init__(page)
        self.page = page

    def complete(self) -> None:
        page = self.page
        if not page.flush():
            QMessageBox.warning(
                page,
                page.tr("Complete audit"),
                page.tr(
                    "These answers could not be written to the vault yet: %1. Try again when they are saved."
                ).replace("%1", page.unsaved_summary()),
            )
            return
        unfinished = page.unfinished_answers()
        if unfinished:
            page.show_review()
            QMessageBox.information(
                page,
                page.tr("Complete audit"),
                page.tr("Finish or clear these answers first (what you typed is kept as a draft): %1.").replace(
                    "%1", "; ".join(f"“{item.label}”" for item in unfinished)
                ),
            )
            return
        answer = QMessageBox.question(
            page,
            page.tr("Complete audit"),
            page.tr(
                "Complete this audit? It becomes read-only and can then be signed and exported. "
                "To change it later you amend it, which makes a new revision."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            page.service.complete(page.audit_id)
        except IncompleteAudit as exc:
            page.show_review()
            QMessageBox.information(page, page.tr("Complete audit"), self._blockers(exc))
            if exc.unexplained:
                self._focus_reason(exc.unexplained[0])
            elif exc.unconfirmed and not exc.missing:
                self._focus_confirm(exc.unconfirmed[0])
            return
        except IdentifiersNotAcknowledged as exc:
            if not self.review_identifiers(exc.check):
                return
            try:  # every identifier is kept now; the auditor already said yes to completing
                page.service.complete(page.audit_id)
            except LscpAuditError as again:
                show_error(page, again)
                return
        except LscpAuditError as exc:
            show_error(page, exc)
            return
        page.reload()
        page.show_review()
        page.audit_changed.emit(page.audit_id)

    def review_identifiers(self, check: IdentifierCheck) -> bool:
        """Show the likely identifiers; True when every one is kept (go on), False when the
        auditor cancelled or chose to correct one (the editor then moves to its question)."""
        page = self.page

        def acknowledge(reason: str, hit_ids: Sequence[str] | None) -> IdentifierCheck:
            return page.service.acknowledge_identifiers(page.audit_id, reason, hit_ids=hit_ids)

        dialog = IdentifierDialog(check, acknowledge, page, doing=page.tr("completed"), can_correct=not page.read_only)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.go_to is not None and dialog.go_to.question_id:
            page.jump_to_answer(dialog.go_to.question_id, dialog.go_to.agency)
        return accepted

    def _blockers(self, exc: IncompleteAudit) -> str:
        """What stops completion, by name: missing answers, changed answers without a reason."""
        page = self.page
        parts = []
        if exc.missing:
            count = len(exc.missing)
            one, many = page.tr("1 required answer is missing."), page.tr("%1 required answers are missing.")
            parts.append(
                (one if count == 1 else many).replace("%1", str(count)) + page.tr(" They are listed on this page.")
            )
        if exc.unexplained:
            labels = "; ".join(f"“{self._label(key)}”" for key in exc.unexplained)
            parts.append(
                page.tr(
                    "Give the reason for changing: %1. Type it in the box under the answer or in "
                    "“Reasons for changed answers” on this page."
                ).replace("%1", labels)
            )
        if exc.unconfirmed:
            labels = "; ".join(f"“{self._label(key)}”" for key in exc.unconfirmed)
            parts.append(
                page.tr(
                    "These answers were carried forward from your previous return and are not confirmed yet: %1. "
                    "Check each one and press “Confirm this answer” under it, or change it."
                ).replace("%1", labels)
            )
        return "\n\n".join(parts)

    def _label(self, key: str) -> str:
        question_id, _, agency = key.partition("@")
        label = self.page.opened.template.question(question_id).label
        agency_name = self.page._context()["agency_labels"].get(agency, agency)
        return f"{label} ({agency_name})" if agency else label

    def _focus_confirm(self, key: str) -> None:
        """Show the first unconfirmed carried-forward answer with its Confirm button focused."""
        page = self.page
        question_id, _, agency = key.partition("@")
        section = page.opened.template.section_of(question_id)
        page.go_to_section(section.id, agency or None)
        block = page.stack.page(section.id, agency or None).blocks.get(key)
        if block is not None:
            page.stack.scroll_to(block)
            block.confirm_button.setFocus()

    def _focus_reason(self, key: str) -> None:
        edit = self.page.review.reason_edits.get(key)
        if edit is not None:
            self.page.stack.scroll_to(edit)
            edit.setFocus()

    def amend(self) -> None:
        def start() -> tuple[str, str]:
            revision = self.page.service.amend(self.page.audit_id)
            return self.page.audit_id, revision.id

        self._confirm_and_open(
            self.page.tr("Amend audit"),
            self.page.tr(
                "Amending makes a new draft revision. The completed revision is kept unchanged. "
                "You will be asked for a reason for every answer you change. Continue?"
            ),
            start,
        )

    def next_round(self) -> None:
        """Start the next round's self-assessment from this completed return (Section 11)."""

        def start() -> tuple[str, str]:
            record, _left = self.page.service.start_from_previous(self.page.audit_id)
            return record.id, record.id

        self._confirm_and_open(
            self.page.tr("Start the next round"),
            self.page.tr(
                "Start a new self-assessment with this return's answers carried forward? Each one is marked "
                "“Carried forward — confirm” until you confirm or change it, and the new return cannot be "
                "completed before every one is confirmed. This return is kept unchanged."
            ),
            start,
        )

    def _confirm_and_open(self, title: str, question: str, start: Callable[[], tuple[str, str]]) -> None:
        """Ask first (Cancel is the default), then make the new draft and open it. `start` returns
        the audit whose list entry changed and the draft to open."""
        page = self.page
        answer = QMessageBox.question(
            page,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            changed_id, open_id = start()
        except LscpAuditError as exc:
            show_error(page, exc)
            return
        page.audit_changed.emit(changed_id)
        page.open_requested.emit(open_id)

    def override_judgement(self, view: Judgement, title: str) -> None:
        page = self.page
        dialog = OverrideDialog(view, title, page)
        if not dialog.exec():
            return
        try:
            if dialog.clear_requested:
                page.service.clear_override(page.audit_id, view.scope, agency=view.agency)
            else:
                page.service.set_override(
                    page.audit_id, view.scope, dialog.value(), dialog.rationale(), agency=view.agency
                )
        except LscpAuditError as exc:
            show_error(page, exc)
            return
        page.reload()
        page.show_review()

    def set_amendment_reason(self, key: str, reason: str) -> None:
        page = self.page
        if not reason.strip() or page.read_only:
            return
        try:
            page.service.set_amendment_reason(page.audit_id, key, reason.strip())
        except LscpAuditError as exc:
            show_error(page, exc)

    def show_history(self) -> None:
        page = self.page
        page.flush()
        try:
            history = page.service.change_history(page.audit_id)
        except LscpAuditError as exc:
            show_error(page, exc)
            return
        HistoryDialog(history, page).exec()


def ask_reason(page: EditorPage, title: str, prompt: str) -> str | None:
    text, ok = QInputDialog.getMultiLineText(page, title, prompt)
    return text.strip() if ok and text.strip() else None
