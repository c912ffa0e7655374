"""The subject fields of a template as a form (reusing the question inputs), with a message
line under each field for what the service's subject check finds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from lscp_audit.core.templates.model import Question, SubjectField, Template
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.editor.questions.factory import make_input


def as_question(spec: SubjectField) -> Question:
    return Question(spec.id, spec.type, spec.label, spec.guidance, spec.required, options=spec.options)


class SubjectFormWidget(QWidget):
    """One input per subject field; `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.inputs: dict[str, QuestionInput] = {}
        self.messages: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in template.subject_fields:
            self._add_field(form, spec)

    def _add_field(self, form: QFormLayout, spec: SubjectField) -> None:
        editor = make_input(as_question(spec))
        editor.describe(spec.label, spec.pattern_message or spec.guidance or spec.label)
        editor.edited.connect(self.changed)
        if spec.pattern_message:
            for widget in editor.focus_widgets():
                if hasattr(widget, "setPlaceholderText"):
                    widget.setPlaceholderText(spec.pattern_message)
        label = QLabel(f"{spec.label}{' *' if spec.required else ''}:")
        label.setWordWrap(True)
        label.setBuddy(editor.focus_widgets()[0])
        form.addRow(label, editor)
        if spec.guidance:
            form.addRow("", self._small_label(spec.guidance))
        message = self._small_label("")
        message.setVisible(False)
        form.addRow("", message)
        self.inputs[spec.id] = editor
        self.messages[spec.id] = message

    @staticmethod
    def _small_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def values(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.inputs.items()}
        return {key: value for key, value in values.items() if value is not None}

    def set_value(self, field_id: str, value: Any) -> None:
        self.inputs[field_id].load(value)

    def show_problems(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        for key, label in self.messages.items():
            lines = []
            if key in errors:
                lines.append(self.tr("✖ Not accepted: ") + errors[key])
            if key in warnings:
                lines.append(self.tr("⚠ Check: ") + warnings[key])
            label.setText("\n".join(lines))
            label.setVisible(bool(lines))
            self.inputs[key].setToolTip(label.text() if label.isVisible() else "")

    def first_input(self) -> QWidget | None:
        for editor in self.inputs.values():
            return editor.focus_widgets()[0]
        return None
