"""Editable table model of SMART actions: action, measure of success, what it answers, owner
agency, owner role, due date, status. Measure and link are optional (actions written before they
existed have neither); a finished action leaves them out of its answer when empty, so an older
action that is only looked at is not changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from lscp_audit.core.templates.scales import ACTION_FIELDS, ACTION_STATUS_OPTIONS
from lscp_audit.ui.display import format_date
from lscp_audit.ui.widgets.date_text import parse_iso_date, read_date

COL_ACTION = 0
COL_MEASURE = 1
COL_LINK = 2
COL_OWNER_AGENCY = 3
COL_OWNER_ROLE = 4
COL_DUE = 5
COL_STATUS = 6
#: The action field shown in each column.
COLUMN_KEYS = ("action", "measure", "link", "owner_agency", "owner_role", "due", "status")
HEADERS = ("Action", "Measure of success", "Answers", "Owner agency", "Owner role", "Due", "Status")
SHORT_HEADERS = (
    "Action",
    "Measure",
    "Answers",
    "Agency",
    "Role",
    "Due",
    "Status",
)  # shown; HEADERS name them for screen readers
HEADER_DESCRIPTIONS = (
    "What will be done: specific and measurable",
    "How the partnership will know it worked (optional)",
    "The finding, standard, section or agency the action answers (optional: else its own section)",
    "The agency that owns the action, or the partnership itself",
    "The role in that agency that owns it",
    "When it is due, e.g. 15/09/2026 (Alt+Down opens a calendar)",
    "Open, in progress or complete",
)
OPTIONAL_KEYS = ("measure", "link")
STATUS_LABELS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
AnyIndex = QModelIndex | QPersistentModelIndex


def blank_action() -> dict[str, str]:
    return {**dict.fromkeys(ACTION_FIELDS, ""), "status": "open"}


def is_blank(row: dict[str, str]) -> bool:
    """Nothing typed in the row yet (the status alone does not count)."""
    return not any(row[key].strip() for key in ACTION_FIELDS if key != "status")


def as_answer(row: dict[str, str]) -> dict[str, str]:
    """A finished row as stored: measure and link only when given."""
    return {k: v for k, v in row.items() if k not in OPTIONAL_KEYS or v.strip()}


def row_problems(row: dict[str, str]) -> list[str]:
    """What the row still needs before it is a SMART action, in plain words (empty: complete).
    The due date is stored as ISO; anything else in it is text the user typed that is not a date."""
    problems = []
    if not row["action"].strip():
        problems.append("write what will be done")
    if not row["owner_agency"].strip():
        problems.append("choose the agency that owns it")
    if not row["owner_role"].strip():
        problems.append("give the owner's role")
    due = row["due"].strip()
    if not due:
        problems.append("give a due date")
    elif parse_iso_date(due) is None:
        problems.append("fix the due date: " + (read_date(due).error or f"“{due}” is not a date."))
    return problems


class ActionsTableModel(QAbstractTableModel):
    """Rows are dicts with the `ACTION_FIELDS` keys; `edited` fires on every change."""

    edited = Signal()

    def __init__(self, parent: Any = None, link_labels: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, str]] = []
        self.read_only = False
        self.link_labels = link_labels or {}  # stored link -> what people read

    def set_actions(self, actions: list[dict[str, Any]] | None) -> None:
        self.beginResetModel()
        self._rows = [{key: str(item.get(key) or "") for key in ACTION_FIELDS} for item in actions or ()]
        self.endResetModel()

    def actions(self) -> list[dict[str, str]]:
        return [dict(row) for row in self._rows]

    def complete_actions(self) -> list[dict[str, str]]:
        """The rows that are finished SMART actions (the answer)."""
        return [as_answer(row) for row in self._rows if not is_blank(row) and not row_problems(row)]

    def unfinished_rows(self) -> list[tuple[int, list[str]]]:
        """(row number from 1, what it needs) for every started but unfinished row."""
        return [
            (number, row_problems(row))
            for number, row in enumerate(self._rows, start=1)
            if not is_blank(row) and row_problems(row)
        ]

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
        key = COLUMN_KEYS[index.column()]
        raw = self._rows[index.row()][key]
        if role == Qt.ItemDataRole.EditRole:
            return raw
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if key == "due":
                if raw and parse_iso_date(raw) is None:
                    return raw  # typed text that is not a date: shown as typed, listed as a problem
                return format_date(raw) or ("Not set" if role == Qt.ItemDataRole.AccessibleTextRole else "")
            if key == "status":
                return STATUS_LABELS.get(raw, raw)
            if key == "link":
                return self.link_labels.get(raw, raw) or (
                    "Its own section" if role != Qt.ItemDataRole.DisplayRole else ""
                )
            return raw
        if role == Qt.ItemDataRole.ToolTipRole and key in ("action", "measure"):
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        key = COLUMN_KEYS[index.column()]
        text = "" if value is None else str(value)
        if self._rows[index.row()][key] == text:
            return False
        self._rows[index.row()][key] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_DESCRIPTIONS[section] if 0 <= section < len(HEADERS) else None
        if role == Qt.ItemDataRole.AccessibleTextRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return SHORT_HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable
