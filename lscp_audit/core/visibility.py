"""Which questions are visible and required for a set of answers, and what is still missing.

Visibility follows XLSForm: a question is shown when its section's `relevant` and its own
`relevant` hold; a hidden question's answer is ignored (it reads as empty in every other
condition and in judgements) but it is not deleted, so it comes back if the question reappears.
Per-agency sections are evaluated once per agency listed in the subject field ``agencies``;
inside them ``${q}`` means the same agency's answer.

Answers come as a mapping from ``(question_id, agency or "")`` to either an `Answer` or a raw
value: `AuditRecord.answer_map()` works as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.expressions import Env, is_empty
from lscp_audit.core.templates.logic import TemplateLogic
from lscp_audit.core.templates.model import AGENCIES_FIELD, Question, Template
from lscp_audit.core.validation import AnswerProblem, Severity, logic_of, validate_answer

AnswerInput = Mapping[tuple[str, str], Any]


@dataclass(frozen=True)
class Visibility:
    """The result of one visibility pass.

    `questions` and `sections` hold visible ``(id, agency or "")`` keys; `values` holds, per
    scope (``""`` for shared sections, else the agency code), the answers that count (visible
    ones) plus the subject values: the context for constraints and `required_if`.
    """

    questions: frozenset[tuple[str, str]]
    sections: frozenset[tuple[str, str]]
    agencies: tuple[str, ...]
    values: Mapping[str, Mapping[str, Any]]

    def is_visible(self, question_id: str, agency: str | None = None) -> bool:
        return (question_id, agency or "") in self.questions

    def section_visible(self, section_id: str, agency: str | None = None) -> bool:
        return (section_id, agency or "") in self.sections

    def values_for(self, agency: str | None = None) -> Mapping[str, Any]:
        return self.values.get(agency or "", self.values[""])


def raw_values(answers: AnswerInput) -> dict[tuple[str, str], Any]:
    """Answer objects (or raw values) keyed ``(qid, agency or "")`` to raw values."""
    return {key: (a.value if isinstance(a, Answer) else a) for key, a in answers.items()}


def agencies_in(subject: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The agency codes a per-agency section repeats for, in the order chosen."""
    value = (subject or {}).get(AGENCIES_FIELD)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def evaluate_visibility(
    template: Template,
    answers: AnswerInput,
    subject: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Visibility:
    """Work out every visible section and question (per agency where sections repeat)."""
    logic = logic_of(template)
    raw = raw_values(answers)
    agencies = agencies_in(subject)
    shared: dict[str, Any] = {k: v for k, v in (subject or {}).items() if not is_empty(v)}
    visible_q: set[tuple[str, str]] = set()
    visible_s: set[tuple[str, str]] = set()
    today = today or date.today()
    _pass(logic, raw, "", shared, visible_q, visible_s, today)
    values: dict[str, Mapping[str, Any]] = {"": shared}
    for agency in agencies:
        scope = dict(shared)
        _pass(logic, raw, agency, scope, visible_q, visible_s, today)
        values[agency] = scope
    return Visibility(frozenset(visible_q), frozenset(visible_s), agencies, values)


def _pass(
    logic: TemplateLogic,
    raw: Mapping[tuple[str, str], Any],
    agency: str,
    scope: dict[str, Any],
    visible_q: set[tuple[str, str]],
    visible_s: set[tuple[str, str]],
    today: date,
) -> None:
    """One scope: shared sections (agency "") or one agency's per-agency sections."""
    env = Env(scope, today=today)
    repeated = logic.per_agency_sections
    questions = logic.questions
    for kind, node_id in logic.order:
        if kind == "section":
            if (node_id in repeated) == bool(agency):
                expr = logic.section_relevant[node_id]
                if expr is None or expr.holds(env):
                    visible_s.add((node_id, agency))
            continue
        compiled = questions[node_id]
        if compiled.per_agency != bool(agency) or (compiled.section_id, agency) not in visible_s:
            continue
        if compiled.relevant is None or compiled.relevant.holds(env):
            visible_q.add((node_id, agency))
            value = raw.get((node_id, agency))
            if not is_empty(value):
                scope[node_id] = value


def visible_questions(
    template: Template,
    answers: AnswerInput,
    agency: str | None = None,
    subject: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[Question]:
    """Visible questions in document order: of shared sections when `agency` is None, else of
    the per-agency sections for that agency (which must be listed in ``subject['agencies']``)."""
    if agency is not None and agency not in agencies_in(subject):
        subject = {**(subject or {}), AGENCIES_FIELD: [*agencies_in(subject), agency]}
    result = evaluate_visibility(template, answers, subject, today)
    return [q for q in template.all_questions() if result.is_visible(q.id, agency)]


def is_required(template: Template, question_id: str, visibility: Visibility, agency: str | None = None) -> bool:
    """True when the question is visible and `required` (or its `required_if` holds)."""
    if not visibility.is_visible(question_id, agency):
        return False
    question = template.question(question_id)
    if question.required:
        return True
    expr = logic_of(template).questions[question_id].required_if
    return expr is not None and expr.holds(Env(visibility.values_for(agency)))


def _instances(template: Template, visibility: Visibility) -> Iterable[tuple[Question, str | None]]:
    for section in template.sections:
        for agency in visibility.agencies if section.per_agency else (None,):
            for question in section.questions:
                if visibility.is_visible(question.id, agency):
                    yield question, agency


def find_missing(
    template: Template,
    answers: AnswerInput,
    subject: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[AnswerProblem]:
    """Required, visible questions with no answer, in document order."""
    visibility = evaluate_visibility(template, answers, subject, today)
    raw = raw_values(answers)
    return [
        AnswerProblem(q.id, "missing", Severity.ERROR, "needs an answer", agency)
        for q, agency in _instances(template, visibility)
        if is_empty(raw.get((q.id, agency or ""))) and is_required(template, q.id, visibility, agency)
    ]


def missing_required(template: Template, record: AuditRecord, today: date | None = None) -> list[AnswerProblem]:
    """Required, visible questions the audit `record` has not answered yet."""
    return find_missing(template, record.answer_map(), record.subject, today)


def check_answers(
    template: Template,
    answers: AnswerInput,
    subject: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[AnswerProblem]:
    """Everything standing between these answers and a complete audit: missing answers,
    wrong values, broken constraints, and warnings (acknowledged ones included, flagged)."""
    visibility = evaluate_visibility(template, answers, subject, today)
    problems = find_missing(template, answers, subject, today)
    for question, agency in _instances(template, visibility):
        answer = answers.get((question.id, agency or ""))
        value = answer.value if isinstance(answer, Answer) else answer
        reason = answer.warning_reason if isinstance(answer, Answer) else None
        problems += validate_answer(
            template,
            question.id,
            value,
            visibility.values_for(agency),
            agency=agency,
            warning_reason=reason,
            today=today,
        )
    return problems


def blocking_problems(problems: Iterable[AnswerProblem]) -> list[AnswerProblem]:
    """The problems that stop an audit being marked complete: errors and unacknowledged warnings."""
    return [p for p in problems if p.severity == Severity.ERROR or not p.acknowledged]
