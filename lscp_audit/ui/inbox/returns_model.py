"""Qt table model over `InboxEntry` rows (the QA inbox), with a sort role per column."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from lscp_audit.services.inbox_service import InboxEntry
from lscp_audit.ui.display import format_date, judgement_label
from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel

COL_REPORT, COL_TEMPLATE, COL_SUBJECT, COL_SIGNER, COL_SIGNED, COL_VERIFIED, COL_OVERALL, COL_IMPORTED = range(8)
HEADERS = (
    "Report id",
    "Template",
    "Case / organisation",
    "Signer",
    "Signed",
    "Signature",
    "Overall judgement",
    "Imported",
)
EntryRole = ObjectRole
SortRole = ObjectRole + 1
TRUSTED_COLOUR = QColor("#1b6b35")
UNTRUSTED_COLOUR = QColor("#8a4b00")


def verified_text(entry: InboxEntry) -> str:
    """``Valid, trusted signer`` or ``Valid, signer not trusted`` (the status word in words)."""
    return "Valid, trusted signer" if entry.trusted else "Valid, signer not trusted"


def template_text(entry: InboxEntry) -> str:
    name = entry.template_title or entry.template_id
    return f"{name} ({entry.template_version})" if entry.template_version else name


def display_row(entry: InboxEntry) -> tuple[str, ...]:
    """The texts shown in each column (dates as ``28 Nov 2026``)."""
    return (
        entry.report_id,
        template_text(entry),
        entry.subject,
        entry.signer,
        format_date(entry.signed_at),
        verified_text(entry),
        entry.overall_label or judgement_label(entry.overall_judgement),
        format_date(entry.imported_at),
    )


def sort_key(entry: InboxEntry, column: int) -> str:
    """Dates sort by their ISO text, everything else by its shown text without case."""
    if column == COL_SIGNED:
        return entry.signed_at
    if column == COL_IMPORTED:
        return entry.imported_at
    return display_row(entry)[column].casefold()


class ReturnsTableModel(RowTableModel[InboxEntry]):
    """Rows are `InboxEntry` DTOs; `set_rows` replaces them all. `EntryRole` gives the entry."""

    headers = HEADERS

    def cell(self, entry: InboxEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return display_row(entry)[column]
        if role == SortRole:
            return sort_key(entry, column)
        if column == COL_VERIFIED:
            return self._verified_data(entry, role)
        return None

    def _verified_data(self, entry: InboxEntry, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return TRUSTED_COLOUR if entry.trusted else UNTRUSTED_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and not entry.trusted:
            return self.tr(
                "The signature is valid and covers the whole file, but the signer's certificate is not "
                "trusted in this vault. Trust their certificate (or the partnership root) and import again."
            )
        return None


class ReturnsSortProxyModel(QSortFilterProxyModel):
    """Sorts by `SortRole` and filters on any column's text (case-insensitive)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
