"""Qt table model over the per-file results of one import (file, outcome, details)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from lscp_audit.services.inbox_service import ImportStatus, InboxImportResult

COL_FILE, COL_OUTCOME, COL_DETAILS = range(3)
HEADERS = ("File", "Result", "Details")
OUTCOMES = {
    ImportStatus.IMPORTED: "Imported",
    ImportStatus.DUPLICATE: "Already in the inbox",
    ImportStatus.REJECTED: "Not imported",
    ImportStatus.SKIPPED: "Skipped",
}
ResultRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


def details_text(result: InboxImportResult) -> str:
    """The reason for a refusal, or the report id (and any note) for a stored file."""
    if not result.ok:
        return result.reason[:1].upper() + result.reason[1:]
    entry = result.entry
    text = f"Report {entry.report_id}" if entry is not None else ""
    if entry is not None and not entry.trusted:
        text += "; signer not trusted"
    return f"{text}. {result.note[:1].upper()}{result.note[1:]}" if result.note else text


class ImportResultsModel(QAbstractTableModel):
    """Rows are `InboxImportResult`s; `ResultRole` gives the result."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[InboxImportResult] = []

    def set_rows(self, rows: Sequence[InboxImportResult]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section < len(HEADERS):
            return self.tr(HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        result = self._rows[index.row()]
        if role == ResultRole:
            return result
        if role == Qt.ItemDataRole.DisplayRole:
            texts = (result.path.name, self.tr(OUTCOMES[result.status]), details_text(result))
            return texts[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_OUTCOME:
            return QColor("#1b6b35") if result.ok else QColor("#a11d1d")
        return None
