"""The Audits area: the list and, when an audit is open, its editor in place of the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget, QWidget

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.audits.audits_page import AuditsPage
from lscp_audit.ui.editor.editor_page import EditorPage, SignHandler
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog

if TYPE_CHECKING:
    from lscp_audit.ui.session import AppSession


class AuditsAreaWidget(QStackedWidget):
    """Switches between `AuditsPage` and one `EditorPage`; the editor flushes before leaving."""

    def __init__(
        self, session: AppSession, sign_handler: SignHandler | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.sign_handler = sign_handler
        self.list_page = AuditsPage(session.audits)
        self.list_page.new_audit_requested.connect(self.new_audit)
        self.list_page.open_requested.connect(self.open_audit)
        self.addWidget(self.list_page)
        self.editor: EditorPage | None = None

    def new_audit(self) -> str | None:
        if not self.close_editor():
            return None
        dialog = self.new_audit_dialog()
        if not dialog.exec() or dialog.created_id is None:
            return None
        self.list_page.reload()
        self.open_audit(dialog.created_id)
        return dialog.created_id

    def new_audit_dialog(self) -> NewAuditDialog:
        """The New audit dialog, with the user's own details filled in."""
        return NewAuditDialog(self.session.audits, self.session.template, self.session.auditor(), self)

    def open_audit(self, audit_id: str) -> EditorPage | None:
        if not self.close_editor():
            return None
        try:
            editor = EditorPage(self.session.audits, audit_id, self.sign_handler)
        except LscpAuditError as exc:
            show_error(self, exc)
            return None
        editor.closed.connect(self.close_editor)
        editor.audit_changed.connect(lambda _id: self.list_page.reload())
        editor.open_requested.connect(self.open_audit)
        self.editor = editor
        self.addWidget(editor)
        self.setCurrentWidget(editor)
        editor.navigator.setFocus()
        return editor

    def close_editor(self) -> bool:
        """Save and close the open editor (if any) and show the list again; False when an answer
        could not be written and the user chose to stay in the audit."""
        if self.editor is None:
            return True
        if not self.editor.confirm_leave(self.tr("close the audit")):
            return False
        editor, self.editor = self.editor, None
        self.setCurrentWidget(self.list_page)
        self.removeWidget(editor)
        editor.deleteLater()
        self.list_page.reload()
        self.list_page.table.setFocus()
        return True

    def focus_search(self) -> None:
        if self.editor is None:
            self.list_page.focus_search()

    def focus_guidance(self) -> None:
        if self.editor is not None:
            self.editor.focus_guidance()

    def flush(self) -> bool:
        return self.editor.flush() if self.editor is not None else True

    def confirm_leave(self, action: str) -> bool:
        """Save the open editor; if a write keeps failing, ask before `action` drops it."""
        return self.editor.confirm_leave(action) if self.editor is not None else True
