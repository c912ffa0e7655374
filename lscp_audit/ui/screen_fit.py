"""Keep windows inside the screen they open on (small laptop screens, large text scaling).

At ``QT_SCALE_FACTOR=1.5`` a 1280x720 screen is 853x480 device-independent pixels, so fixed
sizes such as 1200x800 would put the title bar or the buttons off screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = QSize(16, 48)  # title bar and borders the window manager adds around a window


def available_area(widget: QWidget) -> QRect:
    """The usable part of the screen `widget` is on (or the primary screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fit_size(widget: QWidget, preferred: QSize) -> QSize:
    """`preferred`, shrunk so that the window with its frame fits the available area."""
    area = available_area(widget).size() - FRAME_ALLOWANCE
    return preferred.boundedTo(area)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize `widget` to width x height, or less so it fits; lower its minimum size if that
    would not fit either; and move it back on screen if it lies partly outside."""
    fit_minimum(widget)
    widget.resize(fit_size(widget, QSize(width, height)))
    keep_on_screen(widget)


def fit_minimum(widget: QWidget) -> None:
    """Lower a minimum size that is larger than the available area."""
    minimum = widget.minimumSize()
    if not minimum.isEmpty():
        widget.setMinimumSize(fit_size(widget, minimum))


def keep_on_screen(widget: QWidget) -> None:
    """Shrink a window to the available area, and move it inside when it was placed (a
    restored geometry) partly off screen."""
    area = available_area(widget)
    size = widget.size().boundedTo(area.size() - FRAME_ALLOWANCE)
    if size != widget.size():
        widget.resize(size)
    if not widget.testAttribute(Qt.WidgetAttribute.WA_Moved):
        return  # not placed yet: the window manager (or Qt, for a dialog) will place it
    frame = widget.frameGeometry()
    if not area.contains(frame):
        x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
        widget.move(max(x, area.x()), max(y, area.y()))
