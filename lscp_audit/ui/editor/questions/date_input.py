"""A date answer typed as ``15/09/2026``, ``15 Sep 2026`` or ``2026-09-15`` (or picked from a
calendar), shown as ``15 Sep 2026`` and stored as ISO ``2026-09-15``. Empty is "Not set"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.widgets.date_input import DateField


class DateInput(QuestionInput):
    """A `DateField`; text that is not a date is reported by `problem()` and never saved as
    another date."""

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = DateField(question.label)
        self.editor = self.field.line
        self.editor.setClearButtonEnabled(True)
        self.field.edited.connect(self.edited)
        layout.addWidget(self.field)
        self.setFocusProxy(self.editor)

    def clear(self) -> None:
        """Back to "Not set" (as the user would: emits `edited`)."""
        self.field.clear_date()

    def load(self, value: Any) -> None:
        self.field.set_date(value if isinstance(value, str) else None)

    def value(self) -> Any:
        """ISO date, None when "Not set", or the text as typed when it is not a date (so it is
        refused rather than dropped)."""
        if self.field.error():
            return self.field.text().strip()
        return self.field.iso()

    def problem(self) -> str:
        return self.field.error()

    def draft(self) -> Any:
        return {"text": self.field.text()} if self.field.error() else None

    def load_draft(self, draft: Any) -> None:
        if isinstance(draft, dict) and isinstance(draft.get("text"), str):
            self.field.set_text(draft["text"])

    def set_read_only(self, read_only: bool) -> None:
        self.field.set_read_only(read_only)

    def focus_widgets(self) -> list[QWidget]:
        return self.field.focus_widgets()
