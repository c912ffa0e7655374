"""Key routes for unlocking a vault: OS keychain, passphrase, recovery key (Qt-free).

`KeyRoutes` turns what the user has (nothing, a passphrase, or a recovery key) into candidate
data keys, explains in plain English which route is active and why the keychain is or is not used,
and keeps the keychain in step after an unlock. It never creates a new key for an existing vault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lscp_audit.core.errors import KeychainUnavailable, VaultError, WrongPassphrase
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import KdfPolicy, KeyFile, keyfile_path, load_keyfile, save_keyfile
from lscp_audit.storage.keystore import KeychainStatus, KeyStore

log = logging.getLogger(__name__)


class KeyRoute(StrEnum):
    KEYCHAIN = "keychain"
    PASSPHRASE = "passphrase"
    RECOVERY_KEY = "recovery_key"


ROUTE_TEXT = {
    KeyRoute.KEYCHAIN: "Unlocked automatically with the key kept in your system keychain.",
    KeyRoute.PASSPHRASE: "Unlocked with your passphrase.",
    KeyRoute.RECOVERY_KEY: "Unlocked with your recovery key. Please set a new passphrase if you have lost yours.",
}


@dataclass(frozen=True)
class Secret:
    """What the user typed: a passphrase or a recovery key (exactly one)."""

    passphrase: str | None = None
    recovery_key: str | None = None

    @property
    def route(self) -> KeyRoute:
        return KeyRoute.RECOVERY_KEY if self.recovery_key is not None else KeyRoute.PASSPHRASE

    @property
    def given(self) -> bool:
        return bool(self.passphrase) or bool(self.recovery_key)


@dataclass
class Candidates:
    """Keys to try, in order, and whether each is the pending (mid-rotation) key."""

    keys: list[tuple[RawKey, bool]]
    master: bytearray | None = None

    def wipe(self) -> None:
        for key, _pending in self.keys:
            key.wipe()
        if self.master is not None:
            for i in range(len(self.master)):
                self.master[i] = 0


class KeyRoutes:
    """Candidate keys and keychain bookkeeping for one vault path."""

    def __init__(self, path: Path, keystore: KeyStore, use_keychain: bool, policy: KdfPolicy) -> None:
        self.path = path
        self.keystore = keystore
        self.use_keychain = use_keychain
        self.policy = policy
        self.keychain_note = ""
        # Set by `VaultService`: holds the vault lock around a key-file read-modify-write.
        self.hold_lock: Callable[[], AbstractContextManager[object]] = nullcontext

    @property
    def keyfile_path(self) -> Path:
        return keyfile_path(self.path)

    def load_keyfile(self) -> KeyFile:
        try:
            return load_keyfile(self.keyfile_path)
        except FileNotFoundError:
            raise VaultError(missing_keyfile_text(self.path)) from None

    def keychain_status(self) -> KeychainStatus:
        if not self.use_keychain:
            return KeychainStatus(False, "disabled", "The system keychain is not used (switched off).")
        return self.keystore.status()

    def master(self, keyfile: KeyFile, secret: Secret) -> bytearray:
        if secret.recovery_key:
            return keyfile.master_from_recovery(secret.recovery_key, self.policy)
        if secret.passphrase:
            return keyfile.master_from_passphrase(secret.passphrase, self.policy)
        raise WrongPassphrase("Enter your passphrase or recovery key.")

    def from_secret(self, keyfile: KeyFile, secret: Secret) -> Candidates:
        master = self.master(keyfile, secret)
        keys = [(keyfile.data_key(master), False)]
        if keyfile.pending_data_key_wrap is not None:
            keys.append((keyfile.data_key(master, pending=True), True))
        return Candidates(keys=keys, master=master)

    def from_keychain(self, keyfile: KeyFile | None, vault_id: str | None) -> Candidates:
        """Keys from the keychain; an empty list (with `keychain_note` set) if it cannot help."""
        status = self.keychain_status()
        if not status.usable:
            self.keychain_note = status.reason
            return Candidates(keys=[])
        if keyfile is not None and keyfile.keychain_backend is None:
            self.keychain_note = "This vault does not keep its key in the system keychain."
            return Candidates(keys=[])
        if keyfile is not None and keyfile.keychain_backend not in (None, status.backend):
            self.keychain_note = (
                "The system keychain has changed since this vault was set up, so it cannot unlock it. "
                "Unlock with your passphrase; the key will then be stored in the new keychain."
            )
            return Candidates(keys=[])
        if vault_id is None:
            self.keychain_note = "The vault's key file is missing, so its keychain entry cannot be found."
            return Candidates(keys=[])
        try:
            current = self.keystore.get_key(vault_id)
            pending = self.keystore.get_key(vault_id, pending=True)
        except KeychainUnavailable as exc:
            self.keychain_note = str(exc)
            return Candidates(keys=[])
        keys = [(k, flag) for k, flag in ((current, False), (pending, True)) if k is not None]
        if not keys:
            self.keychain_note = (
                "The vault key is not in the system keychain (it may have been reset or this is another "
                "computer). Unlock with your passphrase or recovery key."
            )
        return Candidates(keys=keys)

    def store_in_keychain(self, keyfile: KeyFile, key: RawKey) -> KeyFile:
        """Save `key` as current in the keychain (read back); record the backend. Never raises."""
        status = self.keychain_status()
        if not status.usable:
            self.keychain_note = status.reason
            return self._record_backend(keyfile, None)
        try:
            self.keystore.set_key(keyfile.vault_id, key)
            self.keystore.delete_key(keyfile.vault_id, pending=True)
        except KeychainUnavailable as exc:
            self.keychain_note = f"{exc} Your passphrase will be needed to unlock."
            return self._record_backend(keyfile, None)
        self.keychain_note = "The vault key is kept in your system keychain for automatic unlocking."
        return self._record_backend(keyfile, status.backend)

    def forget_keychain(self, keyfile: KeyFile) -> KeyFile:
        self.keystore.delete_key(keyfile.vault_id)
        self.keystore.delete_key(keyfile.vault_id, pending=True)
        self.keychain_note = "The vault key has been removed from the system keychain."
        return self._record_backend(keyfile, None)

    def _record_backend(self, keyfile: KeyFile, backend: str | None) -> KeyFile:
        with self.hold_lock():
            try:
                current = load_keyfile(self.keyfile_path)  # never write back a stale copy
            except FileNotFoundError:
                current = keyfile
            if current.keychain_backend == backend:
                return current
            updated = current.with_keychain(backend)
            save_keyfile(self.keyfile_path, updated)
            return updated

    def describe(self, route: KeyRoute) -> str:
        note = f" {self.keychain_note}" if self.keychain_note and route is not KeyRoute.KEYCHAIN else ""
        return ROUTE_TEXT[route] + note


def missing_keyfile_text(vault_path: Path) -> str:
    """Say plainly that a vault is two files, and where a copy of the missing one may be."""
    from lscp_audit.storage.backups import list_backups

    keys = keyfile_path(vault_path)
    text = (
        f"The key file {keys.name} is missing from {keys.parent}. A vault is two files that always travel "
        f"together, {vault_path.name} and {keys.name}: copying, moving, e-mailing or syncing only the vault "
        "file leaves its keys behind, and without them the passphrase and recovery key cannot be used. "
        "Nothing has been changed. Copy the key file from where this vault file came from"
    )
    copies = [b.keyfile for b in list_backups(vault_path) if b.keyfile.exists()]
    if copies:
        text += f", or use the copy beside the newest backup ({copies[0]}) if no key rotation or restore happened since"
    return text + "."


def require_vault_id(keyfile: KeyFile | None) -> str:
    if keyfile is None:
        raise VaultError("The vault's key file is missing.")
    return keyfile.vault_id
