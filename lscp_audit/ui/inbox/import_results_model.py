"""Qt table model over the per-file results of one import (file, outcome, details)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from lscp_audit.services.inbox_service import ImportStatus, InboxImportResult
from lscp_audit.ui.reports.verification_model import plain
from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel

COL_FILE, COL_OUTCOME, COL_DETAILS = range(3)
HEADERS = ("File", "Result", "Details")
OUTCOMES = {
    ImportStatus.IMPORTED: "Imported",
    ImportStatus.DUPLICATE: "Already in the inbox",
    ImportStatus.REJECTED: "Not imported",
    ImportStatus.SKIPPED: "Skipped",
}
ResultRole = ObjectRole


def details_text(result: InboxImportResult) -> str:
    """The reason for a refusal, or the report id (and any note) for a stored file."""
    if not result.ok:
        reason = plain(result.reason)
        return reason[:1].upper() + reason[1:]
    entry = result.entry
    text = f"Report {entry.report_id}" if entry is not None else ""
    if entry is not None and entry.quarantined and "quarantine" not in result.note:
        text += "; in quarantine (signer not trusted)"
    note = f"{result.note[:1].upper()}{result.note[1:]}"
    return ". ".join(part for part in (text, note) if part)


class ImportResultsModel(RowTableModel[InboxImportResult]):
    """Rows are `InboxImportResult`s; `ResultRole` gives the result."""

    headers = HEADERS

    def cell(self, result: InboxImportResult, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (result.path.name, self.tr(OUTCOMES[result.status]), details_text(result))[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_DETAILS:
            return details_text(result)  # the column is capped in width and elides a long reason
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_OUTCOME:
            return QColor("#1b6b35") if result.ok else QColor("#a11d1d")
        return None
