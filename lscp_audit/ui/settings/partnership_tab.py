"""Settings → Partnership: the partnership's name, localities and agencies register.

Templates use these lists (``options: partnership.agencies`` / ``localities``); a new audit
freezes them, so editing here never changes an audit already started. Both lists are tables
edited from the keyboard (Tab to the table, arrows to a cell, F2 or typing to edit; the sector is
a drop-down list); Add and Remove act on the table's current row. Nothing is stored until Save
profile, which checks the whole profile and lists every problem by field. The audit rounds are
managed on the QA inbox's Rounds tab.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.partnership import SECTORS, Agency, Locality, PartnershipInvalid, PartnershipProfile
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.errors import show_error

if TYPE_CHECKING:
    from lscp_audit.services.partnership_service import PartnershipService

SectorRole = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


class SectorDelegate(QStyledItemDelegate):
    """Edits an agency's sector with a drop-down list of the known sectors."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        editor = QComboBox(parent)
        editor.setAccessibleName(self.tr("Sector"))
        for code, label in SECTORS.items():
            editor.addItem(label, code)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(SectorRole))
            editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), SectorRole)
            model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setMinimumHeight(table.fontMetrics().lineSpacing() * 9)
    return table


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


class PartnershipTab(QWidget):
    """The profile editor; `saved` is emitted after the profile is stored."""

    saved = Signal()

    def __init__(self, service: PartnershipService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.profile: PartnershipProfile = service.profile()
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The partnership's shared lists. Templates offer these localities and agencies; an audit keeps "
                "the lists it was started with, so changes here apply to new audits only. Audit rounds are on "
                "the QA inbox's Rounds tab."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.origin = QLabel()
        self.origin.setWordWrap(True)
        layout.addWidget(self.origin)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setAccessibleName(self.tr("Partnership name"))
        name_label = QLabel(self.tr("Partnership &name:"))
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)
        layout.addLayout(form)

        self.localities = _table(self.tr("Localities"), [self.tr("Code"), self.tr("Name")])
        self.localities.setAccessibleDescription(
            self.tr("Boroughs or local authority areas. Code: letters, digits, '_' or '-'. F2 edits a cell.")
        )
        self.add_locality = QPushButton(self.tr("Add l&ocality"))
        self.remove_locality = QPushButton(self.tr("Re&move locality"))
        heading = QLabel(self.tr("Loc&alities (boroughs or local authority areas):"))
        heading.setBuddy(self.localities)
        layout.addWidget(heading)
        layout.addWidget(self._with_buttons(self.localities, self.add_locality, self.remove_locality))
        self.agencies = _table(self.tr("Agencies register"), [self.tr("Code"), self.tr("Name"), self.tr("Sector")])
        self.agencies.setAccessibleDescription(
            self.tr("Each agency's code, name and sector. F2 edits a cell; the sector is a drop-down list.")
        )
        self.agencies.setItemDelegateForColumn(2, SectorDelegate(self.agencies))
        self.add_agency = QPushButton(self.tr("Add agenc&y"))
        self.remove_agency = QPushButton(self.tr("Remove agen&cy"))
        heading = QLabel(self.tr("Agencie&s register (the organisations audits and returns name):"))
        heading.setBuddy(self.agencies)
        layout.addWidget(heading)
        layout.addWidget(self._with_buttons(self.agencies, self.add_agency, self.remove_agency))
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.problems.setAccessibleName(self.tr("Profile problems"))
        self.problems.setVisible(False)
        layout.addWidget(self.problems)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save &profile"))
        self.save_button.setAccessibleDescription(self.tr("Check the profile and keep it in the vault"))
        self.reset_button = QPushButton(self.tr("&Use the shipped lists"))
        self.reset_button.setAccessibleDescription(
            self.tr("Put back the localities and agencies LSCP Audit ships with (rounds are kept)")
        )
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = StatusLabel(self.tr("Partnership profile status"))
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.add_locality.clicked.connect(lambda: self._add_row(self.localities))
        self.remove_locality.clicked.connect(lambda: self._remove_row(self.localities))
        self.add_agency.clicked.connect(lambda: self._add_row(self.agencies))
        self.remove_agency.clicked.connect(lambda: self._remove_row(self.agencies))
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset_to_shipped)
        self.show_profile(self.profile)

    def _with_buttons(self, table: QTableWidget, add: QPushButton, remove: QPushButton) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(table, 1)
        column = QVBoxLayout()
        column.addWidget(add)
        column.addWidget(remove)
        column.addStretch(1)
        row.addLayout(column)
        return box

    # -- showing and reading ------------------------------------------------------------------

    def show_profile(self, profile: PartnershipProfile) -> None:
        self.profile = profile
        self.name_edit.setText(profile.name)
        self.origin.setText(
            self.tr("This vault uses the profile shipped with LSCP Audit until you save your own.")
            if profile.is_default
            else self.tr("This vault keeps its own profile.")
        )
        self.localities.setRowCount(0)
        for locality in profile.localities:
            self._append(self.localities, [locality.code, locality.label])
        self.agencies.setRowCount(0)
        for agency in profile.agencies:
            self._append(self.agencies, [agency.code, agency.label], sector=agency.sector)
        self.problems.setVisible(False)

    def _append(self, table: QTableWidget, values: list[str], sector: str | None = None) -> int:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
        if sector is not None:
            item = QTableWidgetItem(SECTORS.get(sector, sector))
            item.setData(SectorRole, sector)
            table.setItem(row, 2, item)
        return row

    def _add_row(self, table: QTableWidget) -> None:
        row = self._append(table, ["", ""], sector="other" if table is self.agencies else None)
        table.setCurrentCell(row, 0)
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        item = table.item(row, 0)
        if item is not None:
            table.editItem(item)

    def _remove_row(self, table: QTableWidget) -> None:
        row = table.currentRow()
        if row < 0:
            self.status.setText(self.tr("Choose a row in the table first."))
            return
        table.removeRow(row)
        table.setFocus(Qt.FocusReason.OtherFocusReason)

    def edited_profile(self) -> PartnershipProfile:
        """The profile as the tab shows it (not yet checked)."""
        localities = tuple(
            Locality(_text(self.localities, r, 0), _text(self.localities, r, 1))
            for r in range(self.localities.rowCount())
        )
        agencies = []
        for r in range(self.agencies.rowCount()):
            sector_item = self.agencies.item(r, 2)
            sector = str(sector_item.data(SectorRole) or "other") if sector_item is not None else "other"
            agencies.append(Agency(_text(self.agencies, r, 0), _text(self.agencies, r, 1), sector))
        return replace(
            self.profile, name=self.name_edit.text().strip(), localities=localities, agencies=tuple(agencies)
        )

    # -- actions ----------------------------------------------------------------------------

    def save(self) -> None:
        try:
            stored = self.service.save_profile(self.edited_profile())
        except PartnershipInvalid as exc:
            lines = [f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems]
            self.problems.setText(self.tr("The profile was not saved:") + "\n" + "\n".join(lines))
            self.problems.setVisible(True)
            self.status.setText(self.tr("Not saved: {count} problem(s) listed above.").format(count=len(lines)))
            return
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.show_profile(stored)
        self.status.setText(self.tr("Profile saved. New audits use these lists."))
        self.saved.emit()

    def reset_to_shipped(self) -> None:
        from lscp_audit.core.partnership import default_profile

        shipped = default_profile()
        self.show_profile(
            replace(self.profile, name=shipped.name, localities=shipped.localities, agencies=shipped.agencies)
        )
        self.status.setText(self.tr("The shipped lists are shown; Save profile keeps them."))
