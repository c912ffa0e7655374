"""The SMART actions editor: a table of actions with Add and Remove buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.actions_delegate import ActionsDelegate
from lscp_audit.ui.editor.questions.actions_model import COL_ACTION, ActionsTableModel
from lscp_audit.ui.editor.questions.base import QuestionInput


class ActionsInput(QuestionInput):
    """Actions as rows; F2 or typing edits a cell, Tab moves across the row."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        self.model = ActionsTableModel(self)
        self.model.edited.connect(self.edited)
        self.table = self._make_table(question)
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
        layout.addLayout(buttons)

    def _make_table(self, question: Question) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        agencies = [str(a) for a in self.context.get("agency_names", [])]
        table.setItemDelegate(ActionsDelegate(agencies, table))
        table.setAccessibleName(question.label)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ACTION, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(True)
        table.setMinimumHeight(table.fontMetrics().lineSpacing() * 8)
        return table

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
        rows = [row for row in self.model.actions() if row["action"].strip()]
        return rows or None

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.table, self.add_button, self.remove_button]
