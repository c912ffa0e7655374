"""The Audits area's list: filters, the table (sorted in SQL) and an empty state that explains
what to do first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.audit_query import AuditSort
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.audits.filter_bar import AuditFilterBarWidget
from lscp_audit.ui.audits.table_model import (
    COL_AGENCIES,
    COL_AUDITOR,
    COL_CASE_REFERENCE,
    COL_JUDGEMENT,
    COL_REVISION,
    COL_STATUS,
    COL_TEMPLATE,
    COL_TITLE,
    COL_UPDATED,
    AuditRole,
    AuditSortProxyModel,
    AuditTableModel,
)
from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.errors import show_error

if TYPE_CHECKING:
    from lscp_audit.services.audit_service import AuditService

#: Each column is as wide as its header or this sample text, whichever is wider.
COLUMN_SAMPLES = {
    COL_CASE_REFERENCE: "Eastbrook Housing Asso",
    COL_TITLE: "Domestic abuse: DA-2026-014",
    COL_TEMPLATE: "Voice of the child: m",
    COL_AGENCIES: "Police, Health visiting",
    COL_AUDITOR: "Sam Patel (Hea",
    COL_STATUS: "Complete",
    COL_REVISION: "2",
    COL_JUDGEMENT: "Requires improvement",
    COL_UPDATED: "28 Sep 2026",
}
HIDDEN_AT_START = (COL_TITLE,)  # usually the template and case reference again; see the header menu
ROW_LIMIT = 2000  # rows fetched at once; filters narrow the rest in SQL
SQL_SORT = {
    COL_CASE_REFERENCE: AuditSort.CASE_REFERENCE,
    COL_TITLE: AuditSort.TITLE,
    COL_STATUS: AuditSort.STATUS,
    COL_JUDGEMENT: AuditSort.JUDGEMENT,
    COL_UPDATED: AuditSort.UPDATED,
}


class AuditsPage(QWidget):
    """Lists audits; Enter or double-click opens one, Ctrl+N starts a new one."""

    new_audit_requested = Signal()
    open_requested = Signal(str)

    def __init__(self, service: AuditService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = AuditTableModel(self)
        self.proxy = AuditSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.filters = AuditFilterBarWidget()
        self.table = self._make_table()
        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("&New audit…"))
        self.new_button.setAccessibleDescription(self.tr("Start an audit from a template (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_audit_requested)
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setAccessibleDescription(self.tr("Open the selected audit"))
        self.open_button.clicked.connect(self._open_current)
        self.empty = self._make_empty_state()
        self.no_match = EmptyStateWidget(
            self.tr("No audits match"), self.tr("Change or clear the filters to see more audits.")
        )
        self.no_match.add_button(self.tr("Clear filters"), self.filters.clear)
        self.agency_names: dict[str, str] = {}
        self._auditor_agencies: set[str] = set()
        self.stack = QStackedWidget()
        for widget in (self.table, self.empty, self.no_match):
            self.stack.addWidget(widget)
        self._sort = (AuditSort.UPDATED, True)
        self._layout()
        self.filters.changed.connect(self.reload)
        self._fill_filter_choices()
        self.reload()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setAccessibleName(self.tr("Audits"))
        table.setAccessibleDescription(self.tr("Press Enter to open the selected audit"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setSortingEnabled(False)  # sorted in SQL: the header only picks the order
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() + 10)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = table.fontMetrics()
        for column, sample in COLUMN_SAMPLES.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            text = max(metrics.horizontalAdvance(sample) + 16, metrics.horizontalAdvance(title) + 28)
            header.resizeSection(column, text)
        header.setSectionResizeMode(COL_AGENCIES, QHeaderView.ResizeMode.Stretch)
        for column in HIDDEN_AT_START:
            table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COL_UPDATED, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        table.activated.connect(self._open_index)
        table.doubleClicked.connect(self._open_index)
        return table

    def _column_menu(self, position: QPoint) -> None:
        """Show or hide columns (right-click on the column headers)."""
        menu = QMenu(self)
        for column in range(self.model.columnCount()):
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.setEnabled(column != COL_CASE_REFERENCE)
            action.toggled.connect(lambda shown, c=column: self.table.setColumnHidden(c, not shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def _make_empty_state(self) -> EmptyStateWidget:
        empty = EmptyStateWidget(
            self.tr("No audits yet"),
            self.tr(
                "Start by creating an audit: choose a template (for example a multi-agency case audit), "
                "give the case its pseudonymised reference and the agencies involved, then answer the "
                "questions section by section. Everything is saved as you type."
            ),
        )
        empty.add_button(self.tr("Start a new audit (Ctrl+N)"), self.new_audit_requested.emit)
        return empty

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>Audits</h2>")))
        layout.addWidget(self.filters)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)

    def _fill_filter_choices(self) -> None:
        """Templates, and the agencies the templates know (code -> name) for the Agency filter."""
        try:
            choices = self.service.template_choices()
            self.filters.set_templates([(c.id, c.title) for c in choices])
            names: dict[str, str] = {}
            for choice in choices:
                for option in self.service.template(choice.id).agency_options:
                    names.setdefault(option.code, option.label)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.agency_names = names
        self.model.set_agency_names(names)
        self._refill_agencies()

    def _refill_agencies(self) -> None:
        """The templates' agencies, then auditors' agencies that are not one of them by name."""
        known = {label.casefold() for label in self.agency_names.values()}
        extra = sorted(a for a in self._auditor_agencies if a.casefold() not in known)
        items = sorted(self.agency_names.items(), key=lambda item: item[1].casefold())
        self.filters.set_agencies([*((code, label) for code, label in items), *((a, a) for a in extra)])

    def reload(self) -> None:
        """Query the service with the current filters and sort (SQL-side) and show the rows."""
        sort, descending = self._sort
        try:
            page = self.service.list_audits(self.filters.current_filter(sort, descending, ROW_LIMIT))
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(page.items)
        self._remember_agencies(page.items)
        self._show_counts(len(page.items), page.total)

    def _remember_agencies(self, rows: Any) -> None:
        seen = {r.agency for r in rows if r.agency}
        if not self.filters.is_filtered() and seen != self._auditor_agencies:
            self._auditor_agencies = seen
            self._refill_agencies()

    def _show_counts(self, shown: int, total: int) -> None:
        if total == 0:
            self.stack.setCurrentWidget(self.no_match if self.filters.is_filtered() else self.empty)
            self.count_label.setText("")
            return
        self.stack.setCurrentWidget(self.table)
        text = self.tr("%1 audits").replace("%1", f"{total:,}") if total != 1 else self.tr("1 audit")
        if shown < total:
            text = (
                self.tr("Showing %1 of %2 — use the filters to narrow")
                .replace("%1", f"{shown:,}")
                .replace("%2", f"{total:,}")
            )
        self.count_label.setText(text)
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        sort = SQL_SORT.get(column)
        if sort is None:  # not sortable in SQL: put the indicator back where it was
            header = self.table.horizontalHeader()
            previous = next(c for c, s in SQL_SORT.items() if s == self._sort[0])
            order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            header.blockSignals(True)
            header.setSortIndicator(previous, order)
            header.blockSignals(False)
            return
        self._sort = (sort, order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            summary = index.data(AuditRole)
            if summary is not None:
                self.open_requested.emit(summary.id)
