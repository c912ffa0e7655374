"""A subject access disclosure pack: everything the vault holds about one case reference, as
plain data (the service writes it as JSON and as a PDF).

Nothing here decides what may be disclosed. Every item that may carry information about other
people is flagged for the data protection officer's review: free text (answers, evidence,
findings, embedded report data) can describe family members and practitioners, and the names of
auditors, signers and the people who changed a record are third-party information. The Data
Protection Act 2018 Schedule 3 exemptions (social work data, serious harm) are the reviewer's call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.action_updates import ActionUpdate
from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.history import HistoryEntry
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.core.moderation import ModerationSummary
from lscp_audit.core.records import EXPORT_KIND_LABELS, HOLD_TARGET_LABELS, ExportRecord, LegalHold
from lscp_audit.core.templates.model import CHOICE_TYPES, QuestionType, Template

FREE_TEXT = "free text that may describe other people"
STAFF_NAME = "a staff member's name (third party)"
EMBEDDED_DATA = "full report data, with free text and staff names"
NOTICE = (
    "This pack lists everything LSCP Audit holds in this vault about the case reference below. It is "
    "for the data protection officer's review, not for disclosure as it stands: items marked for "
    "review may contain third-party information, and the Data Protection Act 2018 Schedule 3 "
    "exemptions (social work data, serious harm) must be considered. Corrections are made as "
    "amendments with a reason, never by editing a completed audit."
)
_TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.ACTIONS})


@dataclass(frozen=True)
class AuditHoldings:
    record: AuditRecord
    template: Template | None
    history: Sequence[HistoryEntry]
    found_by: str  # "case reference" or 'text "<term>"'


@dataclass(frozen=True)
class ModerationHolding:
    """A QA moderation record of a return: its listing, its signed JSON, and whether it verifies
    now against the moderators the vault trusts (`verification` in words)."""

    summary: ModerationSummary
    record: dict[str, Any]
    verified: bool
    verification: str


@dataclass(frozen=True)
class ReturnHoldings:
    item: ImportedReturn
    data: dict[str, Any]
    found_by: str
    action_updates: Sequence[ActionUpdate] = ()
    moderation: Sequence[ModerationHolding] = ()


def _question(template: Template | None, question_id: str) -> tuple[str, str, QuestionType | None]:
    """(question label, section title, type); the id itself when the template does not know it."""
    if template is None:
        return question_id, "", None
    try:
        question = template.question(question_id)
        return question.label, template.section_of(question_id).title, question.type
    except (KeyError, ValueError):
        return question_id, "", None


def _answer(template: Template | None, answer: Answer) -> dict[str, Any]:
    label, section, kind = _question(template, answer.question_id)
    review = []
    if kind in _TEXT_TYPES or (kind not in CHOICE_TYPES and isinstance(answer.value, str) and " " in answer.value):
        review.append(FREE_TEXT)
    if answer.evidence:
        review.append(f"evidence: {FREE_TEXT}")
    if answer.warning_reason:
        review.append(f"warning reason: {FREE_TEXT}")
    return {
        "question_id": answer.question_id,
        "question": label,
        "section": section,
        "agency": answer.agency or "",
        "value": answer.value,
        "evidence": answer.evidence,
        "warning_reason": answer.warning_reason or "",
        "review": review,
    }


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _history(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "who": entry.actor,
        "field": entry.field,
        "old": _loads(entry.old_value),
        "new": _loads(entry.new_value),
        "review": [STAFF_NAME] + ([FREE_TEXT] if entry.field.startswith("answer:") else []),
    }


def audit_section(found: AuditHoldings) -> dict[str, Any]:
    record = found.record
    return {
        "id": record.id,
        "found_by": found.found_by,
        "template": {"id": record.template_id, "version": record.template_version,
                     "title": found.template.title if found.template else ""},
        "title": record.title,
        "status": str(record.status),
        "revision": record.revision,
        "previous_revision_id": record.previous_revision_id or "",
        "created_at": record.created_at,
        "completed_at": record.completed_at or "",
        "subject": record.subject,
        "auditor": {"name": record.auditor.name, "role": record.auditor.role, "agency": record.auditor.agency,
                    "review": [STAFF_NAME]},
        "amendment_reasons": record.amendment_reasons,
        "overrides": [{"scope": o.scope, "agency": o.agency or "", "value": o.value, "rationale": o.rationale,
                       "review": [FREE_TEXT]} for o in record.overrides],
        "answers": [_answer(found.template, a) for a in record.answers],
        "history": [_history(e) for e in found.history],
    }  # fmt: skip


def return_section(found: ReturnHoldings) -> dict[str, Any]:
    item = found.item
    return {
        "id": item.id,
        "found_by": found.found_by,
        "report_id": item.report_id,
        "revision": item.revision,
        "template": {"id": item.template_id, "version": item.template_version, "title": item.template_title},
        "case_reference": item.subject,
        "signed_by": {"name": item.signer, "review": [STAFF_NAME]},
        "signed_at": item.signed_at,
        "imported_at": item.imported_at,
        "verified": item.verified,
        "overall_judgement": item.overall_label or item.overall_judgement,
        "report_data": found.data,
        "action_updates": [action_update_section(u) for u in found.action_updates],
        "moderation": [moderation_section(m, _level_labels(found.data)) for m in found.moderation],
        "review": [EMBEDDED_DATA],
    }


def _level_labels(data: dict[str, Any]) -> dict[str, str]:
    """Judgement scale code -> label, from the return's own data."""
    levels = (data.get("judgements") or {}).get("levels") if isinstance(data.get("judgements"), dict) else None
    return {
        str(level.get("code")): str(level.get("label", ""))
        for level in levels or []
        if isinstance(level, dict) and level.get("code")
    }


