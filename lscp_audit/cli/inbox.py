"""`lscp-audit inbox ...`: the QA subgroup's inbox of signed returns.

- ``import --vault V FILE.pdf...``: verify each PDF against the vault's trust lists and store it;
  one line per file (``imported``, ``imported into quarantine``, ``duplicate`` or
  ``rejected: reason``), then notes; exit 0 only when nothing was rejected, otherwise 2;
- ``list --vault V [--json] [--all]``: trusted returns (latest revision of each audit; ``--all``
  adds superseded ones) and, apart, the quarantine; every signer with role and fingerprint
  (the plain listing leaves out the case reference or organisation; ``--json`` includes it);
- ``show --vault V ID [--json]``: one return with its signers' full fingerprints;
- ``remove --vault V ID``: delete one return (its data, signatures and PDF) from the inbox;
- ``trust --vault V CERT.pem [--label L] [--moderator]``: trust an auditor's certificate or a
  partnership root (or, with ``--moderator``, a QA moderator's certificate), then check the
  kept returns again;
- ``trust-signer --vault V ID [--signature N] [--moderator] [--fingerprint FP]``: trust the
  certificate a stored return was signed with, after showing its fingerprint (asks to confirm
  on a terminal; otherwise ``--fingerprint`` must repeat it);
- ``recheck --vault V``: check every kept return again against the current trust lists;
- ``save-pdf --vault V ID OUT.pdf``: write the signed PDF the vault keeps for a return, byte for
  byte (atomically);
- ``case --vault V CASE_REF [--round R] [--json] [--pdf OUT.pdf]``: the trusted returns for one
  case side by side (question by question, agency by agency); ``--pdf`` exports it as one PDF
  signed with this vault's identity.
Password-protected reports are opened with LSCP_AUDIT_PDF_PASSWORD (or ``--ask-password``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.cli.verify import PASSWORD_ENV, pdf_password
from lscp_audit.core.errors import LscpAuditError, SignatureInvalid, ValidationError

if TYPE_CHECKING:  # the service module loads on first use (start-up stays light)
    from lscp_audit.core.case_view import CaseView
    from lscp_audit.services.inbox_service import (
        InboxEntry,
        InboxImportResult,
        InboxListing,
        RecheckResult,
        SignerEntry,
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("inbox", help="import, list, trust and remove signed returns (QA subgroup)")
    commands = parser.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)

    imported = commands.add_parser(
        "import",
        help="verify signed report PDFs (and moderation records) and add them to the inbox",
        description="Each PDF must be signed, unchanged since signing, wholly covered by its signature "
        "and carry LSCP Audit report data. Returns from signers this vault does not trust are held in "
        "quarantine. Moderation record files (.lscpmod) given with them are imported after the PDFs, "
        "as 'moderation import' does. Exit 0 only when no file was rejected.",
    )
    add_vault_arguments(imported)
    imported.add_argument(
        "files", metavar="FILE", nargs="+", help="signed report PDF(s), and any moderation record(s) (.lscpmod)"
    )
    _password_argument(imported)
    imported.set_defaults(handler=run_import)

    listing = commands.add_parser("list", help="list the trusted returns and, apart, the quarantine")
    add_vault_arguments(listing)
    listing.add_argument("--json", action="store_true", help='print {"returns": [...], "quarantine": [...]}')
    listing.add_argument("--all", action="store_true", help="include revisions a newer revision supersedes")
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="one return with every signer's full fingerprint")
    add_vault_arguments(show)
    show.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(handler=run_show)

    remove = commands.add_parser("remove", help="remove one return from the inbox")
    add_vault_arguments(remove)
    remove.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    remove.set_defaults(handler=run_remove)

    trust = commands.add_parser("trust", help="trust a signer's certificate, a partnership root or a moderator")
    add_vault_arguments(trust)
    trust.add_argument("certificate", metavar="CERT.pem", help="PEM certificate file")
    trust.add_argument("--label", default="", help="a name for it (default: the certificate's name)")
    trust.add_argument(
        "--moderator", action="store_true", help="trust it as a QA moderator (who may countersign returns)"
    )
    _password_argument(trust)
    trust.set_defaults(handler=run_trust)

    signer = commands.add_parser(
        "trust-signer",
        help="trust the certificate a stored return was signed with (shows its fingerprint first)",
    )
    add_vault_arguments(signer)
    signer.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    signer.add_argument(
        "--signature", type=int, default=1, metavar="N", help="which signature: 1 = the auditor's (default)"
    )
    signer.add_argument("--moderator", action="store_true", help="trust it as a QA moderator")
    signer.add_argument("--label", default="", help="a name for it (default: the certificate's name)")
    signer.add_argument(
        "--fingerprint", default="", metavar="SHA256", help="confirm without a prompt by repeating the fingerprint"
    )
    _password_argument(signer)
    signer.set_defaults(handler=run_trust_signer)

    recheck = commands.add_parser("recheck", help="check every kept return again against the trust lists")
    add_vault_arguments(recheck)
    _password_argument(recheck)
    recheck.set_defaults(handler=run_recheck)

    save = commands.add_parser("save-pdf", help="save a copy of the signed PDF the vault keeps for a return")
    add_vault_arguments(save)
    save.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    save.add_argument("output", metavar="OUT.pdf", help="where to write the copy (replaced atomically)")
    save.set_defaults(handler=run_save_pdf)

    case = commands.add_parser(
        "case",
        help="the trusted returns for one case side by side; --pdf exports them as one signed PDF",
        description="Every trusted return (latest revision) for the case reference, one column per agency: "
        "each question, each agency's answer and judgements, the shared findings and the actions.",
    )
    add_vault_arguments(case)
    case.add_argument("case_reference", metavar="CASE_REF", help="the case reference the returns name")
    case.add_argument("--round", default=None, metavar="ROUND", help="only the returns naming this audit round")
    case.add_argument("--json", action="store_true", help="print the side-by-side view as JSON")
    case.add_argument("--pdf", default=None, metavar="OUT.pdf", help="export it as one PDF signed with your identity")
    case.add_argument("--marking", default=None, help="protective marking (default: the vault's setting)")
    case.add_argument("--identity", default=None, metavar="ID", help="the signing identity (default: yours)")
    case.set_defaults(handler=run_case)


def _password_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ask-password", action="store_true", help=f"prompt for the password of encrypted PDFs (or set {PASSWORD_ENV})"
    )


def _emit(lines: Iterable[str]) -> bool:
    """Print `lines`; False when the reader went away (``inbox list | head``): no traceback,
    and stdout is pointed at the null device so the interpreter's final flush stays quiet."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return False
    return True


