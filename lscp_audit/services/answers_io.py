"""The answers JSON format used by ``lscp-audit audit fill`` and ``audit show`` (docs/answers-json.md).

A JSON object maps question ids to answers:

- plain value, encoded as `lscp_audit.core.audit` documents per question type
  (``"referred": "yes"``, ``"concerns": ["neglect", "da"]``, ``"actions": [{...}, ...]``);
- ``null`` clears a stored answer;
- the richer form ``{"value": ..., "evidence": "...", "warning_reason": "...",
  "amendment_reason": "..."}`` adds the evidence text, the reason for keeping an answer a soft
  warning applies to, and (in an amendment) why the answer changed;
- for a question in a section repeated per agency, an object keyed by agency code whose values
  are plain values or the richer form: ``"agency_rag": {"police": "green", "health": "amber"}``.

`parse_answers` turns such an object into `Answer`s plus amendment reasons, collecting every
structural problem by key; `dump_answers` writes stored answers back in the same form (the
richer form only when there is evidence or a warning reason), so fill then show round-trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.judgements import Judgement, Judgements
from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import FieldProblem, answer_key

RICH_KEYS = frozenset({"value", "evidence", "warning_reason", "amendment_reason"})


@dataclass(frozen=True)
class ParsedAnswers:
    """Answers read from JSON, amendment reasons by answer key (``qid`` or ``qid@agency``), and
    the structural problems of entries that could not be read (those are left out of `answers`)."""

    answers: tuple[Answer, ...]
    amendment_reasons: dict[str, str] = field(default_factory=dict)
    problems: tuple[FieldProblem, ...] = ()


def parse_answers(template: Template, data: Any) -> ParsedAnswers:
    """Read the answers JSON object for `template`, collecting every structural problem
    (unknown ids, per-agency shape, richer-form keys). Values are checked later by the service."""
    if not isinstance(data, Mapping):
        return ParsedAnswers((), {}, (FieldProblem("answers", "must be a JSON object of question id -> answer"),))
    answers: list[Answer] = []
    reasons: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for qid, raw in data.items():
        try:
            section = template.section_of(str(qid))
        except KeyError:
            problems.append(FieldProblem(str(qid), f"is not a question of template '{template.id}'"))
            continue
        if section.per_agency:
            _per_agency(str(qid), raw, answers, reasons, problems)
        else:
            _one(str(qid), None, raw, answers, reasons, problems)
    return ParsedAnswers(tuple(answers), reasons, tuple(problems))


def _per_agency(
    qid: str, raw: Any, answers: list[Answer], reasons: dict[str, str], problems: list[FieldProblem]
) -> None:
    if not isinstance(raw, Mapping) or not raw or set(raw) <= RICH_KEYS:
        problems.append(FieldProblem(qid, 'is asked per agency: give an object keyed by agency, e.g. {"police": ...}'))
        return
    for agency, value in raw.items():
        _one(qid, str(agency), value, answers, reasons, problems)


def _one(
    qid: str,
    agency: str | None,
    raw: Any,
    answers: list[Answer],
    reasons: dict[str, str],
    problems: list[FieldProblem],
) -> None:
    key = answer_key(qid, agency)
    if not isinstance(raw, Mapping):
        answers.append(Answer(qid, raw, agency))
        return
    unknown = sorted(set(raw) - RICH_KEYS)
    if unknown or "value" not in raw:
        problems.append(
            FieldProblem(key, 'an object answer must have "value" and only: ' + ", ".join(sorted(RICH_KEYS)))
        )
        return
    texts = {k: raw.get(k) for k in ("evidence", "warning_reason", "amendment_reason")}
    bad = [k for k, v in texts.items() if v is not None and not isinstance(v, str)]
    if bad:
        problems.append(FieldProblem(key, f"{', '.join(bad)} must be text"))
        return
    answers.append(Answer(qid, raw["value"], agency, texts["evidence"] or "", texts["warning_reason"] or None))
    if texts["amendment_reason"]:
        reasons[key] = str(texts["amendment_reason"])


def dump_answers(template: Template, answers: Iterable[Answer]) -> dict[str, Any]:
    """Stored answers as the answers JSON object, in template order (unknown ids last)."""
    order = {q.id: n for n, q in enumerate(template.all_questions())}
    result: dict[str, Any] = {}
    for answer in sorted(answers, key=lambda a: (order.get(a.question_id, len(order)), a.agency or "")):
        encoded = _encode(answer)
        if answer.agency:
            slot = result.setdefault(answer.question_id, {})
            slot[answer.agency] = encoded
        else:
            result[answer.question_id] = encoded
    return result


def _encode(answer: Answer) -> Any:
    if not answer.evidence and not answer.warning_reason:
        return answer.value
    rich: dict[str, Any] = {"value": answer.value}
    if answer.evidence:
        rich["evidence"] = answer.evidence
    if answer.warning_reason:
        rich["warning_reason"] = answer.warning_reason
    return rich


def audit_document(record: AuditRecord, template: Template, judgements: Judgements) -> dict[str, Any]:
    """The whole audit as JSON-compatible data (``audit show --json``); ``answers`` is in the
    answers JSON format, so it can be fed back to ``audit fill``."""
    return {
        "id": record.id,
        "title": record.title,
        "status": record.status.value,
        "template": {"id": record.template_id, "version": record.template_version, "hash": record.template_hash},
        "subject": record.subject,
        "auditor": asdict(record.auditor),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "completed_at": record.completed_at,
        "revision": record.revision,
        "previous_revision_id": record.previous_revision_id,
        "answers": dump_answers(template, record.answers),
        "amendment_reasons": record.amendment_reasons,
        "overrides": [asdict(o) for o in record.overrides],
        "judgements": [_judgement(j) for j in judgements.all()],
    }


def _judgement(judgement: Judgement) -> dict[str, Any]:
    return {
        "scope": judgement.scope,
        "agency": judgement.agency,
        "derived": judgement.derived,
        "value": judgement.value,
        "rule": judgement.rule_text,
        "explanation": judgement.explanation,
    }
