"""Cell editors for the actions table: a typed date (with a calendar on Alt+Down), a status list,
an owner list (the template's agencies and the partnership itself; other text allowed) and the
list of what an action can answer."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.ui.a11y import name_typing_field
from lscp_audit.ui.editor.questions.actions_model import COL_DUE, COL_LINK, COL_OWNER_AGENCY, COL_STATUS, HEADERS
from lscp_audit.ui.widgets.date_input import DateLineEdit
from lscp_audit.ui.widgets.date_text import parse_iso_date

AnyIndex = QModelIndex | QPersistentModelIndex


ZERO_WIDTH_SPACE = "\u200b"
CELL_MARGIN = 8  # the style's text margins on both sides, with room to spare


class ActionsDelegate(QStyledItemDelegate):
    """Chooses the editor by column; text columns use the default line edit. A word too long for
    its column is shown broken across lines rather than cut off (only on screen: the text itself
    is unchanged)."""

    OWN_SECTION = "Its own section"

    def __init__(
        self, agencies: list[str], parent: QWidget | None = None, links: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(parent)
        self.agencies = agencies
        self.links = links or []  # (stored link, label)

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        room = option.rect.width() - CELL_MARGIN
        if room > 0 and option.text:
            metrics = option.fontMetrics
            option.text = "\n".join(
                " ".join(
                    ZERO_WIDTH_SPACE.join(word) if metrics.horizontalAdvance(word) > room else word
                    for word in line.split(" ")
                )
                for line in option.text.split("\n")
            )

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        column = index.column()
        if column == COL_DUE:
            editor: QWidget = DateLineEdit(HEADERS[COL_DUE], parent=parent)
        elif column == COL_STATUS:
            status = QComboBox(parent)
            for choice in ACTION_STATUS_OPTIONS:
                status.addItem(choice.label, choice.code)
            # A closed combo box ignores Enter, so save the choice as soon as it is made.
            status.activated.connect(lambda _index: self.commitData.emit(status))
            editor = status
        elif column == COL_LINK:
            link = QComboBox(parent)
            link.addItem(self.OWN_SECTION, "")
            for code, label in self.links:
                link.addItem(label, code)
            link.activated.connect(lambda _index: self.commitData.emit(link))
            editor = link
        elif column == COL_OWNER_AGENCY:
            editor = QComboBox(parent)
            editor.setEditable(True)
            editor.addItems(self.agencies)
        else:
            editor = super().createEditor(parent, option, index)
        editor.setAccessibleName(HEADERS[column])
        editor.setAccessibleDescription(f"Edit the {HEADERS[column].lower()} of action {index.row() + 1}")
        if isinstance(editor, QComboBox):
            name_typing_field(editor)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        raw = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, DateLineEdit):
            # Empty stays empty ("Not set"); text that was not a date comes back as typed.
            editor.setText(raw) if parse_iso_date(raw) is None else editor.set_date(raw)
        elif isinstance(editor, QComboBox) and index.column() == COL_STATUS:
            editor.setCurrentIndex(max(0, editor.findData(raw or "open")))
        elif isinstance(editor, QComboBox) and index.column() == COL_LINK:
            editor.setCurrentIndex(max(0, editor.findData(raw)))
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(raw)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, DateLineEdit):
            # A date is stored as ISO; anything else is kept as typed and listed as a row problem.
            model.setData(index, editor.iso() or editor.text().strip())
        elif isinstance(editor, QComboBox) and index.column() in (COL_STATUS, COL_LINK):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText().strip())
        else:
            super().setModelData(editor, model, index)
