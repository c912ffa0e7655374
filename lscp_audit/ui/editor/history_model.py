"""Table model of an audit's change history: when, who, what, from, to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import HistoryEntry
from lscp_audit.ui.display import format_datetime

COL_WHEN = 0
COL_WHO = 1
COL_WHAT = 2
COL_FROM = 3
COL_TO = 4
HEADERS = ("When", "Who", "What", "From", "To")
AnyIndex = QModelIndex | QPersistentModelIndex


def describe_field(field: str, template: Template | None) -> str:
    """``answer:q3@police`` -> the question label (and agency); other fields as words."""
    kind, _, rest = field.partition(":")
    if kind == "answer" and template is not None:
        question_id, _, agency = rest.partition("@")
        try:
            label = template.question(question_id).label
        except KeyError:
            label = question_id
        return f"{label} ({agency})" if agency else label
    return field.replace("_", " ").replace(":", ": ").capitalize()


class HistoryTableModel(QAbstractTableModel):
    """Rows are `HistoryEntry` values, oldest first."""

    def __init__(self, entries: Sequence[HistoryEntry], template: Template | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = list(entries)
        self._template = template

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        entry = self._rows[index.row()]
        values = (
            format_datetime(entry.at),
            entry.actor,
            describe_field(entry.field, self._template),
            _short(entry.old_value),
            _short(entry.new_value),
        )
        return values[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


def _short(value: str) -> str:
    text = (value or "").strip().strip('"')
    return text if len(text) <= 200 else text[:197] + "…"
