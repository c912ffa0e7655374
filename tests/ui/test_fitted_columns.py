"""Columns fitted to their texts when the rows change: every text fits its column, a very long
one is capped (it elides), a stretched column is left alone, and a column the user dragged
keeps its width across later refreshes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from lscp_audit.ui.row_table_model import RowTableModel
from lscp_audit.ui.widgets.fitted_columns import MAX_CHARS, FittedColumns


class _Model(RowTableModel[tuple[str, str, str]]):
    headers = ("Id", "Name", "Notes")

    def cell(self, row: tuple[str, str, str], column: int, role: int) -> Any:
        return row[column] if role == Qt.ItemDataRole.DisplayRole else None


def _table(qtbot: QtBot) -> tuple[QTableView, _Model, FittedColumns]:
    model = _Model()
    table = QTableView()
    table.setModel(model)
    fitted = FittedColumns(table, model)
    table.resize(900, 400)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table, model, fitted


def _fits(table: QTableView, column: int, text: str) -> bool:
    return table.fontMetrics().horizontalAdvance(text) < table.horizontalHeader().sectionSize(column)


def test_each_column_fits_its_longest_text_once_the_rows_are_set(qtbot: QtBot) -> None:
    table, model, _fitted = _table(qtbot)
    rows = [(f"R-{n:04d}", "Ann", "short") for n in range(300)]
    rows[217] = ("R-0217", "Ngozi Adebayo-Fitzgerald (DSL, Oakfield)", "short")
    model.set_rows(rows)
    assert _fits(table, 0, "R-0217") and _fits(table, 1, rows[217][1])
    narrow = table.horizontalHeader().sectionSize(1)
    model.set_rows(rows[:10])  # the long name has gone: the column narrows again
    assert table.horizontalHeader().sectionSize(1) < narrow
    assert table.horizontalHeader().sectionSize(1) >= table.horizontalHeader().sectionSizeHint(1)  # the header fits


def test_a_very_long_text_is_capped_and_a_stretched_column_left_to_the_header(qtbot: QtBot) -> None:
    table, model, fitted = _table(qtbot)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    model.set_rows([("R-1", "Ann", "word " * 200)])
    cap = table.fontMetrics().averageCharWidth() * MAX_CHARS
    assert table.horizontalHeader().sectionSize(2) <= cap
    assert not _fits(table, 2, "word " * 200)
    header = table.horizontalHeader()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
    assert header.length() == table.viewport().width()  # it takes the width the others leave
    assert fitted.user_sized == set()


def test_a_column_the_user_dragged_keeps_its_width(qtbot: QtBot) -> None:
    table, model, fitted = _table(qtbot)
    model.set_rows([("R-1", "Ann", "short")])
    header = table.horizontalHeader()
    edge = header.sectionViewportPosition(0) + header.sectionSize(0) - 1
    middle = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, middle))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 150, middle))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 150, middle))
    dragged = header.sectionSize(0)
    assert fitted.user_sized == {0} and dragged > 100
    model.set_rows([("R-2", "Bo", "shorter")])
    assert header.sectionSize(0) == dragged
    assert header.sectionSize(1) < dragged  # the others are fitted again


class _BoldNames(_Model):
    def cell(self, row: tuple[str, str, str], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and column == 1:
            font = QFont()
            font.setBold(True)
            font.setPointSize(font.pointSize() * 2)
            return font
        return super().cell(row, column, role)


def test_a_cell_shown_in_another_font_is_measured_in_that_font(qtbot: QtBot) -> None:
    model = _BoldNames()
    table = QTableView()
    table.setModel(model)
    FittedColumns(table, model)
    qtbot.addWidget(table)
    name = "Overdue: 1 outstanding"
    model.set_rows([("R-1", name, "short")])
    bold = QFontMetrics(model.index(0, 1).data(Qt.ItemDataRole.FontRole)).horizontalAdvance(name)
    assert table.horizontalHeader().sectionSize(1) > bold > table.fontMetrics().horizontalAdvance(name)
