"""Qt table model over `AuditSummary` rows (no answer content), with a sort role per column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QPixmap

from lscp_audit.core.audit import AuditStatus, AuditSummary
from lscp_audit.ui.display import COLOUR_RE, format_date, judgement_label, status_label

COL_CASE_REFERENCE = 0  # the case reference, or the organisation of a self-assessment
COL_TITLE = 1
COL_TEMPLATE = 2
COL_AGENCIES = 3
COL_AUDITOR = 4
COL_STATUS = 5
COL_REVISION = 6
COL_JUDGEMENT = 7
COL_UPDATED = 8
HEADERS = (
    "Case or organisation",
    "Title",
    "Template",
    "Agencies involved",
    "Auditor",
    "Status",
    "Revision",
    "Judgement",
    "Last changed",
)
PROVISIONAL = "(provisional)"
PROVISIONAL_TIP = "Worked out from the answers so far; final when the audit is complete."

SortRole = Qt.ItemDataRole.UserRole + 1
AuditRole = Qt.ItemDataRole.UserRole + 2
STATUS_ORDER = {"draft": 0, "complete": 1, "signed": 2, "amended": 3}
AnyIndex = QModelIndex | QPersistentModelIndex


def _auditor(row: AuditSummary) -> str:
    return f"{row.auditor} ({row.agency})" if row.auditor and row.agency else row.auditor or row.agency


def _judgement(row: AuditSummary) -> str:
    """The judgement's label on its template's scale, after the level's text-only marker."""
    level = row.judgement_level
    text = level.label if level is not None else judgement_label(row.judgement)
    if level is not None and level.marker:
        text = f"[{level.marker}] {text}"
    return f"{text} {PROVISIONAL}" if row.judgement_is_provisional else text


_SWATCHES: dict[str, QPixmap] = {}


def _swatch(colour: str) -> QPixmap | None:
    """A small square in the level's colour, beside its marker and label (never alone)."""
    if not COLOUR_RE.match(colour or ""):
        return None
    if colour not in _SWATCHES:
        pixmap = QPixmap(12, 12)
        pixmap.fill(QColor(colour))
        _SWATCHES[colour] = pixmap
    return _SWATCHES[colour]


def _display_row(row: AuditSummary, agency_names: Mapping[str, str]) -> tuple[str, ...]:
    return (
        row.case_reference or agency_names.get(row.organisation, row.organisation),
        row.title,
        row.template_title,
        ", ".join(agency_names.get(code, code) for code in row.agencies),
        _auditor(row),
        status_label(row.status),
        str(row.revision),
        _judgement(row),
        format_date(row.updated_at),
    )


def _sort_key(row: AuditSummary, column: int, texts: tuple[str, ...]) -> Any:
    if column == COL_STATUS:
        return STATUS_ORDER.get(str(row.status), 9)
    if column == COL_JUDGEMENT:  # best first, then anything without a known level
        return (0, -row.judgement_rank) if row.judgement_rank is not None else (1, texts[column].casefold())
    if column == COL_UPDATED:
        return row.updated_at
    if column == COL_REVISION:
        return row.revision
    return texts[column].casefold()


class AuditTableModel(QAbstractTableModel):
    """Rows are `AuditSummary` DTOs; `set_rows` replaces them all (filtering happens in SQL)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditSummary] = []
        self._texts: dict[int, tuple[str, ...]] = {}  # display texts, built on first paint of a row
        self._agency_names: dict[str, str] = {}

    def set_agency_names(self, names: Mapping[str, str]) -> None:
        """Agency code -> name, for the "Agencies involved" column."""
        self.beginResetModel()
        self._agency_names = dict(names)
        self._texts = {}
        self.endResetModel()

    def set_rows(self, rows: Sequence[AuditSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = {}
        self.endResetModel()

    def _text_row(self, row: int) -> tuple[str, ...]:
        texts = self._texts.get(row)
        if texts is None:
            texts = _display_row(self._rows[row], self._agency_names)
            self._texts[row] = texts
        return texts

    def _text(self, row: int, column: int) -> str:
        return self._text_row(row)[column]

    def _accessible_text(self, row: int, column: int) -> str:
        text = self._text(row, column)
        if column == COL_REVISION:
            return f"Revision {text}"
        return text

    def _tooltip(self, row_index: int, column: int) -> str | None:
        row = self._rows[row_index]
        if column == COL_UPDATED:
            return row.updated_at
        if column == COL_CASE_REFERENCE:
            return row.title or None
        if column == COL_JUDGEMENT and row.judgement_is_provisional:
            return PROVISIONAL_TIP
        if column == COL_REVISION and row.revision > 1:
            return f"Revision {row.revision}: amends revision {row.revision - 1}"
        if column == COL_STATUS and row.status == AuditStatus.AMENDED:
            return "Replaced by a later revision; kept as it was"
        if column in (COL_TEMPLATE, COL_AGENCIES, COL_AUDITOR, COL_TITLE):
            return self._text(row_index, column) or None  # the whole text when it is cut
        return None

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
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), column)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_JUDGEMENT and row.judgement_level is not None:
            return _swatch(row.judgement_level.colour)
        if role == Qt.ItemDataRole.FontRole and column == COL_JUDGEMENT and row.judgement_is_provisional:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.status == AuditStatus.AMENDED:
            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == SortRole:
            return _sort_key(row, column, self._text_row(index.row()))
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
