"""Labels and their fields in one widget, so a wrapping row (a flow layout) never puts a label
at the end of one line and its field at the start of the next."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


def labelled(*pairs: tuple[str, QWidget]) -> QWidget:
    """Each label (its mnemonic moves the focus to its field) followed by its field."""
    group = QWidget()
    layout = QHBoxLayout(group)
    layout.setContentsMargins(0, 0, 0, 0)
    for text, widget in pairs:
        label = QLabel(text)
        label.setBuddy(widget)
        layout.addWidget(label)
        layout.addWidget(widget)
    return group
