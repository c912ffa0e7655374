"""`lscp-audit export --vault V AUDIT_ID --out FILE.pdf [--compact|--full] [--encrypt | --for CERT.pem ...] [--marking M]`.

Signs the audit's report with the vault's default signing identity and writes it atomically.
Likely identifiers in the audit's text (`audit identifiers`) must be acknowledged first, or
with --acknowledge-identifiers REASON; otherwise export refuses and lists them.
With --encrypt the PDF is protected with AES-256 under a password that is prompted for twice
(or read from LSCP_AUDIT_PDF_PASSWORD) and never stored. With --for (repeatable) it is sealed
instead: encrypted (AES-256) for the holders of the given certificates and the signer, whose
private keys open it; no password travels.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import LscpAuditError

PASSWORD_ENV = "LSCP_AUDIT_PDF_PASSWORD"
MIN_PASSWORD = 8


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="sign an audit's report and save it as a PDF")
    add_vault_arguments(parser)
    parser.add_argument("audit_id", metavar="AUDIT_ID", help="the audit to export (see 'audit list')")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the signed PDF")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--compact", action="store_true", help="leave out questions that did not apply")
    mode.add_argument("--full", action="store_true", help="show every question (the default)")
    parser.add_argument("--encrypt", action="store_true", help=f"protect the PDF with a password ({PASSWORD_ENV})")
    parser.add_argument(
        "--for",
        dest="seal_for",
        action="append",
        default=[],
        metavar="CERT.pem",
        help="seal the PDF for this certificate's holder (repeatable; your own certificate is always added; "
        "not with --encrypt)",
    )
    parser.add_argument("--reason", help="reason shown in the signature")
    parser.add_argument("--location", default="", help="location shown in the signature")
    parser.add_argument(
        "--html",
        metavar="FILE.html",
        help="also write the accessible HTML version (not signed; not with --encrypt)",
    )
    parser.add_argument(
        "--marking",
        choices=("OFFICIAL-SENSITIVE", "OFFICIAL"),
        help="protective marking for this export (default: the vault's setting)",
    )
    parser.add_argument(
        "--descriptor",
        metavar="WORD",
        help='descriptor after the marking, e.g. PERSONAL ("" for none; default: the vault\'s setting)',
    )
    parser.add_argument(
        "--acknowledge-identifiers",
        metavar="REASON",
        help="keep every likely identifier in the audit's text not yet acknowledged, recording this reason "
        "(see 'audit identifiers'); without it export refuses while any is listed",
    )
    parser.set_defaults(handler=run_export)


def _password() -> str:
    from lscp_audit.cli.vault_args import prompt_password

    value = prompt_password("Password for the PDF: ", PASSWORD_ENV, confirm=True)
    if len(value) < MIN_PASSWORD:
        raise LscpAuditError(f"the PDF password must have at least {MIN_PASSWORD} characters")
    return value


def _certificate(name: str) -> str:
    from pathlib import Path

    try:
        text = Path(name).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise LscpAuditError(f"cannot read the certificate {name}") from exc
    if "BEGIN CERTIFICATE" not in text:
        raise LscpAuditError(f"{name} is not a PEM certificate")
    return text


def run_export(args: argparse.Namespace) -> int:
    from lscp_audit.services.report_service import ExportOptions, ReportService

    if args.seal_for and args.encrypt:
        raise LscpAuditError("choose --encrypt (a password) or --for (recipients' certificates), not both")
    if args.html and args.seal_for:
        raise LscpAuditError("the HTML version cannot be sealed: leave out --html or --for")
    seal_for = tuple(_certificate(name) for name in args.seal_for)
    options = ExportOptions(
        seal_for=seal_for,
        compact=bool(args.compact),
        password=_password() if args.encrypt else None,
        location=args.location,
        marking=args.marking,
        descriptor=args.descriptor,
        acknowledge_identifiers=args.acknowledge_identifiers,
        **({"reason": args.reason} if args.reason else {}),
    )
    if args.html and args.encrypt:
        raise LscpAuditError("the HTML version cannot be password-protected: leave out --html or --encrypt")
    from lscp_audit.cli.audit_format import print_identifiers_refusal
    from lscp_audit.services.identifier_checks import IdentifiersNotAcknowledged

    with open_vault_from_args(args) as vault:
        service = ReportService(vault, actor="cli")
        try:
            result = service.export(args.audit_id, args.out, options)
        except IdentifiersNotAcknowledged as exc:
            return print_identifiers_refusal(exc)
        html = service.export_html(args.audit_id, args.html, options) if args.html else None
    print(f"Signed report {result.report_id} written to {result.path}")
    if html is not None:
        print(f"Accessible HTML version (not signed) written to {html}")
    print(f"  {result.page_count} pages, {result.size_bytes // 1024} KB, signed by {result.signer}")
    if result.sealed_for:
        print(f"  sealed (AES-256) for: {', '.join(result.sealed_for)}; only their private keys open it")
    elif result.encrypted:
        print("  encrypted with AES-256; send the password separately", file=sys.stderr)
    return 0
