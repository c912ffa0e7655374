"""A window listing the audit's change history."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableView, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import HistoryEntry
from lscp_audit.ui.editor.history_model import COL_FROM, COL_TO, HistoryTableModel


class HistoryDialog(QDialog):
    """Read-only table of who changed what and when."""

    def __init__(
        self, entries: Sequence[HistoryEntry], template: Template | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change history"))
        self.model = HistoryTableModel(entries, template, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Change history"))
        self.table.setAccessibleDescription(self.tr("Every change to this audit, oldest first"))
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_FROM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_TO, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(860, 480)
