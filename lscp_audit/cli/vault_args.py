"""Shared ``--vault``/``--no-keychain`` arguments and vault unlocking for every CLI command.

Other command modules use::

    from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args

    def register(subparsers):
        parser = subparsers.add_parser("audit-list", ...)
        add_vault_arguments(parser)

    def run(args):
        with open_vault_from_args(args) as vault:   # storage `Vault`, locked again on exit
            ...

Unlocking tries the system keychain (unless ``--no-keychain``), then the passphrase from the
``LSCP_AUDIT_PASSPHRASE`` environment variable, then an interactive prompt (only on a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lscp_audit import paths
from lscp_audit.core.errors import LscpAuditError, WrongPassphrase

PASSPHRASE_ENV = "LSCP_AUDIT_PASSPHRASE"
# Tests may set a cheaper `KdfPolicy` here; None means the production policy (and its floor).
KDF_POLICY: Any = None
NEW_PASSPHRASE_ENV = "LSCP_AUDIT_NEW_PASSPHRASE"
RECOVERY_KEY_ENV = "LSCP_AUDIT_RECOVERY_KEY"


def add_vault_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--vault PATH`` (default: the user data folder) and ``--no-keychain``."""
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"vault file (default: {paths.default_vault_path()})",
    )
    parser.add_argument(
        "--no-keychain",
        action="store_true",
        help=f"do not use the system keychain; unlock with the passphrase (from ${PASSPHRASE_ENV} or a prompt)",
    )


def vault_path(args: argparse.Namespace) -> Path:
    value = getattr(args, "vault", None)
    return Path(value) if value else paths.default_vault_path()


def make_service(args: argparse.Namespace, **kwargs: Any) -> Any:
    """A `VaultService` for the vault named by `args` (not yet unlocked)."""
    from lscp_audit.services.vault_service import VaultService

    if KDF_POLICY is not None:
        kwargs.setdefault("kdf_policy", KDF_POLICY)
    kwargs.setdefault("relock_needs_secret", False)  # each command is a session of its own
    return VaultService(vault_path(args), use_keychain=not getattr(args, "no_keychain", False), **kwargs)


def read_secret(prompt: str, env: str = PASSPHRASE_ENV, *, confirm: bool = False) -> str:
    """A secret from the environment variable `env`, or typed at a terminal prompt."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise WrongPassphrase(f"A passphrase is needed: set {env} or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat to confirm: ") != first:
        raise WrongPassphrase("The two entries did not match.")
    return first


def prompt_password(prompt: str, env: str, *, confirm: bool = False) -> str:
    """A password from `env`, or typed at a terminal; a clear error (never EOFError) without one."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise LscpAuditError(f"a password is needed: set {env} or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != first:
        raise LscpAuditError("the passwords do not match")
    return first


def unlock_service(service: Any, *, recovery: bool = False) -> Any:
    """Unlock via keychain, then passphrase (env or prompt) or, with `recovery`, the recovery key."""
    result = _unlock(service, recovery)
    if service.is_demo:
        print(
            "lscp-audit: note: this is the DEMO vault of fictitious data; its passphrase is published, "
            "so never put real case information in it.",
            file=sys.stderr,
        )
    return result


def _unlock(service: Any, recovery: bool) -> Any:
    if recovery:
        return service.unlock(recovery_key=read_secret("Recovery key: ", RECOVERY_KEY_ENV))
    if service.routes.use_keychain:
        try:
            return service.unlock()
        except WrongPassphrase:
            pass  # keychain cannot help; fall through to the passphrase
    return service.unlock(passphrase=read_secret("Vault passphrase: "))


@contextmanager
def open_vault_from_args(args: argparse.Namespace) -> Iterator[Any]:
    """Yield the unlocked storage `Vault` for `args`; always locks it again afterwards."""
    service = make_service(args)  # a module global, so tests can patch it in one place
    unlock_service(service)
    try:
        yield service.vault
    finally:
        service.lock()
