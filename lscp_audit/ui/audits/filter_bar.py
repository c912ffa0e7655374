"""The filters above the audits table; each change becomes an `AuditFilter` evaluated in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.audit_query import AuditFilter, AuditSort
from lscp_audit.ui.display import STATUS_LABELS
from lscp_audit.ui.timers import single_shot_timer
from lscp_audit.ui.widgets.date_input import DateLineEdit
from lscp_audit.ui.widgets.flow_layout import FlowLayout
from lscp_audit.ui.widgets.labelled import labelled

SEARCH_DELAY_MS = 200
ANY = "Any"


def _date_filter(name: str, description: str) -> DateLineEdit:
    """A typed date ("15/09/2026", "15 Sep 2026"); empty means Any. Tab leaves it like any
    field; Alt+Down, F4 or the arrow opens a calendar."""
    edit = DateLineEdit(name, ANY)
    edit.setAccessibleDescription(description + ". " + edit.accessibleDescription())
    edit.setClearButtonEnabled(True)
    arrow = edit.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
    calendar = edit.addAction(arrow, QLineEdit.ActionPosition.TrailingPosition)
    calendar.setText(f"{name}: choose from a calendar")  # the arrow button's accessible name
    calendar.setToolTip("Choose from a calendar (Alt+Down)")
    calendar.triggered.connect(edit.open_calendar)
    # Room for a date, the clear button and the arrow: no wider, so the filters fit on one line.
    icon = edit.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("28 Sept 2026") + 2 * icon + 20)
    return edit


class AuditFilterBarWidget(QWidget):
    """Search, status, template, agency and date range; `changed` fires when any of them changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search case reference or title (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search audits"))
        self.search.setAccessibleDescription(self.tr("Matches part of a case reference or title"))
        self.status = self._combo(self.tr("Status"), self.tr("Show only audits with this status"))
        self.status.addItem(self.tr("All statuses"), None)
        for status in AuditStatus:
            self.status.addItem(STATUS_LABELS.get(status.value, status.value), status.value)
        self.template = self._combo(self.tr("Template"), self.tr("Show only audits made from this template"))
        self.template.addItem(self.tr("All templates"), None)
        self.agency = self._combo(
            self.tr("Agency"), self.tr("Show only audits that involve this agency, or by an auditor from it")
        )
        self.agency.addItem(self.tr("All agencies"), None)
        self.date_from = _date_filter(self.tr("Changed from"), self.tr("Earliest date of the last change"))
        self.date_to = _date_filter(self.tr("Changed to"), self.tr("Latest date of the last change"))
        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.clear_button.setAccessibleDescription(self.tr("Show every audit again"))
        self._dates: tuple[str | None, str | None] = (None, None)
        self._timer = single_shot_timer(self, SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.changed)
        self._layout()
        self._connect()

    def _combo(self, name: str, description: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setAccessibleDescription(description)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return combo

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.clear_button)
        row = FlowLayout()
        row.setSpacing(8)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(labelled((self.tr("&Status:"), self.status)))
        row.addWidget(labelled((self.tr("Tem&plate:"), self.template)))
        row.addWidget(labelled((self.tr("A&gency:"), self.agency)))
        row.addWidget(labelled((self.tr("&Changed from:"), self.date_from), (self.tr("&to:"), self.date_to)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(row)

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _text: self._timer.start())
        for combo in (self.status, self.template, self.agency):
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        for edit in (self.date_from, self.date_to):
            edit.edited.connect(self._date_edited)
            edit.editingFinished.connect(self._date_edited)
        self.clear_button.clicked.connect(self.clear)

    def _date_edited(self) -> None:
        """Filter once the text is a date again or empty (not on every half-typed character)."""
        for edit in (self.date_from, self.date_to):
            edit.setToolTip(("✖ " + edit.error()) if edit.error() else edit.accessibleDescription())
        current = (self.date_from.iso(), self.date_to.iso())
        if current != self._dates:
            self._dates = current
            self._timer.start()

    def set_templates(self, choices: Sequence[tuple[str, str]]) -> None:
        """(id, title) pairs for the template filter."""
        self._refill(self.template, self.tr("All templates"), choices)

    def set_agencies(self, agencies: Sequence[tuple[str, str]]) -> None:
        """(code or name, label) pairs for the agency filter."""
        self._refill(self.agency, self.tr("All agencies"), agencies)

    def _refill(self, combo: QComboBox, everything: str, items: Sequence[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def clear(self) -> None:
        for widget in (self.search, self.status, self.template, self.agency, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.status, self.template, self.agency):
            combo.setCurrentIndex(0)
        self.date_from.set_date(None)
        self.date_to.set_date(None)
        self._dates = (None, None)
        for widget in (self.search, self.status, self.template, self.agency, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.changed.emit()

    def is_filtered(self) -> bool:
        return self.current_filter(AuditSort.UPDATED, True, None) != AuditFilter(limit=None)

    def current_filter(self, sort: AuditSort, descending: bool, limit: int | None) -> AuditFilter:
        status = self.status.currentData()
        return AuditFilter(
            statuses=(AuditStatus(status),) if status else (),
            template_id=self.template.currentData(),
            agency=self.agency.currentData(),
            agency_names=(self.agency.currentText(),) if self.agency.currentData() else (),
            updated_from=self.date_from.iso(),
            updated_to=_end_of_day(self.date_to.iso()),
            text=self.search.text().strip() or None,
            sort=sort,
            descending=descending,
            limit=limit,
        )


def _end_of_day(day: str | None) -> str | None:
    return day + "~" if day else None  # "~" sorts after any time of that day
