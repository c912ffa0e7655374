"""`lscp-audit sign-off --vault V RETURN.pdf --out SIGNED.pdf [--identity ID]`: the senior lead's
second signature on a Section 11 return.

The return must be signed by whoever completed it, unchanged since, not yet signed off and not
yet countersigned. The senior lead's identity (the vault's default, or ``--identity``) signs the
return's senior lead field; the result is checked again before it is written. Encrypted returns
are opened with LSCP_AUDIT_PDF_PASSWORD (or ``--ask-password``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.cli.verify import PASSWORD_ENV, pdf_password


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sign-off",
        help="sign a Section 11 return as the agency's senior lead (a second signature)",
        description="Adds the senior lead's signature to a Section 11 return that the person who completed "
        "it has signed, as a second, incremental signature that verify checks with the first.",
    )
    add_vault_arguments(parser)
    parser.add_argument("pdf", metavar="RETURN.pdf", help="the signed Section 11 return")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the signed-off return")
    parser.add_argument("--identity", default=None, metavar="IDENTITY_ID", help="sign with this identity")
    parser.add_argument("--location", default="", help="location shown in the signature")
    parser.add_argument(
        "--ask-password",
        action="store_true",
        help=f"prompt for the password of an encrypted return (or {PASSWORD_ENV})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lscp_audit.services.sign_off_service import SignOffService

    password = pdf_password(args)
    with open_vault_from_args(args) as vault:
        result = SignOffService(vault).sign_off(
            Path(args.pdf), Path(args.out), identity_id=args.identity, password=password, location=args.location
        )
    print(
        f"Signed off {result.report_id}: completed and signed by {result.completed_by}, signed off by {result.senior_lead}"
    )
    print(f"Written to {result.path}")
    return 0
