"""`lscp-audit actions list|update|history|export`: the action register of the QA inbox's trusted
returns, progress updates recorded as records of their own, and the quarterly action report.

- ``actions list --vault V [--quarter 2026-Q3] [--overdue] [filters] [--json] [--case-references]``:
  every action with its latest status (from progress updates, else the return's own) and
  whether it is overdue; with ``--quarter``, the quarter's actions with their status as at its
  end;
- ``actions update --vault V RETURN_ID ACTION_NUMBER --status open|in_progress|complete
  [--note TEXT] [--date YYYY-MM-DD] [--reported-by NAME] [--actor NAME] [--json]``: record a
  progress update (never changing the signed return);
- ``actions history --vault V RETURN_ID [ACTION_NUMBER] [--json]``: the updates recorded;
- ``actions export --vault V --quarter 2026-Q3 [--xlsx FILE] [--csv FILE] [filters]
  [--no-suppression] [--case-references]``: the quarterly report in the business plan's Outcome /
  Action / Who / When / Status shape, written atomically and recorded in the export log.

Filters: ``--template ID``, ``--round R`` (repeatable), ``--locality L``, ``--agency A``. Only
trusted returns count (latest revision of each audit). Exit 0 on success, 1 when a value is
refused (each problem named), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.vault_args import add_vault_arguments, make_service, unlock_service
from lscp_audit.core.action_updates import STATUS_CODES, shown_date
from lscp_audit.core.analysis import AnalysisFilter
from lscp_audit.core.errors import ValidationError

if TYPE_CHECKING:
    from lscp_audit.core.action_updates import ActionUpdate
    from lscp_audit.core.analysis import ActionEntry
    from lscp_audit.core.analysis_actions import QuarterlyActions
    from lscp_audit.services.analysis_service import AnalysisService


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--template", default="", metavar="ID", help="only returns on this template (its id)")
    parser.add_argument(
        "--round", action="append", default=[], metavar="R", help="only this round (id or title); repeat for more"
    )
    parser.add_argument("--locality", default="", help="only this locality (code or name)")
    parser.add_argument("--agency", default="", help="only this agency's returns")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "actions", help="the action register: progress updates and the quarterly action report"
    )
    commands = parser.add_subparsers(dest="actions_command", metavar="ACTION", required=True)

    listing = commands.add_parser(
        "list", help="every action of the trusted returns with its latest status and whether it is overdue"
    )
    add_vault_arguments(listing)
    _add_filters(listing)
    listing.add_argument("--quarter", metavar="YYYY-QN", help="the actions of this calendar quarter (e.g. 2026-Q3)")
    listing.add_argument("--overdue", action="store_true", help="only the overdue actions")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--case-references", action="store_true", help="include case references (left out by default)")
    listing.set_defaults(handler=run_list)

    update = commands.add_parser(
        "update",
        help="record a progress update on an action (the signed return is never changed)",
        description="Record how an action of a trusted return is going: its status, a note, the date the "
        "progress is reported as at and who reported it. Updates are only ever added: a newer update corrects "
        "an older one. Find RETURN_ID and ACTION_NUMBER with 'actions list'.",
    )
    add_vault_arguments(update)
    update.add_argument("return_id", metavar="RETURN_ID", help="the return's id (from 'actions list')")
    update.add_argument("action_number", metavar="ACTION_NUMBER", type=int, help="the action's number in the return")
    update.add_argument("--status", required=True, choices=STATUS_CODES, help="the action's status now")
    update.add_argument("--note", default="", help="what has been done, or what is in the way")
    update.add_argument("--date", default="", metavar="YYYY-MM-DD", help="progress as at this day (default: today)")
    update.add_argument("--reported-by", default="", metavar="NAME", help="who reported the progress")
    update.add_argument("--actor", default="", help="who records the update, in the history (default: cli)")
    update.add_argument("--json", action="store_true", help="print the stored update as JSON")
    update.set_defaults(handler=run_update)

    history = commands.add_parser("history", help="the progress updates recorded on a return's actions")
    add_vault_arguments(history)
    history.add_argument("return_id", metavar="RETURN_ID", help="the return's id")
    history.add_argument("action_number", metavar="ACTION_NUMBER", type=int, nargs="?", help="only this action")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(handler=run_history)

    export = commands.add_parser(
        "export",
        help="the quarterly action report (Outcome / Action / Who / When / Status) as XLSX and CSV",
        description="The actions of one calendar quarter (not complete when it began) with their status as "
        'at its end, as the business plan shows them. Counts under 5 in the summary read "fewer than 5" '
        "unless --no-suppression; case references are left out unless --case-references.",
    )
    add_vault_arguments(export)
    _add_filters(export)
    export.add_argument("--quarter", required=True, metavar="YYYY-QN", help="the calendar quarter, e.g. 2026-Q3")
    export.add_argument("--xlsx", metavar="FILE", help="write the workbook (register, summary, updates)")
    export.add_argument("--csv", metavar="FILE", help="write the register as CSV (one action per row)")
    export.add_argument("--no-suppression", action="store_true", help="show counts under 5 (internal use only)")
    export.add_argument("--case-references", action="store_true", help="include case references")
    export.add_argument("--json", action="store_true", help="print the report's tables as JSON too")
    export.set_defaults(handler=run_export)


def _filter(args: argparse.Namespace) -> AnalysisFilter:
    return AnalysisFilter(
        template_id=args.template.strip(),
        rounds=tuple(r.strip() for r in args.round if r.strip()),
        locality=args.locality.strip(),
        agency=args.agency.strip(),
    )


@contextmanager
def _service(args: argparse.Namespace, actor: str = "cli") -> Iterator[AnalysisService]:
    from lscp_audit.services.analysis_service import AnalysisService
    from lscp_audit.services.records_service import RecordsService

    service = make_service(args, actor=actor)
    unlock_service(service)
    try:
        yield AnalysisService(service.vault, records=RecordsService(service, actor), actor=actor)
    finally:
        service.lock()


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def entry_dict(entry: ActionEntry, *, case_references: bool = False) -> dict[str, Any]:
    found = {
        "return_id": entry.return_id,
        "report_id": entry.report_id,
        "action_number": entry.index + 1,
        "action": entry.action,
        "measure": entry.measure,
        "owner": entry.owner,
        "due": entry.due,
        "status": entry.status_code,
        "status_label": entry.status,
        "status_from": entry.status_from,
        "return_status": entry.return_status,
        "latest_update": entry.update_note,
        "updated": entry.updated,
        "updates": entry.updates,
        "overdue": entry.overdue,
        "agency": entry.agency,
        "answers": entry.section,
    }
    if case_references:
        found["case_reference"] = entry.case_reference
    return found


def update_dict(update: ActionUpdate) -> dict[str, Any]:
    return {
        "id": update.id,
        "return_id": update.return_id,
        "report_id": update.report_id,
        "action_number": update.action_index + 1,
        "action": update.action,
        "status": update.status,
        "note": update.note,
        "as_of": update.as_of,
        "reported_by": update.reported_by,
        "recorded_by": update.recorded_by,
        "recorded_at": update.recorded_at,
    }


def _entry_line(entry: ActionEntry) -> str:
    due = f"due {shown_date(entry.due)}" if entry.due else "no due date"
    late = ", OVERDUE" if entry.overdue else ""
    source = "" if entry.updates == 0 else f" ({entry.status_from})"
    return (
        f"{entry.return_id} #{entry.index + 1}  {entry.status}{source}{late}, {due}  "
        f"{entry.owner or 'no owner'}: {entry.action}"
    )


def run_list(args: argparse.Namespace) -> int:
    chosen = _filter(args)
    with _service(args) as service:
        if args.quarter:
            report = service.quarterly_actions(args.quarter, chosen)
            return _print_quarter(report, service, args)
        analysis = service.analyse(chosen)
    entries = [a for a in analysis.actions if a.overdue or not args.overdue]
    if args.json:
        print(
            json.dumps(
                [entry_dict(a, case_references=args.case_references) for a in entries], indent=1, ensure_ascii=False
            )
        )
        return 0
    late = sum(a.overdue for a in analysis.actions)
    print(
        f"{len(analysis.actions)} action(s) in {analysis.n_returns} trusted return(s), {late} overdue "
        f"as on {shown_date(service.today().isoformat())}: {chosen.describe()}"
    )
    for entry in entries:
        line = _entry_line(entry)
        if args.case_references and entry.case_reference:
            line += f"  [{entry.case_reference}]"
        print("  " + line)
    if not entries:
        print("  No overdue actions." if args.overdue else "  No actions.")
    return 0


def _print_quarter(report: QuarterlyActions, service: AnalysisService, args: argparse.Namespace) -> int:
    rows = [r for r in report.rows if r.overdue or not args.overdue]
    if args.json:
        table = service.quarterly_tables(report, case_references=args.case_references)[0]
        payload = {
            "quarter": report.quarter.label,
            "as_at": report.as_at.isoformat(),
            "filter": report.filter.describe(),
            "done_before": report.done_before,
            "headers": list(table.headers),
            "rows": [[_json(v) for v in row] for row, r in zip(table.rows, report.rows, strict=True) if r in rows],
        }
        print(json.dumps(payload, indent=1, ensure_ascii=False))
        return 0
    print(
        f"{report.quarter.describe()}: {len(report.rows)} action(s), status as at "
        f"{shown_date(report.as_at.isoformat())}; {report.done_before} complete before the quarter left out"
    )
    for r in rows:
        due = f"due {shown_date(r.when)}" if r.when else "no due date"
        late = ", OVERDUE" if r.overdue else ""
        print(f"  {r.return_id} #{r.index + 1}  {r.status}{late}, {due}  {r.who or 'no owner'}: {r.action}")
        if r.progress:
            print(f"      progress: {r.progress}")
    return 0


def run_update(args: argparse.Namespace) -> int:
    actor = args.actor.strip() or "cli"
    with _service(args, actor) as service:
        stored = service.record_action_update(
            args.return_id,
            args.action_number,
            status=args.status,
            note=args.note,
            as_of=args.date,
            reported_by=args.reported_by,
        )
    if args.json:
        print(json.dumps(update_dict(stored), indent=1, ensure_ascii=False))
    else:
        print(
            f"Recorded: action {stored.action_index + 1} of {stored.report_id} is {stored.status_label.lower()} "
            f"as at {shown_date(stored.as_of)} (update {stored.id}). The signed return is unchanged."
        )
    return 0


def run_history(args: argparse.Namespace) -> int:
    with _service(args) as service:
        updates = service.action_updates(args.return_id, args.action_number)
    if args.json:
        print(json.dumps([update_dict(u) for u in updates], indent=1, ensure_ascii=False))
        return 0
    if not updates:
        print("No progress updates are recorded for this return's actions." if args.action_number is None else
              f"No progress updates are recorded for action {args.action_number}.")  # fmt: skip
        return 0
    for update in updates:
        print(f"#{update.action_index + 1} {update.describe()} (recorded by {update.recorded_by or 'unknown'})")
    return 0


def run_export(args: argparse.Namespace) -> int:
    if not args.xlsx and not args.csv:
        raise ValidationError(["say where to write the report: --xlsx FILE, --csv FILE or both"])
    suppress = not args.no_suppression
    written = []
    with _service(args) as service:
        report = service.quarterly_actions(args.quarter, _filter(args))
        if args.xlsx:
            out = service.export_quarterly_xlsx(
                report, Path(args.xlsx), suppress=suppress, case_references=args.case_references
            )
            written.append(f"XLSX workbook written to {out.path} ({out.tables} sheets, {out.rows} rows)")
        if args.csv:
            out = service.export_quarterly_csv(report, Path(args.csv), case_references=args.case_references)
            written.append(f"CSV (one action per row) written to {out.path} ({out.rows} rows)")
        tables = service.quarterly_tables(report, suppress=suppress, case_references=args.case_references)
    if args.json:
        payload = {
            "quarter": report.quarter.label,
            "as_at": report.as_at.isoformat(),
            "filter": report.filter.describe(),
            "suppression": suppress,
            "tables": {
                t.name: {"title": t.title, "headers": list(t.headers), "rows": [[_json(v) for v in r] for r in t.rows]}
                for t in tables
            },
        }
        print(json.dumps(payload, indent=1, ensure_ascii=False))
    else:
        print(
            f"{report.quarter.describe()}: {len(report.rows)} action(s), status as at "
            f"{shown_date(report.as_at.isoformat())}."
        )
    for line in written:
        print(line)
    return 0
