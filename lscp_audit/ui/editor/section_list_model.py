"""List model for the section navigator: one row per visible section (per agency when repeated)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from lscp_audit.services.audit_types import SectionProgress

ProgressRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


def section_key(section_id: str, agency: str | None) -> str:
    return f"{section_id}@{agency}" if agency else section_id


def progress_text(row: SectionProgress) -> str:
    if row.required == 0:
        return f"{row.answered_any} answered (none required)"
    tick = "✓ " if row.complete else ""
    return f"{tick}{row.answered} of {row.required} required answered"


class SectionListModel(QAbstractListModel):
    """Rows are `SectionProgress`; `update_progress` refreshes counts in place (dataChanged)."""

    def __init__(self, agency_labels: dict[str, str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SectionProgress] = []
        self._labels = agency_labels or {}

    def set_rows(self, rows: Sequence[SectionProgress]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_progress(self, rows: Sequence[SectionProgress]) -> None:
        """Same sections: update counts only; different sections: reset."""
        keys = [section_key(r.section_id, r.agency) for r in rows]
        if keys != [section_key(r.section_id, r.agency) for r in self._rows]:
            self.set_rows(rows)
            return
        self._rows = list(rows)
        if rows:
            self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))

    def progress_at(self, row: int) -> SectionProgress:
        return self._rows[row]

    def row_of(self, section_id: str, agency: str | None = None) -> int:
        for i, row in enumerate(self._rows):
            if row.section_id == section_id and (agency is None or row.agency == agency):
                return i
        return -1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        title = f"{row.title} — {self._labels.get(row.agency, row.agency)}" if row.agency else row.title
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{title}\n{progress_text(row)}"
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"{title}: {progress_text(row)}"
        if role == ProgressRole:
            return row
        if role == KeyRole:
            return section_key(row.section_id, row.agency)
        return None
