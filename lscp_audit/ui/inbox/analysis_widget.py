"""The QA inbox's Analysis tab: the partnership analysis of trusted returns (docs/analysis.md).

Filters (template, round, locality, agency, small-number suppression) above tables with named
headers: good practice per question, answers per question, judgements, the Section 11 matrix,
findings and the action register. Reading the returns and recomputing after a filter change run
off the GUI thread (`ops.BackgroundOp`); only trusted, latest-revision returns count.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.analysis import AnalysisFilter
from lscp_audit.core.analysis_tables import ACTIONS, FINDINGS, JUDGEMENTS, POLARITY, QUESTIONS, S11, CellValue, Table
from lscp_audit.core.report_data import format_date
from lscp_audit.ui import ops

if TYPE_CHECKING:
    from lscp_audit.core.analysis import Analysis
    from lscp_audit.services.analysis_service import AnalysisService, FilterChoices

#: The tables shown, in tab order, with their tab titles.
SHOWN = (
    (POLARITY, "Good practice"),
    (QUESTIONS, "Answers"),
    (JUDGEMENTS, "Judgements"),
    (S11, "Section 11"),
    (FINDINGS, "Findings"),
    (ACTIONS, "Actions"),
)


def cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value.isoformat())
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


class AnalysisWidget(QWidget):
    """Filters and the analysis tables for one vault's trusted returns."""

    def __init__(self, service: AnalysisService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.analysis: Analysis | None = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.template = self._combo(filters, self.tr("Template"), self.tr("All templates"))
        self.round = self._combo(filters, self.tr("Round"), self.tr("All rounds"))
        self.locality = self._combo(filters, self.tr("Locality"), self.tr("All localities"))
        self.agency = self._combo(filters, self.tr("Agency"), self.tr("All agencies"))
        self.suppress = QCheckBox(self.tr("Show counts under 5 as “fewer than 5”"))
        self.suppress.setChecked(True)
        self.suppress.setAccessibleName(self.tr("Small-number suppression"))
        filters.addWidget(self.suppress)
        self.refresh_button = QPushButton(self.tr("Read the returns again"))
        self.refresh_button.setAccessibleDescription(self.tr("After an import or a change of trust"))
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.summary = QLabel(self.tr("Reading the trusted returns…"))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Analysis summary"))
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Analysis tables"))
        self.views: dict[str, QTableView] = {}
        for name, title in SHOWN:
            view = QTableView()
            view.setModel(QStandardItemModel(view))
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
            view.setAccessibleName(self.tr(title))
            view.setSortingEnabled(False)
            self.views[name] = view
            self.tabs.addTab(view, self.tr(title))
        layout.addWidget(self.tabs, 1)
        self._hook_action_updates(layout)
        self._filling = False
        for combo in (self.template, self.round, self.locality, self.agency):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.suppress.toggled.connect(self._filter_changed)
        self.refresh_button.clicked.connect(self.reload)
        self.reload()

    def _combo(self, row: QHBoxLayout, label: str, everything: str) -> QComboBox:
        caption = QLabel(label)
        combo = QComboBox()
        combo.addItem(everything, "")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)  # long template titles must not widen the window
        combo.setAccessibleName(label)
        caption.setBuddy(combo)
        row.addWidget(caption)
        row.addWidget(combo)
        return combo

    def current_filter(self) -> AnalysisFilter:
        round_value = str(self.round.currentData() or "")
        return AnalysisFilter(
            template_id=str(self.template.currentData() or ""),
            rounds=(round_value,) if round_value else (),
            locality=str(self.locality.currentData() or ""),
            agency=str(self.agency.currentData() or ""),
        )

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the trusted returns again (off the GUI thread), then show the figures."""
        self.refresh_button.setEnabled(False)
        service = self.service

        def work(_: ops.OpContext) -> FilterChoices:
            service.refresh()
            return service.choices()

        ops.BackgroundOp(parent=self, op=work, success=self._loaded).failure(self._failed).run()

    def _loaded(self, choices: FilterChoices) -> None:
        self._filling = True
        try:
            self._fill(self.template, choices.templates)
            self._fill(self.round, choices.rounds)
            self._fill(self.locality, choices.localities)
            self._fill(self.agency, tuple((a, a) for a in choices.agencies))
        finally:
            self._filling = False
        self.refresh_button.setEnabled(True)
        self._filter_changed()

    @staticmethod
    def _fill(combo: QComboBox, values: tuple[tuple[str, str], ...]) -> None:
        kept = combo.currentData()
        while combo.count() > 1:
            combo.removeItem(1)
        for value, label in values:
            combo.addItem(label or value, value)
        index = combo.findData(kept)
        combo.setCurrentIndex(max(0, index))

    def _filter_changed(self) -> None:
        if self._filling:
            return
        chosen = self.current_filter()
        suppress = self.suppress.isChecked()
        service = self.service

        def work(_: ops.OpContext) -> tuple[Analysis, list[Table]]:
            analysis = service.analyse(chosen)
            return analysis, service.tables(analysis, suppress=suppress)

        ops.BackgroundOp(parent=self, op=work, success=self._show).failure(self._failed).run()

    def _show(self, result: tuple[Analysis, list[Table]]) -> None:
        analysis, tables = result
        self.analysis = analysis
        notes = " ".join(analysis.notes)
        self.summary.setText(
            self.tr("%d trusted return(s): %s.") % (analysis.n_returns, analysis.filter.describe())
            + (f" {notes}" if notes else "")
        )
        by_name = {t.name: t for t in tables}
        for name, view in self.views.items():
            table = by_name.get(name)
            model = view.model()
            assert isinstance(model, QStandardItemModel)
            model.clear()
            if table is None:
                continue
            model.setHorizontalHeaderLabels(list(table.headers))
            for row in table.rows:
                items = []
                for value in row:
                    item = QStandardItem(cell_text(value))
                    item.setEditable(False)
                    items.append(item)
                model.appendRow(items)
            self._colour_ratings(table, model)
            view.resizeColumnsToContents()

    # -- progress updates on actions (ui/inbox/action_update_dialog.py) --------------------------

    def _hook_action_updates(self, layout: QVBoxLayout) -> None:
        """A *Record progress…* button under the Actions table (shown with it), and Enter or the
        context menu on a row of it, open the progress dialog for the selected action."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction

        self.update_dialog: QWidget | None = None  # the last one opened (tests, screenshots)
        self.record_progress_button = QPushButton(self.tr("Record &progress on the selected action…"))
        self.record_progress_button.setAccessibleDescription(
            self.tr("A progress update is kept beside the action; the signed return is not changed")
        )
        self.record_progress_button.clicked.connect(self.record_progress)
        layout.addWidget(self.record_progress_button, 0, Qt.AlignmentFlag.AlignLeft)
        view = self.views[ACTIONS]
        self.tabs.currentChanged.connect(
            lambda _i: self.record_progress_button.setVisible(self.tabs.currentWidget() is view)
        )
        self.record_progress_button.setVisible(self.tabs.currentWidget() is view)
        view.activated.connect(lambda _index: self.record_progress())
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        menu_action = QAction(self.tr("Record progress…"), view)
        menu_action.triggered.connect(self.record_progress)
        view.addAction(menu_action)

    @staticmethod
    def _colour_ratings(table: Table, model: QStandardItemModel) -> None:
        """Give each rating cell (the Section 11 matrix) its level's colour as well as its text."""
        from PySide6.QtGui import QBrush, QColor

        from lscp_audit.core.analysis_tables import text_colour_for

        colours = dict(table.colours)
        if not colours:
            return
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                item = model.item(row, column)
                colour = colours.get(item.text()) if item is not None else None
                if item is not None and colour:
                    item.setBackground(QBrush(QColor(colour)))
                    item.setForeground(QBrush(QColor(text_colour_for(colour))))

    def record_progress(self) -> None:
        """Open the progress dialog for the action selected in the Actions table."""
        from lscp_audit.ui.inbox.action_update_dialog import open_action_update

        view = self.views[ACTIONS]
        rows = view.selectionModel().selectedRows() if view.selectionModel() is not None else []
        actions = self.analysis.actions if self.analysis is not None else ()
        if not rows or rows[0].row() >= len(actions):
            self.tabs.setCurrentWidget(view)
            view.setFocus()
            self.summary.setText(self.tr("Choose an action in the Actions table, then record its progress."))
            return

        def shown(dialog: QWidget) -> None:
            self.update_dialog = dialog

        open_action_update(self, self.service, actions[rows[0].row()], lambda _u: self._filter_changed(), shown)

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.summary.setText(self.tr("The analysis could not be made: %s") % exc)
