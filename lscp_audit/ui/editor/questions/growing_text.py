"""A plain-text edit that grows with its text between a minimum and maximum number of lines."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget


class GrowingTextEdit(QPlainTextEdit):
    """Tab moves focus; height follows the document (3 to 12 lines) so long answers stay readable."""

    def __init__(self, min_lines: int = 3, max_lines: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self._max_lines = max_lines
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        line = self.fontMetrics().lineSpacing()
        lines = int(self.document().documentLayout().documentSize().height())
        shown = max(self._min_lines, min(self._max_lines, lines))
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + margins.top() + margins.bottom() + int(self.document().documentMargin() * 2)
        return QSize(super().sizeHint().width(), shown * line + frame)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # Full height, but narrow enough for a small window or large text (the text wraps).
        return QSize(self.fontMetrics().averageCharWidth() * 12, self.sizeHint().height())
