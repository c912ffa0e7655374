"""The subject fields of a template as a form (reusing the question inputs), with a message
line under each field for what the service's subject check finds.

A field's message is shown once the auditor has left the field after changing it, or for every
field after the first attempt to create the audit (`reveal_all`): nobody is told off before
they have had a chance to type. Each message line keeps its room while empty, so the form does
not jump when a message appears (`MessageLabel`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QFocusEvent
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QWidget

from lscp_audit.core.templates.model import Question, QuestionType, SubjectField, Template
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.editor.questions.factory import make_input


def _leaves(event: QFocusEvent) -> bool:
    """Focus moved on within the window (not another window or a popup taking it for a while)."""
    return event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)


def as_question(spec: SubjectField) -> Question:
    return Question(spec.id, spec.type, spec.label, spec.guidance, spec.required, options=spec.options)


class MessageLabel(QLabel):
    """A field's message line. It is always as tall as the longest message the field can get
    (at the width it has), so the form does not jump when a message appears or goes."""

    def __init__(self, longest: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._probe = QLabel(longest)  # never shown: measures the longest message as a label would
        self._probe.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True  # even while empty

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        self._probe.setFont(self.font())
        return max(super().heightForWidth(width), self._probe.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # A wrapped label guesses a narrow width for its minimum, which would make the row
        # taller once a message is set; the height comes from heightForWidth instead.
        return QSize(super().minimumSizeHint().width(), self.fontMetrics().lineSpacing())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self.fontMetrics().lineSpacing())


class SubjectFormWidget(QWidget):
    """One input per subject field; `changed` fires on every edit, `left_field` when focus
    leaves a field that was changed."""

    changed = Signal()
    left_field = Signal(str)

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.inputs: dict[str, QuestionInput] = {}
        self.messages: dict[str, QLabel] = {}
        self.descriptions: dict[str, str] = {}  # each field's accessible description without a message
        self.edited: set[str] = set()  # fields changed since the form opened
        self.revealed: set[str] = set()  # fields whose messages are shown
        self._owner: dict[QObject, str] = {}
        self._errors: dict[str, str] = {}
        self._warnings: dict[str, str] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in template.subject_fields:
            self._add_field(form, spec)

    def _add_field(self, form: QFormLayout, spec: SubjectField) -> None:
        if spec.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE) and not spec.options:
            self._add_empty_list(form, spec)
            return
        editor = make_input(as_question(spec))
        self.descriptions[spec.id] = spec.pattern_message or spec.guidance or spec.label
        editor.describe(spec.label, self.descriptions[spec.id])
        editor.edited.connect(lambda key=spec.id: self._edited(key))
        for widget in editor.focus_widgets():
            self._owner[widget] = spec.id
            widget.installEventFilter(self)
            if spec.pattern_message and hasattr(widget, "setPlaceholderText"):
                widget.setPlaceholderText(spec.pattern_message)
        label = QLabel(f"{spec.label}{' *' if spec.required else ''}:")
        label.setWordWrap(True)
        label.setBuddy(editor.focus_widgets()[0])
        form.addRow(label, editor)
        if spec.guidance:
            form.addRow("", self._small_label(spec.guidance))
        message = MessageLabel(self._longest_message(spec))
        role = spec.label + self.tr(": check")  # what the line is for; its name is the message once there is one
        message.setAccessibleName(role)
        message.setAccessibleDescription(role)
        form.addRow("", message)
        self.inputs[spec.id] = editor
        self.messages[spec.id] = message

    def _add_empty_list(self, form: QFormLayout, spec: SubjectField) -> None:
        """A choice whose list is empty (a partnership list with nothing in it yet, such as the
        rounds of a template no round uses): a note saying why, and nothing to answer."""
        if spec.options_ref == "partnership.rounds":
            text = self.tr("No audit round uses this template yet (the QA subgroup sets rounds up in the QA inbox).")
        else:
            text = self.tr("Nothing to choose yet: the partnership profile's list is empty (Settings → Partnership).")
        note = QLabel(text)
        note.setWordWrap(True)
        note.setAccessibleName(spec.label)
        note.setAccessibleDescription(text)
        form.addRow(QLabel(f"{spec.label}{' *' if spec.required else ''}:"), note)
        if spec.required:  # it can then never be answered: the check's message says so
            message = MessageLabel(self._longest_message(spec))
            role = spec.label + self.tr(": check")
            message.setAccessibleName(role)
            message.setAccessibleDescription(role)
            form.addRow("", message)
            self.messages[spec.id] = message
            self.descriptions[spec.id] = text

    def _longest_message(self, spec: SubjectField) -> str:
        if spec.pattern:
            return self.tr("✖ Not accepted: ") + (spec.pattern_message or spec.pattern)
        return self.tr("✖ Not accepted: ") + spec.label + " is required"

    @staticmethod
    def _small_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _edited(self, key: str) -> None:
        self.edited.add(key)
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) and _leaves(event):
            key = self._owner.get(watched)
            if key is not None and key in self.edited and not self._focus_still_in(key):
                self.revealed.add(key)
                self._render()
                self.left_field.emit(key)
        return super().eventFilter(watched, event)

    def _focus_still_in(self, key: str) -> bool:
        """Moving between the radio buttons or boxes of one field is not leaving it."""
        focus = QApplication.focusWidget()
        return focus is not None and self._owner.get(focus) == key

    def values(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.inputs.items()}
        return {key: value for key, value in values.items() if value is not None}

    def has_input(self) -> bool:
        """True when anything has been typed or chosen."""
        return bool(self.edited and self.values())

    def set_value(self, field_id: str, value: Any) -> None:
        self.inputs[field_id].load(value)

    def reveal_all(self) -> None:
        """Show every field's message (after an attempt to create the audit)."""
        self.revealed.update(self.messages)
        self._render()

    def show_problems(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        """Remember the latest check; show the messages of revealed fields."""
        self._errors, self._warnings = dict(errors), dict(warnings)
        self._render()

    def _render(self) -> None:
        for key, label in self.messages.items():
            lines = []
            if key in self.revealed and key in self._errors:
                lines.append(self.tr("✖ Not accepted: ") + self._errors[key])
            if key in self.revealed and key in self._warnings:
                lines.append(self.tr("⚠ Check: ") + self._warnings[key])
            text = "\n".join(lines)
            if label.text() == text:
                continue
            label.setText(text)
            label.setAccessibleName(" ".join(text.split()) or label.accessibleDescription())
            editor = self.inputs.get(key)  # None for a list with nothing to choose
            if editor is not None:
                editor.setToolTip(text)
            # The message is part of what a screen reader says for the field, and is announced.
            for widget in editor.focus_widgets() if editor is not None else ():
                widget.setAccessibleDescription(" ".join(p for p in (text, self.descriptions[key]) if p))
            if text and QAccessible.isActive():
                QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(label, text))

    def shown_message(self, field_id: str) -> str:
        return self.messages[field_id].text()

    def focus_chain(self) -> list[QWidget]:
        """Every focusable part of the form, in order."""
        return [widget for editor in self.inputs.values() for widget in editor.focus_widgets()]

    def first_input(self) -> QWidget | None:
        chain = self.focus_chain()
        return chain[0] if chain else None
