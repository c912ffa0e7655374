"""Command-line front end over the services layer.

`lscp-audit` with no subcommand starts the desktop app; every subcommand group lives in its own
module here and registers itself through `register(subparsers)`. Nothing in this package imports
PySide6, and heavy libraries load inside the commands that need them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from lscp_audit import __version__
from lscp_audit.core.errors import LscpAuditError

log = logging.getLogger(__name__)

# Subcommand groups, in the order they appear in --help. Each module defines `register`.
COMMAND_MODULES: tuple[str, ...] = (
    "gui",
    "templates",
    "vault",
    "identity",
    "audit",
    "demo",
    "export",
    "verify",
    "inbox",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lscp-audit",
        description="LSCP Audit: offline multi-agency case audits and Section 11 self-assessments. "
        "Run with no command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug detail to the log file")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"lscp_audit.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    from lscp_audit.applog import configure_logging

    try:
        configure_logging(logging.DEBUG if args.verbose else logging.INFO)
    except OSError:
        pass  # a read-only home must not stop the CLI; it simply does not log
    handler = getattr(args, "handler", None)
    if handler is None:
        from lscp_audit.cli.gui import run_gui

        handler = run_gui
    try:
        return int(handler(args) or 0)
    except LscpAuditError as exc:
        log.info("command %s failed: %s", args.command, type(exc).__name__)
        print(f"lscp-audit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lscp-audit: interrupted", file=sys.stderr)
        return 130
