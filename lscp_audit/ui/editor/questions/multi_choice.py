"""Check boxes for a multi-choice question; the answer is the list of ticked option codes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput, options_of, set_buttons_read_only


class MultiChoiceInput(QuestionInput):
    """One check box per option, in template order."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for option in options_of(question):
            box = QCheckBox(option.label)
            box.setObjectName(f"option_{option.code}")
            box.setAccessibleName(f"{question.label}: {option.label}")
            if option.description:
                box.setToolTip(option.description)
            box.toggled.connect(lambda _on: self.edited.emit())
            layout.addWidget(box)
            self.boxes[option.code] = box

    def load(self, value: Any) -> None:
        chosen = set(value or ())
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)

    def value(self) -> Any:
        chosen = [code for code, box in self.boxes.items() if box.isChecked()]
        return chosen or None

    def set_read_only(self, read_only: bool) -> None:
        set_buttons_read_only(self, list(self.boxes.values()), read_only)

    def describe(self, name: str, description: str) -> None:
        for box in self.boxes.values():
            box.setAccessibleDescription(description)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.boxes.values())
