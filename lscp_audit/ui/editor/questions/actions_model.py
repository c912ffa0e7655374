"""Editable table model of SMART actions: action, owner agency, owner role, due date, status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from lscp_audit.core.templates.scales import ACTION_FIELDS, ACTION_STATUS_OPTIONS
from lscp_audit.ui.display import format_date

COL_ACTION = 0
COL_OWNER_AGENCY = 1
COL_OWNER_ROLE = 2
COL_DUE = 3
COL_STATUS = 4
HEADERS = ("Action (specific, measurable)", "Owner agency", "Owner role", "Due", "Status")
STATUS_LABELS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
AnyIndex = QModelIndex | QPersistentModelIndex


def blank_action() -> dict[str, str]:
    return {"action": "", "owner_agency": "", "owner_role": "", "due": "", "status": "open"}


class ActionsTableModel(QAbstractTableModel):
    """Rows are dicts with the `ACTION_FIELDS` keys; `edited` fires on every change."""

    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, str]] = []
        self.read_only = False

    def set_actions(self, actions: list[dict[str, Any]] | None) -> None:
        self.beginResetModel()
        self._rows = [{key: str(item.get(key) or "") for key in ACTION_FIELDS} for item in actions or ()]
        self.endResetModel()

    def actions(self) -> list[dict[str, str]]:
        return [dict(row) for row in self._rows]

    def add_action(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(blank_action())
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_action(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.edited.emit()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        key = ACTION_FIELDS[index.column()]
        raw = self._rows[index.row()][key]
        if role == Qt.ItemDataRole.EditRole:
            return raw
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if key == "due":
                return format_date(raw) or ("Not set" if role == Qt.ItemDataRole.AccessibleTextRole else "")
            if key == "status":
                return STATUS_LABELS.get(raw, raw)
            return raw
        if role == Qt.ItemDataRole.ToolTipRole and key == "action":
            return raw
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        key = ACTION_FIELDS[index.column()]
        text = "" if value is None else str(value)
        if self._rows[index.row()][key] == text:
            return False
        self._rows[index.row()][key] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable
