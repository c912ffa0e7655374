"""One question on the page: label and required marker, the input, evidence, messages.

Follows load -> check -> save: `load(answer)` shows a stored answer, `show_check(findings)`
displays what the service's validation found (validation itself lives below the UI), and
`answer()` returns the `Answer` to save, or None when nothing is answered.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from lscp_audit.core.audit import Answer
from lscp_audit.core.templates.model import Question
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.editor.questions.factory import make_input
from lscp_audit.ui.editor.questions.growing_text import GrowingTextEdit


def answer_key(question_id: str, agency: str | None) -> str:
    return f"{question_id}@{agency}" if agency else question_id


class QuestionBlock(QFrame):
    """A framed question; `changed` fires on every user edit of value, evidence or reason."""

    changed = Signal(object)  # self

    def __init__(
        self, question: Question, agency: str | None, context: dict[str, Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.agency = agency
        self.key = answer_key(question.id, agency)
        self.required = question.required
        self.setObjectName(f"question_{self.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.input: QuestionInput = make_input(question, context)
        self.evidence: QPlainTextEdit | None = self._make_evidence(question)
        self.error_label = self._make_message_label()
        self.warning_label = self._make_message_label()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason for keeping this answer"))
        self.reason.setAccessibleName(f"{question.label}: reason for keeping this answer")
        self.reason.setAccessibleDescription(self.tr("Required when the answer raises a warning"))
        self.reason.setVisible(False)
        self._layout()
        self._describe()
        self.input.edited.connect(lambda: self.changed.emit(self))
        self.reason.textEdited.connect(lambda _text: self.changed.emit(self))
        self.update_title()

    def _make_evidence(self, question: Question) -> QPlainTextEdit | None:
        if not question.evidence_prompt:
            return None
        box = GrowingTextEdit(min_lines=2, max_lines=10)
        box.setPlaceholderText(question.evidence_prompt)
        box.setAccessibleName(f"{question.label}: evidence")
        box.setAccessibleDescription(question.evidence_prompt)
        box.textChanged.connect(self._evidence_changed)
        self._loading = False
        return box

    def _make_message_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setVisible(False)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        self.title.setBuddy(self.input.focus_widgets()[0])
        layout.addWidget(self.input)
        if self.evidence is not None:
            evidence_label = QLabel(self.tr("Evidence"))
            evidence_label.setBuddy(self.evidence)
            layout.addWidget(evidence_label)
            layout.addWidget(self.evidence)
        layout.addWidget(self.error_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.reason)

    def _describe(self) -> None:
        description = self.question.guidance.split("\n", 1)[0][:200] or self.question.label
        self.input.describe(self.question.label, description)

    def _evidence_changed(self) -> None:
        if not getattr(self, "_loading", False):
            self.changed.emit(self)

    def update_title(self) -> None:
        label = self.question.label.replace("&", "&amp;").replace("<", "&lt;")
        marker = f" <b>*</b> <small>({self.tr('required')})</small>" if self.required else ""
        self.title.setText(f"<b>{label}</b>{marker}")
        self.title.setAccessibleName(self.question.label + (" (required)" if self.required else ""))

    def set_required(self, required: bool) -> None:
        if required != self.required:
            self.required = required
            self.update_title()

    def load(self, answer: Answer | None) -> None:
        self._loading = True
        self.input.load(answer.value if answer else None)
        if self.evidence is not None:
            self.evidence.setPlainText(answer.evidence if answer else "")
        self.reason.setText((answer.warning_reason or "") if answer else "")
        self._loading = False

    def answer(self) -> Answer | None:
        """The answer as it stands now (None when the value is empty)."""
        value = self.input.value()
        evidence = self.evidence.toPlainText() if self.evidence is not None else ""
        if value is None and not evidence.strip():
            return None
        reason = self.reason.text().strip() or None
        return Answer(self.question.id, value, agency=self.agency, evidence=evidence, warning_reason=reason)

    def show_check(self, errors: tuple[str, ...] = (), warning: str | None = None) -> None:
        """Show hard errors (the answer is not saved) and a soft warning (needs a reason)."""
        self.error_label.setVisible(bool(errors))
        if errors:
            self.error_label.setText(self.tr("✖ Not saved: ") + " ".join(errors))
            self.error_label.setAccessibleName(self.error_label.text())
        self.warning_label.setVisible(warning is not None)
        self.reason.setVisible(warning is not None or bool(self.reason.text()))
        if warning is not None:
            text = self.tr("⚠ Check this answer: ") + warning + self.tr(" Give a reason to keep it.")
            self.warning_label.setText(text)
            self.warning_label.setAccessibleName(text)

    def set_read_only(self, read_only: bool) -> None:
        self.input.set_read_only(read_only)
        if self.evidence is not None:
            self.evidence.setReadOnly(read_only)
        self.reason.setReadOnly(read_only)

    def focus_first(self) -> None:
        self.input.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        widgets = list(self.input.focus_widgets())
        if self.evidence is not None:
            widgets.append(self.evidence)
        widgets.append(self.reason)
        return widgets
