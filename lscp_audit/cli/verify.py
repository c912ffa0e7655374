"""`lscp-audit verify FILE.pdf... [--trust CERT.pem ...] [--json]`: check signed reports.

Needs no vault. Exit 0 only when every file is signed, intact and wholly covered by its last
signature (and trusted, when --trust is given); otherwise exit 2 (`SignatureInvalid`).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from lscp_audit.core.errors import LscpAuditError, SignatureInvalid

PASSWORD_ENV = "LSCP_AUDIT_PDF_PASSWORD"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify signed report PDFs (no vault needed)",
        description="Check that each PDF is signed, unchanged since signing and wholly covered by its "
        "signature; with --trust, also that the signer chains to one of the given certificates. "
        "Exit 0 only when every file passes.",
    )
    parser.add_argument("files", metavar="FILE.pdf", nargs="+", help="PDF file(s) to verify")
    parser.add_argument(
        "--trust", metavar="CERT.pem", action="append", default=[], help="trusted certificate (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per file (a JSON list)")
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


def pdf_password(args: argparse.Namespace) -> str | None:
    """The password for encrypted PDFs: the environment variable, else a prompt with --ask-password.
    It is used once and never stored."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if args.ask_password:
        import getpass

        return getpass.getpass("PDF password: ")
    return None


def result_dict(result: Any) -> dict[str, Any]:
    """A verification result as plain JSON-compatible data."""
    return {
        "file": result.path,
        "ok": result.ok(),
        "signed": result.signed,
        "intact": result.intact,
        "whole_file": result.whole_file,
        "trusted": result.trusted if result.trust_checked else None,
        "encrypted": result.encrypted,
        "problem": result.problem,
        "signer": result.signer,
        "signing_time": result.signing_time.isoformat() if result.signing_time else None,
        "template_id": (result.data or {}).get("template", {}).get("id"),
        "template_version": (result.data or {}).get("template", {}).get("version"),
        "report_id": (result.data or {}).get("report", {}).get("id"),
        "signatures": [
            {
                "field": s.field_name,
                "signer": s.signer,
                "organisation": s.signer_organisation,
                "signing_time": s.signing_time.isoformat() if s.signing_time else None,
                "intact": s.intact and s.valid,
                "whole_file": s.whole_file,
                "trusted": s.trusted,
            }
            for s in result.signatures
        ],
    }


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def describe(result: Any, trust_given: bool) -> str:
    """Human-readable lines for one file."""
    info = result_dict(result)
    lines = [f"{result.path}: {'OK' if result.ok() else 'FAILED'}"]
    if result.problem:
        lines.append(f"  problem:     {result.problem}")
    if result.signed:
        lines += [
            f"  signed:      yes ({len(result.signatures)} signature{'s' if len(result.signatures) != 1 else ''})",
            f"  intact:      {_yes(result.intact)}",
            f"  whole file:  {_yes(result.whole_file)}",
            f"  signer:      {result.signer}",
            f"  signed at:   {info['signing_time'] or 'unknown'}",
            f"  trusted:     {_yes(result.trusted) if trust_given else 'not checked (no --trust given)'}",
        ]
    if info["template_id"]:
        caution = "" if result.ok() else " (unverified: do not rely on it)"
        lines.append(f"  template:    {info['template_id']} version {info['template_version']}{caution}")
        lines.append(f"  report id:   {info['report_id']}{caution}")
    elif result.signed:
        lines.append("  data:        no LSCP Audit report data attached")
    return "\n".join(lines)


def run_verify(args: argparse.Namespace) -> int:
    from lscp_audit.services.report_service import verify_files

    results = verify_files(args.files, trust_pems=_trust_pems(args.trust), password=pdf_password(args))
    if args.json:
        print(json.dumps([result_dict(r) for r in results], indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(r, bool(args.trust)) for r in results))
    failed = [r for r in results if not r.ok()]
    if failed:
        raise SignatureInvalid(f"{len(failed)} of {len(results)} file(s) failed verification")
    return 0
