"""Fill in accessible names and descriptions that an embedded page (from another feature) left
empty, so screen readers never meet an unnamed input on our screens."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

EDITABLE = (QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)


def fill_missing_accessibility(root: QWidget, fallback_name: str) -> None:
    """Name unnamed inputs from their placeholder, tooltip or `fallback_name`; describe editable
    inputs that have a name but no description with that name."""
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (*EDITABLE, QAbstractItemView)) or _inside_compound(widget):
            continue
        if not widget.accessibleName():
            placeholder = widget.placeholderText() if isinstance(widget, QLineEdit | QPlainTextEdit) else ""
            widget.setAccessibleName(placeholder or widget.toolTip() or fallback_name)
        if isinstance(widget, EDITABLE) and not widget.accessibleDescription():
            widget.setAccessibleDescription(widget.accessibleName())


def _inside_compound(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False
