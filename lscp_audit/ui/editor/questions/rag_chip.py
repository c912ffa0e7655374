"""A small coloured chip that always carries its text (colour is never the only signal)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

# The only fixed colours in the app: RAG ratings, always shown with their word.
RAG_COLOURS = {
    "red": ("#b3261e", "#ffffff"),
    "amber": ("#f2a900", "#1b1b1b"),
    "green": ("#1e7b34", "#ffffff"),
}


class RagChipWidget(QLabel):
    """Shows "Red", "Amber" or "Green" on its colour; empty and invisible otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(8, 2, 8, 2)  # padding as margins, so the size hint includes it
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_code(None)

    def set_code(self, code: str | None, label: str = "") -> None:
        colours = RAG_COLOURS.get(code or "")
        if colours is None:
            self.clear()
            self.setStyleSheet("")
            self.setVisible(False)
            return
        background, foreground = colours
        self.setText(label or (code or "").capitalize())
        self.setAccessibleName(self.text())
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px; }}")
        self.setMinimumSize(self.sizeHint())  # never clipped, at any scale or font size
        self.setVisible(True)
