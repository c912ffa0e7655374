"""Cell editors for the actions table: a date picker, a status list and an agency list."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.ui.editor.questions.actions_model import COL_DUE, COL_OWNER_AGENCY, COL_STATUS, HEADERS
from lscp_audit.ui.editor.questions.date_input import UNSET, make_date_edit

AnyIndex = QModelIndex | QPersistentModelIndex


class ActionsDelegate(QStyledItemDelegate):
    """Chooses the editor by column; text columns use the default line edit."""

    def __init__(self, agencies: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agencies = agencies

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        column = index.column()
        if column == COL_DUE:
            editor: QWidget = make_date_edit(HEADERS[COL_DUE])
            editor.setParent(parent)
        elif column == COL_STATUS:
            status = QComboBox(parent)
            for choice in ACTION_STATUS_OPTIONS:
                status.addItem(choice.label, choice.code)
            # A closed combo box ignores Enter, so save the choice as soon as it is made.
            status.activated.connect(lambda _index: self.commitData.emit(status))
            editor = status
        elif column == COL_OWNER_AGENCY:
            editor = QComboBox(parent)
            editor.setEditable(True)
            editor.addItems(self.agencies)
        else:
            editor = super().createEditor(parent, option, index)
        editor.setAccessibleName(HEADERS[column])
        editor.setAccessibleDescription(f"Edit the {HEADERS[column].lower()} of action {index.row() + 1}")
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        raw = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QDateEdit):
            parsed = QDate.fromString(raw, "yyyy-MM-dd")
            editor.setDate(parsed if parsed.isValid() else QDate.currentDate())
        elif isinstance(editor, QComboBox) and index.column() == COL_STATUS:
            editor.setCurrentIndex(max(0, editor.findData(raw or "open")))
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(raw)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QDateEdit):
            chosen = editor.date()
            model.setData(index, "" if chosen == UNSET else chosen.toString("yyyy-MM-dd"))
        elif isinstance(editor, QComboBox) and index.column() == COL_STATUS:
            model.setData(index, editor.currentData())
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText().strip())
        else:
            super().setModelData(editor, model, index)
