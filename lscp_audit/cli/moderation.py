"""`lscp-audit moderate ...` and `lscp-audit moderation ...`: QA moderators' signed outcomes.

- ``moderate --vault V ID --agree --rationale TEXT``, or
  ``moderate --vault V ID --rate SCOPE CODE RATIONALE [--rate ...] --rationale TEXT``: sign and
  store a moderation record for inbox return ID with the vault's signing identity (which this
  vault must trust as a QA moderator); SCOPE is ``overall``, a section or Section 11 standard id,
  or ``section@agency``; CODE is a level of the return's own judgement scale (``moderation show``
  lists both); ``--out FILE`` also writes the signed record file;
- ``moderation show --vault V ID [--json]``: the return's scale and judgements, and its
  moderation (newest first);
- ``moderation export --vault V ID --out FILE [--record RID]``: the newest (or the given) record
  of a return, as the signed file (``.lscpmod``);
- ``moderation import --vault V FILE...``: check each record (signature by a trusted QA
  moderator, bound to a trusted return's report id and content hash) and store it; one line per
  file; exit 0 only when none was refused, otherwise 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.inbox import _date, _emit
from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import NotFound, SignatureInvalid, ValidationError

if TYPE_CHECKING:
    from lscp_audit.services.moderation_service import Moderation, ModerationForm, ModerationImportResult


def register(subparsers: Any) -> None:
    moderate = subparsers.add_parser(
        "moderate",
        help="record a signed moderation outcome for a return in the inbox (QA moderators)",
        description="Agree with a return's judgements, or give moderated ratings (levels of the return's own "
        "scale) for sections or Section 11 standards, each with a rationale. The record is signed with this "
        "vault's signing identity, which the vault must trust as a QA moderator.",
    )
    add_vault_arguments(moderate)
    moderate.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    choice = moderate.add_mutually_exclusive_group(required=True)
    choice.add_argument("--agree", action="store_true", help="agree with the return's judgements")
    choice.add_argument(
        "--rate",
        nargs=3,
        action="append",
        metavar=("SCOPE", "CODE", "RATIONALE"),
        help="a moderated rating: SCOPE (overall, a section id, or section@agency), a scale CODE and why",
    )
    moderate.add_argument("--rationale", required=True, help="the overall rationale for the outcome")
    moderate.add_argument("--identity", default=None, metavar="IDENTITY_ID", help="sign with this identity")
    moderate.add_argument("--out", default=None, metavar="FILE", help="also write the signed record file")
    moderate.set_defaults(handler=run_moderate)

    parser = subparsers.add_parser("moderation", help="show, export and import signed moderation records")
    commands = parser.add_subparsers(dest="moderation_command", metavar="ACTION", required=True)
    show = commands.add_parser("show", help="a return's scale, judgements and moderation records")
    add_vault_arguments(show)
    show.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(handler=run_show)

    export = commands.add_parser("export", help="write a return's moderation record as its signed file")
    add_vault_arguments(export)
    export.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    export.add_argument("--out", required=True, metavar="FILE", help="where to write the .lscpmod file")
    export.add_argument("--record", default=None, metavar="RECORD_ID", help="this record instead of the newest")
    export.set_defaults(handler=run_export)

    imported = commands.add_parser(
        "import",
        help="check and store signed moderation records",
        description="Each record must be signed by a certificate this vault trusts as a QA moderator and be "
        "bound to a trusted return in the inbox (same report id, content hash and data). Exit 0 only when no "
        "file was refused.",
    )
    add_vault_arguments(imported)
    imported.add_argument("files", metavar="FILE", nargs="+", help="moderation record file(s) (.lscpmod)")
    imported.set_defaults(handler=run_import)


def moderation_lines(moderation: Moderation) -> list[str]:
    who = moderation.moderator
    if moderation.moderator_role or moderation.moderator_agency:
        who += f" ({', '.join(p for p in (moderation.moderator_role, moderation.moderator_agency) if p)})"
    lines = [
        f"{moderation.outcome_words} by {who} on {_date(moderation.moderated_at)} (record {moderation.id})",
        f"  rationale: {moderation.rationale}",
    ]
    for judgement in moderation.judgements:
        lines.append(
            f"  {judgement.title}: self-rated {judgement.self_label}, moderated {judgement.moderated_label}"
            f" ({judgement.moderated}): {judgement.rationale}"
        )
    return lines


def form_lines(form: ModerationForm) -> list[str]:
    levels = ", ".join(f"{level.code} ({level.label})" for level in form.levels)
    lines = [f"Scale: {form.scale_title or form.scale_id}: {levels}", "Judgements (SCOPE: title, self-rating):"]
    for scope in form.scopes:
        key = f"{scope.scope}@{scope.agency}" if scope.agency else scope.scope
        lines.append(f"  {key}: {scope.title}, {scope.self_label or 'not derived'}")
    return lines


def _result_line(result: ModerationImportResult) -> str:
    name = str(result.path) if result.path else "record"
    if result.moderation is None:
        return f"{name}: refused: {result.reason}"
    return (
        f"{name}: {result.status} ({result.moderation.report_id}, {result.moderation.outcome_words.lower()}, "
        f"record {result.moderation.id})"
    )


def _scope(text: str) -> tuple[str, str | None]:
    scope, _at, agency = text.partition("@")
    return scope, agency or None


def run_moderate(args: argparse.Namespace) -> int:
    from lscp_audit.services.moderation_service import AGREE, MODERATED, JudgementInput, ModerationService

    judgements = [JudgementInput(_scope(s)[0], code, why, _scope(s)[1]) for s, code, why in args.rate or []]
    with open_vault_from_args(args) as vault:
        service = ModerationService(vault, actor="cli")
        made = service.record(
            args.id,
            outcome=AGREE if args.agree else MODERATED,
            rationale=args.rationale,
            judgements=judgements,
            identity_id=args.identity,
        )
        lines = ["Moderation recorded and signed.", *moderation_lines(made)]
        if args.out:
            lines.append(f"Written to {service.export(made.id, Path(args.out))}")
    _emit(lines)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from lscp_audit.services.moderation_service import ModerationService

    with open_vault_from_args(args) as vault:
        service = ModerationService(vault, actor="cli")
        form = service.form(args.id)
        history = service.history(args.id)
    if args.json:
        document = {
            "return_id": args.id,
            "report_id": form.report_id,
            "form": dataclasses.asdict(form),
            "moderation": [dict(dataclasses.asdict(m), outcome_words=m.outcome_words) for m in history],
        }
        _emit(json.dumps(document, indent=2, ensure_ascii=False).splitlines())
        return 0
    lines = [f"Return {args.id} ({form.report_id})", *form_lines(form)]
    if not history:
        lines.append("Not moderated yet.")
    for moderation in history:
        lines += moderation_lines(moderation)
    _emit(lines)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from lscp_audit.services.moderation_service import ModerationService

    with open_vault_from_args(args) as vault:
        service = ModerationService(vault, actor="cli")
        history = service.history(args.id)
        if args.record:
            if not any(m.id == args.record for m in history):
                raise NotFound(f"Return {args.id} has no moderation record {args.record}.")
            record_id = args.record
        elif history:
            record_id = history[0].id
        else:
            raise ValidationError([f"return {args.id} has not been moderated"])
        written = service.export(record_id, Path(args.out))
    _emit([f"Written to {written}"])
    return 0


def run_import(args: argparse.Namespace) -> int:
    from lscp_audit.services.moderation_service import ModerationService

    results = []
    with open_vault_from_args(args) as vault:
        service = ModerationService(vault, actor="cli")
        for name in args.files:
            result = service.import_file(Path(name))
            results.append(result)
            _emit([_result_line(result)])
    refused = [r for r in results if not r.ok]
    if refused:
        raise SignatureInvalid(f"{len(refused)} of {len(results)} record(s) were refused")
    return 0
