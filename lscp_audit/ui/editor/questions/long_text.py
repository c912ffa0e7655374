"""A multi-line text answer; Tab moves on (so the keyboard never gets stuck inside)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.editor.questions.growing_text import GrowingTextEdit


class LongTextInput(QuestionInput):
    """A plain-text box that grows with its content up to a limit, then scrolls."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor: QPlainTextEdit = GrowingTextEdit()
        self.editor.setAccessibleName(question.label)
        self.editor.textChanged.connect(self._changed)
        self._loading = False
        layout.addWidget(self.editor)
        self.setFocusProxy(self.editor)

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def load(self, value: Any) -> None:
        self._loading = True
        self.editor.setPlainText("" if value is None else str(value))
        self._loading = False

    def value(self) -> Any:
        text = self.editor.toPlainText()
        return text if text.strip() else None

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor]
