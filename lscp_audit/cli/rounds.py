"""`lscp-audit rounds create|list|status` and `lscp-audit partnership show|import|export`.

Rounds and the partnership profile live in the vault named by ``--vault`` (see `cli.vault_args`);
every change is checked by `PartnershipService` and refused, naming each field, when it breaks
a rule. ``rounds status ROUND`` prints expected vs received vs outstanding vs overdue by agency
and locality, and the outstanding list to send reminders from (``--csv`` writes it with the
`csv` module, ``--json`` everything). Only trusted returns count as received.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.audit_format import display_date, print_json
from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.partnership import Round
from lscp_audit.core.round_status import ExpectationRow, RoundStatus
from lscp_audit.services.round_reports import TRUSTED_NOTE, status_dict, write_status_csv

if TYPE_CHECKING:
    from lscp_audit.services.partnership_service import PartnershipService


def register(subparsers: Any) -> None:
    rounds = subparsers.add_parser("rounds", help="create audit rounds and track their returns")
    commands = rounds.add_subparsers(dest="rounds_command", metavar="ACTION", required=True)
    _add_create(commands)
    listing = commands.add_parser("list", help="list the partnership's audit rounds")
    add_vault_arguments(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    status = commands.add_parser(
        "status", help="expected, received, outstanding and overdue returns of a round, by agency and locality"
    )
    add_vault_arguments(status)
    status.add_argument("round_id", metavar="ROUND", help="the round's id (see 'rounds list')")
    shape = status.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print everything as JSON")
    shape.add_argument("--csv", action="store_true", help="print one CSV row per expected return (or count)")
    status.add_argument(
        "--outstanding", action="store_true", help="only the returns still outstanding (a list to send reminders from)"
    )
    status.add_argument("--today", metavar="YYYY-MM-DD", help="work out overdue returns as on this date")
    status.set_defaults(handler=run_status)
    delete = commands.add_parser(
        "delete", help="delete a round no return is filed under (refused, saying why, while returns are)"
    )
    add_vault_arguments(delete)
    delete.add_argument("round_id", metavar="ROUND", help="the round's id (see 'rounds list')")
    delete.set_defaults(handler=run_delete)

    partnership = subparsers.add_parser("partnership", help="show, import and export the partnership profile")
    actions = partnership.add_subparsers(dest="partnership_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="show the partnership profile (name, localities, agencies, rounds)")
    add_vault_arguments(show)
    show.add_argument("--json", action="store_true", help="print the profile as JSON (the file format)")
    show.set_defaults(handler=run_profile_show)
    load = actions.add_parser("import", help="install a profile from a YAML or JSON file (checked first)")
    add_vault_arguments(load)
    load.add_argument("file", metavar="FILE", help="the profile file (docs/templates.md describes it)")
    load.add_argument(
        "--replace-rounds", action="store_true", help="the file's rounds replace the vault's (default: merged)"
    )
    load.set_defaults(handler=run_profile_import)
    save = actions.add_parser("export", help="write the profile, with its rounds, to a JSON file")
    add_vault_arguments(save)
    save.add_argument("file", metavar="FILE", help="where to write it")
    save.set_defaults(handler=run_profile_export)


def _add_create(commands: Any) -> None:
    parser = commands.add_parser("create", help="create an audit round (checked against the profile)")
    add_vault_arguments(parser)
    parser.add_argument("--id", required=True, help="round id: lower-case letters, digits and '-' (da-2026-baseline)")
    parser.add_argument("--title", required=True, help="title, e.g. 'Domestic abuse multi-agency audit 2026'")
    parser.add_argument("--template", required=True, metavar="ID", help="the template audits of this round use")
    parser.add_argument("--phase", default="", help="phase label, e.g. baseline or 'after training'")
    parser.add_argument("--period-start", default="", metavar="YYYY-MM-DD", help="first day of the period reviewed")
    parser.add_argument("--period-end", default="", metavar="YYYY-MM-DD", help="last day of the period reviewed")
    parser.add_argument("--deadline", default="", metavar="YYYY-MM-DD", help="returns are overdue after this day")
    parser.add_argument("--locality", action="append", default=[], metavar="CODE", help="a locality; repeatable")
    parser.add_argument(
        "--expect-agency",
        action="append",
        default=[],
        metavar="CODE[@LOCALITY]",
        help="a return expected from this agency (in this locality); repeatable",
    )
    parser.add_argument(
        "--expect-case",
        action="append",
        default=[],
        metavar="REFERENCE[@LOCALITY]",
        help="a case audit expected for this case reference; repeatable",
    )
    parser.add_argument(
        "--expect-cases",
        action="append",
        default=[],
        metavar="COUNT[@LOCALITY]",
        help="this many case audits expected (in this locality); repeatable",
    )
    parser.add_argument("--json", action="store_true", help="print the round as JSON")
    parser.set_defaults(handler=run_create)


def _split(value: str) -> tuple[str, str]:
    key, _sep, locality = value.partition("@")
    return key.strip(), locality.strip()


def _service(vault: Any) -> PartnershipService:
    from lscp_audit.services.partnership_service import PartnershipService
    from lscp_audit.services.template_service import TemplateService

    return PartnershipService(vault, TemplateService())


def _round_from_args(args: argparse.Namespace) -> Round:
    from lscp_audit.core.partnership import ExpectedAgency, ExpectedCase, ExpectedCount

    counts = []
    for text in args.expect_cases:
        number, locality = _split(text)
        if not number.isdigit() or int(number) < 1:
            raise ValidationError([f"--expect-cases {text!r}: give a whole number of at least 1, e.g. 6@north"])
        counts.append(ExpectedCount(int(number), locality))
    return Round(
        id=args.id.strip(),
        title=args.title.strip(),
        phase=args.phase.strip(),
        period_start=args.period_start.strip(),
        period_end=args.period_end.strip(),
        template_id=args.template.strip(),
        deadline=args.deadline.strip(),
        localities=tuple(c.strip() for c in args.locality),
        expected_agencies=tuple(ExpectedAgency(*_split(t)) for t in args.expect_agency),
        expected_cases=tuple(ExpectedCase(*_split(t)) for t in args.expect_case),
        expected_counts=tuple(counts),
    )


def run_create(args: argparse.Namespace) -> int:
    from lscp_audit.core.partnership import round_to_dict

    item = _round_from_args(args)
    with open_vault_from_args(args) as vault:
        saved = _service(vault).create_round(item)
    if args.json:
        print_json(round_to_dict(saved))
    else:
        print(f"Round {saved.id} created: {saved.label}.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        service = _service(vault)
        label = service.round(args.round_id).label
        service.delete_round(args.round_id)
    print(f"Round {args.round_id} deleted: {label}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lscp_audit.core.partnership import round_to_dict

    with open_vault_from_args(args) as vault:
        profile = _service(vault).profile()
    if args.json:
        print_json([round_to_dict(r) for r in profile.rounds])
        return 0
    if not profile.rounds:
        print("No audit rounds yet. Create one with: lscp-audit rounds create --id ... --title ... --template ...")
        return 0
    for item in profile.rounds:
        period = f"{display_date(item.period_start)} to {display_date(item.period_end)}" if item.period_start else ""
        due = f"due {display_date(item.deadline)}" if item.deadline else "no deadline"
        parts = [item.id, item.label, item.template_id or "(no template)", period, due]
        print("  ".join(p for p in parts if p))
    return 0


def _today(args: argparse.Namespace) -> dt.date | None:
    if not args.today:
        return None
    try:
        return dt.date.fromisoformat(args.today)
    except ValueError:
        raise ValidationError([f"--today {args.today!r} is not a date written YYYY-MM-DD"]) from None


def _state_words(row: ExpectationRow) -> str:
    if row.kind == "case_count":
        return f"{row.received} of {row.expected} received" + (f", {row.overdue} overdue" if row.overdue else "")
    return {"received": "received", "outstanding": "outstanding", "overdue": "OVERDUE"}[row.state]


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def status_lines(status: RoundStatus, *, outstanding_only: bool = False) -> list[str]:
    """The plain-text report of `rounds status`."""
    item = status.round
    due = f"deadline {display_date(item.deadline)}" if item.deadline else "no deadline"
    lines = [
        f"Round {item.id}: {item.label} ({due}; as on {display_date(status.today)})",
        f"Expected {status.expected}, received {status.received}, outstanding {status.outstanding}, "
        f"overdue {status.overdue}.",
        TRUSTED_NOTE + f" In quarantine for this round: {status.quarantined}.",
    ]
    if not status.rows:
        lines.append("This round lists no expected returns.")
    rows = status.outstanding_rows if outstanding_only else status.rows
    if rows:
        lines += ["", "Outstanding returns (to remind):" if outstanding_only else "Expected returns:"]
        table: list[tuple[str, ...]] = [("Expected", "Locality", "Status", "In quarantine")]
        table += [(r.label, r.locality_label or "-", _state_words(r), str(len(r.quarantined))) for r in rows]
        lines += ["  " + line for line in _table(table)]
    for title, tallies in (("By agency:", status.by_agency), ("By locality:", status.by_locality)):
        if tallies and not outstanding_only:
            table = [("Name", "Expected", "Received", "Outstanding", "Overdue")]
            table += [(t.label, str(t.expected), str(t.received), str(t.outstanding), str(t.overdue)) for t in tallies]
            lines += ["", title] + ["  " + line for line in _table(table)]
    if status.unexpected and not outstanding_only:
        lines += ["", f"Trusted returns filed under this round that no expectation lists: {len(status.unexpected)}"]
    return lines


def run_status(args: argparse.Namespace) -> int:
    today = _today(args)
    with open_vault_from_args(args) as vault:
        status = _service(vault).round_status(args.round_id, today)
    if args.json:
        print_json(status_dict(status, outstanding_only=args.outstanding))
    elif args.csv:
        write_status_csv(status, sys.stdout, outstanding_only=args.outstanding)
        print(f"lscp-audit: note: {TRUSTED_NOTE}", file=sys.stderr)
    else:
        print("\n".join(status_lines(status, outstanding_only=args.outstanding)))
    return 0


# -- the profile ----------------------------------------------------------------------------------


def run_profile_show(args: argparse.Namespace) -> int:
    from lscp_audit.core.partnership import profile_to_dict

    with open_vault_from_args(args) as vault:
        profile = _service(vault).profile()
    if args.json:
        print_json(profile_to_dict(profile))
        return 0
    origin = " (the profile shipped with LSCP Audit; edit it in Settings)" if profile.is_default else ""
    print(f"{profile.name}{origin}")
    print(f"Localities ({len(profile.localities)}): " + ", ".join(f"{x.label} [{x.code}]" for x in profile.localities))
    print(f"Agencies ({len(profile.agencies)}):")
    for agency in profile.agencies:
        print(f"  {agency.code}  {agency.label}  ({agency.sector_label})")
    print(f"Audit rounds: {len(profile.rounds)} (see 'lscp-audit rounds list')")
    return 0


def run_profile_import(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        profile = _service(vault).import_file(args.file, rounds="replace" if args.replace_rounds else "merge")
    print(
        f"Installed the profile of {profile.name}: {len(profile.localities)} localities, "
        f"{len(profile.agencies)} agencies, {len(profile.rounds)} rounds."
    )
    return 0


def run_profile_export(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        path = _service(vault).export_file(args.file)
    print(f"Wrote the partnership profile to {path}")
    return 0
