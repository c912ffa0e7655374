"""Which input class edits which question type."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from lscp_audit.core.templates.model import Question, QuestionType
from lscp_audit.ui.editor.questions.actions import ActionsInput
from lscp_audit.ui.editor.questions.base import QuestionInput
from lscp_audit.ui.editor.questions.choice import ChoiceInput
from lscp_audit.ui.editor.questions.date_input import DateInput
from lscp_audit.ui.editor.questions.long_text import LongTextInput
from lscp_audit.ui.editor.questions.multi_choice import MultiChoiceInput
from lscp_audit.ui.editor.questions.number_input import NumberInput
from lscp_audit.ui.editor.questions.rag import RagInput
from lscp_audit.ui.editor.questions.short_text import ShortTextInput

INPUT_CLASSES: dict[QuestionType, type[QuestionInput]] = {
    QuestionType.YES_NO: ChoiceInput,
    QuestionType.SINGLE_CHOICE: ChoiceInput,
    QuestionType.GRADE: ChoiceInput,
    QuestionType.RAG: RagInput,
    QuestionType.MULTI_CHOICE: MultiChoiceInput,
    QuestionType.SHORT_TEXT: ShortTextInput,
    QuestionType.LONG_TEXT: LongTextInput,
    QuestionType.DATE: DateInput,
    QuestionType.NUMBER: NumberInput,
    QuestionType.ACTIONS: ActionsInput,
}


def make_input(
    question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
) -> QuestionInput:
    return INPUT_CLASSES[question.type](question, context, parent)
