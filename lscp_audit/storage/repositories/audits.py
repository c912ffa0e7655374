"""Audits and their answers (``audits``, ``answers``), with every change written to the history.

Public API of `AuditRepository` (reached as ``vault.audits``):

- ``create(record, actor, *, template_title="", case_reference=None, agency=None, judgement=None)``
  -> `AuditRecord` (``case_reference`` defaults to ``subject["case_reference"]``, ``agency`` to
  ``record.auditor.agency``)
- ``get(audit_id)`` -> `AuditRecord` (raises `NotFound`); ``exists(audit_id)`` -> bool
- ``frozen_template_source(template_id, version, template_hash)`` -> str or None (a template an
  audit here froze; the QA inbox shows returns on that template with it)
- ``list_summaries(AuditFilter())`` -> `AuditPage` (filtered, sorted and paged in SQL)
- ``save_answer(audit_id, answer, actor)`` (autosave: one commit, waits for it);
  ``submit_answer(...)`` -> `Future` (same, without waiting); ``save_answers(audit_id, answers,
  actor)`` (one commit; an answer whose value is None is deleted)
- ``delete_answer(audit_id, question_id, agency, actor)``
- ``set_status(audit_id, status, actor, completed_at=None)``, ``set_overrides(...)``,
  ``set_judgement(...)``, ``set_amendment_reasons(...)``, ``set_identifier_acknowledgements(...)``, ``update_subject(audit_id, subject, actor,
  *, title=None, case_reference=None)``
- ``purge_candidates(completed_before)`` and ``purge(audit_ids, actor)`` (retention, secure delete)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import asdict, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.audit import (
    Answer,
    Auditor,
    AuditRecord,
    AuditStatus,
    AuditSummary,
    CarriedForward,
    IdentifierAcknowledgement,
    JudgementOverride,
)
from lscp_audit.core.audit_query import AuditFilter, AuditPage, AuditSort
from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.storage.repositories import history
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.repositories.records import held_audits
from lscp_audit.storage.schema import AnswerRow, AuditRow, HistoryRow

_SUMMARY_COLUMNS = (
    AuditRow.id,
    AuditRow.case_reference,
    AuditRow.title,
    AuditRow.template_id,
    AuditRow.template_title,
    AuditRow.agency,
    AuditRow.auditor_name,
    AuditRow.status,
    AuditRow.judgement,
    AuditRow.updated_at,
    AuditRow.revision,
    sa.func.json_extract(AuditRow.subject, "$.agency"),
    sa.func.json_extract(AuditRow.subject, "$.agencies"),
    AuditRow.template_version,
    AuditRow.template_hash,
)


def _to_answer(row: AnswerRow) -> Answer:
    return Answer(
        question_id=row.question_id,
        value=json.loads(row.value),
        agency=row.agency or None,
        evidence=row.evidence,
        warning_reason=row.warning_reason,
    )


def _to_record(row: AuditRow, answers: Iterable[AnswerRow]) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        template_id=row.template_id,
        template_version=row.template_version,
        template_hash=row.template_hash,
        template_source=row.template_source,
        subject=json.loads(row.subject),
        status=AuditStatus(row.status),
        auditor=Auditor(name=row.auditor_name, role=row.auditor_role, agency=row.auditor_agency),
        title=row.title,
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
        revision=row.revision,
        previous_revision_id=row.previous_revision_id,
        amendment_reasons=json.loads(row.amendment_reasons),
        answers=tuple(_to_answer(a) for a in answers),
        overrides=tuple(JudgementOverride(**o) for o in json.loads(row.overrides)),
        identifier_acknowledgements=tuple(
            IdentifierAcknowledgement(**a) for a in json.loads(row.identifier_acknowledgements or "[]")
        ),
        carried_forward=carried_from_json(row.carried_forward),
    )


def carried_from_json(text: str | None) -> CarriedForward | None:
    value = json.loads(text or "{}")
    if not isinstance(value, dict) or not value.get("from_audit_id"):
        return None
    return CarriedForward(
        str(value["from_audit_id"]), str(value.get("from_report_id") or ""), tuple(value.get("pending") or ())
    )


def carried_to_json(value: CarriedForward | None) -> str:
    if value is None:
        return "{}"
    return dumps(
        {"from_audit_id": value.from_audit_id, "from_report_id": value.from_report_id, "pending": list(value.pending)}
    )


def _text_list(value: Any) -> tuple[str, ...]:
    """Subject ``agencies`` as read by ``json_extract``: JSON array text, one code, or None."""
    if value is None:
        return ()
    try:
        parsed = json.loads(value) if isinstance(value, str) and value.startswith("[") else value
    except ValueError:
        return (str(value),)
    return tuple(str(v) for v in parsed) if isinstance(parsed, list) else (str(parsed),)


def _to_summary(values: Any) -> AuditSummary:
    (audit_id, case_ref, title, template_id, template_title, agency, auditor, status, judgement, updated) = values[:10]
    revision, organisation, agencies, template_version, template_hash = values[10:]
    return AuditSummary(
        id=audit_id,
        case_reference=case_ref,
        title=title,
        template_id=template_id,
        template_title=template_title,
        agency=agency,
        auditor=auditor,
        status=AuditStatus(status),
        judgement=judgement,
        updated_at=updated,
        revision=int(revision or 1),
        organisation=organisation if isinstance(organisation, str) else "",
        agencies=_text_list(agencies),
        template_version=template_version or "",
        template_hash=template_hash or "",
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _agency_condition(code: str, names: tuple[str, ...]) -> Any:
    """The case involves agency `code`, or the auditor's agency or the self-assessed
    organisation is that agency (its code or a name, ignoring case)."""
    involved = sa.select(sa.literal(1)).select_from(
        sa.func.json_each(AuditRow.subject, "$.agencies").table_valued("value")
    )
    involved = involved.where(sa.literal_column("value") == code)
    lowered = sorted({code.lower(), *(n.lower() for n in names if n)})
    organisation = sa.func.lower(sa.func.json_extract(AuditRow.subject, "$.agency"))
    return sa.or_(involved.exists(), sa.func.lower(AuditRow.agency).in_(lowered), organisation.in_(lowered))


def _conditions(f: AuditFilter) -> list[Any]:
    conds: list[Any] = []
    if f.statuses:
        conds.append(AuditRow.status.in_([str(s) for s in f.statuses]))
    if f.template_id:
        conds.append(AuditRow.template_id == f.template_id)
    if f.agency:
        conds.append(_agency_condition(f.agency, f.agency_names))
    if f.judgement:
        conds.append(AuditRow.judgement == f.judgement)
    if f.updated_from:
        conds.append(AuditRow.updated_at >= f.updated_from)
    if f.updated_to:
        conds.append(AuditRow.updated_at <= f.updated_to)
    if f.text:
        pattern = _like(f.text)
        conds.append(
            sa.or_(
                sa.func.lower(AuditRow.case_reference).like(pattern, escape="\\"),
                sa.func.lower(AuditRow.title).like(pattern, escape="\\"),
            )
        )
    return conds


class AuditRepository:
    """Audits and answers; see the module docstring for the API."""

    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    # --- reads ------------------------------------------------------------------------------
    def get(self, audit_id: str) -> AuditRecord:
        with self._ctx.read() as session:
            row = session.get(AuditRow, audit_id)
            if row is None:
                raise NotFound(f"No audit with id {audit_id} is in the vault.")
            answers = session.scalars(
                sa.select(AnswerRow).where(AnswerRow.audit_id == audit_id).order_by(AnswerRow.id)
            ).all()
            return _to_record(row, answers)

    def exists(self, audit_id: str) -> bool:
        with self._ctx.read() as session:
            return session.get(AuditRow, audit_id) is not None

    def list_summaries(self, query: AuditFilter | None = None) -> AuditPage:
        f = query or AuditFilter()
        conds = _conditions(f)
        sort_col: Any = getattr(AuditRow, str(f.sort))
        if f.sort == AuditSort.CASE_REFERENCE:  # a self-assessment sorts by its organisation
            organisation = sa.func.json_extract(AuditRow.subject, "$.agency")
            sort_col = sa.func.coalesce(sa.func.nullif(AuditRow.case_reference, ""), organisation, "")
        order = [sort_col.desc() if f.descending else sort_col.asc(), AuditRow.id]
        stmt = sa.select(*_SUMMARY_COLUMNS).where(*conds).order_by(*order).offset(f.offset)
        if f.limit is not None:
            stmt = stmt.limit(f.limit)
        with self._ctx.read() as session:
            items = tuple(_to_summary(r) for r in session.execute(stmt))
            total = session.execute(sa.select(sa.func.count()).select_from(AuditRow).where(*conds)).scalar_one()
        return AuditPage(items=items, total=int(total))

    def frozen_template_source(self, template_id: str, version: str, template_hash: str) -> str | None:
        """The template source an audit in this vault froze for that id, version and hash, or None."""
        with self._ctx.read() as session:
            source = session.scalar(
                sa.select(AuditRow.template_source)
                .where(
                    AuditRow.template_id == template_id,
                    AuditRow.template_version == version,
                    AuditRow.template_hash == template_hash,
                    AuditRow.template_source != "",
                )
                .limit(1)
            )
            return None if source is None else str(source)

    def count(self) -> int:
        with self._ctx.read() as session:
            return int(session.execute(sa.select(sa.func.count()).select_from(AuditRow)).scalar_one())

    # --- creation ---------------------------------------------------------------------------
    def create(
        self,
        record: AuditRecord,
        actor: str,
        *,
        template_title: str = "",
        case_reference: str | None = None,
        agency: str | None = None,
        judgement: str | None = None,
    ) -> AuditRecord:
        now = self._ctx.clock()
        record = replace(record, created_at=record.created_at or now, updated_at=record.updated_at or now)
        case_ref = case_reference if case_reference is not None else str(record.subject.get("case_reference", ""))
        row = AuditRow(
            id=record.id,
            template_id=record.template_id,
            template_version=record.template_version,
            template_hash=record.template_hash,
            template_title=template_title,
            template_source=record.template_source,
            subject=dumps(record.subject),
            title=record.title,
            status=str(record.status),
            auditor_name=record.auditor.name,
            auditor_role=record.auditor.role,
            auditor_agency=record.auditor.agency,
            created_at=record.created_at,
            updated_at=record.updated_at,
            completed_at=record.completed_at,
            revision=record.revision,
            previous_revision_id=record.previous_revision_id,
            amendment_reasons=dumps(record.amendment_reasons),
            overrides=dumps([asdict(o) for o in record.overrides]),
            identifier_acknowledgements=dumps([asdict(a) for a in record.identifier_acknowledgements]),
            carried_forward=carried_to_json(record.carried_forward),
            case_reference=case_ref,
            agency=agency if agency is not None else record.auditor.agency,
            judgement=judgement,
        )

        def work(session: Session) -> None:
            session.add(row)
            session.flush()
            # The "created" entry records the audit-level fields the audit starts with, so `vault check`
            # can tell a later edit made behind the history's back even before the first change.
            baseline = {name: history.stored_field(row, name) for name in history.AUDIT_FIELDS}
            created = dumps({"template_id": record.template_id, "baseline": baseline})
            history.append(session, record.id, actor, "created", "null", created, now)
            for answer in record.answers:
                self._upsert_answer(session, record.id, answer, actor, now)

        self._ctx.writer.run(work)
        return record

    # --- autosave ---------------------------------------------------------------------------
    def _upsert_answer(self, session: Session, audit_id: str, answer: Answer, actor: str, now: str) -> None:
        agency = answer.agency or ""
        row = session.execute(
            sa.select(AnswerRow).where(
                AnswerRow.audit_id == audit_id, AnswerRow.question_id == answer.question_id, AnswerRow.agency == agency
            )
        ).scalar_one_or_none()
        old = history.answer_json(row)
        if row is None:
            row = AnswerRow(audit_id=audit_id, question_id=answer.question_id, agency=agency)
            session.add(row)
        row.value = dumps(answer.value)
        row.evidence = answer.evidence
        row.warning_reason = answer.warning_reason
        row.updated_at = now
        new = history.answer_json(row)
        if new != old:
            history.append(session, audit_id, actor, history.answer_field(answer.question_id, agency), old, new, now)

    def _touch(self, session: Session, audit_id: str, now: str) -> AuditRow:
        audit = session.get(AuditRow, audit_id)
        if audit is None:
            raise NotFound(f"No audit with id {audit_id} is in the vault.")
        audit.updated_at = now
        return audit

    def submit_answer(self, audit_id: str, answer: Answer, actor: str) -> Future[None]:
        """Queue an autosave of one answer; the Future completes when it is committed."""
        now = self._ctx.clock()

        def work(session: Session) -> None:
            self._touch(session, audit_id, now)
            self._upsert_answer(session, audit_id, answer, actor, now)

        return self._ctx.writer.submit(work)

    def save_answer(self, audit_id: str, answer: Answer, actor: str) -> None:
        """Autosave one answer and wait until it is durably committed."""
        self.submit_answer(audit_id, answer, actor).result()

    def save_answers(self, audit_id: str, answers: Iterable[Answer], actor: str) -> None:
        """Save several answers in one commit; an answer whose value is None is deleted."""
        batch = list(answers)
        now = self._ctx.clock()

        def work(session: Session) -> None:
            self._touch(session, audit_id, now)
            for answer in batch:
                if answer.value is None:
                    self._delete_answer_in(session, audit_id, answer.question_id, answer.agency or "", actor, now)
                else:
                    self._upsert_answer(session, audit_id, answer, actor, now)

        self._ctx.writer.run(work)

    def _delete_answer_in(
        self, session: Session, audit_id: str, question_id: str, agency: str, actor: str, now: str
    ) -> None:
        row = session.execute(
            sa.select(AnswerRow).where(
                AnswerRow.audit_id == audit_id, AnswerRow.question_id == question_id, AnswerRow.agency == agency
            )
        ).scalar_one_or_none()
        if row is not None:
            old = history.answer_json(row)
            session.delete(row)
            history.append(session, audit_id, actor, history.answer_field(question_id, agency), old, "null", now)

    def delete_answer(self, audit_id: str, question_id: str, agency: str | None, actor: str) -> None:
        now = self._ctx.clock()

        def work(session: Session) -> None:
            self._touch(session, audit_id, now)
            self._delete_answer_in(session, audit_id, question_id, agency or "", actor, now)

        self._ctx.writer.run(work)

    # --- audit-level fields -----------------------------------------------------------------
    def _set_field(self, audit_id: str, actor: str, column: str, value: str, field_name: str | None = None) -> None:
        now = self._ctx.clock()

        def work(session: Session) -> None:
            audit = self._touch(session, audit_id, now)
            old = getattr(audit, column)
            if old != value:
                setattr(audit, column, value)
                old_json = old if column in _JSON_COLUMNS else dumps(old)
                new_json = value if column in _JSON_COLUMNS else dumps(value)
                history.append(session, audit_id, actor, field_name or column, old_json, new_json, now)

        self._ctx.writer.run(work)

    def set_status(self, audit_id: str, status: AuditStatus, actor: str, completed_at: str | None = None) -> None:
        self._set_field(audit_id, actor, "status", str(status))
        if completed_at is not None:
            self._set_field(audit_id, actor, "completed_at", completed_at)

    def set_overrides(self, audit_id: str, overrides: Iterable[JudgementOverride], actor: str) -> None:
        self._set_field(audit_id, actor, "overrides", dumps([asdict(o) for o in overrides]))

    def set_judgement(self, audit_id: str, judgement: str | None, actor: str) -> None:
        self._set_field(audit_id, actor, "judgement", judgement)  # type: ignore[arg-type]

    def set_amendment_reasons(self, audit_id: str, reasons: dict[str, str], actor: str) -> None:
        self._set_field(audit_id, actor, "amendment_reasons", dumps(reasons))

    def set_identifier_acknowledgements(
        self, audit_id: str, acknowledgements: Iterable[IdentifierAcknowledgement], actor: str
    ) -> None:
        """Record which likely identifiers the auditor kept, and why (any status but amended:
        acknowledging changes no answer, so a complete or signed audit takes them too)."""
        self._set_field(audit_id, actor, "identifier_acknowledgements", dumps([asdict(a) for a in acknowledgements]))

    def set_carried_forward(self, audit_id: str, value: CarriedForward | None, actor: str) -> None:
        """Record which carried-forward answers are still unconfirmed (in the change history)."""
        self._set_field(audit_id, actor, "carried_forward", carried_to_json(value))

    def update_subject(
        self,
        audit_id: str,
        subject: dict[str, Any],
        actor: str,
        *,
        title: str | None = None,
        case_reference: str | None = None,
    ) -> None:
        self._set_field(audit_id, actor, "subject", dumps(subject))
        if title is not None:
            self._set_field(audit_id, actor, "title", title)
        ref = case_reference if case_reference is not None else subject.get("case_reference")
        if ref is not None:
            self._set_field(audit_id, actor, "case_reference", str(ref))

    # --- retention --------------------------------------------------------------------------
    def purge_candidates(self, completed_before: str) -> list[AuditSummary]:
        """Completed, signed or amended audits completed before the given ISO date/time.

        A revision that a later revision points to (``previous_revision_id``) is only a candidate
        when that later revision is one too: an amended revision is never purged from under the
        revision that replaced it, whose editor, completion and export read it.
        """
        done = [str(AuditStatus.COMPLETE), str(AuditStatus.SIGNED), str(AuditStatus.AMENDED)]
        stmt = (
            sa.select(*_SUMMARY_COLUMNS)
            .where(
                AuditRow.status.in_(done), AuditRow.completed_at.is_not(None), AuditRow.completed_at < completed_before
            )
            .order_by(AuditRow.completed_at)
        )
        with self._ctx.read() as session:
            found = [_to_summary(r) for r in session.execute(stmt)]
            links = session.execute(
                sa.select(AuditRow.previous_revision_id, AuditRow.id).where(AuditRow.previous_revision_id.is_not(None))
            ).all()
        keep = _still_needed({s.id for s in found}, links)
        return [s for s in found if s.id not in keep]

    def completed_dates(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(id, case reference, completed at, subject) of every completed, signed or amended
        audit, oldest completion first: what the retention plan counts ages from."""
        done = [str(AuditStatus.COMPLETE), str(AuditStatus.SIGNED), str(AuditStatus.AMENDED)]
        stmt = (
            sa.select(AuditRow.id, AuditRow.case_reference, AuditRow.completed_at, AuditRow.subject)
            .where(AuditRow.status.in_(done), AuditRow.completed_at.is_not(None))
            .order_by(AuditRow.completed_at)
        )
        with self._ctx.read() as session:
            rows = session.execute(stmt).all()
        out = []
        for audit_id, case_reference, completed_at, subject in rows:
            try:
                parsed = json.loads(subject or "{}")
            except ValueError:
                parsed = {}
            out.append(
                (
                    str(audit_id),
                    str(case_reference or ""),
                    str(completed_at),
                    parsed if isinstance(parsed, dict) else {},
                )
            )
        return out

    def purge(self, audit_ids: Iterable[str], actor: str) -> int:
        """Delete audits, their answers and history (secure_delete zeroes the freed pages).

        Records one ``purged`` entry per audit in the vault-level history chain. Returns the count.
        """
        ids = list(audit_ids)
        now = self._ctx.clock()

        def work(session: Session) -> int:
            links = session.execute(
                sa.select(AuditRow.previous_revision_id, AuditRow.id).where(AuditRow.previous_revision_id.is_not(None))
            ).all()
            needed = _still_needed(set(ids), links)
            if needed:
                raise ValidationError(
                    [
                        f"{len(needed)} audit revision(s) cannot be purged: a later revision that is kept is "
                        "based on them. Purge the later revision too, or keep both."
                    ]
                )
            held = held_audits(session, ids)
            if held:
                raise ValidationError(
                    [f"{len(held)} audit(s) are under a legal hold and cannot be purged; release the hold first."]
                )
            removed = 0
            for audit_id in ids:
                row = session.get(AuditRow, audit_id)
                if row is None:
                    continue
                session.execute(sa.delete(AnswerRow).where(AnswerRow.audit_id == audit_id))
                session.delete(row)
                session.flush()  # the audit must be gone before its history may be deleted
                session.execute(sa.delete(HistoryRow).where(HistoryRow.audit_id == audit_id))
                history.append(session, history.VAULT_CHAIN, actor, "purged", "null", dumps(audit_id), now)
                removed += 1
            return removed

        removed = self._ctx.writer.run(work)
        self._ctx.writer.run(lambda s: s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
        return removed


_JSON_COLUMNS = {"subject", "overrides", "amendment_reasons", "identifier_acknowledgements", "carried_forward"}


def _still_needed(chosen: set[str], links: Iterable[Any]) -> set[str]:
    """The ids in `chosen` that a revision outside `chosen` depends on, directly or through a
    chain of chosen revisions (A <- B <- C with only A and B chosen: both are still needed)."""
    later: dict[str, list[str]] = {}
    for previous, audit_id in links:
        later.setdefault(str(previous), []).append(str(audit_id))
    needed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for audit_id in chosen - needed:
            if any(n not in chosen or n in needed for n in later.get(audit_id, [])):
                needed.add(audit_id)
                changed = True
    return needed
