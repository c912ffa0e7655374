"""The QA inbox's Rounds tab: the partnership's audit rounds and, for the chosen round, its
returns tracking (expected, received, outstanding, overdue), by expected return, agency and
locality, with the outstanding list to send reminders from.

Only trusted returns count as received; the tab says so, and shows beside each expectation how
many returns for it are waiting in quarantine. Status is always written in words ("Overdue"),
and colour only repeats it. Counts are worked out from the inbox's listing columns on the vault
worker, so the window stays responsive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.partnership import Round
from lscp_audit.core.round_status import OUTSTANDING, OVERDUE, RECEIVED, ExpectationRow, RoundStatus, Tally
from lscp_audit.ui.a11y import StatusLabel, name_splitter_handles
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp
from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel
from lscp_audit.ui.widgets.fitted_columns import FittedColumns

if TYPE_CHECKING:
    from lscp_audit.services.partnership_service import PartnershipService

STATE_WORDS = {RECEIVED: "Received", OUTSTANDING: "Outstanding", OVERDUE: "Overdue"}
#: Text colours that repeat the state (the words say it; dark enough for contrast on white).
STATE_COLOURS = {RECEIVED: "#1b5e20", OUTSTANDING: "#6d4c00", OVERDUE: "#b71c1c"}


def display_date(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class RoundRow:
    """A round with its tracking (None when it could not be worked out)."""

    round: Round
    status: RoundStatus | None


class RoundsTableModel(RowTableModel[RoundRow]):
    headers = ("Round", "Phase", "Template", "Deadline", "Expected", "Received", "Outstanding", "Overdue")

    def cell(self, row: RoundRow, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        item, status = row.round, row.status
        counts = (status.expected, status.received, status.outstanding, status.overdue) if status else ("", "", "", "")
        values = (
            f"{item.title} ({item.id})",
            item.phase or "—",
            item.template_id or "—",
            display_date(item.deadline) if item.deadline else self.tr("No deadline"),
            *counts,
        )
        return str(values[column])


class ExpectationsModel(RowTableModel[ExpectationRow]):
    headers = ("Expected return", "Locality", "Status", "Received", "Outstanding", "In quarantine")

    def cell(self, row: ExpectationRow, column: int, role: int) -> Any:
        if column == 2 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(STATE_COLOURS[row.state]))
        if column == 2 and role == Qt.ItemDataRole.FontRole and row.state == OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        state = self.tr(STATE_WORDS[row.state])
        if row.expected > 1:
            state = self.tr("{state}: {received} of {expected}").format(
                state=state, received=row.received, expected=row.expected
            )
        values = (
            row.label,
            row.locality_label or self.tr("Any"),
            state,
            str(row.received),
            str(row.outstanding),
            str(len(row.quarantined)) if row.quarantined else self.tr("none"),
        )
        return values[column]


class TallyModel(RowTableModel[Tally]):
    headers = ("Name", "Expected", "Received", "Outstanding", "Overdue")

    def __init__(self, first: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (first, *TallyModel.headers[1:])

    def cell(self, row: Tally, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return str((row.label, row.expected, row.received, row.outstanding, row.overdue)[column])


def _view(model: RowTableModel[Any], name: str, description: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setAccessibleDescription(description)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    FittedColumns(view, model)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


class RoundsWidget(QWidget):
    """Rounds list, New round…, Edit round…, Delete round…, and the chosen round's tracking.
    `rounds_changed` fires after a round is created, edited or deleted. A round with returns filed
    under it is not deleted (the returns' signed data names it): the refusal says so."""

    rounds_changed = Signal()

    def __init__(self, service: PartnershipService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.today: dt.date | None = None  # None: the real date (tests fix it)
        self.round_dialog: QWidget | None = None  # the last edit dialog opened (tests)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Audit rounds and the returns each expects. Only trusted returns count as received: a return "
                "in quarantine (its signer is not trusted yet) is shown beside what it would meet but not counted."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("&New round…"))
        self.new_button.setAccessibleDescription(
            self.tr("Create an audit round with its deadline and expected returns")
        )
        self.edit_button = QPushButton(self.tr("Edi&t round…"))
        self.edit_button.setAccessibleDescription(
            self.tr("Change the chosen round's title, phase, dates, deadline or expected returns")
        )
        self.delete_button = QPushButton(self.tr("&Delete round…"))
        self.delete_button.setAccessibleDescription(
            self.tr("Delete the chosen round; refused while returns are filed under it")
        )
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setAccessibleDescription(self.tr("Count the returns again"))
        self.copy_button = QPushButton(self.tr("&Copy reminder list"))
        self.copy_button.setAccessibleDescription(self.tr("Copy the chosen round's outstanding returns as text"))
        self.csv_button = QPushButton(self.tr("&Save outstanding list as CSV…"))
        self.csv_button.setAccessibleDescription(self.tr("Save the chosen round's outstanding returns as a CSV file"))
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.refresh_button,
            self.copy_button,
            self.csv_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.model = RoundsTableModel(self)
        self.table = _view(
            self.model, self.tr("Audit rounds"), self.tr("Each round with its expected, received and overdue returns")
        )
        self.summary = StatusLabel(self.tr("Round summary"))
        self.summary.setWordWrap(True)
        self.expectations = ExpectationsModel(self)
        self.by_agency = TallyModel("Agency", self)
        self.by_locality = TallyModel("Locality", self)
        self.details = QTabWidget()
        self.details.setAccessibleName(self.tr("Round details"))
        self.expectations_view = _view(
            self.expectations, self.tr("Expected returns"), self.tr("Each expected return, its locality and status")
        )
        self.agency_view = _view(self.by_agency, self.tr("Returns by agency"), self.tr("Counts for each agency"))
        self.locality_view = _view(
            self.by_locality, self.tr("Returns by locality"), self.tr("Counts for each locality")
        )
        self.details.addTab(self.expectations_view, self.tr("Expected returns"))
        self.details.addTab(self.agency_view, self.tr("By agency"))
        self.details.addTab(self.locality_view, self.tr("By locality"))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        name_splitter_handles(splitter, self.tr("Audit rounds"), self.tr("the round's returns"))
        layout.addWidget(splitter, 1)
        self.status = StatusLabel(self.tr("Rounds status"))
        layout.addWidget(self.status)
        self.new_button.clicked.connect(self.new_round)
        self.edit_button.clicked.connect(lambda _checked=False: self.edit_round())
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_round())
        self.refresh_button.clicked.connect(self.load)
        self.copy_button.clicked.connect(self.copy_reminders)
        self.csv_button.clicked.connect(self.save_csv)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._show(current.row()))
        self.load()

    # -- loading ----------------------------------------------------------------------------

    def load(self, select: str | None = None) -> None:
        """Work out every round's tracking on the vault worker, then show it."""
        current = self.current_round()
        chosen = select or (current.id if current is not None else None)
        service, today = self.service, self.today

        def work(_ctx: Any) -> list[RoundRow]:
            rows = []
            for item in service.rounds():
                rows.append(RoundRow(item, service.round_status(item.id, today)))
            return rows

        BackgroundOp(parent=self, op=work, success=lambda rows: self._loaded(rows, chosen)).run()

    def _loaded(self, rows: list[RoundRow], chosen: str | None) -> None:
        self.model.set_rows(rows)
        index = next((i for i, r in enumerate(rows) if r.round.id == chosen), 0 if rows else -1)
        if index >= 0:
            self.table.selectRow(index)
            self._show(index)
        else:
            self._show(-1)
        self.status.setText(self.tr("{count} round(s).").format(count=len(rows)) if rows else self.tr("No rounds yet."))

    def current_round(self) -> Round | None:
        row = self.current_row()
        return row.round if row is not None else None

    def current_row(self) -> RoundRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(self.model.index(index.row(), 0), ObjectRole)
        return value if isinstance(value, RoundRow) else None

    def _show(self, row: int) -> None:
        rows = self.model.rows()
        current = rows[row] if 0 <= row < len(rows) else None
        status = current.status if current is not None else None
        has = status is not None
        for button in (self.copy_button, self.csv_button, self.edit_button, self.delete_button):
            button.setEnabled(has)
        if status is None:
            self.summary.setText(
                self.tr("No round chosen. Create one with New round…") if not rows else self.tr("No round chosen.")
            )
            for model in (self.expectations, self.by_agency, self.by_locality):
                model.set_rows([])
            return
        self.summary.setText(self.summary_text(status))
        self.expectations.set_rows(status.rows)
        self.by_agency.set_rows(status.by_agency)
        self.by_locality.set_rows(status.by_locality)

    def summary_text(self, status: RoundStatus) -> str:
        item = status.round
        due = (
            self.tr("deadline {date}").format(date=display_date(item.deadline))
            if item.deadline
            else self.tr("no deadline")
        )
        text = self.tr(
            "{title}: {due}. Expected {expected}, received {received}, outstanding {outstanding}, overdue {overdue}."
        ).format(
            title=item.label,
            due=due,
            expected=status.expected,
            received=status.received,
            outstanding=status.outstanding,
            overdue=status.overdue,
        )
        text += " " + self.tr("Only trusted returns count; {n} return(s) for this round are in quarantine.").format(
            n=status.quarantined
        )
        if not status.rows:
            text += " " + self.tr("This round lists no expected returns.")
        return text

    # -- actions ----------------------------------------------------------------------------

    def new_round(self) -> None:
        from lscp_audit.ui.inbox.round_dialog import NewRoundDialog

        dialog = NewRoundDialog(self.service, self)
        if dialog.exec() and dialog.created is not None:
            self.load(select=dialog.created.id)
            self.status.setText(self.tr("Round {id} created.").format(id=dialog.created.id))
            self.rounds_changed.emit()

    def edit_round(self) -> None:
        """Edit the chosen round in the round dialog (its id stays)."""
        from lscp_audit.ui.inbox.round_dialog import NewRoundDialog

        item = self.current_round()
        if item is None:
            return
        dialog = NewRoundDialog(self.service, self, existing=item)
        self.round_dialog = dialog  # the last one opened (tests)
        if dialog.exec() and dialog.created is not None:
            self.load(select=dialog.created.id)
            self.status.setText(self.tr("Round {id} saved.").format(id=dialog.created.id))
            self.rounds_changed.emit()

    def delete_round(self, *, confirm: bool = True) -> None:
        """Delete the chosen round after asking. Refused, with the reason, while returns are filed
        under it: unfiling them would contradict their signed data, which names the round."""
        item = self.current_round()
        if item is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete audit round"),
                self.tr(
                    "Delete the round “{title}”? Its expected returns and tracking go with it. Returns filed under "
                    "it are never unfiled: a round that has returns is kept."
                ).format(title=item.label),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        service, round_id = self.service, item.id

        def work(_ctx: Any) -> str:
            service.delete_round(round_id)
            return round_id

        def failed(exc: BaseException) -> None:
            if isinstance(exc, LscpAuditError):
                self.status.setText(self.tr("The round was not deleted: {why}").format(why=exc))
            else:
                show_error(self, exc)

        def deleted(done: str) -> None:
            self.load()
            self.status.setText(self.tr("Round {id} deleted.").format(id=done))
            self.rounds_changed.emit()

        BackgroundOp(parent=self, op=work, success=deleted).failure(failed).run()

    def copy_reminders(self) -> None:
        from lscp_audit.services.round_reports import reminder_lines

        row = self.current_row()
        if row is None or row.status is None:
            return
        QGuiApplication.clipboard().setText("\n".join(reminder_lines(row.status)))
        self.status.setText(self.tr("The reminder list is on the clipboard."))

    def save_csv(self) -> None:
        from lscp_audit.services.round_reports import status_csv_text

        row = self.current_row()
        if row is None or row.status is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save outstanding returns"), f"outstanding-{row.round.id}.csv", self.tr("CSV files (*.csv)")
        )
        if not path:
            return
        from lscp_audit.atomic_files import atomic_write_text

        try:
            atomic_write_text(Path(path), status_csv_text(row.status, outstanding_only=True))
        except OSError as exc:
            show_error(self, LscpAuditError(f"the list could not be saved to {path}: {exc.strerror or exc}"))
            return
        self.status.setText(self.tr("Saved the outstanding list to {path}.").format(path=path))
