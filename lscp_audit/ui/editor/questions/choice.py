"""Radio buttons for the one-answer types: yes/no, single choice, grade and RAG."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QBoxLayout, QButtonGroup, QHBoxLayout, QRadioButton, QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Option, Question
from lscp_audit.ui.editor.questions.base import QuestionInput, options_of

HORIZONTAL_MAX_CHARS = 60  # lay options side by side when their labels are short altogether


class ChoiceInput(QuestionInput):
    """One radio button per option; arrow keys move within the group, Tab leaves it."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        options = options_of(question)
        layout: QBoxLayout = QHBoxLayout(self) if self._fits_on_one_line(options) else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for option in options:
            button = self._make_button(option)
            layout.addWidget(button)
        if isinstance(layout, QHBoxLayout):
            layout.addStretch(1)
        self.group.buttonClicked.connect(lambda _button: self.edited.emit())

    @staticmethod
    def _fits_on_one_line(options: tuple[Option, ...]) -> bool:
        return sum(len(o.label) + 4 for o in options) <= HORIZONTAL_MAX_CHARS

    def _make_button(self, option: Option) -> QRadioButton:
        button = QRadioButton(option.label)
        button.setObjectName(f"option_{option.code}")
        button.setProperty("code", option.code)
        button.setAccessibleName(f"{self.question.label}: {option.label}")
        if option.description:
            button.setToolTip(option.description)
            button.setAccessibleDescription(option.description)
        self.group.addButton(button)
        self.buttons[option.code] = button
        return button

    def load(self, value: Any) -> None:
        self.group.setExclusive(False)  # lets every button be unchecked for "unanswered"
        for code, button in self.buttons.items():
            button.setChecked(code == value)
        self.group.setExclusive(True)

    def value(self) -> Any:
        checked = self.group.checkedButton()
        return checked.property("code") if checked is not None else None

    def set_read_only(self, read_only: bool) -> None:
        # Disabled radio buttons still show which one is checked.
        for button in self.buttons.values():
            button.setEnabled(not read_only)

    def select(self, code: str) -> None:
        """Choose `code` as the user would (emits `edited`)."""
        self.buttons[code].click()

    def describe(self, name: str, description: str) -> None:
        for button in self.buttons.values():
            if not button.accessibleDescription():
                button.setAccessibleDescription(description)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())
