"""The Analysis tab's bar charts as painted: each bar as long as its share on the 0-100% scale,
in its colour, none for a hidden figure, the value labels and the chart in words for screen
readers, and a visible frame when the chart has the keyboard."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from lscp_audit.core.analysis_charts import Bar, BarGroup, Chart
from lscp_audit.ui.inbox.analysis_charts import AXIS_PX, PAD_PX, ROW_PX, ChartView, _fitted

GREEN = (0.11, 0.42, 0.21)
RED = (0.63, 0.11, 0.11)
CHART = Chart(
    "Good practice and concern by question",
    "The share of returns showing good practice or concern on each question",
    (
        BarGroup(
            "Was the child's lived experience recorded? (n = 30)",
            (Bar("Good practice", 40.0, "12 of 30 (40.0%)", GREEN), Bar("Concern", 100.0, "30 of 30 (100.0%)", RED)),
        ),
        BarGroup("Were missed appointments followed up? (n = 4)", (Bar("Concern", None, "fewer than 5", RED),)),
    ),
)


def _shown(qtbot: QtBot) -> tuple[ChartView, QImage]:
    view = ChartView(CHART)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view, view.plot.grab().toImage()


def _row_y(row: int) -> int:
    return PAD_PX + row * ROW_PX + ROW_PX // 2


def _colour_at(image: QImage, x: float, y: int) -> str:
    return image.pixelColor(int(x * image.devicePixelRatio()), int(y * image.devicePixelRatio())).name()


def test_each_bar_is_as_long_as_its_share_in_its_colour(qtbot: QtBot) -> None:
    view, image = _shown(qtbot)
    plot = view.plot
    green, red, white = (QColor.fromRgbF(*c).name() for c in (GREEN, RED, (1.0, 1.0, 1.0)))
    # Rows: group, Good practice 40%, Concern 100%, group, Concern hidden.
    assert _colour_at(image, plot.x_of(20), _row_y(1)) == green
    assert _colour_at(image, plot.x_of(39), _row_y(1)) == green
    assert _colour_at(image, plot.x_of(45), _row_y(1)) == white  # past the end of the 40% bar
    assert _colour_at(image, plot.x_of(99), _row_y(2)) == red
    hidden = [_colour_at(image, plot.x_of(p), _row_y(4)) for p in (10, 30, 50, 70, 90)]
    assert red not in hidden and green not in hidden  # "fewer than 5": no bar


def test_the_figures_are_in_words_for_screen_readers(qtbot: QtBot) -> None:
    view, _image = _shown(qtbot)
    assert view.values == ["12 of 30 (40.0%)", "30 of 30 (100.0%)", "fewer than 5"]
    assert view.plot.accessibleName() == CHART.title and view.title.buddy() is view.plot
    spoken = view.plot.accessibleDescription()
    assert "Good practice 12 of 30 (40.0%)" in spoken and "Concern fewer than 5" in spoken
    assert view.plot.height() == 5 * ROW_PX + AXIS_PX + 2 * PAD_PX  # as tall as its five rows and the scale
    assert view.plot.label_width() < view.plot.width() * 0.5


def test_the_chart_shows_when_it_has_the_keyboard(qtbot: QtBot) -> None:
    view, before = _shown(qtbot)
    view.activateWindow()
    view.plot.setFocus()
    qtbot.waitUntil(view.plot.hasFocus)
    after = view.plot.grab().toImage()
    highlight = view.plot.palette().highlight().color().name()
    assert _colour_at(after, 1, _row_y(2)) == highlight and _colour_at(before, 1, _row_y(2)) != highlight


def test_a_long_group_name_is_cut_but_keeps_its_count(qtbot: QtBot) -> None:
    view, _image = _shown(qtbot)
    metrics = view.plot.fontMetrics()
    name = "Was the child's lived experience, wishes and feelings recorded at every visit? (n = 30)"
    room = metrics.horizontalAdvance(name) // 2
    cut = _fitted(name, metrics, room)
    assert cut.endswith("… (n = 30)") and metrics.horizontalAdvance(cut) <= room
    assert _fitted("Short (n = 4)", metrics, room) == "Short (n = 4)"
