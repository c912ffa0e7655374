"""The report's data: one JSON-compatible dict built from an audit and its frozen template.

The PDF layout renders from this dict and the same dict is embedded in the signed PDF as
``lscp-audit-report.json``, so what a reader sees and what the QA subgroup imports cannot
differ. The schema is versioned by `SCHEMA_VERSION` and documented in
docs/report-data-schema.md; change both together. Pure: no I/O, no clock (the caller passes
the time), nothing imported beyond `core`.

Visibility and derived judgements come from the template engine; they are passed in as a
`ReportInputs` value so this module stays a plain transformation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lscp_audit.core.actions import action_row, link_label
from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.identifiers import KIND_LABELS, IdentifierKind
from lscp_audit.core.partnership import LIST_AGENCIES, LIST_LOCALITIES, LIST_ROUNDS, REFERENCE_PREFIX
from lscp_audit.core.templates.licences import licence_display
from lscp_audit.core.templates.model import PER_AGENCY, Question, QuestionType, Scale, Section, Template

SCHEMA_ID = "lscp-audit/report-data"
SCHEMA_VERSION = 1
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
#: Government Security Classifications: a local partnership's reports are OFFICIAL, with the
#: OFFICIAL-SENSITIVE handling caveat for case-level material (never SECRET or TOP SECRET).
MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL")
#: Descriptors earlier GSC guidance listed; a partnership's policy may use others, so any short
#: upper-case word or phrase is accepted and these are only offered as suggestions.
SUGGESTED_DESCRIPTORS = ("PERSONAL", "COMMERCIAL", "LOCSEN")
MAX_DESCRIPTOR = 30
NOT_ANSWERED = "Not answered"
NOT_APPLICABLE = "Not applicable"


@dataclass(frozen=True)
class ReportInputs:
    """What the template engine works out for an audit, handed to `build_report_data`.

    `visible` holds the answer keys ``(question_id, agency or "")`` that are relevant; None
    means every question counts. `derived` maps a judgement scope (``overall``, a section id
    or ``section@agency``) to the derived scale code (None when it cannot be derived).
    """

    visible: frozenset[tuple[str, str]] | None = None
    derived: Mapping[str, str | None] = field(default_factory=dict)
    rule_descriptions: Mapping[str, str] = field(default_factory=dict)


def format_date(value: str | None) -> str:
    """ISO date or timestamp -> ``28 Nov 2026``; anything else comes back unchanged."""
    if not value:
        return ""
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return f"{parsed.day} {parsed:%b %Y}"


@dataclass(frozen=True)
class ProtectiveMarking:
    """A protective marking from the GSC vocabulary: classification plus optional descriptor."""

    classification: str
    descriptor: str = ""

    @property
    def text(self) -> str:
        """As printed on every page, e.g. ``OFFICIAL-SENSITIVE PERSONAL``."""
        return f"{self.classification} {self.descriptor}".strip()


def protective_marking(classification: str, descriptor: str = "") -> ProtectiveMarking:
    """Check a marking chosen at export. Raises `ValidationError` with a plain message."""
    chosen = " ".join(classification.split()).upper()
    if chosen not in MARKINGS:
        raise ValidationError([f"the protective marking must be {' or '.join(reversed(MARKINGS))}"])
    extra = " ".join(descriptor.split()).upper()
    if extra and (len(extra) > MAX_DESCRIPTOR or not all(c.isalpha() or c in " -" for c in extra)):
        raise ValidationError(
            [
                f"the marking's descriptor must be at most {MAX_DESCRIPTOR} letters, spaces or hyphens "
                f"(for example {', '.join(SUGGESTED_DESCRIPTORS)})"
            ]
        )
    return ProtectiveMarking(chosen, extra)


def parse_marking(text: str) -> ProtectiveMarking:
    """A marking given as one string (the vault's setting, ``--marking``): the classification
    first, then an optional descriptor (``OFFICIAL-SENSITIVE PERSONAL``, ``official``,
    ``OFFICIAL-SENSITIVE: PERSONAL``). Raises `ValidationError` for anything else."""
    words = " ".join(text.replace(":", " ").replace("[", " ").replace("]", " ").split()).upper()
    words = words.replace("–", "-").replace("OFFICIAL - SENSITIVE", "OFFICIAL-SENSITIVE")
    if words.startswith("OFFICIAL SENSITIVE"):  # a common spelling of the caveat without its hyphen
        words = "OFFICIAL-SENSITIVE" + words[len("OFFICIAL SENSITIVE") :]
    for classification in MARKINGS:  # the longer name first
        if words == classification or words.startswith(classification + " "):
            return protective_marking(classification, words[len(classification) :].strip(" -"))
    return protective_marking(words)


def report_id_for(audit_id: str, revision: int) -> str:
    """A short, stable report id for an audit revision, e.g. ``R-7F3A-2C9D``."""
    digest = hashlib.sha256(f"{audit_id}:{revision}".encode()).digest()
    code = base64.b32encode(digest[:5]).decode("ascii")
    return f"R-{code[:4]}-{code[4:8]}"


def content_hash(audit: AuditRecord) -> str:
    """``sha256:<hex>`` over the audit's answers, overrides, subject and template hash.

    Recorded in the next revision's change summary so readers can tie revisions together.
    """
    payload = {
        "template_hash": audit.template_hash,
        "subject": audit.subject,
        "answers": sorted(_answer_payload(a) for a in audit.answers),
        "overrides": sorted(
            json.dumps([o.scope, o.agency, o.value, o.rationale], ensure_ascii=False) for o in audit.overrides
        ),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _answer_payload(answer: Answer) -> str:
    return json.dumps(
        [answer.question_id, answer.agency, answer.value, answer.evidence, answer.warning_reason],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )


def display_value(question: Question | None, value: Any) -> str:
    """The human-readable text of an answer value (labels, UK dates)."""
    if value is None or value == "" or value == []:
        return NOT_ANSWERED
    if question is None:
        return str(value)
    kind = question.type
    if kind == QuestionType.MULTI_CHOICE and isinstance(value, list):
        return "; ".join(question.option_label(str(v)) for v in value)
    if kind in (QuestionType.YES_NO, QuestionType.SINGLE_CHOICE, QuestionType.GRADE, QuestionType.RAG):
        return question.option_label(str(value))
    if kind == QuestionType.DATE:
        return format_date(str(value))
    if kind == QuestionType.ACTIONS and isinstance(value, list):
        return f"{len(value)} action{'s' if len(value) != 1 else ''} (see the actions table)"
    return str(value)


def _agencies(audit: AuditRecord, template: Template) -> list[str]:
    value = audit.subject.get("agencies") or []
    codes = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    labels = {o.code: o.label for o in template.agency_options}
    return [labels.get(c, c) for c in codes] if codes else []


def _agency_codes(audit: AuditRecord) -> list[str]:
    value = audit.subject.get("agencies") or []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def agency_label(template: Template, code: str) -> str:
    return next((o.label for o in template.agency_options if o.code == code), code)


def _is_visible(inputs: ReportInputs, qid: str, agency: str) -> bool:
    return inputs.visible is None or (qid, agency) in inputs.visible


CARRIED_FORWARD = "Carried forward — confirm"


def _answer_entry(
    question: Question,
    answer: Answer | None,
    agency: str,
    template: Template,
    relevant: bool,
    unconfirmed: bool = False,
) -> dict[str, Any]:
    if not relevant:
        # A hidden question's answer is printed in neither mode, so its value, evidence and any
        # warning stay out of the data too (data minimisation); only the flag says it was hidden.
        return {
            "agency": agency or None,
            "agency_label": agency_label(template, agency) if agency else None,
            "value": None,
            "display": NOT_APPLICABLE,
            "evidence": "",
            "warning_message": "",
            "warning_reason": None,
            "relevant": False,
        }
    value = answer.value if answer else None
    entry = {
        "agency": agency or None,
        "agency_label": agency_label(template, agency) if agency else None,
        "value": value,
        "display": display_value(question, value),
        "evidence": answer.evidence if answer else "",
        "warning_message": question.warning_message if answer and answer.warning_reason else "",
        "warning_reason": answer.warning_reason if answer else None,
        "relevant": True,
    }
    if question.polarity:
        entry["polarity"] = _answer_polarity(question, value)
    if unconfirmed and answer is not None:  # carried forward from the previous return, not confirmed yet
        entry["carried_forward"] = True
    return entry


def _answer_polarity(question: Question, value: Any) -> str | None:
    """good / concern / neutral for a choice answer (for multi_choice: concern if any chosen
    code is a concern, else good if any is good, else neutral); None when unanswered."""
    codes = [str(v) for v in value] if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
    if not codes:
        return None
    found = {str(question.polarity_of(code)) for code in codes}
    return next(p for p in ("concern", "good", "neutral") if p in found or p == "neutral")


def _polarity_entry(question: Question) -> dict[str, list[str]]:
    """The question's declared polarity: answer codes under good, concern and neutral."""
    entry: dict[str, list[str]] = {"good": [], "concern": [], "neutral": []}
    for option in question.options:
        entry[str(question.polarity_of(option.code))].append(option.code)
    return entry


def _question_entry(
    question: Question, section: Section, audit: AuditRecord, template: Template, inputs: ReportInputs
) -> dict[str, Any]:
    answers = audit.answer_map()
    agencies = _agency_codes(audit) if section.per_agency else [""]
    entries = []
    for agency in agencies:
        if not agency and section.per_agency:
            continue
        relevant = _is_visible(inputs, question.id, agency)
        unconfirmed = (f"{question.id}@{agency}" if agency else question.id) in audit.unconfirmed
        entries.append(
            _answer_entry(question, answers.get((question.id, agency)), agency, template, relevant, unconfirmed)
        )
    entry: dict[str, Any] = {
        "id": question.id,
        "label": question.label,
        "type": str(question.type),
        "relevant": any(e["relevant"] for e in entries),
        "answers": entries,
    }
    if question.scale:
        entry["scale"] = question.scale
    if question.polarity:
        entry["polarity"] = _polarity_entry(question)
    return entry


def _section_entry(section: Section, audit: AuditRecord, template: Template, inputs: ReportInputs) -> dict[str, Any]:
    questions = [_question_entry(q, section, audit, template, inputs) for q in section.questions]
    return {
        "id": section.id,
        "title": section.title,
        "description": section.description,
        "per_agency": section.per_agency,
        "agencies": _agency_codes(audit) if section.repeat == PER_AGENCY else [],
        "relevant": any(q["relevant"] for q in questions),
        "questions": questions,
    }


def _scale(template: Template) -> Scale:
    return template.judgement_scale or template.scale("grade")


def scale_levels(scale: Scale) -> list[dict[str, Any]]:
    """The scale's levels as report data, best first (`score` is None for unscored levels)."""
    return [
        {
            "code": level.code,
            "label": level.label,
            "score": scale.scores.get(level.code),
            "colour": level.colour,
            "marker": level.marker,
            "descriptor": level.descriptor,
        }
        for level in scale.levels
    ]


def _judgement(scope: str, derived: str | None, audit: AuditRecord, scale: Scale, agency: str | None) -> dict[str, Any]:
    override = next((o for o in audit.overrides if o.scope == scope and (o.agency or None) == agency), None)
    value = override.value if override else derived
    labels = scale.labels
    return {
        "value": value,
        "label": labels.get(value, value) if value else "Not derived",
        "derived": derived,
        "overridden": override is not None,
        "rationale": override.rationale if override else "",
    }


def _judgements(audit: AuditRecord, template: Template, inputs: ReportInputs) -> dict[str, Any]:
    scale = _scale(template)
    sections = []
    for section in template.sections:
        agencies = _agency_codes(audit) if section.per_agency else [""]
        for agency in agencies:
            scope = f"{section.id}@{agency}" if agency else section.id
            derived = inputs.derived.get(scope)
            has_override = any(o.scope == section.id and (o.agency or "") == agency for o in audit.overrides)
            if derived is None and not has_override and scope not in inputs.derived:
                continue
            entry = _judgement(section.id, derived, audit, scale, agency or None)
            entry.update(
                section_id=section.id,
                title=section.title,
                agency=agency or None,
                agency_label=agency_label(template, agency) if agency else None,
            )
            sections.append(entry)
    overall = _judgement("overall", inputs.derived.get("overall"), audit, scale, None)
    overall["rule"] = inputs.rule_descriptions.get("overall", "")
    return {
        "scale": scale.id,
        "scale_title": scale.title,
        "levels": scale_levels(scale),
        "overall": overall,
        "sections": sections,
    }


def _grade_counts(sections: list[dict[str, Any]], scale: Scale) -> dict[str, int]:
    counts = {o.code: 0 for o in scale.options}
    for section in sections:
        for question in section["questions"]:
            if question.get("scale", question["type"]) != scale.id:
                continue
            for answer in question["answers"]:
                if answer["relevant"] and answer["value"] in counts:
                    counts[answer["value"]] += 1
    return counts


def _actions(audit: AuditRecord, template: Template, inputs: ReportInputs) -> list[dict[str, Any]]:
    rows = []
    for answer in audit.answers:
        try:
            question = template.question(answer.question_id)
        except KeyError:
            continue
        if question.type != QuestionType.ACTIONS or not isinstance(answer.value, list):
            continue
        if not _is_visible(inputs, answer.question_id, answer.agency or ""):
            continue
        section = template.section_of(answer.question_id)
        for item in answer.value:
            if isinstance(item, dict):
                fields = action_row(item)
                where = agency_label(template, answer.agency) if answer.agency else None
                default = f"{section.title} ({where})" if where else section.title
                rows.append(
                    {
                        "question_id": answer.question_id,
                        "agency": answer.agency,
                        # Where the action was written: the section (a Section 11 standard) and agency.
                        "section_id": section.id,
                        "section_title": section.title,
                        "question_label": question.label,
                        "agency_label": where,
                        **fields,
                        # What it answers: the link chosen, else the section it was written in.
                        "link_label": link_label(template, fields["link"]) if fields["link"] else default,
                    }
                )
    order = {s.id: i for i, s in enumerate(template.sections)}
    rows.sort(key=lambda row: order.get(str(row["section_id"]), len(order)))
    return rows


def _identifier_check(audit: AuditRecord, template: Template) -> dict[str, Any]:
    """The likely identifiers the auditor kept, each with where, what kind and why; never the
    text found (it is in the answer, and need not be repeated)."""
    kept = []
    for ack in audit.identifier_acknowledgements:
        try:
            kind_label = KIND_LABELS[IdentifierKind(ack.kind)]
        except ValueError:
            kind_label = ack.kind
        kept.append(
            {
                "kind": ack.kind,
                "kind_label": kind_label,
                "question_id": ack.question_id,
                "agency": ack.agency,
                "agency_label": agency_label(template, ack.agency) if ack.agency else None,
                "where": ack.where,
                "reason": ack.reason,
                "by": ack.by,
                "at": ack.at,
            }
        )
    return {"acknowledged": kept}


def _key_findings(sections: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Long-text answers in sections or questions named for findings, learning or summary."""
    words = ("finding", "learning", "summary", "strength", "improve")
    found = []
    for section in sections:
        in_section = any(w in section["id"].lower() for w in words)
        for question in section["questions"]:
            if question["type"] != "long_text" or not (in_section or any(w in question["id"].lower() for w in words)):
                continue
            for answer in question["answers"]:
                if answer["relevant"] and answer["value"]:
                    found.append(
                        {
                            "question_id": question["id"],
                            "label": _finding_label(section, question, answer, in_section),
                            "text": str(answer["value"]),
                            "section_title": section["title"],
                            "question_label": question["label"],
                            "agency_label": answer.get("agency_label"),
                        }
                    )
    return found


def _finding_label(section: dict[str, Any], question: dict[str, Any], answer: dict[str, Any], in_section: bool) -> str:
    label = question["label"] if in_section else f"{section['title']}: {question['label']}"
    return f"{label} ({answer['agency_label']})" if answer.get("agency_label") else label


def _changes(audit: AuditRecord, previous: AuditRecord, template: Template) -> list[dict[str, Any]]:
    before, after = previous.answer_map(), audit.answer_map()
    position = {q.id: i for i, (q, _s) in enumerate(_questions_in_order(template))}
    rows = []
    for key in sorted(set(before) | set(after), key=lambda k: (position.get(k[0], len(position)), k)):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and _answer_payload(old) == _answer_payload(new):
            continue
        qid, agency = key
        try:
            question: Question | None = template.question(qid)
            section: Section | None = template.section_of(qid)
        except KeyError:
            question, section = None, None
        reason_key = f"{qid}@{agency}" if agency else qid
        rows.append(
            {
                "key": reason_key,
                "question_id": qid,
                "agency": agency or None,
                "agency_label": agency_label(template, agency) if agency else None,
                "section_id": section.id if section else None,
                "section_title": section.title if section else "",
                "label": question.label if question else qid,
                "before": display_value(question, old.value if old else None),
                "after": display_value(question, new.value if new else None),
                "reason": audit.amendment_reasons.get(reason_key, ""),
            }
        )
    return rows


def _questions_in_order(template: Template) -> list[tuple[Question, Section]]:
    return [(q, s) for s in template.sections for q in s.questions]


def _judgement_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Section and overall judgements whose value differs between two revisions' judgements.

    A change the auditor made directly (an override) says so; otherwise it follows from the
    changed answers (a consequential change, e.g. a section moving the overall judgement)."""

    def keyed(judgements: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        entries = {(e["section_id"], e.get("agency") or ""): e for e in judgements["sections"]}
        entries[("overall", "")] = {**judgements["overall"], "title": "Overall judgement", "agency_label": None}
        return entries

    old, new = keyed(before), keyed(after)
    rows = []
    for key, entry in new.items():
        previous = old.get(key)
        if previous is None or previous.get("value") == entry.get("value"):
            continue
        rows.append(
            {
                "scope": key[0],
                "agency": key[1] or None,
                "title": entry.get("title", ""),
                "agency_label": entry.get("agency_label"),
                "before": previous.get("label", ""),
                "after": entry.get("label", ""),
                "overridden": bool(entry.get("overridden")),
                "rationale": entry.get("rationale", "") if entry.get("overridden") else "",
            }
        )
    rows.sort(key=lambda row: row["scope"] == "overall")  # sections first, the overall last
    return rows


def _amendment(
    audit: AuditRecord,
    previous: AuditRecord | None,
    template: Template,
    judgements: dict[str, Any],
    previous_inputs: ReportInputs | None,
) -> dict[str, Any] | None:
    if audit.revision <= 1 and previous is None:
        return None
    result: dict[str, Any] = {
        "previous_revision_id": audit.previous_revision_id,
        "previous_report_id": None,
        "previous_content_hash": None,
        "amended_by": {"name": audit.auditor.name, "role": audit.auditor.role, "agency": audit.auditor.agency},
        "amended_at": audit.completed_at or audit.updated_at or None,
        "changes": [],
        "judgement_changes": [],
    }
    if previous is not None:
        result["previous_report_id"] = report_id_for(previous.id, previous.revision)
        result["previous_content_hash"] = content_hash(previous)
        result["changes"] = _changes(audit, previous, template)
        if previous_inputs is not None:
            before = _judgements(previous, template, previous_inputs)
            result["judgement_changes"] = _judgement_changes(before, judgements)
    return result


def _subject_display(audit: AuditRecord, template: Template) -> list[dict[str, str]]:
    rows = []
    for subject_field in template.subject_fields:
        value = audit.subject.get(subject_field.id)
        if value in (None, "", []):
            continue
        proxy = Question(subject_field.id, subject_field.type, subject_field.label, options=subject_field.options)
        rows.append({"id": subject_field.id, "label": subject_field.label, "value": display_value(proxy, value)})
    return rows


def round_entry(audit: AuditRecord, template: Template) -> dict[str, Any] | None:
    """The audit round and locality the audit names, from the partnership lists frozen into its
    template copy; None when the template names no ``partnership.rounds`` or
    ``partnership.localities`` list. `agency` is the returning agency's code: the subject's
    ``partnership.agencies`` choice when it has a single one (a Section 11 return), else the
    auditor's agency when it matches the register by code or name (else null)."""
    profile = template.partnership
    round_field = template.subject_field_for(REFERENCE_PREFIX + LIST_ROUNDS)
    locality_field = template.subject_field_for(REFERENCE_PREFIX + LIST_LOCALITIES)
    if profile is None or (round_field is None and locality_field is None):
        return None
    round_id = _subject_code(audit, round_field)
    locality = _subject_code(audit, locality_field)
    found = profile.round(round_id) if round_id else None
    agency = _returning_agency(audit, template)
    return {
        "id": round_id,
        "title": found.title if found else None,
        "phase": (found.phase or None) if found else None,
        "period_start": (found.period_start or None) if found else None,
        "period_end": (found.period_end or None) if found else None,
        "locality": locality,
        "locality_label": profile.locality_label(locality) if locality else None,
        "agency": agency,
        "agency_label": profile.agency_label(agency) if agency else None,
        "partnership": profile.name,
    }


def _subject_code(audit: AuditRecord, subject_field: Any) -> str | None:
    if subject_field is None:
        return None
    value = audit.subject.get(subject_field.id)
    return value if isinstance(value, str) and value else None


def _returning_agency(audit: AuditRecord, template: Template) -> str | None:
    profile = template.partnership
    if profile is None:
        return None
    for subject_field in template.subject_fields:
        if (
            subject_field.options_ref == REFERENCE_PREFIX + LIST_AGENCIES
            and subject_field.type == QuestionType.SINGLE_CHOICE
        ):
            return _subject_code(audit, subject_field)
    said = " ".join(audit.auditor.agency.split()).casefold()
    if not said:
        return None
    for agency in profile.agencies:
        if said in (agency.code.casefold(), agency.label.casefold()):
            return agency.code
    return None


def build_report_data(
    audit: AuditRecord,
    template: Template,
    *,
    generated_at: dt.datetime,
    inputs: ReportInputs | None = None,
    previous: AuditRecord | None = None,
    previous_inputs: ReportInputs | None = None,
    marking: str | ProtectiveMarking = DEFAULT_MARKING,
    mode: str = "full",
    app_version: str = "",
    partnership: str = "",
) -> dict[str, Any]:
    """The complete report data (schema `SCHEMA_VERSION`) for `audit` rendered with `template`.

    `previous` is the revision this one amends (for the change summary) and `previous_inputs`
    what the template engine said about it (for the judgements that changed as a consequence);
    `partnership` is the partnership's name when known (from the signer's issuing certificate),
    else empty. `marking` is a `ProtectiveMarking` or its text (`parse_marking`; raises
    `ValidationError` outside the GSC vocabulary). `mode` is ``full``
    (not-relevant questions shown as not applicable) or ``compact`` (left out of the PDF); in both
    modes the data keeps hidden questions flagged ``relevant: false`` with ``value: null`` and no
    evidence, because neither mode prints their answers.
    """
    inputs = inputs or ReportInputs()
    chosen = marking if isinstance(marking, ProtectiveMarking) else parse_marking(marking)
    sections = [_section_entry(s, audit, template, inputs) for s in template.sections]
    judgements = _judgements(audit, template, inputs)
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "report": {
            "id": report_id_for(audit.id, audit.revision),
            "generated_at": generated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "mode": mode,
            "marking": chosen.text,
            "classification": chosen.classification,
            "descriptor": chosen.descriptor,
            "app_version": app_version,
            "content_hash": content_hash(audit),
            "partnership": partnership,
        },
        "template": {
            "id": template.id,
            "title": template.title,
            "version": template.version,
            "hash": audit.template_hash or template.content_hash,
            "kind": str(template.kind),
            "licence": licence_display(template.licence),
        },
        "audit": {
            "id": audit.id,
            "title": audit.title,
            "status": str(audit.status),
            "revision": audit.revision,
            "previous_revision_id": audit.previous_revision_id,
            "created_at": audit.created_at,
            "updated_at": audit.updated_at,
            "completed_at": audit.completed_at,
        },
        "auditor": {"name": audit.auditor.name, "role": audit.auditor.role, "agency": audit.auditor.agency},
        "subject": dict(audit.subject),
        "subject_display": _subject_display(audit, template),
        "agencies": _agencies(audit, template),
        "judgements": judgements,
        "grade_counts": _grade_counts(sections, _scale(template)),
        "key_findings": _key_findings(sections),
        "actions": _actions(audit, template, inputs),
        "identifier_check": _identifier_check(audit, template),
        "sections": sections,
        "amendment": _amendment(audit, previous, template, judgements, previous_inputs),
        "round": round_entry(audit, template),
    }