# -- plain text ------------------------------------------------------------------------------


def _date(value: str) -> str:
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value or "unknown"
    return f"{when.day} {when:%b %Y}"


def result_lines(result: InboxImportResult) -> list[str]:
    """``FILE: imported (R-XXXX-XXXX, trusted, id ID)``, ``FILE: imported into quarantine (...)``,
    ``FILE: duplicate (...)`` or ``FILE: rejected: reason``, then any note. A moderation record
    (no return entry) gives ``FILE: imported (moderation record of report R-…: Agreed by …)``."""
    entry = result.entry
    if result.ok and entry is None and result.note:
        lines = [f"{result.path}: {result.status} ({result.note})"]
        return lines + ([f"  {result.reason}"] if result.reason else [])
    if not result.ok or entry is None:
        return [f"{result.path}: {result.status}: {result.reason}"]
    status = "imported into quarantine" if result.quarantined else str(result.status)
    lines = [f"{result.path}: {status} ({entry.report_id}, {entry.verified}, id {entry.id})"]
    if result.status == "duplicate" and result.reason:
        lines.append(f"  {result.reason}")
    lines += [f"  note: {note}" for note in result.note.split("; ") if note]
    return lines


def signer_line(signer: SignerEntry) -> str:
    """``auditor's signature: Name (Organisation), SHA-256 ABCD …, signed 28 Nov 2026, trusted``."""
    from lscp_audit.services.inbox_service import fingerprint_text, role_words

    who = signer.name or "no name"
    if signer.organisation:
        who += f" ({signer.organisation})"
    state = "trusted" if signer.trusted else "not trusted"
    if signer.role == "countersigner":
        state += ", QA moderator" if signer.moderator else ", not a trusted QA moderator"
    if signer.problem:
        state += f", {signer.problem}"
    fingerprint = fingerprint_text(signer.fingerprint) if signer.fingerprint else "unknown"
    return f"{role_words(signer.role)}: {who}, SHA-256 {fingerprint}, signed {_date(signer.signed_at)}, {state}"


