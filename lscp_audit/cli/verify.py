"""`lscp-audit verify FILE.pdf... [--trust CERT.pem ...] [--moderator CERT.pem ...] [--json] [--vault V]`.

Needs no vault, except to open reports sealed for you (``--vault``: its private keys open them). Exit 0 only when every file is signed, intact and wholly covered by its last
signature (and, when --trust or --moderator is given, every signer trusted and every
countersigner a moderator); otherwise exit 2 (`SignatureInvalid`). Each file gets its own
verdict: one bad file never stops the others. Many files are verified on every core, and each
verdict is printed as soon as it is known, in the order the files were given (``--json``
prints the list one object at a time); nothing is held once printed, so memory stays flat
however many files there are. Output piped into `head` and closed early ends quietly (and
stops the verifying).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from lscp_audit.core.errors import LscpAuditError, SignatureInvalid

PASSWORD_ENV = "LSCP_AUDIT_PDF_PASSWORD"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify signed report PDFs (no vault needed)",
        description="Check that each PDF is signed, unchanged since signing and wholly covered by its "
        "signature; with --trust, also that the auditor chains to one of the given certificates, and "
        "that any countersignature chains to a --moderator certificate. Exit 0 only when every file passes.",
    )
    parser.add_argument("files", metavar="FILE.pdf", nargs="+", help="PDF file(s) to verify")
    parser.add_argument(
        "--trust", metavar="CERT.pem", action="append", default=[], help="trusted certificate (repeatable)"
    )
    parser.add_argument(
        "--moderator",
        metavar="CERT.pem",
        action="append",
        default=[],
        help="certificate trusted for QA moderator countersignatures (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per file (a JSON list)")
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help="open reports sealed for you with the private keys in this vault (and name their recipients)",
    )
    parser.add_argument(
        "--no-keychain", action="store_true", help="with --vault: unlock with the passphrase, not the keychain"
    )
    parser.add_argument(
        "--ask-password",
        action="store_true",
        help=f"prompt for the password of encrypted PDFs (or set {PASSWORD_ENV})",
    )
    parser.set_defaults(handler=run_verify)


def _trust_pems(files: list[str]) -> list[str]:
    pems = []
    for name in files:
        try:
            pems.append(Path(name).read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError) as exc:
            raise LscpAuditError(f"cannot read the trust certificate {name}") from exc
        if "BEGIN CERTIFICATE" not in pems[-1]:
            raise LscpAuditError(f"{name} is not a PEM certificate")
    return pems


def _vault_keys(args: argparse.Namespace) -> tuple[list[Any], list[str]]:
    """With --vault: the vault's private keys (to open sealed reports) and every certificate it
    knows (to name a sealed report's recipients); the vault is locked again before verifying."""
    if getattr(args, "vault", None) is None:
        return [], []
    from lscp_audit.cli.vault_args import open_vault_from_args
    from lscp_audit.services.identity_service import IdentityService

    with open_vault_from_args(args) as vault:
        identities = IdentityService(vault)
        return list(identities.decryption_keys()), identities.known_certificate_pems()


def pdf_password(args: argparse.Namespace) -> str | None:
    """The password for encrypted PDFs: the environment variable, else a prompt with --ask-password.
    It is used once and never stored."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if args.ask_password:
        import getpass

        return getpass.getpass("PDF password: ")
    return None


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None


def _shown(when: dt.datetime | None) -> str:
    """`28 Nov 2026 06:40 UTC`, or `unknown`."""
    if when is None:
        return "unknown"
    when = when.astimezone(dt.UTC)
    return f"{when.day} {when:%b %Y %H:%M} UTC"


def signer_dict(report: Any, trust_checked: bool) -> dict[str, Any]:
    """One signature as plain JSON-compatible data."""
    return {
        "field": report.field_name,
        "role": report.role,
        "signer": report.signer,
        "organisation": report.signer_organisation,
        "fingerprint": report.fingerprint,
        "signing_time": _iso(report.signing_time),
        "intact": report.intact and report.valid,
        "whole_file": report.whole_file,
        "trusted": report.trusted if trust_checked else None,
        "moderator": report.moderator if trust_checked and report.role == "countersigner" else None,
        "problem": report.problem,
    }


def result_dict(result: Any) -> dict[str, Any]:
    """A verification result as plain JSON-compatible data (the schema-checked report data, so
    the template and report fields are read directly)."""
    data = result.data
    return {
        "file": result.path,
        "ok": result.ok(),
        "reasons": result.reasons(),
        "signed": result.signed,
        "intact": result.intact,
        "intact_reason": result.intact_reason,
        "whole_file": result.whole_file,
        "trusted": result.trusted if result.trust_checked else None,
        "encrypted": result.encrypted,
        "sealed": result.sealed,
        "sealed_for": list(result.sealed_for),
        "problem": result.problem,
        "notes": list(result.notes),
        "signer": result.signer,
        "signing_time": _iso(result.signing_time),
        "auditor": result.auditor_name or None,
        "signed_on_behalf": result.signed_on_behalf,
        "template_id": data["template"]["id"] if data else None,
        "template_version": data["template"]["version"] if data else None,
        "report_id": data["report"]["id"] if data else None,
        "data_sha256": result.data_sha256,
        "data_problem": result.data_problem,
        "signatures": [signer_dict(s, result.trust_checked) for s in result.signatures],
    }


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def _signer_lines(number: int, report: Any, trust_checked: bool) -> list[str]:
    who = report.signer or "unknown signer"
    if report.signer_organisation:
        who += f" ({report.signer_organisation})"
    role = str(report.role).replace("_", " ")
    lines = [f"  signer {number}:    {who}, {role}, signed {_shown(report.signing_time)}"]
    if report.fingerprint:
        lines.append(f"               certificate SHA-256 {report.fingerprint}")
    if trust_checked:
        state = f"trusted: {_yes(report.trusted)}"
        if report.role == "countersigner":
            state += f", moderator: {_yes(report.moderator)}"
        lines.append(f"               {state}")
    if report.problem:
        lines.append(f"               problem: {report.problem}")
    return lines


def describe(result: Any, trust_given: bool) -> str:
    """Human-readable lines for one file."""
    lines = [f"{result.path}: {'OK' if result.ok() else 'FAILED'}"]
    for reason in result.reasons():
        lines.append(f"  problem:     {reason}")
    if result.signed:
        count = len(result.signatures)
        lines += [
            f"  signed:      yes ({count} signature{'s' if count != 1 else ''})",
            f"  intact:      {_yes(result.intact)}",
            f"  whole file:  {_yes(result.whole_file)}",
            f"  signer:      {result.signer}",
            f"  signed at:   {_shown(result.signing_time)}",
            f"  trusted:     {_yes(result.trusted) if trust_given else 'not checked (no --trust given)'}",
        ]
        for number, report in enumerate(result.signatures, start=1):
            lines += _signer_lines(number, report, result.trust_checked)
        if result.signed_on_behalf:
            lines.append(
                f"  auditor:     {result.auditor_name} (signed by {result.signer} on behalf of {result.auditor_name})"
            )
    if result.sealed and result.signed:
        lines.append("  sealed:      yes (encrypted for recipient certificates; opened with a key in the vault)")
    for note in result.notes:
        lines.append(f"  note:        {note}")
    if result.data:
        caution = "" if result.ok() else " (unverified: do not rely on it)"
        template = result.data["template"]
        lines.append(f"  template:    {template['id']} version {template['version']}{caution}")
        lines.append(f"  report id:   {result.data['report']['id']}{caution}")
    elif result.signed:
        lines.append(f"  data:        {result.data_problem or 'no LSCP Audit report data attached'}")
    return "\n".join(lines)


def _print(text: str, end: str = "\n") -> None:
    """Print to stdout; when the reader has gone (``verify ... | head``), point stdout at the
    null device so neither this print nor Python's exit flush raises BrokenPipeError."""
    try:
        print(text, end=end, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise


def _json_item(result: Any, first: bool) -> str:
    """One result as an element of the JSON list printed a piece at a time: ``[`` before the
    first, ``,`` between, each object indented as ``json.dumps(list, indent=2)`` would."""
    body = json.dumps(result_dict(result), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return ("[\n  " if first else ",\n  ") + body


def run_verify(args: argparse.Namespace) -> int:
    from lscp_audit.services.report_service import iter_verify_files

    trust = _trust_pems(args.trust)
    moderators = _trust_pems(args.moderator)
    password = pdf_password(args)
    keys, known = _vault_keys(args)
    trust_given = bool(args.trust or args.moderator)
    checked = failed = 0
    results = iter_verify_files(
        args.files, trust_pems=trust, password=password, moderator_pems=moderators, keys=keys, known_pems=known
    )
    try:
        for result in results:  # printed as each is known; only the counts are kept
            text = _json_item(result, checked == 0) if args.json else describe(result, trust_given)
            checked += 1
            failed += 0 if result.ok() else 1
            _print(text, end="" if args.json else "\n")
        if args.json:
            _print("[]" if checked == 0 else "\n]")
    except BrokenPipeError:
        return 2 if failed else 0
    finally:
        results.close()  # stops the workers when the reader went away
    if failed:
        raise SignatureInvalid(f"{failed} of {checked} file(s) failed verification")
    return 0
