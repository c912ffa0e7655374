"""RecordsService: retention across every record type, legal holds, the export log and subject
access search (Qt-free).

- `policy()` / `set_policy()`: days per record type (audits, imported returns, export log
  entries, backups that still hold purged records).
- `plan()`: what a purge now would delete, what it keeps because of a hold, and what becomes
  purgeable next, with dates; `purge(plan, confirm=True, remake_backups=...)` deletes exactly
  what is due (re-checked at the storage layer, which refuses anything held).
- Backups: after a purge, either every older backup is replaced by one fresh backup
  (`remake_backups=True`), or the backups that existed at the purge (they hold what it deleted)
  are deleted once older than the backups period (`expire_backups`, run at each purge and at
  each unlock's automatic backup); the newest backup is always kept.
- `place_hold()` / `release_hold()` / `holds()`; `record_export()` / `export_log()`.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lscp_audit import __version__
from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.audit import AuditRecord
from lscp_audit.core.disclosure import AuditHoldings, ModerationHolding, ReturnHoldings, build_pack
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.core.records import (
    DEFAULT_RETENTION_DAYS,
    ExportKind,
    ExportRecord,
    HoldSet,
    HoldTarget,
    LegalHold,
    PurgeItem,
    PurgePlan,
    RecordType,
    RetentionPolicy,
    audit_hold_keys,
    return_hold_keys,
)
from lscp_audit.core.templates.model import Template
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage import backups as bk
from lscp_audit.storage.vault import Vault

log = logging.getLogger(__name__)

AUDITS_KEY = "vault.retention_days"  # shared with Settings → General "Retention period (months)"
RETURNS_KEY = "records.retention.returns_days"
EXPORT_LOG_KEY = "records.retention.export_log_days"
BACKUPS_KEY = "records.retention.backups_days"
LAST_PURGE_KEY = "records.last_purge_at"
STALE_BACKUPS_KEY = "records.backups_holding_purged"  # backup file names made before a purge
UPCOMING_LIMIT = 50


@dataclass(frozen=True)
class DisclosureFiles:
    pack_id: str
    json_path: Path
    pdf_path: Path


@dataclass(frozen=True)
class PurgeOutcome:
    audits: int
    returns: int
    export_log: int
    backups_removed: int
    backup_made: bool

    def summary(self) -> str:
        parts = [
            f"{self.audits} audit(s)",
            f"{self.returns} imported return(s)",
            f"{self.export_log} export log entr{'y' if self.export_log == 1 else 'ies'}",
        ]
        text = "Deleted " + ", ".join(parts) + "."
        if self.backup_made:
            text += f" A fresh backup was made and {self.backups_removed} older backup(s) deleted."
        elif self.backups_removed:
            text += f" {self.backups_removed} old backup(s) holding purged records deleted."
        return text


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _plus_days(iso: str, days: int) -> datetime:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment + timedelta(days=days)


class RecordsService:
    def __init__(
        self,
        vault_service: VaultService,
        actor: str | Callable[[], str],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`actor` is who the history records, or a function giving it (the app's user can
        change their name while the service is in use)."""
        self._vs = vault_service
        self._actor = actor
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def actor(self) -> str:
        return self._actor() if callable(self._actor) else self._actor

    @property
    def _vault(self) -> Vault:
        return self._vs.vault

    # --- policy -------------------------------------------------------------------------------
    def policy(self) -> RetentionPolicy:
        settings = self._vault.settings
        log_days = settings.get(EXPORT_LOG_KEY, DEFAULT_RETENTION_DAYS)
        return RetentionPolicy(
            audits_days=int(settings.get(AUDITS_KEY, DEFAULT_RETENTION_DAYS)),
            returns_days=int(settings.get(RETURNS_KEY, DEFAULT_RETENTION_DAYS)),
            export_log_days=None if log_days is None else int(log_days),
            backups_days=int(settings.get(BACKUPS_KEY, RetentionPolicy().backups_days)),
        )

    def set_policy(self, policy: RetentionPolicy) -> None:
        problems = policy.problems()
        if problems:
            raise ValidationError(problems)
        settings = self._vault.settings
        settings.set(AUDITS_KEY, policy.audits_days)
        settings.set(RETURNS_KEY, policy.returns_days)
        settings.set(EXPORT_LOG_KEY, policy.export_log_days)
        settings.set(BACKUPS_KEY, policy.backups_days)
        self._vault.history.record_vault_event(self.actor, "retention_policy", repr(policy))

    # --- plan and purge -----------------------------------------------------------------------
    def plan(self) -> PurgePlan:
        now = self._clock()
        policy = self.policy()
        holds = HoldSet.of(self._vault.holds.list(active_only=True))
        due: list[PurgeItem] = []
        held: list[PurgeItem] = []
        upcoming: list[PurgeItem] = []

        def place(item: PurgeItem, when: datetime, keys: list[tuple[HoldTarget, str]]) -> None:
            hold = holds.holding_any(*keys)
            if when > now:
                upcoming.append(item)
            elif hold is not None:
                held.append(PurgeItem(**{**item.__dict__, "held_by": hold}))
            else:
                due.append(item)

        candidates = {s.id for s in self._vault.audits.purge_candidates(_iso(now - timedelta(days=policy.audits_days)))}
        for audit_id, case_reference, completed_at, subject in self._vault.audits.completed_dates():
            when = _plus_days(completed_at, policy.audits_days)
            item = PurgeItem(
                RecordType.AUDITS, audit_id, f"Audit {case_reference or audit_id}", completed_at[:10], _iso(when)[:10]
            )
            if when <= now and audit_id not in candidates:
                continue  # an amended revision still needed by a kept revision
            place(item, when, audit_hold_keys(audit_id, case_reference, subject))
        updates = self._vault.action_updates.counts_by_return()
        for ret in self._vault.imported_returns.list():
            if not ret.imported_at:
                continue
            when = _plus_days(ret.imported_at, policy.returns_days)
            what = f"Return {ret.subject or ret.report_id} ({ret.template_title or ret.template_id})"
            if updates.get(ret.id):  # they go with it
                what += f", with {updates[ret.id]} action progress update(s)"
            item = PurgeItem(RecordType.RETURNS, ret.id, what, ret.imported_at[:10], _iso(when)[:10])
            place(item, when, return_hold_keys(ret.id, ret.subject, ret.round_id))
        if policy.export_log_days is not None:
            for entry in self._vault.export_log.list():
                when = _plus_days(entry.exported_at, policy.export_log_days)
                what = f"Export of {entry.file_name} ({entry.case_reference or entry.report_id or 'no case'})"
                item = PurgeItem(RecordType.EXPORT_LOG, str(entry.id), what, entry.exported_at[:10], _iso(when)[:10])
                if when <= now:
                    due.append(item)
                else:
                    upcoming.append(item)
        upcoming.sort(key=lambda i: i.due)
        return PurgePlan(tuple(due), tuple(held), tuple(upcoming[:UPCOMING_LIMIT]), policy.backups_days)

    def purge(self, plan: PurgePlan, *, confirm: bool = False, remake_backups: bool = False) -> PurgeOutcome:
        """Delete what `plan` lists as due and is still due now (never more)."""
        if not confirm:
            raise ValidationError(["Purging deletes records permanently; confirm to continue."])
        current = self.plan()
        allowed = {(i.record_type, i.id) for i in current.due}
        refused = [i for i in plan.due if (i.record_type, i.id) not in allowed]
        if refused:
            raise ValidationError(
                [
                    f"{len(refused)} record(s) are no longer due for deletion (a hold or a change); look at the list again."
                ]
            )
        actor = self.actor or "system"
        audits = self._vault.audits.purge(plan.ids(RecordType.AUDITS), actor) if plan.ids(RecordType.AUDITS) else 0
        return_ids = plan.ids(RecordType.RETURNS)
        bound = {(r.report_id, r.data_hash) for r in (self._vault.imported_returns.get(i) for i in return_ids)}
        returns = self._vault.imported_returns.purge(return_ids, actor)
        for report_id, data_hash in bound:  # a purged return's moderation records go with its last copy
            if not any(o.data_hash == data_hash for o in self._vault.imported_returns.find_by_report_id(report_id)):
                self._vault.moderation.delete_for(report_id, data_hash)
        export_log = self._vault.export_log.delete([int(i) for i in plan.ids(RecordType.EXPORT_LOG)], actor)
        purged_any = bool(audits or returns or export_log)
        if purged_any:
            self._vault.settings.set(LAST_PURGE_KEY, _iso(self._clock()))
            holding = set(self._vault.settings.get(STALE_BACKUPS_KEY, []))
            holding |= {b.path.name for b in bk.list_backups(self._vs.path, self._vault.vault_id)}
            self._vault.settings.set(STALE_BACKUPS_KEY, sorted(holding))
        backup_made, removed = False, 0
        if purged_any and remake_backups:
            removed = self._remake_backups()
            backup_made = True
        else:
            removed = self.expire_backups()
        log.info("retention purge: %d audits, %d returns, %d export log entries", audits, returns, export_log)
        return PurgeOutcome(audits, returns, export_log, removed, backup_made)

    def _remake_backups(self) -> int:
        """One fresh verified backup, then delete every older backup of this vault (they hold what
        was just purged). If the fresh backup fails, nothing is deleted."""
        fresh = self._vs.backup(kind="manual")
        removed = 0
        for old in bk.list_backups(self._vs.path, self._vault.vault_id):
            if old.path != fresh.path:
                removed += _delete_backup(old)
        self._vault.settings.set(STALE_BACKUPS_KEY, [])
        return removed

    def expire_backups(self) -> int:
        """Delete the backups that hold purged records once older than the backups period; the
        newest backup is always kept so there is something to restore."""
        return expire_stale_backups(self._vault, self._vs.path, self._clock())

    # --- legal holds --------------------------------------------------------------------------
    def holds(self, *, active_only: bool = False) -> list[LegalHold]:
        return self._vault.holds.list(active_only=active_only)

    def place_hold(self, kind: HoldTarget, target: str, reason: str) -> LegalHold:
        hold = self._vault.holds.place(kind, target, reason, self.actor or "system")
        log.info("legal hold %s placed on a %s", hold.id, kind)
        return hold

    def release_hold(self, hold_id: str, reason: str) -> LegalHold:
        hold = self._vault.holds.release(hold_id, reason, self.actor or "system")
        log.info("legal hold %s released", hold_id)
        return hold

    # --- export log ---------------------------------------------------------------------------
    def record_export(
        self,
        kind: ExportKind,
        file_name: str,
        *,
        protection: str = "none",
        audit_id: str = "",
        report_id: str = "",
        case_reference: str = "",
        marking: str = "",
    ) -> ExportRecord:
        return self._vault.export_log.record(
            ExportRecord(
                kind=kind,
                file_name=file_name,
                protection=protection,
                actor=self.actor or "system",
                audit_id=audit_id,
                report_id=report_id,
                case_reference=case_reference,
                marking=marking,
            )
        )

    def export_log(self, case_reference: str | None = None) -> list[ExportRecord]:
        return self._vault.export_log.list(case_reference)

    # --- subject access -----------------------------------------------------------------------
    def subject_access(self, case_reference: str, terms: Sequence[str] = ()) -> dict[str, Any]:
        """Everything held about `case_reference` (audits with their history, imported returns
        with their report data and the progress updates recorded on their actions, exports, holds), plus any audit or return whose text mentions one
        of `terms` (e.g. the agency's own record number), as a disclosure pack's data."""
        case_reference = case_reference.strip()
        terms = [t.strip() for t in terms if t.strip()]
        if not case_reference:
            raise ValidationError(["Give the case reference to search for."])
        search = self._vault.subject_search
        audit_found: dict[str, str] = {i: "case reference" for i in search.audit_ids_for_case(case_reference)}
        return_found: dict[str, str] = {i: "case reference" for i in search.return_ids_for_case(case_reference)}
        for term in terms:
            for audit_id in search.audit_ids_mentioning(term):
                audit_found.setdefault(audit_id, f'text "{term}"')
            for return_id in search.return_ids_mentioning(term):
                return_found.setdefault(return_id, f'text "{term}"')
        audits = []
        for audit_id, found_by in audit_found.items():
            record = self._vault.audits.get(audit_id)
            audits.append(
                AuditHoldings(record, _frozen_template(record), self._vault.history.for_audit(audit_id), found_by)
            )
        updates = self._vault.action_updates.for_returns(list(return_found))
        returns = []
        for return_id, found_by in return_found.items():
            item = self._vault.imported_returns.get(return_id)
            returns.append(
                ReturnHoldings(
                    item,
                    self._vault.imported_returns.data(return_id),
                    found_by,
                    updates.get(return_id, ()),
                    self._moderation_of(item),
                )
            )
        references = {case_reference.casefold()} | {
            str(a.record.subject.get("case_reference", "")).casefold() for a in audits
        }
        exports = [
            e
            for e in self._vault.export_log.list()
            if e.case_reference.casefold() in references or e.audit_id in audit_found
        ]
        holds = [
            h
            for h in self._vault.holds.list()
            if h.target.casefold() in references or h.target in audit_found or h.target in return_found
        ]
        return build_pack(
            case_reference,
            terms,
            audits,
            returns,
            exports,
            holds,
            generated_by=self.actor or "system",
            generated_at=_iso(self._clock()),
            app_version=__version__,
        )

    def _moderation_of(self, item: ImportedReturn) -> list[ModerationHolding]:
        """The return's QA moderation records, newest first, each checked again now."""
        from lscp_audit.services.moderation_service import ModerationService

        moderation = ModerationService(self._vault)
        found = []
        for summary in self._vault.moderation.for_return(item.report_id, item.data_hash):
            verified, verification = moderation.verdict(summary.id)
            found.append(ModerationHolding(summary, self._vault.moderation.record(summary.id), verified, verification))
        return found

    def write_disclosure_pack(self, pack: dict[str, Any], folder: Path | str) -> DisclosureFiles:
        """Write the pack as JSON and PDF into `folder` (atomically; the file names carry a date
        and a random id, never the case reference) and record both in the export log."""
        from lscp_audit.reports.disclosure_pdf import render_disclosure_pdf  # reportlab loads on first use

        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError([f"{folder} is not a folder"])
        pack_id = f"DP-{self._clock().strftime('%Y%m%d')}-{secrets.token_hex(4).upper()}"
        stem = f"disclosure-pack-{pack_id}"
        pdf = render_disclosure_pdf(pack, pack_id)
        text = json.dumps({"pack_id": pack_id, **pack}, ensure_ascii=False, indent=2, sort_keys=False)
        try:
            json_path = atomic_write_bytes(folder / f"{stem}.json", text.encode("utf-8"))
            pdf_path = atomic_write_bytes(folder / f"{stem}.pdf", pdf)
        except OSError as exc:
            raise LscpAuditError(
                f"the disclosure pack could not be saved in {folder} ({exc.strerror or type(exc).__name__})"
            ) from exc
        case_reference = str(pack["disclosure_pack"]["case_reference"])
        for path in (json_path, pdf_path):
            self.record_export(ExportKind.DISCLOSURE_PACK, str(path), case_reference=case_reference, report_id=pack_id)
        log.info("disclosure pack %s written", pack_id)
        return DisclosureFiles(pack_id, json_path, pdf_path)


