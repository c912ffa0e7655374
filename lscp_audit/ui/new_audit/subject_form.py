"""The subject fields of a template as a form (reusing the question inputs), with a message
line under each field for what the service's subject check finds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

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
        for spec in template.subject_fields:
            form.addRow(self._label(spec), self._field(spec))

    def _label(self, spec: SubjectField) -> QLabel:
        marker = " *" if spec.required else ""
        label = QLabel(f"{spec.label}{marker}:")
        label.setWordWrap(True)
        return label

    def _field(self, spec: SubjectField) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        editor = make_input(as_question(spec))
        description = spec.pattern_message or spec.guidance or spec.label
        editor.describe(spec.label, description)
        editor.edited.connect(self.changed)
        layout.addWidget(editor)
        hint = spec.pattern_message or spec.guidance
        if hint:
            help_label = QLabel(hint)
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        message = QLabel()
        message.setWordWrap(True)
        message.setVisible(False)
        layout.addWidget(message)
        self.inputs[spec.id] = editor
        self.messages[spec.id] = message
        return box

    def values(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.inputs.items()}
        return {key: value for key, value in values.items() if value is not None}

    def set_value(self, field_id: str, value: Any) -> None:
        self.inputs[field_id].load(value)

    def show_problems(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        for key, label in self.messages.items():
            if key in errors:
                label.setText(self.tr("✖ ") + errors[key])
            elif key in warnings:
                label.setText(self.tr("⚠ ") + warnings[key])
            label.setVisible(key in errors or key in warnings)
            self.inputs[key].setToolTip(label.text() if label.isVisible() else "")

    def first_input(self) -> QWidget | None:
        for editor in self.inputs.values():
            return editor.focus_widgets()[0]
        return None
