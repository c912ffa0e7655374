"""A window showing an audit's change history as people read it (`core.change_history`).

A revision opens on "Changes in this revision" (question, before, after, reason: the PDF's
table); "Every change" lists each save, oldest first, with who and when.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.change_history import ChangeHistory
from lscp_audit.ui.editor.history_model import (
    AMEND_AFTER,
    AMEND_BEFORE,
    AMEND_QUESTION,
    AMEND_REASON,
    COL_FROM,
    COL_SECTION,
    COL_TO,
    COL_WHAT,
    AmendmentTableModel,
    HistoryTableModel,
)
from lscp_audit.ui.screen_fit import fit_to_screen


class HistoryDialog(QDialog):
    """Read-only tables of what changed, who changed it and when."""

    def __init__(self, history: ChangeHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.setWindowTitle(self.tr("Change history: %1").replace("%1", history.title))
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        self.model = HistoryTableModel(history.lines, self)
        self.table = self._table(
            self.model, self.tr("Every change"), self.tr("Each saved change to this revision, oldest first")
        )
        self._stretch(self.table, (COL_WHAT, COL_FROM, COL_TO))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SECTION, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_SECTION, self.fontMetrics().horizontalAdvance("M") * 12)
        self.amendment_model: AmendmentTableModel | None = None
        self.amendment_table: QTableView | None = None
        self.tabs: QTabWidget | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if history.previous_revision is not None:
            layout.addWidget(self._tabs(), 1)
        else:
            layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 1100, 640)
        self.table.scrollToBottom()

    def _tabs(self) -> QTabWidget:
        self.amendment_model = AmendmentTableModel(self.history.amendments, self)
        self.amendment_table = self._table(
            self.amendment_model,
            self.tr("Changes in this revision"),
            self.tr("Answers that differ from revision %1, with the reason for each").replace(
                "%1", str(self.history.previous_revision)
            ),
        )
        self._stretch(self.amendment_table, (AMEND_QUESTION, AMEND_BEFORE, AMEND_AFTER, AMEND_REASON))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Change history views"))
        count = len(self.history.amendments)
        self.tabs.addTab(self.amendment_table, self.tr("&Changes in this revision (%1)").replace("%1", str(count)))
        self.tabs.addTab(self.table, self.tr("&Every change (%1)").replace("%1", str(len(self.history.lines))))
        return self.tabs

    def _summary_text(self) -> str:
        history = self.history
        if history.previous_revision is None and history.revision <= 1:
            return self.tr(
                "Every change saved to this audit, oldest first. Quick successive saves of one answer are shown "
                "as one change; judgements worked out from the answers are not listed (overrides are)."
            )
        text = self.tr("Revision %1. ").replace("%1", str(history.revision))
        if history.previous_revision is None:
            return text + self.tr("The previous revision is no longer in the vault, so there is nothing to compare.")
        return text + self.tr(
            "%1 answers were carried over from revision %2; only the answers changed since are listed."
        ).replace("%1", str(history.carried_over)).replace("%2", str(history.previous_revision))

    def _table(self, model: QAbstractItemModel, name: str, description: str) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setAccessibleDescription(description)
        table.setWordWrap(True)
        table.setTabKeyNavigation(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setAlternatingRowColors(True)
        return table

    @staticmethod
    def _stretch(table: QTableView, columns: tuple[int, ...]) -> None:
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
