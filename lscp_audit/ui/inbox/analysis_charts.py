"""The Analysis tab's charts, painted on the widget (the aggregate report draws the same charts
itself for its PDF and its SVG).

Each `ChartView` is one `core.analysis_charts.Chart` (the aggregate report's own charts, with the
same figures and suppression): horizontal bars on a 0-100% scale, each named on the left, its
value label ("12 of 30 (40.0%)", or "fewer than 5" with no bar) beside it, and each group's name
(a question, a template, a comparison's figure) above its bars. Colour is never the only sign.
The plot takes keyboard focus and its accessible name is the chart's title, its accessible
description the chart in words (`chart_sentences`), so a screen reader reads every figure; the
same figures are in the tables beside the charts.

Why painted rather than a plotting library: the charts are plain bars with text, which a few
`QPainter` calls draw; pyqtgraph, used before, brought numpy and OpenBLAS (39 MB of the 193 MB
desktop bundle) and half a second of importing for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.analysis_charts import Bar, Chart, chart_sentences

INK = QColor("#1a1a1f")
GRID = QColor("#d5d8de")
ROW_PX = 26  # one bar or group name
AXIS_PX = 28  # the scale's labels under the bars
PAD_PX = 8
BAR_SHARE = 0.7  # of a row's height
RIGHT_ROOM = 60  # percent beyond 100 kept free for the value labels
LABEL_SHARE = 0.4  # the bars' names take at most this share of the width (longer ones elide)
SCALE = (0, 25, 50, 75, 100)


def _colour(rgb: tuple[float, float, float]) -> QColor:
    return QColor.fromRgbF(*rgb)


def _fitted(text: str, metrics: QFontMetrics, room: int) -> str:
    """`text` cut to `room` pixels, keeping a closing "(n = …)" whole: the count matters more
    than the end of a long question (the whole text is in the accessible description)."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    head, sep, tail = text.rpartition(" (")
    if sep and tail.endswith(")"):
        kept = " (" + tail
        return metrics.elidedText(head, Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(kept)) + kept
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)


@dataclass(frozen=True)
class _Row:
    """A line of the chart: a group's name (`bar` None) or one bar."""

    text: str
    bar: Bar | None = None


class BarChart(QWidget):
    """The bars of one chart, painted; as tall as its rows, as wide as the layout gives it."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.rows = [
            row for group in chart.groups for row in (_Row(group.label), *(_Row(b.label, b) for b in group.bars))
        ]
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(chart.title)
        self.setAccessibleDescription(chart.description + " " + " ".join(chart_sentences(chart)))
        self.setToolTip(chart.description)
        self.setFixedHeight(len(self.rows) * ROW_PX + AXIS_PX + 2 * PAD_PX)
        self.setMinimumWidth(360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._widest_name = self._measure_names()

    def _measure_names(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(r.text) for r in self.rows if r.bar is not None), default=0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FontChange:
            self._widest_name = self._measure_names()
        super().changeEvent(event)

    def _bold(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def label_width(self) -> int:
        """The column the bars' names take: the longest name, up to `LABEL_SHARE` of the width."""
        return int(min(self._widest_name + 2 * PAD_PX, self.width() * LABEL_SHARE))

    def x_of(self, percent: float) -> float:
        """Where `percent` lies across the widget."""
        left = self.label_width() + PAD_PX
        span = self.width() - PAD_PX - left
        return left + span * percent / (100 + RIGHT_ROOM)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        top, bottom = PAD_PX, PAD_PX + len(self.rows) * ROW_PX
        self._scale(painter, top, bottom)
        names, bold = self.fontMetrics(), self._bold()
        label_width = self.label_width()
        zero = self.x_of(0)
        for number, row in enumerate(self.rows):
            y = top + number * ROW_PX
            middle = QRectF(0, y, self.width(), ROW_PX)
            if row.bar is None:  # a group's name, over its bars
                painter.setFont(bold)
                painter.setPen(INK)
                text = _fitted(row.text, QFontMetrics(bold), int(self.width() - zero - PAD_PX))
                painter.drawText(middle.adjusted(zero + 4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
                continue
            painter.setFont(self.font())
            painter.setPen(INK)
            name = names.elidedText(row.text, Qt.TextElideMode.ElideRight, label_width - PAD_PX)
            painter.drawText(
                QRectF(0, y, label_width, ROW_PX), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name
            )
            value = row.bar.value or 0.0
            if value > 0:
                height = ROW_PX * BAR_SHARE
                bar = QRectF(zero, y + (ROW_PX - height) / 2, self.x_of(value) - zero, height)
                painter.fillRect(bar, _colour(row.bar.colour))
            painter.setFont(bold)
            painter.drawText(
                middle.adjusted(self.x_of(value) + 6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, row.bar.text
            )
        if self.hasFocus():  # a clear frame: the keyboard is here (a screen reader reads the figures)
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()

    def _scale(self, painter: QPainter, top: int, bottom: int) -> None:
        """Light lines at 0, 25, 50, 75 and 100%, the axis at 0, and the percentages under them."""
        metrics = self.fontMetrics()
        for percent in SCALE:
            x = self.x_of(percent)
            painter.setPen(QPen(INK if percent == 0 else GRID, 1))
            painter.drawLine(int(x), top, int(x), bottom)
            painter.setPen(INK)
            text = f"{percent}%"
            width = metrics.horizontalAdvance(text)
            painter.drawText(QRectF(x - width / 2, bottom + 4, width + 2, AXIS_PX - 4), Qt.AlignmentFlag.AlignTop, text)
        painter.setPen(QPen(INK, 1))
        painter.drawLine(int(self.x_of(0)), bottom, int(self.x_of(100)), bottom)


class ChartView(QWidget):
    """One chart: its title, then the bars (with value labels and group names)."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        #: The value labels drawn, top to bottom (for tests).
        self.values = [bar.text for group in chart.groups for bar in group.bars]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        self.title = QLabel(chart.title)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.plot = BarChart(chart, self)
        layout.addWidget(self.plot)
        self.title.setBuddy(self.plot)


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
