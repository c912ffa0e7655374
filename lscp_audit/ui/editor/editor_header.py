"""The strip above the editor: what is being audited, its status, the autosave state and actions."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from lscp_audit.core.audit import AuditRecord
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.display import format_date, status_label
from lscp_audit.ui.editor.autosave import FAILED, SAVED, SAVING


class EditorHeaderWidget(QWidget):
    """Title, subject line, status, "Saving…/Saved" and the Back / History buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton(self.tr("← &Back to audits"))
        self.back_button.setAccessibleName(self.tr("Back to audits"))
        self.back_button.setAccessibleDescription(self.tr("Close the editor; your answers are already saved"))
        self.history_button = QPushButton(self.tr("Change histor&y"))
        self.history_button.setAccessibleName(self.tr("Change history"))
        self.history_button.setAccessibleDescription(self.tr("Who changed what and when in this audit"))
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.save_state = StatusLabel(self.tr("Autosave status"))  # its accessible name is the message
        self.save_state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.save_state.setWordWrap(True)
        self.save_state.setTextFormat(Qt.TextFormat.RichText)
        self.save_state.setMinimumWidth(self.fontMetrics().horizontalAdvance("Not saved – see the question") + 8)
        self.save_state.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 24)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self.save_state)
        row.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignTop)

    def show_record(self, record: AuditRecord, template_title: str) -> None:
        reference = str(record.subject.get("case_reference") or record.title or record.id[:8])
        revision = f" · revision {record.revision}" if record.revision > 1 else ""
        self.title.setText(f"<h2 style='margin:0'>{html.escape(reference)}</h2>")
        started = format_date(record.created_at)
        self.subtitle.setText(
            f"{template_title} · {status_label(record.status)}{revision}" + (f" · started {started}" if started else "")
        )

    def show_save_state(self, state: str, when: str = "", where: str = "") -> None:
        """`where` names the answer a "Not saved" state is about (a link that goes to it)."""
        texts = {
            SAVING: self.tr("Saving…"),
            SAVED: self.tr("Saved") + (f" {when}" if when else ""),
            FAILED: self.tr("Not saved – see %1").replace("%1", where) if where else self.tr("Not saved"),
        }
        text = texts.get(state, "")
        self.save_state.set_status(
            f'<a href="#attention">{html.escape(text)}</a>' if state == FAILED and where else html.escape(text),
            quiet=state == SAVING,
        )
        self.save_state.setToolTip(self.tr("Go to that answer") if state == FAILED and where else "")
