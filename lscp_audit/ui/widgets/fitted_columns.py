"""Columns fitted to their texts once, when a table's rows change.

`QHeaderView.ResizeToContents` measures cells again on every layout pass (a status line
changing height is enough), and each measurement asks the Python model for every role of a
hundred rows: on an inbox of a few hundred returns that kept the GUI thread busy for over
100 ms at a time. Here the widths are worked out from the model's own display texts when the
rows are replaced (a few strings measured per column), and the user may drag a column wider
or narrower; a column the user sized keeps its width.
"""

from __future__ import annotations

import heapq
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QHeaderView, QStyle, QTableView

from lscp_audit.ui.row_table_model import RowTableModel

CANDIDATES = 32  # the longest distinct texts by length are measured (ids of one length differ by
#                  their letters' widths; a character's width of slack covers the rest)
MAX_CHARS = 80  # no column grows past this many average characters (it elides; the tooltip or
#                 details pane shows the rest)


class FittedColumns(QObject):
    """Fits `table`'s interactive columns to `model`'s display texts (and their headers) when
    the model is reset. `model` is the table's source model (the table may show it through a
    sort or filter proxy). Stretched columns are left to the header."""

    def __init__(self, table: QTableView, model: RowTableModel[Any], *, max_chars: int = MAX_CHARS) -> None:
        super().__init__(table)
        self._table = table
        self._model = model
        self._max_chars = max_chars
        self._fitting = False
        self.user_sized: set[int] = set()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._resized)
        model.modelReset.connect(self.fit)
        self.fit()

    def fit(self) -> None:
        """Size every interactive column the user has not sized to its widest text."""
        header = self._table.horizontalHeader()
        metrics = self._table.fontMetrics()
        margin = 2 * (self._table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._table) + 1)
        slack = metrics.averageCharWidth() + 1  # and the grid line
        widest = metrics.averageCharWidth() * self._max_chars
        self._fitting = True
        try:
            for column in range(self._model.columnCount()):
                if column in self.user_sized or header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
                    continue
                text_width = self._widest_text(column)
                width = max(min(text_width + margin + slack, widest), header.sectionSizeHint(column))
                header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _widest_text(self, column: int) -> int:
        """The width of the longest distinct texts of `column`, each in the font its cell is
        shown in (a bold status is wider than the table's font says)."""
        first_row: dict[str, int] = {}
        for row, text in enumerate(self._model.display_texts(column)):
            first_row.setdefault(text, row)
        longest = heapq.nlargest(CANDIDATES, first_row, key=len)
        widths = [0]
        for text in longest:
            font = self._model.index(first_row[text], column).data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else self._table.fontMetrics()
            widths.append(metrics.horizontalAdvance(text))
        return max(widths)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        # Only a drag on the header is the user's choice: the view also resizes sections itself
        # (the stretched last section follows the window's width).
        if not self._fitting and QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self.user_sized.add(column)
