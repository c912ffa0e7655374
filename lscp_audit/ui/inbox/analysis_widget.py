"""The QA inbox's Analysis tab: the partnership analysis of trusted returns (docs/analysis.md).

Filters (template, round, locality, agency, the period the returns were signed in, small-number
suppression) and a comparison of two rounds or two localities, above charts (`analysis_charts`,
the aggregate report's own charts with value labels) and tables with named headers: good
practice per question, answers per question, judgements, the comparison, the Section 11 matrix,
findings and the action register. The export row saves the workbook (XLSX), the answers (CSV),
and the aggregate report as a signed PDF or accessible HTML with the protective marking chosen
for that export.

Reading the returns, recomputing after a filter change and every export run off the GUI thread
(`ops.BackgroundOp`); exports show progress with Cancel and are written atomically by the
service. Only trusted, latest-revision returns count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QResizeEvent, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.analysis import LOCALITY, ROUND, AnalysisFilter
from lscp_audit.core.analysis_tables import (
    ACTIONS,
    COMPARISON,
    FINDINGS,
    JUDGEMENTS,
    POLARITY,
    QUESTIONS,
    S11,
    CellValue,
    Table,
)
from lscp_audit.core.errors import Cancelled, LscpAuditError, ValidationError
from lscp_audit.core.report_data import MARKINGS, SUGGESTED_DESCRIPTORS, format_date
from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel, name_typing_field, not_a_tab_stop
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.inbox.analysis_charts import ChartsPanel
from lscp_audit.ui.inbox.quarterly_export import QuarterlyExport
from lscp_audit.ui.widgets.date_input import DateLineEdit
from lscp_audit.ui.widgets.flow_layout import FlowLayout
from lscp_audit.ui.widgets.labelled import labelled

if TYPE_CHECKING:
    from lscp_audit.core.analysis import Analysis, Comparison
    from lscp_audit.core.analysis_charts import Chart
    from lscp_audit.services.analysis_service import AnalysisService, FilterChoices

#: The tables shown after the charts, in tab order, with their tab titles.
SHOWN = (
    (POLARITY, "Good practice"),
    (QUESTIONS, "Answers"),
    (JUDGEMENTS, "Judgements"),
    (COMPARISON, "Comparison"),
    (S11, "Section 11"),
    (FINDINGS, "Findings"),
    (ACTIONS, "Actions"),
)
NO_DESCRIPTOR = "No descriptor"
ANY = "Any"
#: The export buttons: (kind, button text, file dialog title, suggested name, file filter).
EXPORTS = (
    ("xlsx", "Save as &XLSX…", "Save the analysis workbook", "partnership-analysis.xlsx", "Excel workbooks (*.xlsx)"),
    (
        "csv",
        "Save answers as &CSV…",
        "Save the answers as CSV",
        "partnership-analysis-answers.csv",
        "CSV files (*.csv)",
    ),  # fmt: skip
    ("pdf", "Save signed P&DF report…", "Save the signed PDF report", "partnership-analysis.pdf", "PDF files (*.pdf)"),
    (
        "html",
        "S&ave HTML report…",
        "Save the accessible HTML report",
        "partnership-analysis.html",
        "HTML files (*.html)",
    ),  # fmt: skip
)

SavePath = Callable[[str, str, str], str]  # (dialog title, suggested name, filter) -> path, "" when cancelled


def cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value.isoformat())
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


@dataclass(frozen=True)
class Shown:
    """What one recomputation gives the GUI thread."""

    analysis: Analysis
    tables: list[Table]
    charts: list[Chart]
    comparison: Comparison | None


def _date_filter(name: str, description: str) -> DateLineEdit:
    """A typed date ("15/09/2026", "15 Sep 2026"); empty means any. Alt+Down or F4 opens a calendar."""
    edit = DateLineEdit(name, ANY)
    edit.setAccessibleDescription(description + ". " + edit.accessibleDescription())
    edit.setClearButtonEnabled(True)
    arrow = edit.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
    calendar = edit.addAction(arrow, QLineEdit.ActionPosition.TrailingPosition)
    calendar.setText(f"{name}: choose from a calendar")
    calendar.setToolTip("Choose from a calendar (Alt+Down)")
    calendar.triggered.connect(edit.open_calendar)
    icon = edit.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("28 Sept 2026") + 2 * icon + 20)
    return edit


TABS_MIN_HEIGHT = 240


class _Wrapping(QWidget):
    """A row of controls that wraps (a `FlowLayout`): it asks for the height its wrapped lines
    need at its width, so the rows below it never cover its last line."""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None:
            needed = layout.heightForWidth(self.width())
            if needed != self.minimumHeight():
                self.setMinimumHeight(needed)


class AnalysisWidget(QWidget):
    """Filters, charts, the analysis tables and exports for one vault's trusted returns.

    `save_path` asks where to save a file (a file dialog by default)."""

    def __init__(
        self, service: AnalysisService, parent: QWidget | None = None, *, save_path: SavePath | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.analysis: Analysis | None = None
        self.comparison: Comparison | None = None
        self._save_path = save_path or self._ask_save_path
        self._filling = False
        self._dates: tuple[str | None, str | None] = (None, None)
        self._charts_stale: list[Chart] | None = None
        self._build()
        self._connect()
        self.reload()

    # -- building ------------------------------------------------------------------------------

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, "")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)  # long template titles must not widen the window
        combo.setAccessibleName(name)
        return combo

    def _build(self) -> None:
        self.template = self._combo(self.tr("Template"), self.tr("All templates"))
        self.round = self._combo(self.tr("Round"), self.tr("All rounds"))
        self.locality = self._combo(self.tr("Locality"), self.tr("All localities"))
        self.agency = self._combo(self.tr("Agency"), self.tr("All agencies"))
        self.date_from = _date_filter(self.tr("Signed from"), self.tr("Only returns signed on or after this date"))
        self.date_to = _date_filter(self.tr("Signed to"), self.tr("Only returns signed on or before this date"))
        self.suppress = QCheckBox(self.tr("Show counts under 5 as “fewer than 5”"))
        self.suppress.setChecked(True)
        self.suppress.setAccessibleName(self.tr("Small-number suppression"))
        self.refresh_button = QPushButton(self.tr("Read the returns again"))
        self.refresh_button.setAccessibleDescription(self.tr("After an import or a change of trust"))
        self.compare_by = QComboBox()
        self.compare_by.addItem(self.tr("No comparison"), "")
        self.compare_by.addItem(self.tr("Two rounds"), ROUND)
        self.compare_by.addItem(self.tr("Two localities"), LOCALITY)
        self.compare_by.setAccessibleName(self.tr("Compare"))
        self.compare_a = self._combo(self.tr("First group to compare"), self.tr("Choose…"))
        self.compare_b = self._combo(self.tr("Second group to compare"), self.tr("Choose…"))
        self.marking = QComboBox()
        self.marking.addItems(list(MARKINGS))
        self.marking.setAccessibleName(self.tr("Protective marking"))
        self.marking.setAccessibleDescription(self.tr("Printed on every page of the PDF and HTML report"))
        self.descriptor = QComboBox()
        self.descriptor.setEditable(True)
        self.descriptor.addItems([NO_DESCRIPTOR, *SUGGESTED_DESCRIPTORS])
        self.descriptor.setAccessibleName(self.tr("Descriptor (optional)"))
        self.descriptor.setAccessibleDescription(
            self.tr("A word after the marking, such as PERSONAL; choose No descriptor for none")
        )
        name_typing_field(self.descriptor)
        self._start_marking()
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text, title, _name, _filter in EXPORTS:
            button = QPushButton(self.tr(text))
            button.setAccessibleDescription(self.tr(title))
            self.export_buttons[kind] = button
        self.summary = QLabel(self.tr("Reading the trusted returns…"))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Analysis summary"))
        self.status = StatusLabel(self.tr("Export status"))
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Analysis charts and tables"))
        self.charts = not_a_tab_stop(ChartsPanel())
        self.tabs.addTab(self.charts, self.tr("Charts"))
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
        self._lay_out()

    def _lay_out(self) -> None:
        """Filters and the comparison in one row that wraps, the summary, the charts and tables
        (they get the room), then the export row and its status."""
        filters = _Wrapping()
        row = FlowLayout(filters)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(labelled((self.tr("Te&mplate:"), self.template)))
        row.addWidget(labelled((self.tr("&Round:"), self.round)))
        row.addWidget(labelled((self.tr("&Locality:"), self.locality)))
        row.addWidget(labelled((self.tr("A&gency:"), self.agency)))
        row.addWidget(labelled((self.tr("&Signed from:"), self.date_from), (self.tr("&to:"), self.date_to)))
        row.addWidget(self.suppress)
        row.addWidget(self.refresh_button)
        row.addWidget(
            labelled(
                (self.tr("C&ompare:"), self.compare_by),
                (self.tr("A:"), self.compare_a),
                (self.tr("B:"), self.compare_b),
            )
        )
        exports = _Wrapping()
        bottom = FlowLayout(exports)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.setSpacing(8)
        bottom.addWidget(labelled((self.tr("Mar&king:"), self.marking)))
        bottom.addWidget(self.descriptor)
        for button in self.export_buttons.values():
            bottom.addWidget(button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self._hook_action_updates(layout)
        layout.addWidget(exports)
        layout.addWidget(self.status)
        self.tabs.setMinimumHeight(TABS_MIN_HEIGHT)
        # With large text on a small screen the page scrolls rather than squeezing rows together.
        page = not_a_tab_stop(QScrollArea())
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page)

    def _connect(self) -> None:
        for combo in (self.template, self.round, self.locality, self.agency, self.compare_a, self.compare_b):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.compare_by.currentIndexChanged.connect(self._compare_by_changed)
        for edit in (self.date_from, self.date_to):
            edit.edited.connect(self._date_edited)
            edit.editingFinished.connect(self._date_edited)
        self.suppress.toggled.connect(self._filter_changed)
        self.refresh_button.clicked.connect(self.reload)
        self.tabs.currentChanged.connect(self._tab_changed)
        for kind, button in self.export_buttons.items():
            button.clicked.connect(lambda _checked=False, k=kind: self.export(k))
        self._update_compare()

    def _start_marking(self) -> None:
        try:
            chosen = self.service.report_marking()
        except ValidationError:  # a setting outside the vocabulary: start from the safer caveat
            self.marking.setCurrentText(MARKINGS[0])
            return
        self.marking.setCurrentText(chosen.classification)
        self.descriptor.setCurrentText(chosen.descriptor or NO_DESCRIPTOR)

    # -- the filter ----------------------------------------------------------------------------

    def current_filter(self) -> AnalysisFilter:
        round_value = str(self.round.currentData() or "")
        return AnalysisFilter(
            template_id=str(self.template.currentData() or ""),
            rounds=(round_value,) if round_value else (),
            locality=str(self.locality.currentData() or ""),
            agency=str(self.agency.currentData() or ""),
            signed_from=self.date_from.iso() or "",
            signed_to=self.date_to.iso() or "",
        )

    def chosen_comparison(self) -> tuple[str, str, str] | None:
        """(round or locality, A, B) when two different groups are chosen."""
        by = str(self.compare_by.currentData() or "")
        a, b = str(self.compare_a.currentData() or ""), str(self.compare_b.currentData() or "")
        return (by, a, b) if by and a and b and a != b else None

    def chosen_marking(self) -> tuple[str, str]:
        """(classification, descriptor) as chosen; the descriptor is checked by the service."""
        text = self.descriptor.currentText().strip()
        return self.marking.currentText(), "" if text in ("", NO_DESCRIPTOR) else text

    def _date_edited(self) -> None:
        """Recompute once a date is a date again or empty (not on every half-typed character)."""
        for edit in (self.date_from, self.date_to):
            edit.setToolTip(("✖ " + edit.error()) if edit.error() else edit.accessibleDescription())
        current = (self.date_from.iso(), self.date_to.iso())
        if current != self._dates:
            self._dates = current
            self._filter_changed()

    def _compare_by_changed(self) -> None:
        self._update_compare()
        self._filter_changed()

    def _update_compare(self) -> None:
        """The groups to compare follow the dimension chosen (the rounds or the localities)."""
        by = str(self.compare_by.currentData() or "")
        source = self.round if by == ROUND else self.locality if by == LOCALITY else None
        values = [(source.itemData(i), source.itemText(i)) for i in range(1, source.count())] if source else []
        self._filling, was = True, self._filling
        try:
            why = "" if by else self.tr("Choose Two rounds or Two localities under Compare first")
            for combo, which in ((self.compare_a, self.tr("first")), (self.compare_b, self.tr("second"))):
                self._fill(combo, tuple((str(v), str(t)) for v, t in values))
                combo.setEnabled(bool(by))
                combo.setToolTip(why)
                combo.setAccessibleDescription(why or self.tr("The %s round or locality of the comparison") % which)
        finally:
            self._filling = was

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
        self._update_compare()
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
        problems = [e.error() for e in (self.date_from, self.date_to) if e.error()]
        if problems:
            self.summary.setText(self.tr("Not recomputed: %s") % " ".join(problems))
            return
        chosen = self.current_filter()
        compared = self.chosen_comparison()
        suppress = self.suppress.isChecked()
        service = self.service

        def work(_: ops.OpContext) -> Shown:
            analysis = service.analyse(chosen)
            comparison = service.compare(chosen, *compared) if compared else None
            tables = service.tables(analysis, suppress=suppress, comparison=comparison)
            charts = service.charts(analysis, suppress=suppress, comparison=comparison)
            return Shown(analysis, tables, charts, comparison)

        ops.BackgroundOp(parent=self, op=work, success=self._show).failure(self._failed).run()

    def _show(self, shown: Shown) -> None:
        analysis = shown.analysis
        self.analysis, self.comparison = analysis, shown.comparison
        notes = " ".join(analysis.notes)
        self.summary.setText(
            self.tr("%d trusted return(s): %s.") % (analysis.n_returns, analysis.filter.describe())
            + (f" {notes}" if notes else "")
        )
        by_name = {t.name: t for t in shown.tables}
        for name, view in self.views.items():
            self._fill_table(view, by_name.get(name))
        self._charts_stale = shown.charts  # drawn now if they can be seen, else when they are shown
        self._draw_charts()

    def _draw_charts(self) -> None:
        if self._charts_stale is not None and self.tabs.currentWidget() is self.charts and self.isVisible():
            self.charts.show_charts(self._charts_stale)
            self._charts_stale = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._draw_charts()

    def _fill_table(self, view: QTableView, table: Table | None) -> None:
        model = view.model()
        assert isinstance(model, QStandardItemModel)
        model.clear()
        if table is None:
            return
        model.setHorizontalHeaderLabels(list(table.headers))
        for row in table.rows:
            items = []
            for value in row:
                item = QStandardItem(cell_text(value))
                item.setEditable(False)
                items.append(item)
            model.appendRow(items)
        self._colour_ratings(table, model)  # the Section 11 matrix: colour as well as words
        view.resizeColumnsToContents()

    def _tab_changed(self, _index: int) -> None:
        self._draw_charts()

    # -- progress updates on actions (ui/inbox/action_update_dialog.py) --------------------------

    def _hook_action_updates(self, layout: QVBoxLayout) -> None:
        """A *Record progress…* button under the Actions table (shown with it), and Enter or the
        context menu on a row of it, open the progress dialog for the selected action. Beside it,
        *Save quarterly action report…* (ui/inbox/quarterly_export.py)."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction

        self.update_dialog: QWidget | None = None  # the last one opened (tests, screenshots)
        self.record_progress_button = QPushButton(self.tr("Record &progress on the selected action…"))
        self.record_progress_button.setAccessibleDescription(
            self.tr("A progress update is kept beside the action; the signed return is not changed")
        )
        self.record_progress_button.clicked.connect(self.record_progress)
        self.quarterly = QuarterlyExport(
            self, self.service, self.status, self.current_filter, lambda: self.suppress.isChecked()
        )
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.record_progress_button)
        row.addWidget(self.quarterly.button)
        row.addStretch(1)
        layout.addWidget(buttons)
        view = self.views[ACTIONS]
        self.tabs.currentChanged.connect(lambda _i: buttons.setVisible(self.tabs.currentWidget() is view))
        buttons.setVisible(self.tabs.currentWidget() is view)
        view.activated.connect(lambda _index: self.record_progress())
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        menu_action = QAction(self.tr("Record progress…"), view)
        menu_action.triggered.connect(self.record_progress)
        view.addAction(menu_action)

    @staticmethod
    def _colour_ratings(table: Table, model: QStandardItemModel) -> None:
        """Give each rating cell (the Section 11 matrix) its level's colour as well as its text."""
        from PySide6.QtGui import QBrush

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

    # -- exports -------------------------------------------------------------------------------

    def _ask_save_path(self, title: str, suggested: str, file_filter: str) -> str:
        name, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return name

    def export(self, kind: str) -> None:
        """Ask where, then write the file off the GUI thread with progress and Cancel."""
        analysis = self.analysis
        if analysis is None:
            self.status.setText(self.tr("Nothing to save yet: the figures are still being read."))
            return
        _kind, _text, title, suggested, file_filter = next(e for e in EXPORTS if e[0] == kind)
        name = self._save_path(self.tr(title), suggested, self.tr(file_filter))
        if not name:
            return
        suppress = self.suppress.isChecked()
        comparison = self.comparison
        marking, descriptor = self.chosen_marking()
        service = self.service

        def work(ctx: ops.OpContext) -> str:
            try:
                return write(ctx)
            except Cancelled:
                return "Not saved: cancelled (any earlier file there is unchanged)."

        def write(ctx: ops.OpContext) -> str:
            ctx.progress(5, "Starting")
            if kind == "xlsx":
                out = service.export_xlsx(analysis, name, suppress=suppress, comparison=comparison)
                return f"Saved {out.path.name}: {out.tables} sheets, {out.rows} rows."
            if kind == "csv":
                out = service.export_csv(analysis, name)
                return f"Saved {out.path.name}: {out.rows} answers in long format."
            pdf, html = (name, None) if kind == "pdf" else (None, name)
            report = service.export_report(
                analysis,
                pdf=pdf,
                html=html,
                marking=marking,
                descriptor=descriptor,
                suppress=suppress,
                comparisons=(comparison,) if comparison is not None else (),
                progress=ctx.progress,
                cancel=ctx.cancel,
            )
            saved = report.pdf or report.html
            assert saved is not None
            if report.pdf is not None:
                return (
                    f"Saved {saved.name}: report {report.report_id}, {report.page_count} page(s), "
                    f"{report.marking}, signed by {report.signer}."
                )
            return f"Saved {saved.name}: report {report.report_id}, {report.marking} (the HTML version is not signed)."

        self._set_exporting(True)
        ops.BackgroundOp(parent=self, op=work, success=self._exported).failure(self._export_failed).with_progress(
            self.tr("Saving the analysis…")
        ).run()

    def _set_exporting(self, busy: bool) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(not busy)
        if busy:
            self.status.set_status(self.tr("Saving…"), quiet=True)

    def _exported(self, message: str) -> None:
        self._set_exporting(False)
        self.status.setText(message)

    def _export_failed(self, exc: BaseException) -> None:
        self._set_exporting(False)
        if isinstance(exc, LscpAuditError):
            self.status.setText(self.tr("Not saved: %s") % exc)
        else:
            self.status.clear()
            show_error(self, exc)
