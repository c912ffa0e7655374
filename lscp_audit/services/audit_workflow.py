"""The writing half of the audit use cases: create, save, override, complete, amend.

`AuditWorkflow` turns validated inputs into new frozen `AuditRecord` states and hands them to the
`AuditStore` (the vault's single writer). It enforces the status rules: only drafts change;
completion needs every visible required answer (and, in an amendment, a reason for every
changed answer); amending keeps the previous revision intact and marks it ``amended``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus, CarriedForward, JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.identifier_check import IdentifierCheck
from lscp_audit.core.templates.model import Template
from lscp_audit.services import audit_rules, identifier_checks
from lscp_audit.services.audit_store import AuditStore
from lscp_audit.services.audit_types import (
    AmendedAnswer,
    AuditReadOnly,
    FillReport,
    IncompleteAudit,
    SaveResult,
    answer_key,
)

log = logging.getLogger(__name__)
CASE_REFERENCE_FIELD = "case_reference"
ORGANISATION_FIELD = "agency"  # the organisation a self-assessment is about (free text)
AMENDABLE = (AuditStatus.COMPLETE, AuditStatus.SIGNED)
#: Sections never carried forward to the next round: the sign-off and the partnership's moderation.
NOT_CARRIED = frozenset({"sign_off", "signoff", "moderation"})


def new_audit_id() -> str:
    """A random, non-identifying audit id."""
    return uuid.uuid4().hex


class AuditWorkflow:
    """State changes of audits, written through `store` and recorded as `actor`."""

    def __init__(self, store: AuditStore, *, actor: str, clock: Callable[[], str]) -> None:
        self._store = store
        self._actor = actor or "auditor"
        self._clock = clock

    @property
    def actor(self) -> str:
        return self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._actor = name or "auditor"

    # -- guards ----------------------------------------------------------------------------

    def ensure_editable(self, record: AuditRecord) -> None:
        """Raise `AuditReadOnly` unless `record` is a draft."""
        if record.status != AuditStatus.DRAFT:
            raise AuditReadOnly(
                f"Audit {record.id} is {record.status.value} and read-only. Amend it to make a new revision."
            )

    # -- create ----------------------------------------------------------------------------

    def create(
        self, template: Template, subject: dict[str, Any], auditor: Auditor, title: str, answers: Sequence[Answer] = ()
    ) -> AuditRecord:
        now = self._clock()
        record = AuditRecord(
            id=new_audit_id(),
            template_id=template.id,
            template_version=template.version,
            template_hash=template.content_hash,
            template_source=template.source_text,
            subject=subject,
            auditor=auditor,
            title=title or default_title(template, subject),
            created_at=now,
            updated_at=now,
        )
        if answers:
            checked = audit_rules.check_all(template, record, answers)
            record = replace(record, answers=tuple(a for a in checked if a.value is not None))
        self._store.create(record, self._actor, template_title=template.title)
        if record.answers:
            self._refresh_judgement(None, record, template)
        log.info("audit %s created from template %s", record.id, template.id)
        return record

    # -- answers ---------------------------------------------------------------------------

    def save_answer(
        self, record: AuditRecord, template: Template, answer: Answer, amendment_reason: str | None
    ) -> SaveResult:
        self.save_many(record, template, [answer], _reasons_for([answer], amendment_reason))
        return SaveResult(
            record.id, answer_key(answer.question_id, answer.agency), self._clock(), answer.warning_reason
        )

    def save_many(
        self, record: AuditRecord, template: Template, answers: Sequence[Answer], reasons: dict[str, str]
    ) -> FillReport:
        """Store `answers` (already validated), any amendment reasons, and the new judgement."""
        self._store.save_answers(record.id, answers, self._actor)
        saved = {answer_key(a.question_id, a.agency) for a in answers}
        if saved & set(record.unconfirmed):  # changing a carried-forward answer confirms it
            self.confirm_carried_forward(record, saved)
        reasons = {k: v.strip() for k, v in reasons.items() if v and v.strip()}
        if reasons and record.previous_revision_id:  # reasons only mean something in an amendment
            self._store.set_amendment_reasons(record.id, {**record.amendment_reasons, **reasons}, self._actor)
        self._refresh_judgement(record, replace(record, answers=_merge_answers(record, answers)), template)
        keys = tuple(answer_key(a.question_id, a.agency) for a in answers)
        log.info("audit %s: %d answer(s) saved", record.id, len(keys))
        return FillReport(record.id, len(keys), keys)

    # -- overrides -------------------------------------------------------------------------

    def set_override(self, record: AuditRecord, template: Template, override: JudgementOverride) -> AuditRecord:
        kept = tuple(o for o in record.overrides if (o.scope, o.agency) != (override.scope, override.agency))
        return self._set_overrides(record, template, (*kept, override))

    def clear_override(self, record: AuditRecord, template: Template, scope: str, agency: str | None) -> AuditRecord:
        kept = tuple(o for o in record.overrides if (o.scope, o.agency) != (scope, agency))
        return self._set_overrides(record, template, kept)

    def _set_overrides(
        self, record: AuditRecord, template: Template, overrides: tuple[JudgementOverride, ...]
    ) -> AuditRecord:
        self._store.set_overrides(record.id, overrides, self._actor)
        updated = replace(record, overrides=overrides, updated_at=self._clock())
        self._refresh_judgement(record, updated, template)
        return updated

    # -- completion ------------------------------------------------------------------------

    def complete(
        self,
        record: AuditRecord,
        template: Template,
        identifiers: IdentifierCheck | None = None,
        acknowledge_reason: str | None = None,
    ) -> AuditRecord:
        """Complete `record`. With `identifiers` (the identifier check of `record`), every hit must
        be acknowledged, or `acknowledge_reason` acknowledges the rest; otherwise
        `IdentifiersNotAcknowledged` (after missing answers, which come first)."""
        missing = list(audit_rules.missing(template, record))
        changes = self.amended_answers(record, template)
        unexplained = [a.key for a in changes if not a.reason]
        unconfirmed = list(record.unconfirmed)  # carried forward: completion is blocked until each is confirmed
        if missing or unexplained or unconfirmed:
            raise IncompleteAudit(missing, unexplained, unconfirmed)
        if identifiers is not None:
            record = self._settle_identifiers(record, identifiers, acknowledge_reason)
        changed = {a.key for a in changes}
        if set(record.amendment_reasons) - changed:  # drop reasons for answers changed back
            kept = {k: v for k, v in record.amendment_reasons.items() if k in changed}
            self._store.set_amendment_reasons(record.id, kept, self._actor)
            record = replace(record, amendment_reasons=kept)
        now = self._clock()
        self._store.set_status(record.id, AuditStatus.COMPLETE, self._actor, completed_at=now)
        done = replace(record, status=AuditStatus.COMPLETE, completed_at=now, updated_at=now)
        log.info("audit %s completed", record.id)
        return done

    def acknowledge_identifiers(
        self, record: AuditRecord, check: IdentifierCheck, reason: str, hit_ids: Sequence[str] | None = None
    ) -> AuditRecord:
        """Record that the auditor keeps the hits `hit_ids` (all unacknowledged ones when None),
        with `reason`; stale acknowledgements (their text is gone) are dropped."""
        if record.status == AuditStatus.AMENDED:
            raise AuditReadOnly(f"Audit {record.id} was amended: check the newest revision instead.")
        kept = identifier_checks.acknowledged(record, check, reason, hit_ids=hit_ids, by=self._actor, at=self._clock())
        if kept != record.identifier_acknowledgements:
            self._store.set_identifier_acknowledgements(record.id, kept, self._actor)
        log.info("audit %s: %d identifier(s) acknowledged", record.id, len(kept))
        return replace(record, identifier_acknowledgements=kept)

    def _settle_identifiers(self, record: AuditRecord, check: IdentifierCheck, reason: str | None) -> AuditRecord:
        if not check.ok:
            if not (reason and reason.strip()):
                raise identifier_checks.IdentifiersNotAcknowledged(check, "completed")
            return self.acknowledge_identifiers(record, check, reason)
        current = identifier_checks.current_only(record, check)
        if current.identifier_acknowledgements != record.identifier_acknowledgements:
            self._store.set_identifier_acknowledgements(record.id, current.identifier_acknowledgements, self._actor)
        return current

    # -- carry forward ---------------------------------------------------------------------

    def start_from_previous(
        self, previous: AuditRecord, template: Template, auditor: Auditor, title: str, report_id: str
    ) -> tuple[AuditRecord, tuple[str, ...]]:
        """A new draft for the next round from `previous` (complete or signed): its subject and
        every answer the current template still asks, each marked carried forward until the user
        confirms it. The sign-off and the partnership's moderation are never carried forward.
        Returns the new record and the keys of answers left behind (no longer valid)."""
        if previous.status not in (*AMENDABLE, AuditStatus.AMENDED):
            raise ValidationError([f"Audit {previous.id} is a draft: start a new round only from a completed return."])
        if previous.template_id != template.id:
            raise ValidationError([f"Audit {previous.id} uses another template ({previous.template_id})."])
        skipped_sections = {s.id for s in template.sections if s.id in NOT_CARRIED}
        carried, left = [], []
        for answer in previous.answers:
            key = answer_key(answer.question_id, answer.agency)
            try:
                section = template.section_of(answer.question_id)
            except KeyError:
                left.append(key)
                continue
            if section.id in skipped_sections:
                continue
            carried.append(answer)
        draft = self.create(template, dict(previous.subject), auditor, title)
        kept = [
            a
            for a in self._still_valid(template, replace(draft, answers=tuple(carried)), carried)
            if a.value is not None or a.evidence
        ]
        dropped = {answer_key(a.question_id, a.agency) for a in carried} - {
            answer_key(a.question_id, a.agency) for a in kept
        }
        left += sorted(dropped)
        pending = tuple(answer_key(a.question_id, a.agency) for a in kept)
        carried_forward = CarriedForward(previous.id, report_id, pending)
        if kept:
            self._store.save_answers(draft.id, kept, self._actor)
        self._store.set_carried_forward(draft.id, carried_forward, self._actor)
        record = self._store.get(draft.id)
        self._refresh_judgement(None, record, template)
        log.info("audit %s started from %s (%d answer(s) carried forward)", draft.id, previous.id, len(pending))
        return record, tuple(left)

    @staticmethod
    def _still_valid(template: Template, future: AuditRecord, answers: Sequence[Answer]) -> list[Answer]:
        """The answers the current template accepts (a changed option or constraint leaves one behind)."""
        kept = []
        for answer in answers:
            try:
                kept += audit_rules.check_all(template, future, [answer])
            except ValidationError:
                continue
        return kept

    def confirm_carried_forward(self, record: AuditRecord, keys: set[str] | Sequence[str]) -> AuditRecord:
        """Mark carried-forward answers as confirmed by the user (recorded in the history)."""
        if record.carried_forward is None:
            return record
        remaining = tuple(k for k in record.carried_forward.pending if k not in set(keys))
        if remaining == record.carried_forward.pending:
            return record
        value = replace(record.carried_forward, pending=remaining)
        self._store.set_carried_forward(record.id, value, self._actor)
        return replace(record, carried_forward=value, updated_at=self._clock())

    # -- amendment -------------------------------------------------------------------------

    def amend(self, record: AuditRecord, template: Template) -> AuditRecord:
        if record.status not in AMENDABLE:
            raise ValidationError(
                [f"Audit {record.id} is {record.status.value}: only a complete or signed audit can be amended."]
            )
        now = self._clock()
        revision = replace(
            record,
            id=new_audit_id(),
            status=AuditStatus.DRAFT,
            created_at=now,
            updated_at=now,
            completed_at=None,
            revision=record.revision + 1,
            previous_revision_id=record.id,
            amendment_reasons={},
        )
        self._store.create(revision, self._actor, template_title=template.title)
        self._refresh_judgement(None, revision, template)
        self._store.set_status(record.id, AuditStatus.AMENDED, self._actor)
        log.info("audit %s amended as revision %d (%s)", record.id, revision.revision, revision.id)
        return revision

    def amended_answers(self, record: AuditRecord, template: Template) -> tuple[AmendedAnswer, ...]:
        if not record.previous_revision_id:
            return ()
        before = self._store.get(record.previous_revision_id).answer_map()
        after = record.answer_map()
        changes = []
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if _comparable(old) == _comparable(new):
                continue
            qid, agency = key[0], key[1] or None
            label = audit_rules.question_label(template, qid)
            text_key = answer_key(qid, agency)
            changes.append(
                AmendedAnswer(
                    key=text_key,
                    question_id=qid,
                    agency=agency,
                    label=label,
                    old_value=old.value if old else None,
                    new_value=new.value if new else None,
                    reason=record.amendment_reasons.get(text_key),
                )
            )
        return tuple(changes)

    def set_amendment_reason(self, record: AuditRecord, key: str, reason: str) -> AuditRecord:
        if not record.previous_revision_id:
            raise ValidationError([f"Audit {record.id} is not an amendment, so it takes no amendment reasons."])
        if not reason.strip():
            raise ValidationError([f"{key}: give a reason for the change"])
        reasons = {**record.amendment_reasons, key: reason.strip()}
        self._store.set_amendment_reasons(record.id, reasons, self._actor)
        return replace(record, amendment_reasons=reasons, updated_at=self._clock())

    # -- helpers ---------------------------------------------------------------------------

    def _refresh_judgement(self, before: AuditRecord | None, after: AuditRecord, template: Template) -> None:
        """Keep the list's judgement column equal to the effective overall judgement, writing
        only when it changed (autosave stays one commit). `before` None: a new audit."""
        old = audit_rules.overall_judgement(template, before) if before is not None else None
        new = audit_rules.overall_judgement(template, after)
        if new != old:
            self._store.set_judgement(after.id, new, self._actor)


def default_title(template: Template, subject: dict[str, Any]) -> str:
    """``<template title>: <case reference>``; for a self-assessment without one, the
    organisation (subject ``agency``) instead; else the template title alone."""
    for key in (CASE_REFERENCE_FIELD, ORGANISATION_FIELD):
        value = subject.get(key)
        if isinstance(value, str) and value.strip():
            return f"{template.title}: {value.strip()}"
    return template.title


def _reasons_for(answers: Sequence[Answer], reason: str | None) -> dict[str, str]:
    if not reason:
        return {}
    return {answer_key(a.question_id, a.agency): reason for a in answers}


def _merge_answers(record: AuditRecord, answers: Sequence[Answer]) -> tuple[Answer, ...]:
    """The record's answers after `answers` were saved (a None value removes one)."""
    merged = record.answer_map()
    for answer in answers:
        if answer.value is None:
            merged.pop(answer.key, None)
        else:
            merged[answer.key] = answer
    return tuple(merged.values())


def _comparable(answer: Answer | None) -> tuple[Any, str] | None:
    """What counts as a change in an amendment: the value and the evidence."""
    if answer is None or answer.value is None:
        return None
    return (answer.value, answer.evidence)