def expire_stale_backups(vault: Vault, vault_path: Path, now: datetime | None = None) -> int:
    """Delete backups that existed at a purge (so hold purged records) once they are older than
    the backups period; never the newest backup. Returns how many were deleted."""
    holding = set(vault.settings.get(STALE_BACKUPS_KEY, []))
    if not holding:
        return 0
    days = int(vault.settings.get(BACKUPS_KEY, RetentionPolicy().backups_days))
    cutoff = _iso((now or datetime.now(UTC)) - timedelta(days=days))
    removed = 0
    for old in bk.list_backups(vault_path, vault.vault_id)[1:]:
        if old.path.name in holding and old.created_at < cutoff:
            removed += _delete_backup(old)
    present = {b.path.name for b in bk.list_backups(vault_path, vault.vault_id)}
    if holding - present:
        vault.settings.set(STALE_BACKUPS_KEY, sorted(holding & present))
    return removed


def _frozen_template(record: AuditRecord) -> Template | None:
    from lscp_audit.core.templates.loader import load_template_text

    try:
        return load_template_text(record.template_source, f"{record.template_id}.yaml", run_tests=False)
    except LscpAuditError:
        return None


def _delete_backup(info: bk.BackupInfo) -> int:
    for path in (info.path, info.keyfile):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
    return 1
