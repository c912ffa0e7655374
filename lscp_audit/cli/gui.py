"""`lscp-audit gui`: start the desktop app (also what happens with no command)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from lscp_audit.core.errors import DisplayUnavailable


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop app (the default)")
    parser.add_argument("--vault", help="vault file to open")
    parser.add_argument(
        "--no-keychain",
        action="store_true",
        help="do not use the system keychain in this session; unlock with the passphrase",
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="close the app after this many seconds (for smoke tests and benchmarks)",
    )
    parser.set_defaults(handler=run_gui)


def display_problem() -> str | None:
    """Explain why no GUI can start here, or None when one can."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return (
            "no display is available, so the desktop app cannot open. Run it in a desktop session, "
            "set QT_QPA_PLATFORM=offscreen for a headless run, or use the command-line commands "
            "(lscp-audit --help)."
        )
    return None


def run_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        raise DisplayUnavailable(problem)
    if getattr(args, "no_keychain", False):
        from lscp_audit.services.vault_service import switch_keychain_off

        switch_keychain_off()
    try:
        # Imported by name so the CLI path never loads PySide6 (checked by import-linter).
        app_module = importlib.import_module("lscp_audit.ui.app")
    except ImportError as exc:
        raise DisplayUnavailable(f"the desktop app cannot start because Qt failed to load ({exc}).") from exc
    return int(app_module.run(vault=getattr(args, "vault", None), quit_after=getattr(args, "quit_after", None)))
