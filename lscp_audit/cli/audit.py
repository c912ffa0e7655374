"""`lscp-audit audit new|fill|complete|list|show|amend|history`: audits from the command line.

Every command goes through `AuditService` on the vault named by ``--vault`` (unlocked by the
keychain, ``LSCP_AUDIT_PASSPHRASE`` or a prompt; see `cli.vault_args`). ``fill`` reads the
answers JSON format (docs/answers-json.md) and writes nothing when anything is invalid.
Validation failures print one line per problem, naming the question id, and exit 1.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import Any

from lscp_audit.cli.audit_format import (
    history_rows,
    identifier_json,
    identifier_lines,
    print_identifiers_refusal,
    print_json,
    print_problems,
    summary_rows,
)
from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.audit import Auditor, AuditStatus
from lscp_audit.core.errors import ValidationError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="create, fill, complete, list and show audits")
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    _add_new(commands)
    _add_fill(commands)
    complete = _simple(
        commands, "complete", "mark a draft complete (lists missing answers and likely identifiers)", run_complete
    )
    complete.add_argument(
        "--acknowledge-identifiers",
        metavar="REASON",
        help="keep every likely identifier the check lists (see 'audit identifiers'), recording this reason",
    )
    identifiers = _simple(
        commands,
        "identifiers",
        "list likely identifiers (NHS numbers, dates of birth, postcodes, ...) in an audit's text",
        run_identifiers,
    )
    identifiers.add_argument("--json", action="store_true", help="print JSON (found text masked)")
    identifiers.add_argument(
        "--acknowledge",
        metavar="REASON",
        help="keep every unacknowledged one, recording this reason (the text is never changed)",
    )
    _add_list(commands)
    show = _simple(commands, "show", "show one audit", run_show)
    show.add_argument("--json", action="store_true", help="print the audit as JSON (answers as 'fill' reads them)")
    amend = _simple(commands, "amend", "start a new revision of a complete or signed audit", run_amend)
    amend.add_argument("--json", action="store_true", help="print the new revision's id as JSON")
    history = _simple(commands, "history", "show an audit's change history", run_history)
    history.add_argument("--json", action="store_true", help="print JSON")
    next_round = _simple(
        commands,
        "next-round",
        "start the next round's self-assessment from a completed return (answers carried forward, to confirm)",
        run_next_round,
    )
    next_round.add_argument("--title", default="", help="the new audit's title")
    next_round.add_argument("--json", action="store_true", help="print the new audit's id and the pending answers")
    confirm = _simple(
        commands, "confirm", "confirm answers carried forward from the previous return as still right", run_confirm
    )
    confirm.add_argument("keys", metavar="KEY", nargs="+", help="answer keys (qid or qid@agency, see 'show --json')")


def _simple(commands: Any, name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> Any:
    parser = commands.add_parser(name, help=help_text)
    add_vault_arguments(parser)
    parser.add_argument("audit_id", metavar="AUDIT_ID", help="the audit's id (see 'audit list')")
    parser.add_argument("--actor", default="", help="name recorded in the change history (default: cli)")
    parser.set_defaults(handler=handler)
    return parser


def _add_new(commands: Any) -> None:
    parser = commands.add_parser("new", help="start a draft audit from a template; prints its id")
    add_vault_arguments(parser)
    parser.add_argument("--template", required=True, metavar="ID", help="template id (see 'templates list')")
    parser.add_argument(
        "--subject",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a subject field, e.g. case_reference=MACA-2026-03-07; lists comma-separated "
        "(agencies=police,health); repeat for each field",
    )
    parser.add_argument("--title", default="", help="audit title (default: template title and case reference)")
    parser.add_argument(
        "--round",
        default=None,
        metavar="ID",
        help="start it for this audit round (see 'rounds list'): fills the round and, when the round has one "
        "locality, the locality",
    )
    parser.add_argument("--auditor-name", default=None, help="auditor's name (default: your name in Settings)")
    parser.add_argument("--auditor-role", default=None, help="auditor's role (default: the Settings default)")
    parser.add_argument("--auditor-agency", default=None, help="auditor's agency (default: the Settings default)")
    parser.add_argument("--actor", default="", help="name recorded in the change history (default: cli)")
    parser.add_argument("--json", action="store_true", help='print {"id": ..., "warnings": [...]}')
    parser.set_defaults(handler=run_new)


def _add_fill(commands: Any) -> None:
    parser = _simple(commands, "fill", "validate and save answers from a JSON file (all or nothing)", run_fill)
    parser.add_argument("--answers", required=True, metavar="FILE", help="answers JSON file ('-' reads stdin)")
    parser.add_argument("--json", action="store_true", help="print what was saved as JSON")


def _add_list(commands: Any) -> None:
    parser = commands.add_parser("list", help="list audits, newest change first")
    add_vault_arguments(parser)
    parser.add_argument("--status", action="append", choices=[s.value for s in AuditStatus], help="repeatable")
    parser.add_argument("--template", metavar="ID", help="only audits of this template")
    parser.add_argument("--agency", help="only audits of this agency")
    parser.add_argument("--text", help="search case reference and title")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="changed on or after this date")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="changed on or before this date")
    parser.add_argument("--limit", type=int, default=None, help="show at most this many")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_list)


def _service(vault: Any, args: argparse.Namespace) -> Any:
    from lscp_audit.services.audit_service import AuditService

    return AuditService.for_vault(vault, actor=getattr(args, "actor", "") or "cli")


# -- handlers ------------------------------------------------------------------------------------


def run_new(args: argparse.Namespace) -> int:
    from lscp_audit.services.settings_service import SettingsService

    defaults = SettingsService().values()
    auditor = Auditor(
        defaults.user_name if args.auditor_name is None else args.auditor_name,
        defaults.default_role if args.auditor_role is None else args.auditor_role,
        defaults.default_agency if args.auditor_agency is None else args.auditor_agency,
    )
    with open_vault_from_args(args) as vault:
        service = _service(vault, args)
        subject = service.subject_from_text(args.template, args.subject)
        check = service.check_subject(args.template, subject)
        try:
            record = service.new_audit(
                args.template, subject, auditor=auditor, title=args.title, round_id=args.round or None
            )
        except ValidationError as exc:
            return print_problems("the audit was not created", exc.problems)
    warnings = [f"{w.field_id}: {w.message}" for w in check.warnings]
    for warning in warnings:
        print(f"lscp-audit: warning: {warning}", file=sys.stderr)
    if args.json:
        print_json({"id": record.id, "warnings": warnings})
    else:
        print(record.id)
    return 0


def run_fill(args: argparse.Namespace) -> int:
    data = _read_json(args.answers)
    with open_vault_from_args(args) as vault:
        try:
            report = _service(vault, args).fill_from_json(args.audit_id, data)
        except ValidationError as exc:
            return print_problems("nothing was saved", exc.problems)
    if args.json:
        print_json({"id": report.audit_id, "saved": report.answers_saved, "keys": list(report.keys)})
    else:
        print(f"Saved {report.answers_saved} answer(s) to audit {report.audit_id}.")
    return 0


def run_complete(args: argparse.Namespace) -> int:
    from lscp_audit.services.audit_types import IncompleteAudit
    from lscp_audit.services.identifier_checks import IdentifiersNotAcknowledged

    with open_vault_from_args(args) as vault:
        try:
            record = _service(vault, args).complete(args.audit_id, acknowledge_identifiers=args.acknowledge_identifiers)
        except IncompleteAudit as exc:
            return print_problems("the audit is not complete", exc.problems)
        except IdentifiersNotAcknowledged as exc:
            return print_identifiers_refusal(exc)
    print(f"Audit {record.id} is complete and now read-only. Next: sign and export it.")
    return 0


def run_identifiers(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        service = _service(vault, args)
        check = (
            service.acknowledge_identifiers(args.audit_id, args.acknowledge)
            if args.acknowledge is not None
            else service.identifier_check(args.audit_id)
        )
    if args.json:
        print_json([identifier_json(hit) for hit in check.hits])
        return 0
    for line in identifier_lines(check):
        print(line)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lscp_audit.core.audit_query import AuditFilter

    filters = AuditFilter(
        statuses=tuple(AuditStatus(s) for s in args.status or ()),
        template_id=args.template,
        agency=args.agency,
        text=args.text,
        updated_from=args.date_from,
        updated_to=f"{args.date_to}T23:59:59.999" if args.date_to else None,
        limit=args.limit,
    )
    with open_vault_from_args(args) as vault:
        page = _service(vault, args).list_audits(filters)
    if args.json:
        print_json({"total": page.total, "audits": [_summary_json(s) for s in page.items]})
    else:
        for line in summary_rows(page):
            print(line)
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        document = _service(vault, args).audit_document(args.audit_id)
    if args.json:
        print_json(document)
    else:
        from lscp_audit.cli.audit_format import document_lines

        for line in document_lines(document):
            print(line)
    return 0


def run_amend(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        revision = _service(vault, args).amend(args.audit_id)
    if args.json:
        print_json({"id": revision.id, "revision": revision.revision, "previous_revision_id": args.audit_id})
    else:
        print(revision.id)
    return 0


def run_next_round(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        record, left = _service(vault, args).start_from_previous(args.audit_id, title=args.title)
    pending = list(record.unconfirmed)
    if args.json:
        print_json({"id": record.id, "carried_forward_from": args.audit_id, "unconfirmed": pending, "left": list(left)})
    else:
        print(record.id)
        print(f"{len(pending)} answer(s) carried forward: confirm each (audit confirm) or change it before completing.")
        if left:
            print(f"Not carried forward (the template no longer accepts them): {', '.join(left)}")
    return 0


def run_confirm(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        service = _service(vault, args)
        for key in args.keys:
            record = service.confirm_carried_forward(args.audit_id, key)
    print(f"Confirmed {len(args.keys)}; {len(record.unconfirmed)} carried-forward answer(s) still to confirm.")
    return 0


def run_history(args: argparse.Namespace) -> int:
    with open_vault_from_args(args) as vault:
        entries = _service(vault, args).history(args.audit_id)
    if args.json:
        keys = ("at", "actor", "field", "old_value", "new_value")
        print_json([{k: getattr(e, k) for k in keys} for e in entries])
    else:
        for line in history_rows(entries):
            print(line)
    return 0


# -- helpers -------------------------------------------------------------------------------------


MAX_JSON_BYTES = 20 << 20  # far above any real answers file
MAX_JSON_DEPTH = 64  # answers JSON is at most a few levels deep


def _read_json(name: str) -> Any:
    """Answers JSON from a file or stdin; every problem is a `ValidationError` naming it."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(name, "rb") as handle:
                raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise ValidationError([f"{name}: cannot be read ({exc.strerror or exc})"]) from None
    return parse_json_document(name, raw)


