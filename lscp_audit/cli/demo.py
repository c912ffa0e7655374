"""`lscp-audit demo --vault PATH`: build a separate demo vault of fictitious audits to explore.

The demo vault holds realistic, entirely fictitious audits in every shipped template at every
status, and is marked DEMO (the desktop app shows it in the title bar). It never touches your
real vault: the default path is ``demo.lscp`` in the app's data folder, and an existing file is
refused. The passphrase is ``$LSCP_AUDIT_PASSPHRASE`` when set, otherwise a published demo
passphrase (the data is not confidential); the keychain is not used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lscp_audit import paths
from lscp_audit.cli.vault_args import PASSPHRASE_ENV

DEMO_FILE = "demo.lscp"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="build a separate demo vault of fictitious audits")
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"where to create the demo vault (default: {paths.data_dir() / DEMO_FILE}); must not exist",
    )
    parser.add_argument("--no-sign", action="store_true", help="do not sign and export the demo reports")
    parser.add_argument(
        "--no-keychain",
        action="store_true",
        help="accepted for symmetry with the vault commands: the demo vault never uses the system keychain",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from lscp_audit.services import demo_data

    path = Path(args.vault) if args.vault else paths.data_dir() / DEMO_FILE
    passphrase = os.environ.get(PASSPHRASE_ENV) or demo_data.DEMO_PASSPHRASE

    interactive = not args.quiet and sys.stderr.isatty()

    def progress(percent: int, step: str) -> None:
        # A progress line redrawn in place suits a terminal; in a log or pipe it is just noise.
        if interactive:
            print(f"\r{percent:3d}% {step[:60]:<60}", end="", file=sys.stderr, flush=True)

    result = demo_data.build_demo_vault(path, passphrase, progress=progress, sign=not args.no_sign)
    if interactive:
        print(file=sys.stderr)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.by_status.items()))
    print(f"Demo vault created at {path}: {result.audits} fictitious audits ({counts}).")
    if result.reports_dir:
        print(f"Signed demo reports: {result.reports_dir}")
    if result.inbox_returns:
        print(
            f"QA inbox: {result.inbox_returns} signed returns of all four templates, filed under six rounds from "
            f"agencies in three boroughs, their signers trusted; {result.moderation_records} signed moderation "
            f"records; {result.progress_updates} progress updates on actions; some returns are still outstanding "
            "(QA inbox → Rounds)."
        )
    if passphrase == demo_data.DEMO_PASSPHRASE:
        print(f"Passphrase: {demo_data.DEMO_PASSPHRASE}")
    return 0