def moderation_section(found: ModerationHolding, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A QA moderator's signed outcome for the return: who, when, the outcome, the rationale and
    each moderated rating, with the scale's labels from `labels` (the moderator's name and the
    rationales are for review)."""
    labels = labels or {}
    record = found.record
    moderator = record.get("moderator") or {}
    return {
        "id": found.summary.id,
        "moderated_at": found.summary.moderated_at,
        "outcome": found.summary.outcome,
        "moderator": {
            "name": str(moderator.get("name", found.summary.moderator)),
            "role": str(moderator.get("role", "")),
            "agency": str(moderator.get("agency", "")),
            "certificate_sha256": found.summary.moderator_fingerprint,
        },
        "rationale": str(record.get("rationale", "")),
        "scale": str((record.get("scale") or {}).get("title", "")),
        "judgements": [
            {
                "title": str(j.get("title", j.get("scope", ""))),
                "self_rating": j.get("self_rating"),
                "self_rating_label": labels.get(str(j.get("self_rating")), str(j.get("self_rating") or "")),
                "moderated": j.get("moderated"),
                "moderated_label": labels.get(str(j.get("moderated")), str(j.get("moderated") or "")),
                "rationale": str(j.get("rationale", "")),
            }
            for j in record.get("judgements") or []
        ],
        "verified": found.verified,
        "verification": found.verification,
        "review": [STAFF_NAME, FREE_TEXT],
    }


def action_update_section(update: ActionUpdate) -> dict[str, Any]:
    """A progress update the QA subgroup recorded on one of the return's actions."""
    return {
        "action_number": update.action_index + 1,
        "action": update.action,
        "status": update.status_label,
        "note": update.note,
        "as_of": update.as_of,
        "reported_by": update.reported_by,
        "recorded_by": update.recorded_by,
        "recorded_at": update.recorded_at,
        "review": [FREE_TEXT, STAFF_NAME],
    }


def export_section(entry: ExportRecord) -> dict[str, Any]:
    return {
        "exported_at": entry.exported_at,
        "what": EXPORT_KIND_LABELS[entry.kind],
        "file": entry.file_name,
        "protection": entry.protection,
        "marking": entry.marking,
        "report_id": entry.report_id,
        "by": entry.actor,
        "review": [STAFF_NAME],
    }


def hold_section(hold: LegalHold) -> dict[str, Any]:
    return {
        "on": HOLD_TARGET_LABELS[hold.target_kind],
        "target": hold.target,
        "reason": hold.reason,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "released_at": hold.released_at or "",
        "release_reason": hold.release_reason or "",
    }


def build_pack(
    case_reference: str,
    terms: Sequence[str],
    audits: Sequence[AuditHoldings],
    returns: Sequence[ReturnHoldings],
    exports: Sequence[ExportRecord],
    holds: Sequence[LegalHold],
    *,
    generated_by: str,
    generated_at: str,
    app_version: str,
) -> dict[str, Any]:
    audit_items = [audit_section(a) for a in audits]
    return_items = [return_section(r) for r in returns]
    flagged = sum(
        1 for a in audit_items for part in (a["answers"], a["history"], a["overrides"]) for x in part if x["review"]
    ) + sum(1 + len(r["action_updates"]) + len(r["moderation"]) for r in return_items)
    return {
        "disclosure_pack": {
            "case_reference": case_reference,
            "also_searched_for": list(terms),
            "generated_at": generated_at,
            "generated_by": generated_by,
            "app_version": app_version,
            "notice": NOTICE,
            "counts": {
                "audits": len(audit_items),
                "imported_returns": len(return_items),
                "moderation_records": sum(len(r["moderation"]) for r in return_items),
                "exports": len(exports),
                "legal_holds": len(holds),
                "items_to_review": flagged,
            },
        },
        "audits": audit_items,
        "imported_returns": return_items,
        "exports": [export_section(e) for e in exports],
        "legal_holds": [hold_section(h) for h in holds],
    }