def parse_json_document(name: str, raw: bytes) -> Any:
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationError([f"{name}: larger than {MAX_JSON_BYTES >> 20} MB; not an answers file"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([f"{name}: not UTF-8 text (invalid byte at position {exc.start})"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError([f"{name}:{exc.lineno}: not valid JSON ({exc.msg})"]) from None
    except RecursionError:
        raise ValidationError([f"{name}: nested too deeply to be an answers file"]) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise ValidationError([f"{name}: not usable JSON ({str(exc)[:120]})"]) from None
    _check_values(name, data)
    return data


def _check_values(name: str, data: Any) -> None:
    """Refuse what JSON allows but an answer cannot hold: deep nesting, lone surrogates
    (not encodable as UTF-8), and numbers that are not finite or far too long."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValidationError([f"{name}: nested too deeply to be an answers file"])
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValidationError([f"{name}: contains text that is not valid Unicode (a lone surrogate)"]) from None
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValidationError([f"{name}: contains a number that is not finite (NaN or Infinity)"])
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**18:
            raise ValidationError([f"{name}: contains a number too large to be an answer"])


def _summary_json(summary: Any) -> dict[str, Any]:
    keys = ("id", "case_reference", "title", "template_id", "template_title", "agency", "auditor", "judgement")
    return {**{k: getattr(summary, k) for k in keys}, "status": summary.status.value, "updated_at": summary.updated_at}
