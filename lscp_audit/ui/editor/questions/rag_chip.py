"""A small coloured chip that always carries its text (colour is never the only signal)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

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
        self.setMinimumWidth(64)
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
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px; padding: 2px 8px; }}"
        )
        self.setVisible(True)
