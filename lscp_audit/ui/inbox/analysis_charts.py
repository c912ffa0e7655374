"""The Analysis tab's charts, drawn with pyqtgraph (a maintained plotting library on the app's Qt).

Each `ChartView` is one `core.analysis_charts.Chart` (the aggregate report's own charts, with the
same figures and suppression): horizontal bars on a 0-100% scale, each named on the left axis,
its value label ("12 of 30 (40.0%)", or "fewer than 5" with no bar) beside it, and each group's
name (a question, a template, a comparison's figure) above its bars. Colour is never the only
sign. The plot takes keyboard focus and its accessible name is the chart's title, its accessible
description the chart in words (`chart_sentences`), so a screen reader reads every figure; the
same figures are in the tables beside the charts. Mouse panning and zooming are off: the scale
always runs from 0 to 100%.

pyqtgraph is imported when the first chart is drawn, not when the app starts, and without the
optional Qt modules it would load (SVG export, QtTest): the charts are plain 2D bars, and the
desktop bundle leaves those modules out (packaging/lscp_audit.spec), so the app behaves the same
installed from the wheel or frozen. (pyqtgraph needs QtOpenGL, QtOpenGLWidgets and the standard
library's pydoc whatever it draws, so the bundle keeps those.)
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from types import ModuleType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from lscp_audit.core.analysis_charts import Chart, chart_sentences

INK = "#1a1a1f"
ROW_PX = 24
MARGIN_PX = 56
GROUP_CHARS = 110
RIGHT_ROOM = 60  # percent beyond 100 kept free for the value labels


#: Qt modules pyqtgraph imports when it can (each in a try block) that the charts never need.
UNUSED_QT = ("PySide6.QtSvg", "PySide6.QtTest")


class _Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname in UNUSED_QT:
            raise ImportError(f"{fullname} is not used by the analysis charts")
        return None


def pyqtgraph() -> ModuleType:
    """pyqtgraph, imported (once) without the Qt modules in `UNUSED_QT`."""
    found = sys.modules.get("pyqtgraph")
    if found is None:
        guard = _Refuse()
        sys.meta_path.insert(0, guard)
        try:
            found = importlib.import_module("pyqtgraph")
        finally:
            sys.meta_path.remove(guard)
    return found


def _colour(rgb: tuple[float, float, float]) -> QColor:
    return QColor.fromRgbF(*rgb)


def _short(text: str, limit: int = GROUP_CHARS) -> str:
    """`text` cut to `limit` characters, keeping a closing "(n = …)" whole (the full text is in the
    chart's accessible description)."""
    if len(text) <= limit:
        return text
    head, sep, tail = text.rpartition(" (")
    if sep and tail.endswith(")") and len(tail) < limit // 2:
        return head[: limit - len(tail) - 3].rstrip() + "… (" + tail
    return text[: limit - 1].rstrip() + "…"


class ChartView(QWidget):
    """One chart: its title, then the plot (bars, value labels, group names)."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg = pyqtgraph()
        self.chart = chart
        self.values: list[str] = []  # the value labels drawn, top to bottom (for tests)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        self.title = QLabel(chart.title)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        plot = pg.PlotWidget(background="w")
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        plot.setAccessibleName(chart.title)
        plot.setAccessibleDescription(chart.description + " " + " ".join(chart_sentences(chart)))
        plot.setToolTip(chart.description)
        self.plot = plot
        self._draw(pg)
        layout.addWidget(plot)
        self.title.setBuddy(plot)

    def _draw(self, pg: Any) -> None:
        item = self.plot.getPlotItem()
        ticks: list[tuple[float, str]] = []
        ys: list[float] = []
        widths: list[float] = []
        brushes: list[QColor] = []
        row = 0
        bold = QFont(self.font())
        bold.setBold(True)
        for group in self.chart.groups:
            label = pg.TextItem(_short(group.label), color=INK, anchor=(0, 0.5))
            label.setFont(bold)
            label.setPos(0, -row)
            item.addItem(label)
            row += 1
            for bar in group.bars:
                y = -row
                ticks.append((y, bar.label))
                if bar.value is not None and bar.value > 0:
                    ys.append(y)
                    widths.append(bar.value)
                    brushes.append(_colour(bar.colour))
                value = pg.TextItem(bar.text, color=INK, anchor=(0, 0.5))
                value.setFont(bold)
                value.setPos((bar.value or 0) + 1, y)
                item.addItem(value)
                self.values.append(bar.text)
                row += 1
        if ys:
            bars = pg.BarGraphItem(x0=0, y=ys, width=widths, height=0.7, brushes=brushes, pen=None)
            item.addItem(bars)
        axis_pen = pg.mkPen(INK)
        left = item.getAxis("left")
        left.setTicks([ticks, []])
        left.setPen(axis_pen)
        left.setTextPen(axis_pen)
        bottom = item.getAxis("bottom")
        bottom.setTicks([[(v, f"{v}%") for v in (0, 25, 50, 75, 100)], []])
        bottom.setPen(axis_pen)
        bottom.setTextPen(axis_pen)
        item.showGrid(x=True, y=False, alpha=0.25)
        item.setXRange(-2, 100 + RIGHT_ROOM, padding=0)  # from just left of 0, so "0%" shows
        item.setYRange(-row + 0.4, 0.6, padding=0)
        self.plot.setFixedHeight(row * ROW_PX + MARGIN_PX)


class ChartsPanel(QScrollArea):
    """The charts one under another, scrolling; `show_charts` replaces them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(self.tr("Charts"))
        self.charts: list[ChartView] = []
        self._host = QWidget()
        self._layout = QVBoxLayout(self._host)
        self.empty = QLabel(self.tr("No chart: none of these returns has a judgement or a question with a declared polarity."))  # fmt: skip
        self.empty.setWordWrap(True)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self.setWidget(self._host)

    def show_charts(self, charts: list[Chart]) -> None:
        for view in self.charts:
            self._layout.removeWidget(view)
            view.hide()  # at once: deleteLater waits for the event loop
            view.deleteLater()
        self.charts = []
        self.empty.setVisible(not charts)
        for index, chart in enumerate(charts):
            view = ChartView(chart, self._host)
            self._layout.insertWidget(index + 1, view)
            self.charts.append(view)
