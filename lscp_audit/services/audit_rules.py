"""The audit rules the service applies, delegated to the pure core modules.

This is the one place where `AuditService` meets `lscp_audit.core` template logic: checking an
answer (value type, options, hard constraint, soft warning), which questions are visible and
required, progress and missing answers per section, and derived judgements with their rule text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from lscp_audit.core.audit import Answer, AuditRecord, JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.expressions import is_empty
from lscp_audit.core.judgements import Judgements, judgements_for_record, validate_override
from lscp_audit.core.templates.model import Section, Template
from lscp_audit.core.validation import Severity, validate_answer
from lscp_audit.core.visibility import Visibility, agencies_in, evaluate_visibility, is_required, missing_required
from lscp_audit.services.audit_types import (
    AnswerCheck,
    AnswerRejected,
    FieldProblem,
    MissingAnswer,
    SectionProgress,
    WarningNotAcknowledged,
    answer_key,
)

# -- templates ------------------------------------------------------------------------------


def question_label(template: Template, question_id: str) -> str:
    """The question's label, or its id when the template no longer has it."""
    try:
        return template.question(question_id).label
    except KeyError:
        return question_id


# -- answers --------------------------------------------------------------------------------


def check_answer(
    template: Template, record: AuditRecord, question_id: str, value: Any, agency: str | None
) -> AnswerCheck:
    """Hard errors and the soft warning for `value` as the answer to `question_id`, seen with
    the record's other answers (same agency scope) and subject."""
    _known_key(template, record, question_id, agency)
    visibility = evaluate_visibility(template, record.answer_map(), record.subject)
    problems = validate_answer(template, question_id, value, visibility.values_for(agency), agency=agency)
    errors = tuple(p.message for p in problems if p.severity == Severity.ERROR)
    warning = next((p.message for p in problems if p.severity == Severity.WARNING), None)
    return AnswerCheck(errors, warning)


def build_answer(
    template: Template,
    record: AuditRecord,
    question_id: str,
    value: Any,
    agency: str | None,
    evidence: str | None,
    warning_reason: str | None,
) -> Answer:
    """A validated `Answer`; `AnswerRejected` / `WarningNotAcknowledged` when it fails."""
    key = answer_key(question_id, agency)
    _known_key(template, record, question_id, agency)
    current = record.answer_map().get((question_id, agency or ""))
    kept_evidence = evidence if evidence is not None else (current.evidence if current else "")
    if value is None:  # cleared; evidence alone is kept (it may be written before the answer)
        return Answer(question_id, None, agency, kept_evidence, None)
    check = check_answer(template, record, question_id, value, agency)
    if check.errors:
        raise AnswerRejected([FieldProblem(key, message) for message in check.errors])
    reason = (warning_reason or "").strip() or None
    if check.warning and not reason:
        raise WarningNotAcknowledged(key, check.warning)
    return Answer(question_id, value, agency, kept_evidence, reason if check.warning else None)


def check_all(template: Template, record: AuditRecord, answers: Sequence[Answer]) -> list[Answer]:
    """Validate many answers against the record as it will be after all of them are saved.

    Returns the answers ready to store; raises `AnswerRejected` listing every problem.
    """
    problems: list[FieldProblem] = []
    merged = {**record.answer_map(), **{a.key: a for a in answers}}
    future = replace(record, answers=tuple(merged.values()))
    ready: list[Answer] = []
    for answer in answers:
        try:
            ready.append(
                build_answer(
                    template,
                    future,
                    answer.question_id,
                    answer.value,
                    answer.agency,
                    answer.evidence,
                    answer.warning_reason,
                )
            )
        except AnswerRejected as exc:
            problems.extend(exc.fields)
    if problems:
        raise AnswerRejected(problems)
    return ready


def _known_key(template: Template, record: AuditRecord, question_id: str, agency: str | None) -> None:
    key = answer_key(question_id, agency)
    try:
        section = template.section_of(question_id)
    except KeyError:
        raise AnswerRejected([FieldProblem(key, f"is not a question of template '{template.id}'")]) from None
    if section.per_agency and not agency:
        raise AnswerRejected([FieldProblem(key, "is asked per agency: give the agency")])
    if not section.per_agency and agency:
        raise AnswerRejected([FieldProblem(key, "is not asked per agency")])
    if agency and agency not in audit_agencies(record):
        raise AnswerRejected([FieldProblem(key, "names an agency that is not involved in this audit")])


def audit_agencies(record: AuditRecord) -> tuple[str, ...]:
    """The agencies a per-agency section repeats for (subject field ``agencies``)."""
    return agencies_in(record.subject)


# -- progress -------------------------------------------------------------------------------


def progress(template: Template, record: AuditRecord) -> tuple[SectionProgress, ...]:
    """Answered / required per visible section (per agency for repeated sections)."""
    answers = record.answer_map()
    visibility = evaluate_visibility(template, answers, record.subject)
    found = []
    for section in template.sections:
        for agency in visibility.agencies if section.per_agency else (None,):
            if visibility.section_visible(section.id, agency):
                found.append(_section_progress(template, section, agency, visibility, answers))
    return tuple(found)


def _section_progress(
    template: Template, section: Section, agency: str | None, visibility: Visibility, answers: Mapping[Any, Answer]
) -> SectionProgress:
    answered = required = answered_any = 0
    for question in section.questions:
        if not visibility.is_visible(question.id, agency):
            continue
        answer = answers.get((question.id, agency or ""))
        has_value = answer is not None and not is_empty(answer.value)
        answered_any += has_value
        if is_required(template, question.id, visibility, agency):
            required += 1
            answered += has_value
    return SectionProgress(section.id, section.title, agency, answered, required, answered_any)


def missing(template: Template, record: AuditRecord) -> tuple[MissingAnswer, ...]:
    """Visible required questions without an answer, in document order."""
    found = []
    for problem in missing_required(template, record):
        section = template.section_of(problem.question_id)
        label = question_label(template, problem.question_id)
        found.append(MissingAnswer(problem.question_id, section.id, section.title, label, problem.agency))
    return tuple(found)


# -- judgements -----------------------------------------------------------------------------


def judgements(template: Template, record: AuditRecord) -> Judgements:
    """Derived section and overall judgements with rule text, explanation and overrides."""
    return judgements_for_record(template, record)


def overall_judgement(template: Template, record: AuditRecord) -> str | None:
    """The effective overall judgement (the override when one is set), or None."""
    if template.judgement_rules is None:
        return None
    overall = judgements(template, record).overall
    return overall.value if overall else None


def build_override(template: Template, scope: str, value: str, rationale: str, agency: str | None) -> JudgementOverride:
    """A checked override: a known scope, a value on the template's scale and a rationale."""
    override = JudgementOverride(scope=scope, value=value, rationale=rationale.strip(), agency=agency)
    try:
        validate_override(template, override)
    except ValidationError as exc:
        raise AnswerRejected([FieldProblem(answer_key(scope, agency), p) for p in exc.problems]) from None
    return override
