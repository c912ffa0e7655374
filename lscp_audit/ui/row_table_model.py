"""A read-only Qt table model over a list of plain row objects (service DTOs).

Subclasses declare `headers` and implement `cell(row, column, role)`; this class owns the row
list and the Qt plumbing that every such table repeats (counts, headers, bounds checks, reset).
`ObjectRole` returns the row object itself, for selection handling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

RowT = TypeVar("RowT")
AnyIndex = QModelIndex | QPersistentModelIndex
ObjectRole = Qt.ItemDataRole.UserRole + 1


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows are replaced together with `set_rows`; cells come from `cell`."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []

    def set_rows(self, rows: Iterable[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.headers):
            return self.tr(self.headers[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ObjectRole:
            return row
        return self.cell(row, index.column(), role)

    def display_texts(self, column: int) -> list[str]:
        """Every row's text in `column` (for fitting the column: no Qt call per cell)."""
        texts = (self.cell(row, column, Qt.ItemDataRole.DisplayRole) for row in self._rows)
        return [text if isinstance(text, str) else "" for text in texts]

    def cell(self, row: RowT, column: int, role: int) -> Any:
        """What `role` shows for `column` of `row` (None when nothing)."""
        raise NotImplementedError
