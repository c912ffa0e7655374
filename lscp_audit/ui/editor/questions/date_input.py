"""A date answer shown as ``28 Nov 2026``; the earliest date stands for "not answered"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QPushButton, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput

UNSET = QDate(1900, 1, 1)
DISPLAY_FORMAT = "d MMM yyyy"


class DateInput(QuestionInput):
    """A date edit with a calendar pop-up; stores ISO ``YYYY-MM-DD``."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = make_date_edit(question.label)
        self.editor.dateChanged.connect(self._changed)
        self._loading = False
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setAccessibleName(f"{question.label}: clear the date")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.editor)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.setFocusProxy(self.editor)

    def clear(self) -> None:
        """Back to "Not set" (as the user would: emits `edited`)."""
        self.editor.setDate(UNSET)

    def _changed(self, _date: QDate) -> None:
        if not self._loading:
            self.edited.emit()

    def load(self, value: Any) -> None:
        self._loading = True
        parsed = QDate.fromString(str(value), "yyyy-MM-dd") if value else UNSET
        self.editor.setDate(parsed if parsed.isValid() else UNSET)
        self._loading = False

    def value(self) -> Any:
        chosen = self.editor.date()
        return None if chosen == UNSET else chosen.toString("yyyy-MM-dd")

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)
        self.clear_button.setEnabled(not read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor, self.clear_button]


def make_date_edit(name: str) -> QDateEdit:
    """A QDateEdit showing ``28 Nov 2026`` and "Not set" for the unset date."""
    editor = QDateEdit()
    editor.setCalendarPopup(True)
    editor.setDisplayFormat(DISPLAY_FORMAT)
    editor.setMinimumDate(UNSET)
    editor.setSpecialValueText("Not set")
    editor.setDate(UNSET)
    editor.setAccessibleName(name)
    editor.setMinimumWidth(editor.fontMetrics().horizontalAdvance("28 Sept 2026") + 60)
    return editor
