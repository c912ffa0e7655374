"""*Check for identifiers*: the likely identifiers found in an audit's text, each with its kind,
where it is and the words around it. The auditor corrects the text (Go to question) or keeps the
selected hits, or all of them, with a reason. Nothing in the text is ever changed here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.identifier_check import IdentifierCheck, IdentifierHit
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.screen_fit import fit_to_screen

HEADERS = ("Kind", "Where", "Found", "Kept because")
Acknowledge = Callable[[str, Sequence[str] | None], IdentifierCheck]


def found_text(hit: IdentifierHit) -> str:
    """The hit in its words, the found text in brackets: ``…Health visitor ([Jayden] (03/04…``."""
    before = re.sub(r"\s+", " ", hit.before)
    after = re.sub(r"\s+", " ", hit.after)
    return f"{'…' if before else ''}{before}[{hit.text}]{after}{'…' if after else ''}"


class IdentifierDialog(QDialog):
    """Review the hits of `check`. `acknowledge(reason, hit_ids)` keeps hits (None: every one not
    yet kept) and returns the check after it. The dialog is accepted (Continue) only when every
    hit is kept; `go_to` is the hit to correct when the auditor chose Go to question."""

    def __init__(
        self,
        check: IdentifierCheck,
        acknowledge: Acknowledge,
        parent: QWidget | None = None,
        *,
        doing: str,
        can_correct: bool,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check for identifiers"))
        self.check = check
        self.acknowledge = acknowledge
        self.can_correct = can_correct
        self.go_to: IdentifierHit | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        how = (
            self.tr("Correct the text (Go to question), or keep what is not identifying with a reason.")
            if can_correct
            else self.tr(
                "This audit is complete, so its text cannot be corrected here: amend it to correct, "
                "or keep what is not identifying with a reason."
            )
        )
        self.intro.setText(
            self.tr("Before the audit is %1, look at these likely identifiers in its text. ").replace("%1", doing)
            + how
            + " "
            + self.tr("Nothing is changed for you.")
        )
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setAccessibleName(self.tr("Likely identifiers"))
        self.table.setAccessibleDescription(self.tr("Select one or more rows, then go to the question or keep them"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._go_to())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why it can stay, e.g. the duty team's number, not the family's"))
        self.reason.setAccessibleName(self.tr("Reason for keeping"))
        self.reason.setAccessibleDescription(self.tr("Recorded in the audit and its change history"))
        reason_label = QLabel(self.tr("&Reason for keeping:"))
        reason_label.setBuddy(self.reason)
        self.go_button = QPushButton(self.tr("&Go to question"))
        self.go_button.setAccessibleDescription(self.tr("Close this check and move to the question to correct it"))
        self.go_button.clicked.connect(self._go_to)
        self.go_button.setVisible(can_correct)
        self.keep_button = QPushButton(self.tr("&Keep selected"))
        self.keep_button.setAccessibleDescription(self.tr("Keep the selected identifiers with the reason given"))
        self.keep_button.clicked.connect(lambda: self._keep(selected_only=True))
        self.keep_all_button = QPushButton(self.tr("Keep &all"))
        self.keep_all_button.setAccessibleDescription(
            self.tr("Keep every identifier not yet kept, with the reason given")
        )
        self.keep_all_button.clicked.connect(lambda: self._keep(selected_only=False))
        self.status = StatusLabel(self.tr("Identifier check status"), assertive=True)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.continue_button = self.buttons.addButton(self.tr("&Continue"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        for button in (self.go_button, self.keep_button, self.keep_all_button):
            actions.addWidget(button)
        actions.addStretch(1)
        reason_row = QHBoxLayout()
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.reason, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(reason_row)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 900, 420)
        self._fill()

    # --- content -------------------------------------------------------------------------
    def _fill(self) -> None:
        hits = self.check.hits
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            kept = hit.acknowledgement.reason if hit.acknowledgement else self.tr("Not kept yet")
            for column, text in enumerate((hit.kind_label, hit.where, found_text(hit), kept)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, hit.id)
                item.setToolTip(hit.note if column == 0 and hit.note else "")
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        waiting = len(self.check.unacknowledged)
        self.continue_button.setEnabled(waiting == 0)
        self._say_why(
            self.continue_button,
            self.tr("Correct or keep every identifier first (%1 left)").replace("%1", str(waiting)) if waiting else "",
            self.tr("Go on now that every identifier is kept with a reason"),
        )
        self.keep_all_button.setEnabled(waiting > 0)
        self._say_why(
            self.keep_all_button,
            "" if waiting else self.tr("Every identifier is already kept"),
            self.tr("Keep every identifier not yet kept, with the reason above"),
        )
        if waiting and not self.table.selectedItems():
            first = next(i for i, h in enumerate(hits) if h.acknowledgement is None)
            self.table.selectRow(first)
        self._selection_changed()

    def _selected(self) -> list[IdentifierHit]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.check.hits[r] for r in rows if r < len(self.check.hits)]

    def _selection_changed(self) -> None:
        chosen = self._selected()
        keepable = any(h.acknowledgement is None for h in chosen)
        self.keep_button.setEnabled(keepable)
        self._say_why(
            self.keep_button,
            "" if keepable else self.tr("Select an identifier not yet kept"),
            self.tr("Keep the selected identifiers, with the reason above"),
        )
        self.go_button.setEnabled(len(chosen) == 1 and bool(chosen[0].question_id))
        if len(chosen) != 1:
            why = self.tr("Select one identifier to go to its question")
        elif not chosen[0].question_id:
            why = self.tr("The title and case details are changed where the audit was started")
        else:
            why = ""
        self._say_why(self.go_button, why, self.tr("Close this check and go to the selected answer"))

    @staticmethod
    def _say_why(button: QPushButton, why: str, what: str) -> None:
        """A disabled button says why (tooltip and description, which screen readers read);
        an enabled one says what it does."""
        button.setToolTip(why)
        button.setAccessibleDescription(why or what)

    # --- actions -------------------------------------------------------------------------
    def _keep(self, *, selected_only: bool) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.status.setText(self.tr("Give the reason for keeping them first."))
            self.reason.setFocus()
            return
        ids = [h.id for h in self._selected() if h.acknowledgement is None] if selected_only else None
        try:
            self.check = self.acknowledge(reason, ids)
        except LscpAuditError as exc:
            self.status.setText(str(exc))
            return
        self.table.clearSelection()
        self._fill()
        waiting = len(self.check.unacknowledged)
        self.status.setText(
            self.tr("Every identifier is kept with a reason. Continue when ready.")
            if not waiting
            else self.tr("Kept. %1 still to correct or keep.").replace("%1", str(waiting))
        )
        if not waiting:
            self.continue_button.setFocus()

    def _go_to(self) -> None:
        chosen = self._selected()
        if self.can_correct and len(chosen) == 1 and chosen[0].question_id:
            self.go_to = chosen[0]
            self.reject()
