"""A number answer typed as text (so "no answer" stays possible), integers kept as int."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput


class NumberInput(QuestionInput):
    """A line edit that accepts only numbers."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = QLineEdit()
        validator = QDoubleValidator(self.editor)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        validator.setLocale(QLocale.c())  # answers are stored with a decimal point, whatever the locale
        self.editor.setValidator(validator)
        self.editor.setMaximumWidth(self.editor.fontMetrics().horizontalAdvance("0" * 14) + 16)
        self.editor.setAccessibleName(question.label)
        self.editor.textEdited.connect(lambda _text: self.edited.emit())
        layout.addWidget(self.editor)
        layout.addStretch(1)
        self.setFocusProxy(self.editor)

    def load(self, value: Any) -> None:
        self.editor.setText("" if value is None else str(value))

    def value(self) -> Any:
        text = self.editor.text().strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() and "." not in text else number

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor]
