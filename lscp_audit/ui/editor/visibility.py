"""Which questions are visible and required right now, for live show/hide in the editor.

A thin adapter over `lscp_audit.core.visibility` (the same rules the service applies when it
checks and completes an audit) that returns plain key sets the pages can apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lscp_audit.core.audit import Answer
from lscp_audit.core.templates.model import Template
from lscp_audit.core.visibility import evaluate_visibility, is_required


@dataclass
class VisibleState:
    """Keys (``qid`` / ``qid@agency``, ``section`` / ``section@agency``) visible and required."""

    questions: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)


def _key(item_id: str, agency: str) -> str:
    return f"{item_id}@{agency}" if agency else item_id


def evaluate(
    template: Template, subject: Mapping[str, Any], answers: Sequence[Answer], agencies: Sequence[str] = ()
) -> VisibleState:
    """Visibility for the shared sections and each agency's copy of repeated sections."""
    result = evaluate_visibility(template, {a.key: a for a in answers}, subject)
    state = VisibleState()
    state.sections = {_key(section_id, agency) for section_id, agency in result.sections}
    for question_id, agency in result.questions:
        key = _key(question_id, agency)
        state.questions.add(key)
        if is_required(template, question_id, result, agency or None):
            state.required.add(key)
    return state
