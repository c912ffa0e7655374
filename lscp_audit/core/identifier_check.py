"""The identifier check over a whole audit: every free text that goes into the report, scanned
with `core.identifiers`, each hit placed at its question (and agency) and matched with the
auditor's acknowledgements.

Texts scanned (only what the report prints: answers of questions that are not relevant are left
out, as they are of the report): text answers, the evidence and warning reason of every answer,
the text of SMART actions (action, owner role, measure of success), judgement override
rationales, amendment reasons, the audit title and the free-text subject fields.

A hit's id is a hash of where it is (answer key and part), its kind and its text, so it stays
the same while that text stays, whatever else changes; the acknowledgement stores the id, never
the text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.audit import Answer, AuditRecord, IdentifierAcknowledgement
from lscp_audit.core.identifiers import KIND_LABELS, IdentifierKind, NameList, TextMatch, find_identifiers_in, masked
from lscp_audit.core.templates.model import QuestionType, Template

CONTEXT_CHARS = 30
TEXT_TYPES = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
ACTION_TEXT_FIELDS = (("action", "action"), ("owner_role", "owner role"), ("measure", "measure of success"))


@dataclass(frozen=True)
class ScannedText:
    """One free text of the audit and where it is."""

    question_id: str | None
    agency: str | None
    part: str  # "answer", "evidence", "warning reason", "action 2 (measure of success)", "title"...
    text: str


@dataclass(frozen=True)
class IdentifierHit:
    """A likely identifier at one place in the audit; `acknowledgement` when the auditor kept it."""

    id: str
    kind: IdentifierKind
    text: str
    before: str  # up to CONTEXT_CHARS of the text before and after it
    after: str
    note: str
    question_id: str | None
    agency: str | None
    part: str
    section_title: str
    question_label: str
    agency_label: str
    acknowledgement: IdentifierAcknowledgement | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def answer_key(self) -> str:
        """``qid`` or ``qid@agency`` (empty for audit-level texts)."""
        if not self.question_id:
            return ""
        return f"{self.question_id}@{self.agency}" if self.agency else self.question_id

    @property
    def where(self) -> str:
        """Where it is, in words: ``Section: Question (Agency), evidence``."""
        place = f"{self.section_title}: {self.question_label}" if self.section_title else self.question_label
        if self.agency_label:
            place += f" ({self.agency_label})"
        return f"{place}, {self.part}" if self.part and self.part != "answer" else place

    @property
    def masked_text(self) -> str:
        return masked(self.text)


@dataclass(frozen=True)
class IdentifierCheck:
    """Every hit in an audit, in document order."""

    hits: tuple[IdentifierHit, ...] = ()

    @property
    def unacknowledged(self) -> tuple[IdentifierHit, ...]:
        return tuple(h for h in self.hits if h.acknowledgement is None)

    @property
    def ok(self) -> bool:
        return not self.unacknowledged


def hit_id(question_id: str | None, agency: str | None, part: str, kind: IdentifierKind, text: str) -> str:
    place = f"{question_id or ''}@{agency or ''}#{part}"
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(f"{place}\n{kind}\n{normal}".encode()).hexdigest()[:20]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def scanned_texts(
    record: AuditRecord, template: Template, visible: frozenset[tuple[str, str]] | None
) -> Iterator[ScannedText]:
    """Every free text of `record` the report would print, in document order."""
    if record.title:
        yield ScannedText(None, None, "audit title", record.title)
    for subject_field in template.subject_fields:
        value = record.subject.get(subject_field.id)
        if subject_field.type in TEXT_TYPES and isinstance(value, str):
            yield ScannedText(None, None, f"case details: {subject_field.label}", value)
    by_question: dict[str, list[Answer]] = {}
    for answer in record.answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    for question in template.all_questions():
        for answer in by_question.get(question.id, ()):
            if visible is None or answer.key in visible:
                yield from _answer_texts(question.type, answer)
    for key, reason in record.amendment_reasons.items():
        qid, _, agency = key.partition("@")
        yield ScannedText(qid, agency or None, "reason for the amendment", _str(reason))
    for override in record.overrides:
        scope = "overall judgement" if override.scope == "overall" else f"judgement of section {override.scope}"
        yield ScannedText(None, override.agency, f"rationale for the {scope}", override.rationale)


def _answer_texts(kind: QuestionType, answer: Answer) -> Iterator[ScannedText]:
    qid, who = answer.question_id, answer.agency or None
    if kind in TEXT_TYPES:
        yield ScannedText(qid, who, "answer", _str(answer.value))
    elif kind == QuestionType.ACTIONS and isinstance(answer.value, list):
        for number, item in enumerate(answer.value, start=1):
            if isinstance(item, Mapping):
                for key, words in ACTION_TEXT_FIELDS:
                    yield ScannedText(qid, who, f"action {number} ({words})", _str(item.get(key)))
    yield ScannedText(qid, who, "evidence", answer.evidence)
    yield ScannedText(qid, who, "warning reason", _str(answer.warning_reason))


def check_audit(
    record: AuditRecord,
    template: Template,
    names: NameList,
    visible: frozenset[tuple[str, str]] | None = None,
) -> IdentifierCheck:
    """Scan `record` (its relevant answers when `visible` is given) and match the hits with its
    acknowledgements."""
    acknowledged = {a.hit_id: a for a in record.identifier_acknowledgements}
    labels = {o.code: o.label for o in template.agency_options}
    texts = [t for t in scanned_texts(record, template, visible) if t.text.strip()]
    found = find_identifiers_in([t.text for t in texts], names)
    hits = [
        _hit(scanned, match, template, labels, acknowledged)
        for scanned, matches in zip(texts, found, strict=True)
        for match in matches
    ]
    return IdentifierCheck(tuple(hits))


def _hit(
    scanned: ScannedText,
    match: TextMatch,
    template: Template,
    labels: Mapping[str, str],
    acknowledged: Mapping[str, IdentifierAcknowledgement],
) -> IdentifierHit:
    section_title, question_label = "", scanned.part.capitalize()
    part = scanned.part
    if scanned.question_id:
        try:
            question_label = template.question(scanned.question_id).label
            section_title = template.section_of(scanned.question_id).title
        except KeyError:
            question_label = scanned.question_id
    else:
        part = ""
    ident = hit_id(scanned.question_id, scanned.agency, scanned.part, match.kind, match.text)
    text = scanned.text
    return IdentifierHit(
        id=ident,
        kind=match.kind,
        text=match.text,
        before=text[max(0, match.start - CONTEXT_CHARS) : match.start],
        after=text[match.end : match.end + CONTEXT_CHARS],
        note=match.note,
        question_id=scanned.question_id,
        agency=scanned.agency,
        part=part,
        section_title=section_title,
        question_label=question_label,
        agency_label=labels.get(scanned.agency, scanned.agency) if scanned.agency else "",
        acknowledgement=acknowledged.get(ident),
    )


def acknowledgement_for(hit: IdentifierHit, reason: str, *, by: str, at: str) -> IdentifierAcknowledgement:
    return IdentifierAcknowledgement(
        hit_id=hit.id,
        kind=str(hit.kind),
        reason=reason,
        question_id=hit.question_id,
        agency=hit.agency,
        where=hit.where,
        by=by,
        at=at,
    )
