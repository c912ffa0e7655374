"""`lscp-audit inbox import|list|remove|trust`: the QA subgroup's inbox of signed returns.

- ``import --vault V FILE.pdf...``: verify each PDF against the vault's trusted certificates and
  store its report data; one line per file (``imported``, ``duplicate`` or ``rejected: reason``);
  exit 0 only when nothing was rejected, otherwise 2;
- ``list --vault V [--json]``: the imported returns, most recent first (the plain listing leaves
  out the case reference or organisation; ``--json`` includes it as ``subject``);
- ``remove --vault V ID``: delete one return from the inbox;
- ``trust --vault V CERT.pem [--label L]``: trust an auditor's certificate or a partnership root
  for later imports.
Password-protected reports are opened with LSCP_AUDIT_PDF_PASSWORD (or ``--ask-password``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.cli.verify import PASSWORD_ENV, pdf_password
from lscp_audit.core.errors import LscpAuditError, SignatureInvalid


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("inbox", help="import, list and remove signed returns (QA subgroup)")
    commands = parser.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)

    imported = commands.add_parser(
        "import",
        help="verify signed report PDFs and add them to the inbox",
        description="Each PDF must be signed, unchanged since signing, wholly covered by its signature "
        "and carry LSCP Audit report data. Exit 0 only when no file was rejected.",
    )
    add_vault_arguments(imported)
    imported.add_argument("files", metavar="FILE.pdf", nargs="+", help="signed report PDF(s)")
    imported.add_argument(
        "--ask-password", action="store_true", help=f"prompt for the password of encrypted PDFs (or set {PASSWORD_ENV})"
    )
    imported.set_defaults(handler=run_import)

    listing = commands.add_parser("list", help="list the imported returns")
    add_vault_arguments(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON list of objects")
    listing.set_defaults(handler=run_list)

    remove = commands.add_parser("remove", help="remove one return from the inbox")
    add_vault_arguments(remove)
    remove.add_argument("id", metavar="ID", help="the return's id (from 'inbox list')")
    remove.set_defaults(handler=run_remove)

    trust = commands.add_parser("trust", help="trust a signer's certificate or a partnership root for imports")
    add_vault_arguments(trust)
    trust.add_argument("certificate", metavar="CERT.pem", help="PEM certificate file")
    trust.add_argument("--label", default="", help="a name for it (default: the certificate's name)")
    trust.set_defaults(handler=run_trust)


def result_line(result: Any) -> str:
    """``FILE: imported (R-XXXX-XXXX, trusted)``, ``FILE: duplicate (...)`` or ``FILE: rejected: reason``."""
    if result.status == "rejected" or result.status == "skipped":
        return f"{result.path}: {result.status}: {result.reason}"
    entry = result.entry
    line = f"{result.path}: {result.status} ({entry.report_id}, {entry.verified}, id {entry.id})"
    return line + (f"\n  note: {result.note}" if result.note else "")


def run_import(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    password = pdf_password(args)
    with open_vault_from_args(args) as vault:
        results = InboxService(vault).import_files([Path(f) for f in args.files], password=password)
    print("\n".join(result_line(r) for r in results))
    rejected = [r for r in results if not r.ok]
    if rejected:
        raise SignatureInvalid(f"{len(rejected)} of {len(results)} file(s) were not imported")
    return 0


def entry_line(entry: Any) -> str:
    """One return in the plain listing (dates as ``28 Nov 2026``)."""
    overall = f", overall {entry.overall_label}" if entry.overall_label else ""
    return (
        f"{entry.id}  {entry.report_id}  {entry.template_id} {entry.template_version}  "
        f"signed by {entry.signer or 'unknown'} on {_date(entry.signed_at)} ({entry.verified})"
        f"{overall}; imported {_date(entry.imported_at)}"
    )


def _date(value: str) -> str:
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value or "unknown"
    return f"{when.day} {when:%b %Y}"


def run_list(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    with open_vault_from_args(args) as vault:
        entries = InboxService(vault).list_returns()
    if args.json:
        print(json.dumps([dataclasses.asdict(e) for e in entries], indent=2, ensure_ascii=False))
    elif not entries:
        print("The inbox is empty. Import signed reports with: lscp-audit inbox import FILE.pdf")
    else:
        print("\n".join(entry_line(e) for e in entries))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    with open_vault_from_args(args) as vault:
        InboxService(vault).remove(args.id)
    print(f"Removed {args.id} from the inbox")
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from lscp_audit.services.inbox_service import InboxService

    try:
        pem = Path(args.certificate).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise LscpAuditError(f"cannot read the certificate {args.certificate}") from exc
    with open_vault_from_args(args) as vault:
        added = InboxService(vault).trust_certificate(pem, args.label)
    for cert in added:
        print(f"Trusted: {cert.label}")
    return 0
