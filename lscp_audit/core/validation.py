"""Check one answer value against its question: type, options, constraint and soft warning.

`validate_value` needs only the question (shape of the value). `validate_answer` also runs the
template's compiled `constraint` (a hard error: the answer cannot be accepted) and `warning` (a
soft rule: the auditor may keep the answer but must give a reason, stored in
`Answer.warning_reason` and printed in the report). Empty answers are never checked here;
whether an answer is required is `core.visibility`'s job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from lscp_audit.core.actions import LINK_PREFIXES, is_link
from lscp_audit.core.expressions import Env, is_empty, safe_regex
from lscp_audit.core.expressions.functions import parse_date
from lscp_audit.core.templates.logic import TemplateLogic
from lscp_audit.core.templates.model import CHOICE_TYPES, Question, QuestionType, Template
from lscp_audit.core.templates.scales import ACTION_FIELDS, ACTION_STATUS_OPTIONS, REQUIRED_ACTION_FIELDS

SHORT_TEXT_MAX = 200
_STATUS_CODES = tuple(o.code for o in ACTION_STATUS_OPTIONS)


class Severity(StrEnum):
    ERROR = "error"  # the answer cannot be accepted / the audit cannot be completed
    WARNING = "warning"  # the auditor must acknowledge it with a reason


@dataclass(frozen=True)
class AnswerProblem:
    """One problem with an answer. `kind` is ``missing``, ``type``, ``option``, ``constraint``
    or ``warning``; `acknowledged` is True for a warning the auditor gave a reason for."""

    question_id: str
    kind: str
    severity: Severity
    message: str
    agency: str | None = None
    acknowledged: bool = False


def validate_value(question: Question, value: Any) -> list[str]:
    """Plain-English problems with the shape of `value` for `question` (empty list: fine)."""
    if is_empty(value):
        return []
    kind = question.type
    if kind in CHOICE_TYPES:
        return _choice_problems(question, value)
    if kind == QuestionType.MULTI_CHOICE:
        return _multi_problems(question, value)
    if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        return _text_problems(kind, value)
    if kind == QuestionType.DATE:
        return [] if _is_iso_date(value) else ["must be a date in the form YYYY-MM-DD"]
    if kind == QuestionType.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        return [] if ok else ["must be a number"]
    return _actions_problems(value)


def _choice_problems(question: Question, value: Any) -> list[str]:
    codes = [o.code for o in question.options]
    if not isinstance(value, str) or value not in codes:
        return [f"must be one of: {', '.join(codes)}"]
    return []


def _multi_problems(question: Question, value: Any) -> list[str]:
    codes = [o.code for o in question.options]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ["must be a list of option codes"]
    unknown = [v for v in value if v not in codes]
    if unknown:
        return [f"has unknown option '{unknown[0]}'; choose from: {', '.join(codes)}"]
    if len(set(value)) != len(value):
        return ["lists the same option twice"]
    return []


def _text_problems(kind: QuestionType, value: Any) -> list[str]:
    if not isinstance(value, str):
        return ["must be text"]
    if kind == QuestionType.SHORT_TEXT and ("\n" in value or len(value) > SHORT_TEXT_MAX):
        return [f"must be one line of at most {SHORT_TEXT_MAX} characters"]
    return []


def _is_iso_date(value: Any) -> bool:
    return parse_date(value) is not None and isinstance(value, str)


def _actions_problems(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["must be a list of actions"]
    problems = []
    for number, row in enumerate(value, start=1):
        problems += [f"action {number} {p}" for p in _action_row_problems(row)]
    return problems


def _action_row_problems(row: Any) -> list[str]:
    if not isinstance(row, dict) or set(row) - set(ACTION_FIELDS):
        return [f"must have only the fields {', '.join(ACTION_FIELDS)}"]
    problems = []
    for key in REQUIRED_ACTION_FIELDS:
        if not isinstance(row.get(key), str) or not row[key].strip():
            problems.append(f"needs {key.replace('_', ' ')}")
    if not isinstance(row.get("measure", ""), str):
        problems.append("measure (of success) must be text")
    link = row.get("link", "")
    if not isinstance(link, str) or (link and not is_link(link)):
        problems.append(f"link must be empty or one of {', '.join(p + 'ID' for p in LINK_PREFIXES)}")
    if not _is_iso_date(row.get("due")):
        problems.append("needs a due date in the form YYYY-MM-DD")
    if row.get("status", "open") not in _STATUS_CODES:
        problems.append(f"status must be one of: {', '.join(_STATUS_CODES)}")
    return problems


def logic_of(template: Template) -> TemplateLogic:
    """The template's compiled logic (the loader always attaches it)."""
    if not isinstance(template.compiled, TemplateLogic):
        raise ValueError(f"template '{template.id}' was not built by the loader; use load_template_text")
    return template.compiled


def validate_answer(
    template: Template,
    question_id: str,
    value: Any,
    context: Mapping[str, Any] | None = None,
    *,
    agency: str | None = None,
    warning_reason: str | None = None,
    today: date | None = None,
) -> list[AnswerProblem]:
    """Every problem with answering `question_id` with `value`.

    `context` maps ids to the other answers in the same scope (the same agency for per-agency
    sections) plus subject values, as `Visibility.values_for` returns; constraints and warnings
    that refer to other questions see those. A warning with a non-empty `warning_reason` comes
    back with ``acknowledged=True``.
    """
    question = template.question(question_id)
    problems = [
        AnswerProblem(question_id, "option" if question.options else "type", Severity.ERROR, msg, agency)
        for msg in validate_value(question, value)
    ]
    if problems or is_empty(value):
        return problems
    compiled = logic_of(template).questions[question_id]
    env = Env(context or {}, current=value, today=today)
    if compiled.constraint is not None and not compiled.constraint.holds(env):
        message = question.constraint_message or "does not meet the rule for this question"
        problems.append(AnswerProblem(question_id, "constraint", Severity.ERROR, message, agency))
        return problems  # a soft warning on an answer that cannot be kept would only add noise
    if compiled.warning is not None and not compiled.warning.holds(env):
        acknowledged = bool(warning_reason and warning_reason.strip())
        message = question.warning_message or "is unusual; give a reason to keep it"
        problems.append(AnswerProblem(question_id, "warning", Severity.WARNING, message, agency, acknowledged))
    return problems


def validate_subject(template: Template, subject: Mapping[str, Any]) -> dict[str, list[str]]:
    """Problems with the subject values (case reference pattern, agencies, dates ...), by field id.

    Required fields must be filled; a pattern must match the whole value. Fields with no
    problems are left out, so an empty dict means the subject is fine.
    """
    problems: dict[str, list[str]] = {}
    for field in template.subject_fields:
        value = subject.get(field.id)
        found: list[str] = []
        if is_empty(value):
            found = ["needs an answer"] if field.required else []
        else:
            as_question = Question(field.id, field.type, field.label, options=field.options)
            found = validate_value(as_question, value)
            if (
                not found
                and field.pattern
                and isinstance(value, str)
                and not safe_regex.fullmatch(field.pattern, value)
            ):
                found = [field.pattern_message or f"must match the pattern {field.pattern}"]
        if found:
            problems[field.id] = found
    return problems
