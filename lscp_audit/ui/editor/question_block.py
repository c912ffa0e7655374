"""One question on the page: label and required marker, the input, evidence, messages.

Follows load -> check -> save: `load(answer)` shows a stored answer, `show_check(findings)`
displays what the service's validation found (validation itself lives below the UI), and
`answer()` returns the `Answer` to save, or None when nothing is answered.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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
    confirmed = Signal(object)  # self: the user confirms a carried-forward answer

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
        self.warning = ""  # the soft warning that applies to the answer, shown above the reason
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why this answer is right although it raises the warning"))
        self.reason.setAccessibleName(f"{question.label}: reason for keeping this answer")
        self.reason.setAccessibleDescription(self.tr("Required when the answer raises a warning"))
        self.reason_label = QLabel(self.tr("Reason for keeping this answer:"))
        self.reason_label.setBuddy(self.reason)
        self._show_reason(False)
        self.amendment_label = QLabel(self.tr("Reason for changing this answer (needed to complete the amendment):"))
        self.amendment_label.setWordWrap(True)
        self.amendment_reason = QLineEdit()
        self.amendment_reason.setAccessibleName(f"{question.label}: reason for changing this answer")
        self.amendment_reason.setAccessibleDescription(
            self.tr("Why this answer differs from the previous revision (needed to complete the amendment)")
        )
        self.amendment_label.setBuddy(self.amendment_reason)
        self.show_amendment(None)
        self.carried_label = QLabel(self.tr("Carried forward — confirm"))
        self.carried_label.setStyleSheet("background:#fff5d9; color:#5c3b00; border:1px solid #a86b00; padding:3px;")
        self.carried_label.setWordWrap(True)
        self.carried_label.setToolTip(
            self.tr("This answer comes from your previous return. Check it is still right, then confirm or change it.")
        )
        self.confirm_button = QPushButton(self.tr("Confirm this answer"))
        self.confirm_button.setAccessibleName(f"{question.label}: confirm the carried-forward answer")
        self.confirm_button.setAccessibleDescription(
            self.tr("The answer comes from your previous return; confirm it is still right (or change it)")
        )
        self.confirm_button.clicked.connect(lambda _checked=False: self.confirmed.emit(self))
        self.show_carried_forward(False)
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
        carried = QHBoxLayout()
        carried.addWidget(self.carried_label, 1)
        carried.addWidget(self.confirm_button)
        layout.addLayout(carried)
        layout.addWidget(self.input)
        if self.evidence is not None:
            evidence_label = QLabel(self.tr("Evidence"))
            evidence_label.setBuddy(self.evidence)
            layout.addWidget(evidence_label)
            layout.addWidget(self.evidence)
        layout.addWidget(self.error_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.amendment_label)
        layout.addWidget(self.amendment_reason)

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
        self._show_reason(bool(self.reason.text()))
        self._loading = False

    def draft(self) -> dict[str, Any]:
        """Everything typed in the block, to keep in the vault while it is not a saved answer."""
        return {
            "value": None if self.input.problem() else self.input.value(),
            "input": self.input.draft(),
            "evidence": self.evidence.toPlainText() if self.evidence is not None else "",
            "warning_reason": self.reason.text(),
        }

    def has_unfinished_work(self) -> bool:
        """Something typed here is not in the saved answer (an unfinished row, invalid text)."""
        return bool(self.input.problem()) or self.input.draft() is not None

    def load_draft(self, draft: dict[str, Any]) -> None:
        """Show a kept draft over the saved answer."""
        self._loading = True
        self.input.load(draft.get("value"))
        if draft.get("input") is not None:
            self.input.load_draft(draft["input"])
        if self.evidence is not None and isinstance(draft.get("evidence"), str):
            self.evidence.setPlainText(draft["evidence"])
        self.reason.setText(str(draft.get("warning_reason") or ""))
        self._show_reason(bool(self.reason.text()))
        self._loading = False

    def answer(self) -> Answer | None:
        """The answer as it stands now (None when the value is empty)."""
        value = self.input.value()
        evidence = self.evidence.toPlainText() if self.evidence is not None else ""
        if value is None and not evidence.strip():
            return None
        reason = self.reason.text().strip() or None
        return Answer(self.question.id, value, agency=self.agency, evidence=evidence, warning_reason=reason)

    def show_check(self, errors: tuple[str, ...] = (), warning: str | None = None, *, draft: bool = True) -> None:
        """Show hard errors and a soft warning that still needs its reason; the answer is not
        saved but (`draft`) what was typed is kept as a draft."""
        kept = self.tr(" What you typed is kept as a draft until then.") if draft else ""
        if errors:
            self._set_message(self.error_label, self.tr("✖ Not saved yet: ") + " ".join(errors) + kept)
        else:
            self._set_message(self.error_label, "")
        if warning is not None:
            self.warning = warning
            text = self.tr("⚠ Check this answer: ") + warning + self.tr(" Give a reason below to keep it.")
            self._set_message(self.warning_label, text)
            self._show_reason(True)

    def show_write_failure(self, message: str) -> None:
        """The vault could not store the answer (e.g. the disk is full); it stays on screen."""
        text = self.tr("✖ Not saved: ") + message + self.tr(" It is still here and will be saved when possible.")
        self._set_message(self.error_label, text)

    def show_saved(self, warning_acknowledged: bool) -> None:
        """The answer is saved: clear errors; a warning answered with a reason stays in view
        above its reason (the reason is what makes the answer acceptable)."""
        self._set_message(self.error_label, "")
        if warning_acknowledged and self.warning:
            text = self.tr("⚠ This answer raises a warning: ") + self.warning + self.tr(" Your reason is saved.")
            self._set_message(self.warning_label, text)
            self._show_reason(True)
        elif not warning_acknowledged:
            self.warning = ""
            self._set_message(self.warning_label, "")
            self._show_reason(bool(self.reason.text()))

    def show_amendment(self, reason: str | None) -> None:
        """In an amendment, ask why this answer changed (None: it has not changed)."""
        changed = reason is not None
        self.amendment_label.setVisible(changed)
        self.amendment_reason.setVisible(changed)
        if changed and not self.amendment_reason.hasFocus():
            self.amendment_reason.setText(reason or "")

    def show_carried_forward(self, pending: bool) -> None:
        """Mark an answer carried forward from the previous return until the user confirms it."""
        self.carried_forward = pending
        self.carried_label.setVisible(pending)
        self.confirm_button.setVisible(pending)

    def _show_reason(self, visible: bool) -> None:
        self.reason.setVisible(visible)
        self.reason_label.setVisible(visible)

    @staticmethod
    def _set_message(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleName(text)
        label.setVisible(bool(text))

    def set_read_only(self, read_only: bool) -> None:
        self.input.set_read_only(read_only)
        if self.evidence is not None:
            self.evidence.setReadOnly(read_only)
        self.reason.setReadOnly(read_only)
        self.amendment_reason.setReadOnly(read_only)

    def focus_first(self) -> None:
        self.input.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        widgets = list(self.input.focus_widgets())
        if self.evidence is not None:
            widgets.append(self.evidence)
        widgets += [self.reason, self.amendment_reason, self.confirm_button]
        return widgets
