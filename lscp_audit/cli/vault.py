"""``lscp-audit vault ...``: create, check, back up, restore and re-key the encrypted vault.

Commands: ``init``, ``unlock-check``, ``check``, ``backup``, ``restore``, ``change-passphrase``,
``rotate-key``. All take ``--vault PATH`` and ``--no-keychain``. Passphrases come from
``LSCP_AUDIT_PASSPHRASE`` (new ones from ``LSCP_AUDIT_NEW_PASSPHRASE``) or a prompt.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lscp_audit.cli import vault_args
from lscp_audit.cli.vault_args import NEW_PASSPHRASE_ENV, add_vault_arguments
from lscp_audit.core.errors import NotFound, VaultCorrupt


def register(subparsers: Any) -> None:
    vault = subparsers.add_parser("vault", help="create, check, back up and restore the encrypted vault")
    commands = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)
    specs = (
        ("init", "create a new vault and show its recovery key", run_init),
        ("unlock-check", "check that the vault unlocks and say which key route was used", run_unlock_check),
        ("check", "run the integrity checks and verify the change history", run_check),
        ("backup", "make an encrypted backup now", run_backup),
        ("restore", "replace the vault with a backup (the current file is kept aside)", run_restore),
        ("change-passphrase", "set a new passphrase", run_change_passphrase),
        ("rotate-key", "re-encrypt the vault under a new data key", run_rotate_key),
    )
    for name, help_text, handler in specs:
        parser = commands.add_parser(name, help=help_text)
        add_vault_arguments(parser)
        parser.set_defaults(handler=handler)
        if name in ("unlock-check", "check", "restore", "change-passphrase", "rotate-key"):
            parser.add_argument("--recovery-key", action="store_true", help="prove access with the recovery key")
        if name == "backup":
            parser.add_argument("--keep", type=int, metavar="N", help="keep this many automatic backups from now on")
        if name == "restore":
            group = parser.add_mutually_exclusive_group(required=True)
            group.add_argument("--from", dest="source", type=Path, metavar="BACKUP", help="backup file to restore")
            group.add_argument("--latest", action="store_true", help="restore the newest backup that passes checks")


def run_init(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    passphrase = vault_args.read_secret("New vault passphrase: ", confirm=True)
    created = service.create(passphrase)
    service.lock()
    print(f"Created the vault {service.path}.")
    if created.route_message:
        print(created.route_message)
    print()
    print("Recovery key (shown once; print it or store it somewhere safe, away from this computer):")
    print()
    print(f"    {created.recovery_key}")
    print()
    print("Without your passphrase, the recovery key is the only way to open this vault.")
    return 0


def run_unlock_check(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    result = vault_args.unlock_service(service, recovery=args.recovery_key)
    service.lock()
    print(result.message)
    return 0


def run_check(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    vault_args.unlock_service(service, recovery=args.recovery_key)
    try:
        result = service.check()
    finally:
        service.lock()
    print(result.summary())
    return 0 if result.ok else 4


def run_backup(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    vault_args.unlock_service(service)
    try:
        if args.keep is not None:
            service.set_backup_count(args.keep)
        info = service.backup()
        count = len(service.list_backups())
    finally:
        service.lock()
    print(f"Backup written: {info.path} ({count} backup(s) kept).")
    return 0


def _secret_kwargs(args: argparse.Namespace) -> dict[str, str]:
    if args.recovery_key:
        return {"recovery_key": vault_args.read_secret("Recovery key: ", "LSCP_AUDIT_RECOVERY_KEY")}
    try:
        return {"passphrase": vault_args.read_secret("Vault passphrase: ")}
    except Exception:
        return {}


def run_restore(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    secret = _secret_kwargs(args)
    if args.latest:
        backup = service.newest_good_backup(**secret)
        if backup is None:
            raise NotFound(f"No backup of {service.path} opens and passes its checks.")
        source = backup.path
    else:
        source = args.source
        if not source.exists():
            raise NotFound(f"There is no backup at {source}.")
    try:
        moved = service.restore(source, **secret)
    except VaultCorrupt:
        raise
    finally:
        service.lock()
    print(f"Restored {service.path} from {source}.")
    if moved is not None:
        print(f"The previous vault file was kept as {moved}.")
    return 0


def run_change_passphrase(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    if args.recovery_key:
        proof = {"recovery_key": vault_args.read_secret("Recovery key: ", "LSCP_AUDIT_RECOVERY_KEY")}
    else:
        proof = {"passphrase": vault_args.read_secret("Current passphrase: ")}
    new = vault_args.read_secret("New passphrase: ", NEW_PASSPHRASE_ENV, confirm=True)
    service.change_passphrase(new, **proof)
    print("The passphrase has been changed. The recovery key still works.")
    return 0


def run_rotate_key(args: argparse.Namespace) -> int:
    service = vault_args.make_service(args)
    proof = _secret_kwargs(args)
    if args.recovery_key:
        service.unlock(**proof)
    else:
        vault_args.unlock_service(service)
    try:
        service.rotate_key(**proof)
    finally:
        service.lock()
    print("The vault has been re-encrypted under a new key. Older backups still use the previous key.")
    return 0