def entry_lines(entry: InboxEntry, moderation: str = "") -> list[str]:
    """One return in the plain listing (dates as ``28 Nov 2026``; no case reference);
    `moderation` is the newest moderation outcome (``Agreed`` or ``Moderated``), if any."""
    overall = f", overall {entry.overall_label}" if entry.overall_label else ""
    lines = [
        f"{entry.id}  {entry.report_id} (revision {entry.revision})  {entry.template_id} {entry.template_version}  "
        f"signed by {entry.signer or 'unknown'} on {_date(entry.signed_at)} ({entry.verified})"
        f"{overall}; imported {_date(entry.imported_at)}"
    ]
    if entry.signed_on_behalf:
        lines.append(f"  signed by {entry.signer} on behalf of {entry.auditor_name} (the auditor named in the report)")
    elif entry.auditor_name:
        lines.append(f"  auditor: {entry.auditor_name}")
    if entry.round_id:
        where = f", locality {entry.locality}" if entry.locality else ""
        lines.append(f"  filed under round {entry.round_id}{where}")
    lines += [f"  {signer_line(s)}" for s in entry.signatures]
    if not entry.signatures:
        lines.append("  signers: not recorded (imported by an earlier version; import the file again)")
    if entry.quarantined and entry.trust_problem:
        lines.append(f"  held in quarantine: {entry.trust_problem}")
    if entry.conflict:
        lines.append(f"  CONFLICT: {entry.conflict}")
    if entry.judgement_mismatch:
        lines.append(
            f"  MISMATCH: the pages print the overall judgement as {entry.page_judgement!r}, "
            f"the data says {entry.overall_label!r}"
        )
    if entry.superseded_by:
        lines.append(f"  superseded by {entry.superseded_by} (a newer revision in the inbox)")
    if moderation:
        lines.append(f"  moderated: {moderation} (see 'lscp-audit moderation show {entry.id}')")
    return lines


def listing_lines(listing: InboxListing, moderated: dict[str, str] | None = None) -> list[str]:
    if not listing.returns and not listing.quarantine:
        return ["The inbox is empty. Import signed reports with: lscp-audit inbox import FILE.pdf"]
    lines = [f"Trusted returns ({len(listing.returns)})"]
    for entry in listing.returns:
        lines += entry_lines(entry, (moderated or {}).get(entry.id, ""))
    if not listing.returns:
        lines.append("  none")
    hidden = listing.superseded - sum(1 for e in listing.returns if e.superseded_by)
    if hidden:
        lines.append(f"  ({hidden} older revision(s) superseded by a newer one are not shown; see --all)")
    if listing.quarantine:
        lines += [
            "",
            f"Quarantine ({len(listing.quarantine)}): a signer is not trusted; these are not counted with "
            "trusted returns. Check the fingerprint with the sender, then 'lscp-audit inbox trust-signer ID', "
            "or remove the return.",
        ]
        for entry in listing.quarantine:
            lines += entry_lines(entry)
    return lines


def entry_dict(entry: InboxEntry, moderation: str = "") -> dict[str, Any]:
    values = dataclasses.asdict(entry)
    values["quarantined"] = entry.quarantined
    values["judgement_mismatch"] = entry.judgement_mismatch
    values["moderation"] = moderation or None
    return values


