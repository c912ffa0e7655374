"""`lscp-audit records ...`: data protection duties over one vault.

- ``retention --vault V [--audits-days N] [--returns-days N] [--export-log-days N|keep]
  [--backups-days N]``: show the retention policy, or change it;
- ``plan --vault V [--json]``: what a purge now would delete, what a legal hold keeps, and when
  the next records become due;
- ``purge --vault V --yes [--remake-backups]``: delete what is due (nothing is deleted without
  ``--yes``); with ``--remake-backups`` one fresh backup replaces every older one;
- ``holds --vault V [--all] [--json]``; ``hold --vault V KIND TARGET --reason R``;
  ``release --vault V HOLD_ID --reason R``: legal holds on an audit, a return, a round or a
  case reference;
- ``export-log --vault V [--case REF] [--json]``: where copies went;
- ``disclosure --vault V CASE_REF [--also TERM ...] --out FOLDER``: a subject access
  disclosure pack (JSON and PDF) of everything held about the case, items to review flagged.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.vault_args import add_vault_arguments, make_service, unlock_service
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.records import HOLD_TARGET_LABELS, RECORD_TYPE_DATES, RECORD_TYPE_LABELS, HoldTarget, RecordType
from lscp_audit.core.report_data import format_date

if TYPE_CHECKING:
    from lscp_audit.services.records_service import RecordsService

HOLD_KINDS = {
    "audit": HoldTarget.AUDIT,
    "return": HoldTarget.RETURN,
    "round": HoldTarget.ROUND,
    "case": HoldTarget.CASE_REFERENCE,
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "records", help="retention, legal holds, the export log and subject access (data protection)"
    )
    commands = parser.add_subparsers(dest="records_command", metavar="ACTION", required=True)

    retention = commands.add_parser("retention", help="show or change how long each record type is kept")
    add_vault_arguments(retention)
    retention.add_argument("--audits-days", type=int, help="completed audits: days after completion")
    retention.add_argument("--returns-days", type=int, help="imported returns: days after import")
    retention.add_argument("--export-log-days", help='export log entries: days after the export, or "keep"')
    retention.add_argument("--backups-days", type=int, help="backups holding purged records: days after the backup")
    retention.set_defaults(handler=run_retention)

    plan = commands.add_parser("plan", help="what a purge now would delete, what a hold keeps, what is next")
    add_vault_arguments(plan)
    plan.add_argument("--json", action="store_true", help="print a JSON object")
    plan.set_defaults(handler=run_plan)

    purge = commands.add_parser("purge", help="delete every record past its retention period (not held)")
    add_vault_arguments(purge)
    purge.add_argument("--yes", action="store_true", help="confirm: the records are deleted permanently")
    purge.add_argument("--remake-backups", action="store_true", help="make one fresh backup and delete every older one")
    purge.set_defaults(handler=run_purge)

    holds = commands.add_parser("holds", help="list legal holds (active ones; --all adds released)")
    add_vault_arguments(holds)
    holds.add_argument("--all", action="store_true", help="include released holds")
    holds.add_argument("--json", action="store_true", help="print a JSON list")
    holds.set_defaults(handler=run_holds)

    hold = commands.add_parser("hold", help="place a legal hold: nothing it covers is purged or removed")
    add_vault_arguments(hold)
    hold.add_argument("kind", choices=sorted(HOLD_KINDS), help="what the hold is on")
    hold.add_argument("target", help="the audit id, return id, round, or case reference")
    hold.add_argument("--reason", required=True, help="why (recorded in the change history)")
    hold.set_defaults(handler=run_hold)

    release = commands.add_parser("release", help="release a legal hold (it stays listed as released)")
    add_vault_arguments(release)
    release.add_argument("hold_id", metavar="HOLD_ID", help="from 'records holds'")
    release.add_argument("--reason", required=True, help="why the hold is no longer needed")
    release.set_defaults(handler=run_release)

    export_log = commands.add_parser("export-log", help="every export: file, protection, who and when")
    add_vault_arguments(export_log)
    export_log.add_argument("--case", metavar="REF", help="only exports about this case reference")
    export_log.add_argument("--json", action="store_true", help="print a JSON list")
    export_log.set_defaults(handler=run_export_log)

    disclosure = commands.add_parser(
        "disclosure",
        help="a subject access disclosure pack (JSON and PDF) for one case reference",
        description="Collects every audit, imported return, change history entry, export and legal hold "
        "about the case reference (and any audit or return whose text mentions an --also term, such as "
        "an agency's own record number) into a JSON file and a PDF for the data protection officer's "
        "review. Items that may hold third-party information are marked for review.",
    )
    add_vault_arguments(disclosure)
    disclosure.add_argument("case_reference", metavar="CASE_REF")
    disclosure.add_argument(
        "--also", action="append", default=[], metavar="TERM", help="also find text mentioning TERM"
    )
    disclosure.add_argument("--out", required=True, metavar="FOLDER", help="folder to write the pack into")
    disclosure.set_defaults(handler=run_disclosure)


@contextmanager
def _records(args: argparse.Namespace) -> Iterator[RecordsService]:
    from lscp_audit.services.records_service import RecordsService

    service = make_service(args, actor="cli")
    unlock_service(service)
    try:
        yield RecordsService(service, "cli")
    finally:
        service.lock()


def _days(value: int | None) -> str:
    return "kept until deleted by hand" if value is None else f"{value} days"


def run_retention(args: argparse.Namespace) -> int:
    with _records(args) as records:
        policy = records.policy()
        changes: dict[str, Any] = {}
        if args.audits_days is not None:
            changes["audits_days"] = args.audits_days
        if args.returns_days is not None:
            changes["returns_days"] = args.returns_days
        if args.backups_days is not None:
            changes["backups_days"] = args.backups_days
        if args.export_log_days is not None:
            text = str(args.export_log_days).strip().lower()
            if text == "keep":
                changes["export_log_days"] = None
            elif text.isdigit():
                changes["export_log_days"] = int(text)
            else:
                raise ValidationError(['--export-log-days takes a number of days or "keep"'])
        if changes:
            policy = dataclasses.replace(policy, **changes)
            records.set_policy(policy)
        for record_type in RecordType:
            print(
                f"{RECORD_TYPE_LABELS[record_type]}: {_days(policy.days(record_type))} "
                f"after {RECORD_TYPE_DATES[record_type]}"
            )
    return 0


def run_plan(args: argparse.Namespace) -> int:
    with _records(args) as records:
        plan = records.plan()
    if args.json:

        def item(i: Any) -> dict[str, Any]:
            out = {"type": str(i.record_type), "id": i.id, "description": i.description, "dated": i.dated, "due": i.due}
            if i.held_by is not None:
                out["held_by"] = {"id": i.held_by.id, "reason": i.held_by.reason}
            return out

        print(json.dumps({"due": [item(i) for i in plan.due], "held": [item(i) for i in plan.held],
                          "upcoming": [item(i) for i in plan.upcoming],
                          "backups_after_purge_days": plan.backups_after_purge_days}, indent=2))  # fmt: skip
        return 0
    print(f"Due for deletion now: {len(plan.due)}")
    for i in plan.due:
        print(f"  {RECORD_TYPE_LABELS[i.record_type]}: {i.description}, dated {format_date(i.dated)}")
    print(f"Kept by a legal hold: {len(plan.held)}")
    for i in plan.held:
        reason = i.held_by.reason if i.held_by else ""
        print(f"  {RECORD_TYPE_LABELS[i.record_type]}: {i.description} (hold: {reason})")
    if plan.upcoming:
        print("Next to become due:")
        for i in plan.upcoming[:10]:
            print(f"  {format_date(i.due)}: {RECORD_TYPE_LABELS[i.record_type]}: {i.description}")
    print(
        f"Backups made before a purge still hold what it deleted; they are deleted "
        f"{plan.backups_after_purge_days} days after they were made (or at once with purge --remake-backups)."
    )
    return 0


def run_purge(args: argparse.Namespace) -> int:
    if not args.yes:
        raise ValidationError(["purging deletes records permanently: look at 'records plan', then add --yes"])
    with _records(args) as records:
        plan = records.plan()
        if not plan.due:
            print("Nothing is past its retention period.")
            return 0
        outcome = records.purge(plan, confirm=True, remake_backups=args.remake_backups)
    print(outcome.summary())
    return 0


def _hold_row(hold: Any) -> dict[str, Any]:
    return {
        "id": hold.id,
        "on": str(hold.target_kind),
        "target": hold.target,
        "reason": hold.reason,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "released_at": hold.released_at,
        "released_by": hold.released_by,
        "release_reason": hold.release_reason,
    }


def run_holds(args: argparse.Namespace) -> int:
    with _records(args) as records:
        holds = records.holds(active_only=not args.all)
    if args.json:
        print(json.dumps([_hold_row(h) for h in holds], indent=2, ensure_ascii=False))
        return 0
    if not holds:
        print("No legal holds." if args.all else "No active legal holds.")
    for h in holds:
        state = "active" if h.active else f"released {format_date(h.released_at or '')}"
        print(f"{h.id}  {HOLD_TARGET_LABELS[h.target_kind]} {h.target}: {h.reason} "
              f"(placed {format_date(h.placed_at)} by {h.placed_by}; {state})")  # fmt: skip
    return 0


def run_hold(args: argparse.Namespace) -> int:
    with _records(args) as records:
        hold = records.place_hold(HOLD_KINDS[args.kind], args.target, args.reason)
    print(f"Legal hold {hold.id} placed on {HOLD_TARGET_LABELS[hold.target_kind].lower()} {hold.target}")
    return 0


def run_release(args: argparse.Namespace) -> int:
    with _records(args) as records:
        hold = records.release_hold(args.hold_id, args.reason)
    print(f"Legal hold {hold.id} released")
    return 0


def run_export_log(args: argparse.Namespace) -> int:
    from lscp_audit.core.records import EXPORT_KIND_LABELS

    with _records(args) as records:
        entries = records.export_log(args.case)
    if args.json:
        print(
            json.dumps([{**dataclasses.asdict(e), "kind": str(e.kind)} for e in entries], indent=2, ensure_ascii=False)
        )
        return 0
    if not entries:
        print("No exports recorded.")
    for e in entries:
        print(f"{format_date(e.exported_at)}  {EXPORT_KIND_LABELS[e.kind]}: {e.file_name} "
              f"(protection: {e.protection}; by {e.actor})")  # fmt: skip
    return 0


def run_disclosure(args: argparse.Namespace) -> int:
    with _records(args) as records:
        pack = records.subject_access(args.case_reference, args.also)
        files = records.write_disclosure_pack(pack, Path(args.out))
    counts = pack["disclosure_pack"]["counts"]
    print(
        f"Disclosure pack {files.pack_id}: {counts['audits']} audit(s), {counts['imported_returns']} return(s), "
        f"{counts['exports']} export(s), {counts['legal_holds']} hold(s); {counts['items_to_review']} item(s) "
        "marked for review before disclosure"
    )
    print(f"  {files.json_path}")
    print(f"  {files.pdf_path}")
    return 0
