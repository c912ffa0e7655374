"""RAG rating: the radio buttons of a choice plus a chip showing the chosen rating in colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.choice import ChoiceInput
from lscp_audit.ui.editor.questions.rag_chip import RagChipWidget
from lscp_audit.ui.widgets.flow_layout import FlowLayout


class RagInput(ChoiceInput):
    """Red / Amber / Green with their definitions as tooltips and a coloured chip with text."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        self.chip = RagChipWidget(self)
        layout = self.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(0, self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        elif isinstance(layout, FlowLayout):
            layout.insert_widget(0, self.chip)
        self.edited.connect(self._refresh_chip)

    def load(self, value: Any) -> None:
        super().load(value)
        self._refresh_chip()

    def _refresh_chip(self) -> None:
        code = self.value()
        self.chip.set_code(code, self.question.option_label(code) if code else "")
