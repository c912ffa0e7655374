"""A page that explains what to do when an area has nothing to show yet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyStateWidget(QWidget):
    """Heading, explanation and optional action buttons, centred."""

    def __init__(self, heading: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.heading = QLabel(f"<h2>{heading}</h2>")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(560)
        layout.addWidget(self.heading)
        # Centred by stretches, not by an alignment flag: an aligned word-wrapped label loses its
        # height-for-width and gets clipped.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.text, 10)
        row.addStretch(1)
        layout.addLayout(row)
        self._buttons = QVBoxLayout()
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        self._buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        return button
