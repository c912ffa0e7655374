"""The SMART actions editor: a table of actions with Add and Remove buttons, and a list of what
each unfinished row still needs. Finished rows are the answer; a started row that is not finished
yet is kept as a draft (see `QuestionInput.draft`), never dropped."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.actions_delegate import CELL_MARGIN, ActionsDelegate
from lscp_audit.ui.editor.questions.actions_model import (
    COL_ACTION,
    COL_DUE,
    COL_LINK,
    COL_MEASURE,
    COL_OWNER_AGENCY,
    COL_OWNER_ROLE,
    COL_STATUS,
    SHORT_HEADERS,
    ActionsTableModel,
)
from lscp_audit.ui.editor.questions.base import QuestionInput

# Share of the table's width for the text columns beside Action; Due and Status fit their text
# (on two lines when space is short); the Action column takes the rest. Every text column wraps
# at spaces, and a word too long for its column breaks (`ActionsDelegate`), so nothing is cut
# off. Below the readable minimums the table scrolls sideways rather than squeeze the text
# (large text in a narrow pane; a data table may, WCAG 1.4.10).
COLUMN_SHARES = {COL_MEASURE: 0.19, COL_LINK: 0.14, COL_OWNER_AGENCY: 0.12, COL_OWNER_ROLE: 0.12}
MIN_CHARS = {COL_ACTION: 12, COL_MEASURE: 9, COL_LINK: 7, COL_OWNER_AGENCY: 7, COL_OWNER_ROLE: 7}
MIN_ACTION_CHARS = MIN_CHARS[COL_ACTION]


class ActionsInput(QuestionInput):
    """Actions as rows; F2 or typing edits a cell, Tab moves across the row."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        links = [(str(code), str(label)) for code, label in self.context.get("action_links", [])]
        self.model = ActionsTableModel(self, dict(links))
        self.model.edited.connect(self.edited)
        self.table = self._make_table(question)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setVisible(False)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_button = QPushButton(self.tr("Add action"))
        self.add_button.setAccessibleName(f"{question.label}: add action")
        self.add_button.clicked.connect(self.add_action)
        self.remove_button = QPushButton(self.tr("Remove action"))
        self.remove_button.setAccessibleName(f"{question.label}: remove the selected action")
        self.remove_button.clicked.connect(self._remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._rows_changed)
        self._rows_changed()

    def _make_table(self, question: Question) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        owners = self.context.get("action_owners") or self.context.get("agency_names", [])
        links = [(str(code), str(label)) for code, label in self.context.get("action_links", [])]
        table.setItemDelegate(ActionsDelegate([str(a) for a in owners], table, links))
        table.setAccessibleName(question.label)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the columns fit
        header = table.horizontalHeader()
        header.setMinimumSectionSize(table.fontMetrics().averageCharWidth() * 6)
        for column in (COL_MEASURE, COL_LINK, COL_OWNER_AGENCY, COL_OWNER_ROLE, COL_DUE, COL_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_ACTION, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.viewport().installEventFilter(self)
        # The row numbers' column widens with the rows (9 -> 10): fit again for the narrower viewport.
        table.verticalHeader().geometriesChanged.connect(self._fit_columns)
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return False

    def _fit_columns(self) -> None:
        """Give the short columns what they need and the Action column the rest (wrapping).
        When even that leaves too little to read (a narrow pane, large text), every column keeps
        a readable width and the table scrolls sideways instead of squeezing the text."""
        table, header = self.table, self.table.horizontalHeader()
        width = table.viewport().width()
        metrics = table.fontMetrics()
        char = metrics.averageCharWidth()
        pad = char + CELL_MARGIN
        full = {
            COL_DUE: max(metrics.horizontalAdvance("28 Sept 2026"), metrics.horizontalAdvance("Due")) + pad,
            COL_STATUS: metrics.horizontalAdvance("In progress") + pad,
        }
        tight = {  # one word a line: "28 Sept" / "2026", "In" / "progress"
            COL_DUE: metrics.horizontalAdvance("28 Sept") + pad,
            COL_STATUS: max(metrics.horizontalAdvance("progress"), metrics.horizontalAdvance("Status")) + pad,
        }
        readable = {  # never narrower than the column's (short) header, which does not wrap
            column: max(char * chars, metrics.horizontalAdvance(SHORT_HEADERS[column]) + pad)
            for column, chars in MIN_CHARS.items()
        }
        # Due and Status on one line only when the text columns keep room to spare.
        fixed = full if width >= 1.4 * (sum(readable.values()) + sum(full.values())) else tight
        narrow = width < sum(readable.values()) + sum(fixed.values())
        header.setSectionResizeMode(
            COL_ACTION, QHeaderView.ResizeMode.Interactive if narrow else QHeaderView.ResizeMode.Stretch
        )
        table.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if narrow else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if narrow:
            sizes = {**fixed, **readable}
        else:
            spare = width - sum(fixed.values()) - readable[COL_ACTION]
            shared = {column: max(readable[column], int(width * share)) for column, share in COLUMN_SHARES.items()}
            if sum(shared.values()) > spare:  # the other columns give way to the Action column
                extra = spare - sum(readable[c] for c in shared)
                total = sum(COLUMN_SHARES.values())
                shared = {c: readable[c] + int(extra * COLUMN_SHARES[c] / total) for c in shared}
            sizes = {**fixed, **shared}
        for column, size in sizes.items():
            header.resizeSection(column, size)
        QTimer.singleShot(0, self._rows_changed)  # once the Action column has its new width

    def _rows_changed(self, *_args: object) -> None:
        """Grow the table with its rows (no inner scrolling) and list what unfinished rows need."""
        table = self.table
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(self.model.rowCount()))
        empty = table.fontMetrics().lineSpacing() * 2
        bar = table.horizontalScrollBar()
        scroll = (
            bar.sizeHint().height() if table.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff else 0
        )
        table.setFixedHeight(table.horizontalHeader().height() + max(rows, empty) + 2 * table.frameWidth() + scroll)
        unfinished = self.model.unfinished_rows()
        lines = [
            self.tr("Action %1 is kept as a draft until you %2.")
            .replace("%1", str(number))
            .replace("%2", _join([n.rstrip(".") for n in needs]))
            for number, needs in unfinished
        ]
        self.problems.setText("\n".join("• " + line for line in lines))
        self.problems.setAccessibleName("\n".join(lines))
        self.problems.setVisible(bool(lines))

    def add_action(self) -> None:
        row = self.model.add_action()
        index = self.model.index(row, COL_ACTION)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def _remove_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove_action(index.row())

    def load(self, value: Any) -> None:
        self.model.set_actions(value if isinstance(value, list) else None)

    def value(self) -> Any:
        """The finished actions (a started row joins them once every field is filled in)."""
        return self.model.complete_actions() or None

    def draft(self) -> Any:
        """Every row as it stands, when any started row is unfinished."""
        return {"rows": self.model.actions()} if self.model.unfinished_rows() else None

    def load_draft(self, draft: Any) -> None:
        if isinstance(draft, dict) and isinstance(draft.get("rows"), list):
            self.model.set_actions([row for row in draft["rows"] if isinstance(row, dict)])

    def commit_editing(self) -> None:
        """Store the text of a cell being edited, as leaving the cell would."""
        editor = QApplication.focusWidget()
        while editor is not None and editor.parentWidget() is not self.table.viewport():
            editor = editor.parentWidget()
        if editor is not None and self.table.state() == QAbstractItemView.State.EditingState:
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.table, self.add_button, self.remove_button]


def _join(needs: list[str]) -> str:
    return needs[0] if len(needs) == 1 else ", ".join(needs[:-1]) + " and " + needs[-1]
