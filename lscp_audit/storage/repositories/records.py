"""Records management in the vault: the export log and legal holds.

``vault.export_log``: ``record(ExportRecord)``, ``list(case_reference=None)``,
``purge_before(iso)``. ``vault.holds``: ``place(kind, target, reason, actor)``,
``release(hold_id, reason, actor)``, ``list(active_only=False)``. ``vault.subject_search``:
``audit_ids_for_case``, ``return_ids_for_case``, ``audit_ids_mentioning``, ``return_ids_mentioning``.

Placing and releasing a hold are written to the vault-level change history in the same
transaction (and, for an audit, to that audit's own history), so the hold cannot be added or
lifted without a trace.
"""

from __future__ import annotations

import builtins
import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.records import (
    ExportKind,
    ExportRecord,
    HoldSet,
    HoldTarget,
    LegalHold,
    audit_hold_keys,
    return_hold_keys,
)
from lscp_audit.storage.repositories import history
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import (
    AnswerRow,
    AuditRow,
    ExportLogRow,
    ImportedReturnDataRow,
    ImportedReturnRow,
    LegalHoldRow,
)

MAX_REASON_CHARS = 2000


def _record(row: ExportLogRow) -> ExportRecord:
    try:
        kind = ExportKind(row.kind)
    except ValueError:
        kind = ExportKind.OTHER
    return ExportRecord(
        id=row.id,
        kind=kind,
        file_name=row.file_name,
        protection=row.protection,
        actor=row.actor,
        exported_at=row.exported_at,
        audit_id=row.audit_id,
        report_id=row.report_id,
        case_reference=row.case_reference,
        marking=row.marking,
    )


def _hold(row: LegalHoldRow) -> LegalHold:
    return LegalHold(
        id=row.id,
        target_kind=HoldTarget(row.target_kind),
        target=row.target,
        reason=row.reason,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
        released_at=row.released_at,
        released_by=row.released_by,
        release_reason=row.release_reason,
    )


class ExportLogRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def record(self, entry: ExportRecord) -> ExportRecord:
        at = entry.exported_at or self._ctx.clock()

        def work(session: Session) -> int:
            row = ExportLogRow(
                exported_at=at,
                actor=entry.actor,
                kind=str(entry.kind),
                audit_id=entry.audit_id,
                report_id=entry.report_id,
                case_reference=entry.case_reference,
                file_name=entry.file_name,
                protection=entry.protection,
                marking=entry.marking,
            )
            session.add(row)
            session.flush()
            return int(row.id)

        new_id = self._ctx.writer.run(work)
        return ExportRecord(**{**entry.__dict__, "id": new_id, "exported_at": at})

    def list(self, case_reference: str | None = None) -> builtins.list[ExportRecord]:
        """Newest first; only one case reference's exports when given (exact, case-insensitive)."""
        stmt = sa.select(ExportLogRow).order_by(ExportLogRow.exported_at.desc(), ExportLogRow.id.desc())
        if case_reference is not None:
            stmt = stmt.where(sa.func.lower(ExportLogRow.case_reference) == case_reference.casefold())
        with self._ctx.read() as session:
            return [_record(r) for r in session.scalars(stmt)]

    def older_than(self, cutoff: str) -> builtins.list[ExportRecord]:
        stmt = sa.select(ExportLogRow).where(ExportLogRow.exported_at < cutoff).order_by(ExportLogRow.exported_at)
        with self._ctx.read() as session:
            return [_record(r) for r in session.scalars(stmt)]

    def delete(self, ids: builtins.list[int], actor: str) -> int:
        now = self._ctx.clock()

        def work(session: Session) -> int:
            present = session.scalars(sa.select(ExportLogRow.id).where(ExportLogRow.id.in_(ids))).all()
            session.execute(sa.delete(ExportLogRow).where(ExportLogRow.id.in_(present)))
            removed = len(present)
            if removed:
                history.append(session, history.VAULT_CHAIN, actor, "export_log_purged", "null", dumps(removed), now)
            return int(removed)

        return int(self._ctx.writer.run(work)) if ids else 0


class LegalHoldRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def held_audit_ids(self, audit_ids: builtins.list[str]) -> set[str]:
        with self._ctx.read() as session:
            return held_audits(session, audit_ids)

    def held_return_ids(self, return_ids: builtins.list[str]) -> set[str]:
        with self._ctx.read() as session:
            return held_returns(session, return_ids)

    def list(self, *, active_only: bool = False) -> builtins.list[LegalHold]:
        stmt = sa.select(LegalHoldRow).order_by(LegalHoldRow.placed_at.desc())
        if active_only:
            stmt = stmt.where(LegalHoldRow.released_at.is_(None))
        with self._ctx.read() as session:
            return [_hold(r) for r in session.scalars(stmt)]

    def get(self, hold_id: str) -> LegalHold:
        with self._ctx.read() as session:
            row = session.get(LegalHoldRow, hold_id)
            if row is None:
                raise NotFound(f"no legal hold with id {hold_id}")
            return _hold(row)

    def place(self, kind: HoldTarget, target: str, reason: str, actor: str) -> LegalHold:
        target, reason = target.strip(), reason.strip()
        _check_text(target, "what the hold is on")
        _check_text(reason, "the reason for the hold")
        now = self._ctx.clock()
        hold_id = uuid.uuid4().hex

        def work(session: Session) -> None:
            existing = session.scalar(
                sa.select(LegalHoldRow.id).where(
                    LegalHoldRow.target_kind == str(kind),
                    sa.func.lower(LegalHoldRow.target) == target.casefold(),
                    LegalHoldRow.released_at.is_(None),
                )
            )
            if existing is not None:
                raise ValidationError([f"{target} is already under a legal hold"])
            if kind == HoldTarget.AUDIT and session.get(AuditRow, target) is None:
                raise NotFound(f"no audit with id {target}")
            session.add(
                LegalHoldRow(
                    id=hold_id, target_kind=str(kind), target=target, reason=reason, placed_by=actor, placed_at=now
                )
            )
            detail = dumps({"hold": hold_id, "on": str(kind), "target": target, "reason": reason})
            history.append(session, history.VAULT_CHAIN, actor, "legal_hold_placed", "null", detail, now)
            if kind == HoldTarget.AUDIT:
                history.append(session, target, actor, "legal_hold", dumps(None), dumps(reason), now)

        self._ctx.writer.run(work)
        return self.get(hold_id)

    def release(self, hold_id: str, reason: str, actor: str) -> LegalHold:
        reason = reason.strip()
        _check_text(reason, "the reason for releasing the hold")
        now = self._ctx.clock()

        def work(session: Session) -> None:
            row = session.get(LegalHoldRow, hold_id)
            if row is None:
                raise NotFound(f"no legal hold with id {hold_id}")
            if row.released_at is not None:
                raise ValidationError(["this legal hold has already been released"])
            row.released_at, row.released_by, row.release_reason = now, actor, reason
            detail = dumps({"hold": hold_id, "on": row.target_kind, "target": row.target, "reason": reason})
            history.append(session, history.VAULT_CHAIN, actor, "legal_hold_released", "null", detail, now)
            if row.target_kind == str(HoldTarget.AUDIT) and session.get(AuditRow, row.target) is not None:
                history.append(session, row.target, actor, "legal_hold", json.dumps(row.reason), dumps(None), now)

        self._ctx.writer.run(work)
        return self.get(hold_id)


def _check_text(text: str, what: str) -> None:
    if not text:
        raise ValidationError([f"Give {what}."])
    if len(text) > MAX_REASON_CHARS:
        raise ValidationError([f"{what[0].upper()}{what[1:]} is too long (at most {MAX_REASON_CHARS} characters)."])


def _active_holds(session: Session) -> HoldSet:
    return HoldSet.of(
        [_hold(r) for r in session.scalars(sa.select(LegalHoldRow).where(LegalHoldRow.released_at.is_(None)))]
    )


def held_audits(session: Session, audit_ids: builtins.list[str]) -> set[str]:
    """The audits among `audit_ids` that an active hold covers (checked again at the storage layer
    so no code path can purge a held audit)."""
    holds = _active_holds(session)
    if not holds.holds or not audit_ids:
        return set()
    rows = session.execute(
        sa.select(AuditRow.id, AuditRow.case_reference, AuditRow.subject).where(AuditRow.id.in_(audit_ids))
    ).all()
    held = set()
    for audit_id, case_reference, subject in rows:
        try:
            parsed = json.loads(subject or "{}")
        except ValueError:
            parsed = {}
        if holds.holding_any(
            *audit_hold_keys(audit_id, case_reference or "", parsed if isinstance(parsed, dict) else {})
        ):
            held.add(str(audit_id))
    return held


def held_returns(session: Session, return_ids: builtins.list[str]) -> set[str]:
    """The imported returns among `return_ids` that an active hold covers."""
    holds = _active_holds(session)
    if not holds.holds or not return_ids:
        return set()
    rows = session.execute(
        sa.select(ImportedReturnRow.id, ImportedReturnRow.subject, ImportedReturnRow.round_id).where(
            ImportedReturnRow.id.in_(return_ids)
        )
    ).all()
    return {
        str(i)
        for i, subject, round_id in rows
        if holds.holding_any(*return_hold_keys(i, subject or "", round_id or ""))
    }


class SubjectSearchRepository:
    """Find everything held about one case reference, and free text that mentions a term (for a
    subject access request: an agency's own record number typed into an answer is found too).
    These are full scans: a request is rare and must be complete."""

    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def audit_ids_for_case(self, case_reference: str) -> builtins.list[str]:
        stmt = (
            sa.select(AuditRow.id)
            .where(sa.func.lower(AuditRow.case_reference) == case_reference.strip().casefold())
            .order_by(AuditRow.created_at, AuditRow.id)
        )
        with self._ctx.read() as session:
            return [str(i) for i in session.scalars(stmt)]

    def return_ids_for_case(self, case_reference: str) -> builtins.list[str]:
        stmt = (
            sa.select(ImportedReturnRow.id)
            .where(sa.func.lower(ImportedReturnRow.subject) == case_reference.strip().casefold())
            .order_by(ImportedReturnRow.imported_at, ImportedReturnRow.id)
        )
        with self._ctx.read() as session:
            return [str(i) for i in session.scalars(stmt)]

    def audit_ids_mentioning(self, term: str) -> builtins.list[str]:
        needle = term.strip().casefold()
        if not needle:
            return []

        def has(column: Any) -> Any:
            return sa.func.instr(sa.func.lower(column), needle) > 0

        answers = sa.select(AnswerRow.audit_id).where(sa.or_(has(AnswerRow.value), has(AnswerRow.evidence)))
        audits = sa.select(AuditRow.id).where(sa.or_(has(AuditRow.subject), has(AuditRow.title)))
        with self._ctx.read() as session:
            found = {str(i) for i in session.scalars(answers)} | {str(i) for i in session.scalars(audits)}
        return sorted(found)

    def return_ids_mentioning(self, term: str) -> builtins.list[str]:
        needle = term.strip().casefold()
        if not needle:
            return []
        stmt = sa.select(ImportedReturnDataRow.return_id).where(
            sa.func.instr(sa.func.lower(ImportedReturnDataRow.audit_json), needle) > 0
        )
        with self._ctx.read() as session:
            return sorted(str(i) for i in session.scalars(stmt))