# -- handlers --------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.incoming import import_incoming
    from lscp_audit.services.moderation_service import ModerationService

    password = pdf_password(args)
    results = []
    with open_vault_from_args(args) as vault:
        files = [Path(f) for f in args.files]
        moderation = ModerationService(vault, actor="cli")
        for incoming in import_incoming(InboxService(vault), moderation, files, password=password):
            results.append(incoming.result)
            _emit(result_lines(incoming.result))  # each file's outcome as soon as it is known
    rejected = [r for r in results if not r.ok]
    if rejected:
        raise SignatureInvalid(f"{len(rejected)} of {len(results)} file(s) were not imported")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.moderation_service import ModerationService

    with open_vault_from_args(args) as vault:
        listing = InboxService(vault).listing(include_superseded=args.all)
        moderated = ModerationService(vault).outcomes()
    if args.json:
        document = {
            "returns": [entry_dict(e, moderated.get(e.id, "")) for e in listing.returns],
            "quarantine": [entry_dict(e) for e in listing.quarantine],
        }
        _emit(json.dumps(document, indent=2, ensure_ascii=False).splitlines())
    else:
        _emit(listing_lines(listing, moderated))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.moderation_service import ModerationService

    with open_vault_from_args(args) as vault:
        entry = InboxService(vault).get(args.id)
        moderation = ModerationService(vault).moderation_for(args.id)
    words = moderation.outcome_words if moderation else ""
    if args.json:
        _emit(json.dumps(entry_dict(entry, words), indent=2, ensure_ascii=False).splitlines())
    else:
        where = "quarantine" if entry.quarantined else "trusted returns"
        kept = (
            "kept in the vault"
            if entry.has_pdf
            else "not kept (imported by an earlier version; trust cannot be checked again: import the file again)"
        )
        _emit(
            [*entry_lines(entry, words), f"  in: {where}; checked {_date(entry.checked_at)}", f"  signed PDF: {kept}"]
        )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    with open_vault_from_args(args) as vault:
        InboxService(vault).remove(args.id)
    _emit([f"Removed {args.id} from the inbox"])
    return 0


def _recheck_lines(outcome: RecheckResult) -> list[str]:
    lines = [
        f"Checked {outcome.checked} return(s) again: {len(outcome.now_trusted)} left quarantine, "
        f"{len(outcome.now_quarantined)} moved into quarantine."
    ]
    lines += [f"  {return_id}: not checked: {reason}" for return_id, reason in outcome.not_checked]
    return lines


