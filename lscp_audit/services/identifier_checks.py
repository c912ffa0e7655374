"""The identifier check as a use case: scan an audit for likely identifiers (`core.identifiers`),
with the partnership's do-not-use names from the vault's settings, and record the auditor's
acknowledgements. `AuditService` runs it before completion, `ReportService` before export;
both refuse with `IdentifiersNotAcknowledged` until every hit is corrected or acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from lscp_audit.core.audit import AuditRecord, IdentifierAcknowledgement
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.identifier_check import IdentifierCheck, acknowledgement_for, check_audit
from lscp_audit.core.identifiers import NameList
from lscp_audit.core.templates.model import Template
from lscp_audit.core.visibility import evaluate_visibility

NAMES_KEY = "privacy.do_not_use_names"
MAX_REASON = 500


class IdentifiersNotAcknowledged(ValidationError):
    """Likely identifiers in the audit's text that are neither corrected nor acknowledged.
    `check` holds every hit; each problem line names where one is and its kind, with the found
    text masked (messages end up in terminals and logs)."""

    def __init__(self, check: IdentifierCheck, doing: str) -> None:
        self.check = check
        self.doing = doing
        super().__init__(
            [
                f"{hit.answer_key or 'audit'}: {hit.kind_label} ({hit.masked_text}) in {hit.where}"
                for hit in check.unacknowledged
            ]
        )


def do_not_use_names(vault: Any) -> NameList:
    """The partnership's do-not-use names from the vault's settings (empty when unreadable)."""
    from lscp_audit.services.settings_service import SettingsService, names_from_text

    return NameList.of(names_from_text(str(SettingsService(vault).get(NAMES_KEY))))


def check_record(record: AuditRecord, template: Template, names: NameList) -> IdentifierCheck:
    """Every likely identifier in what the report of `record` would print."""
    visibility = evaluate_visibility(template, record.answer_map(), record.subject)
    return check_audit(record, template, names, visibility.questions)


def acknowledged(
    record: AuditRecord,
    check: IdentifierCheck,
    reason: str,
    *,
    hit_ids: Sequence[str] | None,
    by: str,
    at: str,
) -> tuple[IdentifierAcknowledgement, ...]:
    """The record's acknowledgements after acknowledging `hit_ids` (every unacknowledged hit when
    None) with `reason`; acknowledgements of text that is no longer there are dropped."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(["give a reason for keeping the identifiers (for example why it is not identifying)"])
    if len(reason) > MAX_REASON:
        raise ValidationError([f"the reason must be at most {MAX_REASON} characters"])
    chosen = set(hit_ids) if hit_ids is not None else {h.id for h in check.unacknowledged}
    unknown = chosen - {h.id for h in check.hits}
    if unknown:
        raise ValidationError(["the text changed since the check: run the identifier check again"])
    kept = {h.id: h.acknowledgement for h in check.hits if h.acknowledgement is not None and h.id not in chosen}
    for hit in check.hits:
        if hit.id in chosen:
            kept[hit.id] = acknowledgement_for(hit, reason, by=by, at=at)
    return tuple(a for a in kept.values() if a is not None)


def current_only(record: AuditRecord, check: IdentifierCheck) -> AuditRecord:
    """`record` without acknowledgements whose text is no longer there."""
    live = {h.id for h in check.hits}
    return replace(
        record, identifier_acknowledgements=tuple(a for a in record.identifier_acknowledgements if a.hit_id in live)
    )
