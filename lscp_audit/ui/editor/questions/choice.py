"""Radio buttons for the one-answer types: yes/no, single choice, grade and RAG."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLayout,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.templates.model import Option, Question
from lscp_audit.ui.editor.questions.base import QuestionInput, options_of, set_buttons_read_only
from lscp_audit.ui.widgets.flow_layout import FlowLayout

HORIZONTAL_MAX_CHARS = 60  # options side by side (wrapping) when their labels are short altogether


class ChoiceInput(QuestionInput):
    """One radio button per option; arrow keys move within the group, Tab leaves it. Options
    with a description (grade descriptors, RAG definitions) show it under the button, so it is
    read by everyone, not only by mouse users in a tooltip."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        self.descriptions: dict[str, QLabel] = {}
        options = options_of(question)
        described = any(o.description for o in options)
        one_line = self._fits_on_one_line(options) and not described
        layout: QLayout = FlowLayout(self) if one_line else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for option in options:
            button = self._make_button(option)
            layout.addWidget(button)
            if option.description:
                layout.addWidget(self._make_description(option))
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

    def _make_description(self, option: Option) -> QLabel:
        label = QLabel(option.description)
        label.setWordWrap(True)
        style = self.style()
        indent = style.pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth) + style.pixelMetric(
            QStyle.PixelMetric.PM_RadioButtonLabelSpacing
        )
        label.setContentsMargins(indent, 0, 0, 4)
        label.setBuddy(self.buttons[option.code])
        self.descriptions[option.code] = label
        return label

    def load(self, value: Any) -> None:
        self.group.setExclusive(False)  # lets every button be unchecked for "unanswered"
        for code, button in self.buttons.items():
            button.setChecked(code == value)
        self.group.setExclusive(True)
        self._tab_stop_on_choice()

    def _tab_stop_on_choice(self) -> None:
        """Tab enters the group at the chosen option (the first when none is chosen), as it does
        after a click; Qt keeps the Tab stop where it was when the answer is loaded."""
        chosen = self.group.checkedButton() or next(iter(self.buttons.values()), None)
        for button in self.buttons.values():
            tab = Qt.FocusPolicy.StrongFocus if button is chosen else Qt.FocusPolicy.ClickFocus
            button.setFocusPolicy(tab)

    def value(self) -> Any:
        checked = self.group.checkedButton()
        return checked.property("code") if checked is not None else None

    def set_read_only(self, read_only: bool) -> None:
        set_buttons_read_only(self, list(self.buttons.values()), read_only)

    def select(self, code: str) -> None:
        """Choose `code` as the user would (emits `edited`)."""
        self.buttons[code].click()

    def describe(self, name: str, description: str) -> None:
        for button in self.buttons.values():
            if not button.accessibleDescription():
                button.setAccessibleDescription(description)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())
