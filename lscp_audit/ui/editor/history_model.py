"""Table model of an audit's change history: when, who, what, from, to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import HistoryEntry
from lscp_audit.ui.display import format_datetime
from lscp_audit.ui.row_table_model import RowTableModel

COL_WHEN = 0
COL_WHO = 1
COL_WHAT = 2
COL_FROM = 3
COL_TO = 4
HEADERS = ("When", "Who", "What", "From", "To")


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


class HistoryTableModel(RowTableModel[HistoryEntry]):
    """Rows are `HistoryEntry` values, oldest first."""

    headers = HEADERS

    def __init__(self, entries: Sequence[HistoryEntry], template: Template | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._template = template
        self.set_rows(entries)

    def cell(self, entry: HistoryEntry, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        values = (
            format_datetime(entry.at),
            entry.actor,
            describe_field(entry.field, self._template),
            _short(entry.old_value),
            _short(entry.new_value),
        )
        return values[column]


def _short(value: str) -> str:
    text = (value or "").strip().strip('"')
    return text if len(text) <= 200 else text[:197] + "…"
