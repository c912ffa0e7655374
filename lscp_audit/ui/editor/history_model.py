"""Table models of an audit's readable change history (`core.change_history.ChangeLine` rows).

`HistoryTableModel`: every change, oldest first (when, who, section, question, before, after).
`AmendmentTableModel`: the answers a revision changed (question, before, after, reason), the
same columns as the PDF's "Changes in this revision" table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from lscp_audit.core.change_history import ChangeLine
from lscp_audit.ui.display import format_datetime
from lscp_audit.ui.row_table_model import RowTableModel

COL_WHEN = 0
COL_WHO = 1
COL_SECTION = 2
COL_WHAT = 3
COL_FROM = 4
COL_TO = 5
HEADERS = ("When", "Who", "Section", "Question or item", "Before", "After")

AMEND_QUESTION = 0
AMEND_BEFORE = 1
AMEND_AFTER = 2
AMEND_REASON = 3
AMEND_HEADERS = ("Question", "Before", "After", "Reason")
MAX_CELL = 400  # characters shown in a cell; the tooltip has the rest
TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)


def _cell(text: str, role: int) -> str:
    if role == Qt.ItemDataRole.DisplayRole and len(text) > MAX_CELL:
        return text[: MAX_CELL - 1] + "…"
    return text


class HistoryTableModel(RowTableModel[ChangeLine]):
    """Every change, oldest first."""

    headers = HEADERS

    def __init__(self, lines: Sequence[ChangeLine], parent: Any = None) -> None:
        super().__init__(parent)
        self.set_rows(lines)

    def cell(self, line: ChangeLine, column: int, role: int) -> Any:
        if role not in TEXT_ROLES:
            return None
        values = (
            format_datetime(line.at),
            line.who or self.tr("Not recorded"),
            line.section,
            line.question,
            line.before,
            line.after,
        )
        return _cell(values[column], role)


class AmendmentTableModel(RowTableModel[ChangeLine]):
    """Answers changed in this revision, in template order, with the reason given."""

    headers = AMEND_HEADERS

    def __init__(self, lines: Sequence[ChangeLine], parent: Any = None) -> None:
        super().__init__(parent)
        self.set_rows(lines)

    def cell(self, line: ChangeLine, column: int, role: int) -> Any:
        if role not in TEXT_ROLES:
            return None
        question = f"{line.section}: {line.question}" if line.section else line.question
        values = (question, line.before, line.after, line.reason or self.tr("No reason given yet"))
        return _cell(values[column], role)
