"""Qt table model over `AuditSummary` rows (no answer content), with a sort role per column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from lscp_audit.core.audit import AuditSummary
from lscp_audit.ui.display import format_date, judgement_label, status_label

COL_CASE_REFERENCE = 0
COL_TITLE = 1
COL_TEMPLATE = 2
COL_AGENCY = 3
COL_AUDITOR = 4
COL_STATUS = 5
COL_JUDGEMENT = 6
COL_UPDATED = 7
HEADERS = ("Case reference", "Title", "Template", "Agency", "Auditor", "Status", "Judgement", "Last changed")

SortRole = Qt.ItemDataRole.UserRole + 1
AuditRole = Qt.ItemDataRole.UserRole + 2
STATUS_ORDER = {"draft": 0, "complete": 1, "signed": 2, "amended": 3}
JUDGEMENT_ORDER = {
    "outstanding": 0,
    "good": 1,
    "requires_improvement": 2,
    "inadequate": 3,
    "green": 0,
    "amber": 1,
    "red": 2,
}
AnyIndex = QModelIndex | QPersistentModelIndex


def _display_row(row: AuditSummary) -> tuple[str, ...]:
    return (
        row.case_reference,
        row.title,
        row.template_title,
        row.agency,
        row.auditor,
        status_label(row.status),
        judgement_label(row.judgement),
        format_date(row.updated_at),
    )


def _sort_key(row: AuditSummary, column: int) -> Any:
    if column == COL_STATUS:
        return STATUS_ORDER.get(str(row.status), 9)
    if column == COL_JUDGEMENT:
        return JUDGEMENT_ORDER.get(row.judgement or "", 9)
    if column == COL_UPDATED:
        return row.updated_at
    return _display_row(row)[column].casefold()


class AuditTableModel(QAbstractTableModel):
    """Rows are `AuditSummary` DTOs; `set_rows` replaces them all (filtering happens in SQL)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditSummary] = []
        self._texts: dict[int, tuple[str, ...]] = {}  # display texts, built on first paint of a row

    def set_rows(self, rows: Sequence[AuditSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = {}
        self.endResetModel()

    def _text(self, row: int, column: int) -> str:
        texts = self._texts.get(row)
        if texts is None:
            texts = _display_row(self._rows[row])
            self._texts[row] = texts
        return texts[column]

    def audit_at(self, row: int) -> AuditSummary:
        return self._rows[row]

    def row_of(self, audit_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == audit_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_UPDATED:
            return row.updated_at
        if role == SortRole:
            return _sort_key(row, column)
        if role == AuditRole:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class AuditSortProxyModel(QSortFilterProxyModel):
    """Sorts by `SortRole` when asked; quick interactive text filtering over the loaded rows.

    The Audits page sorts and filters in SQL (10,000 audits), so it leaves this proxy
    unsorted; it sorts only small lists.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(False)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
