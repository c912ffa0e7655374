"""The audit rules the service applies, delegated to the pure core modules.

This is the one place where `AuditService` meets `lscp_audit.core` template logic: rebuilding a
template from an audit's frozen source (cached by content hash), checking an answer (value
type, options, hard constraint, soft warning), which questions are visible and required,
progress and missing answers per section, and derived judgements with their rule text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from lscp_audit.core.audit import Answer, AuditRecord, JudgementOverride
from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import (
    AnswerCheck,
    AnswerRejected,
    FieldProblem,
    JudgementView,
    MissingAnswer,
    SectionProgress,
    WarningNotAcknowledged,
    answer_key,
)

OVERALL = "overall"


# -- templates ------------------------------------------------------------------------------


def template_of(record: AuditRecord) -> Template:
    """The template `record` was started with, rebuilt from its frozen YAML source."""
    return _load_frozen(record.template_source, record.template_id, record.template_hash)


@lru_cache(maxsize=16)
def _load_frozen(source: str, template_id: str, content_hash: str) -> Template:
    from lscp_audit.core.templates import load_template_text

    return load_template_text(source, f"{template_id} (frozen copy {content_hash[:15]})")


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
    """Hard errors and the soft warning for `value` as the answer to `question_id`."""
    from lscp_audit.core import validation

    _known_key(template, record, question_id, agency)
    result = validation.check_answer(template, record.subject, record.answers, question_id, value, agency)
    return AnswerCheck(tuple(result.errors), result.warning)


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
    current = record.answer_map().get((question_id, agency or ""))
    kept_evidence = evidence if evidence is not None else (current.evidence if current else "")
    if value is None:
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
    future = AuditRecord(**{**record.__dict__, "answers": tuple(merged.values())})
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
    from lscp_audit.core.templates.model import AGENCIES_FIELD

    value = record.subject.get(AGENCIES_FIELD) or []
    return tuple(value) if isinstance(value, list) else ()


# -- progress -------------------------------------------------------------------------------


def progress(template: Template, record: AuditRecord) -> tuple[SectionProgress, ...]:
    """Answered / required per visible section (per agency for repeated sections)."""
    from lscp_audit.core import validation

    return tuple(
        SectionProgress(p.section_id, p.title, p.agency, p.answered, p.required, p.answered_any)
        for p in validation.section_progress(template, record.subject, record.answers)
    )


def missing(template: Template, record: AuditRecord) -> tuple[MissingAnswer, ...]:
    """Visible required questions without an answer, in document order."""
    from lscp_audit.core import validation

    found = []
    for qid, agency in validation.missing_required(template, record.subject, record.answers):
        section = template.section_of(qid)
        found.append(MissingAnswer(qid, section.id, section.title, question_label(template, qid), agency))
    return tuple(found)


# -- judgements -----------------------------------------------------------------------------


def judgements(template: Template, record: AuditRecord) -> tuple[JudgementView, ...]:
    """Derived judgements (sections first, overall last) with rule text and overrides."""
    from lscp_audit.core import judgements as core_judgements

    overrides = {(o.scope, o.agency): o for o in record.overrides}
    views = []
    for j in core_judgements.derive(template, record.subject, record.answers):
        views.append(
            JudgementView(
                scope=j.scope,
                title=j.title,
                agency=j.agency,
                scale=j.scale,
                derived=j.value,
                rule_text=j.rule_text,
                override=overrides.get((j.scope, j.agency)),
            )
        )
    return tuple(views)


def overall_judgement(template: Template, record: AuditRecord) -> str | None:
    """The effective overall judgement (the override when one is set), or None."""
    if template.judgement_rules is None:
        return None
    for view in judgements(template, record):
        if view.scope == OVERALL:
            return view.effective
    return None


def build_override(template: Template, scope: str, value: str, rationale: str, agency: str | None) -> JudgementOverride:
    """A checked override: known scope, a value on the template's scale, a rationale."""
    from lscp_audit.core.templates.scales import SCALE_SCORES

    key = answer_key(scope, agency)
    rules = template.judgement_rules
    problems = []
    if rules is None:
        problems.append(FieldProblem(key, "this template has no judgements to override"))
    else:
        if scope != OVERALL and scope not in {s.id for s in template.sections}:
            problems.append(FieldProblem(key, "is not a section of this template"))
        if value not in SCALE_SCORES.get(rules.scale, {}):
            problems.append(FieldProblem(key, f"must be one of: {', '.join(SCALE_SCORES.get(rules.scale, {}))}"))
    if not rationale.strip():
        problems.append(FieldProblem(key, "an override needs a rationale"))
    if problems:
        raise AnswerRejected(problems)
    return JudgementOverride(scope=scope, value=value, rationale=rationale.strip(), agency=agency)
