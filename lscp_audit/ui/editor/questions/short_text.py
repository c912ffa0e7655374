"""A one-line text answer (Qt's own undo/redo: Ctrl+Z / Ctrl+Y)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput


class ShortTextInput(QuestionInput):
    """A line edit; an empty line is unanswered."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = QLineEdit()
        self.editor.setAccessibleName(question.label)
        self.editor.textEdited.connect(lambda _text: self.edited.emit())
        layout.addWidget(self.editor)
        self.setFocusProxy(self.editor)

    def load(self, value: Any) -> None:
        self.editor.setText("" if value is None else str(value))

    def value(self) -> Any:
        text = self.editor.text().strip()
        return text or None

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor]