def run_trust(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    try:
        pem = Path(args.certificate).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise LscpAuditError(f"cannot read the certificate {args.certificate}") from exc
    password = pdf_password(args)
    with open_vault_from_args(args) as vault:
        inbox = InboxService(vault)
        added = inbox.trust_certificate(pem, args.label, moderator=args.moderator)
        outcome = inbox.recheck(password=password, quarantine_only=True)
    kind = "as a QA moderator" if args.moderator else "as a signer"
    _emit([*(f"Trusted {kind}: {cert.label}" for cert in added), *_recheck_lines(outcome)])
    return 0


def run_trust_signer(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService, fingerprint_text, role_words

    password = pdf_password(args)
    with open_vault_from_args(args) as vault:
        inbox = InboxService(vault)
        entry = inbox.get(args.id)
        position = args.signature - 1
        signers = entry.signatures
        if not 0 <= position < len(signers):
            raise ValidationError([f"return {args.id} has {len(signers)} recorded signature(s)"])
        signer = signers[position]
        _pem, fingerprint = inbox.signer_certificate(args.id, position)
        confirmed = args.fingerprint
        if not confirmed:
            print(f"Signer: {signer.name} ({signer.organisation or 'no organisation'}), {role_words(signer.role)}")
            print(f"SHA-256 fingerprint: {fingerprint_text(fingerprint)}")
            print("Check this fingerprint with the signer (by phone or in person) before trusting it.")
            if not sys.stdin.isatty():
                raise ValidationError(
                    ["not confirmed: repeat the fingerprint with --fingerprint to trust it without a prompt"]
                )
            if input("Trust this certificate? [y/N] ").strip().casefold() not in ("y", "yes"):
                print("Nothing was trusted.")
                return 1
            confirmed = fingerprint
        outcome = inbox.trust_signer(
            args.id, confirmed, position=position, moderator=args.moderator, label=args.label, password=password
        )
    kind = "as a QA moderator" if args.moderator else "as a signer"
    _emit([f"Trusted {kind}: {signer.name} (SHA-256 {fingerprint_text(fingerprint)})", *_recheck_lines(outcome)])
    return 0


def run_recheck(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    password = pdf_password(args)
    with open_vault_from_args(args) as vault:
        inbox = InboxService(vault)
        outcome = inbox.recheck(password=password)
        listing = inbox.listing(include_superseded=True)
    lines = _recheck_lines(outcome)
    without = sum(1 for e in (*listing.returns, *listing.quarantine) if not e.has_pdf)
    if without:
        lines.append(
            f"  {without} return(s) imported by an earlier version have no kept PDF and were not checked; "
            "import their files again"
        )
    _emit(lines)
    return 0


def run_save_pdf(args: argparse.Namespace) -> int:
    from lscp_audit.services.returns_service import ReturnsService

    with open_vault_from_args(args) as vault:
        path = ReturnsService(vault, actor="cli").save_pdf_copy(args.id, Path(args.output))
    _emit([f"Saved the signed PDF of {args.id} to {path}"])
    return 0


def case_lines(view: CaseView) -> list[str]:
    """The side-by-side view as text: each row, then each agency's answer indented under it."""
    from lscp_audit.core.report_data import format_date

    lines = [f"Case {view.case_reference}, {view.round or 'round not named'}: {len(view.columns)} return(s)"]
    lines += [
        f"  {c.agency}: {c.report_id}, signed by {c.signer} on {format_date(c.signed_at)}, overall {c.overall_label}"
        for c in view.columns
    ]
    lines += [f"  note: {note}" for note in view.notes]

    def row(label: str, cells: tuple[Any, ...]) -> list[str]:
        out = [f"  {label}"]
        for column, cell in zip(view.columns, cells, strict=True):
            text = cell.text.replace("\n", "; ")
            out.append(f"    {column.agency}: {text}")
        return out

    lines += ["", "Overall judgement", *row("Overall judgement", view.overall.cells)[1:]]
    for section in view.sections:
        lines += ["", section.title]
        for line in section.rows:
            lines += row(line.label + (f" — {line.agency_label}" if line.agency_label else ""), line.cells)
    if view.findings:
        lines += ["", "Shared findings"]
        lines += [f"  {f.title}: {f.agency}: {f.text}" for f in view.findings]
    if view.actions:
        lines += ["", "Actions"]
        lines += [f"  {a.agency}: {a.action} ({a.owner}; due {format_date(a.due)}; {a.status})" for a in view.actions]
    return lines


def run_case(args: argparse.Namespace) -> int:
    from lscp_audit.services.returns_service import ReturnsService

    with open_vault_from_args(args) as vault:
        returns = ReturnsService(vault, actor="cli")
        view = returns.case_view(args.case_reference, args.round)
        exported = None
        if args.pdf:
            exported = returns.export_case_pdf(view, Path(args.pdf), identity_id=args.identity, marking=args.marking)
    if args.json:
        _emit(json.dumps(dataclasses.asdict(view), indent=2, ensure_ascii=False).splitlines())
    elif exported is None:
        _emit(case_lines(view))
    if exported is not None:
        print(
            f"Saved {exported.path}: pack {exported.pack_id}, {exported.page_count} page(s), "
            f"{exported.returns} return(s), signed by {exported.signer}",
            file=sys.stderr if args.json else sys.stdout,
        )
    return 0
