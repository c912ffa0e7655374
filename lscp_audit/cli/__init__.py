"""Command-line front end over the services layer.

`lscp-audit` with no subcommand starts the desktop app; every subcommand group lives in its own
module here and registers itself through `register(subparsers)`. Nothing in this package imports
PySide6, and heavy libraries load inside the commands that need them.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from lscp_audit import __version__
from lscp_audit.cli.text import SafeStream, sanitise
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
    "sign_off",
    "verify",
    "inbox",
    "analyse",
    "actions",
    "records",
    "pack",
    "rounds",
    "moderation",
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
    _describe_groups(parser, subparsers)
    return parser


# Environment variables each command group reads (shown in its --help).
ENVIRONMENT: dict[str, str] = {
    "LSCP_AUDIT_PASSPHRASE": "the vault passphrase (otherwise the keychain, then a prompt on a terminal)",
    "LSCP_AUDIT_NEW_PASSPHRASE": "the new passphrase for vault init and change-passphrase",
    "LSCP_AUDIT_RECOVERY_KEY": "the recovery key, with --recovery-key",
    "LSCP_AUDIT_CA_PASSWORD": "the password of the partnership root's key (identity create-ca, issue)",
    "LSCP_AUDIT_P12_PASSWORD": "the password of a PKCS#12 file (identity import, issue)",
    "LSCP_AUDIT_PDF_PASSWORD": "the password of an encrypted PDF (export --encrypt, verify, inbox import)",
    "LSCP_AUDIT_HOME": "a folder to hold all app data instead of the usual user folders",
}
GROUP_ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "gui": ("LSCP_AUDIT_HOME",),
    "templates": ("LSCP_AUDIT_HOME",),
    "vault": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_NEW_PASSPHRASE", "LSCP_AUDIT_RECOVERY_KEY", "LSCP_AUDIT_HOME"),
    "identity": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_CA_PASSWORD", "LSCP_AUDIT_P12_PASSWORD", "LSCP_AUDIT_HOME"),
    "audit": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "demo": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "export": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_PDF_PASSWORD", "LSCP_AUDIT_HOME"),
    "verify": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_PDF_PASSWORD", "LSCP_AUDIT_HOME"),
    "inbox": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_PDF_PASSWORD", "LSCP_AUDIT_HOME"),
    "analyse": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "actions": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "records": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "pack": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "rounds": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "partnership": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "sign-off": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_PDF_PASSWORD", "LSCP_AUDIT_HOME"),
    "moderate": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
    "moderation": ("LSCP_AUDIT_PASSPHRASE", "LSCP_AUDIT_HOME"),
}


def _environment_epilog(names: Sequence[str]) -> str:
    width = max(len(n) for n in names)
    lines = [f"  {n.ljust(width)}  {ENVIRONMENT[n]}" for n in names]
    return "environment variables:\n" + "\n".join(lines)


def _describe_groups(parser: argparse.ArgumentParser, subparsers: argparse._SubParsersAction) -> None:
    """Give every command group a description (its one-line help, when it has none) and list
    the environment variables it reads, at the top level too."""
    helps = {action.dest: action.help for action in subparsers._choices_actions}
    for name, group in subparsers.choices.items():
        if not group.description and helps.get(name):
            text = str(helps[name])
            group.description = text[0].upper() + text[1:] + "."
        names = GROUP_ENVIRONMENT.get(name)
        if names and not group.epilog:
            group.epilog = _environment_epilog(names)
            group.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _environment_epilog(tuple(ENVIRONMENT))
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # `lscp-audit --help | head -1`
        return _closed_pipe()
    from lscp_audit.applog import configure_logging

    try:
        configure_logging(logging.DEBUG if args.verbose else logging.INFO)
    except OSError:
        pass  # a read-only home must not stop the CLI; it simply does not log
    from lscp_audit.cli.gui import run_gui

    handler: Callable[[argparse.Namespace], int | None] = getattr(args, "handler", None) or run_gui
    real_stdout, real_stderr = sys.stdout, sys.stderr
    if handler is not run_gui:  # no raw escape sequences from titles, subjects, answers or file names
        sys.stdout = SafeStream(real_stdout)
        sys.stderr = SafeStream(real_stderr, keep_carriage_return=True)
    try:
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
        return code
    except LscpAuditError as exc:
        log.info("command %s failed: %s", args.command, type(exc).__name__)
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted", prefix="lscp-audit: ")
        return 130
    except BrokenPipeError:
        return _closed_pipe()
    except EOFError:  # a prompt with nothing to read (no terminal, input closed)
        _error(
            "the command needed input (a passphrase, a password or an answer) but there is no terminal to "
            "type it in. Run it in a terminal, or give passwords in the environment variables listed in --help."
        )
        return 2
    except OSError as exc:
        log.info("command %s failed: %s", args.command, type(exc).__name__)
        _error(os_error_text(exc))
        return 1
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr


def os_error_text(exc: OSError) -> str:
    """A plain sentence for a file-system failure (never a traceback)."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        return (
            f"the disk is full{where}, so nothing was written. Anything that was already saved is unchanged; "
            "free some space and run the command again."
        )
    if isinstance(exc, PermissionError):
        return f"permission denied{where}."
    if isinstance(exc, FileNotFoundError):
        return f"no such file or folder{where}."
    return f"the file system reported an error{where}: {exc.strerror or type(exc).__name__}."


def _error(text: str, prefix: str = "lscp-audit: error: ") -> None:
    try:
        print(prefix + sanitise(text), file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass


def _closed_pipe() -> int:
    """The reader of our output went away (``| head``): stop quietly, as other tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit cannot fail again
    except (OSError, ValueError):
        pass
    return 141 if os.name != "nt" else 1
