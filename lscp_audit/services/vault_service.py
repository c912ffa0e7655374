"""Vault use cases for the GUI and CLI: create, unlock, lock, passphrase, key rotation, checks.

`VaultService(path)` manages one vault file. Typical use::

    service = VaultService(path)                       # production KDF cost and keychain
    created = service.create("correct horse battery")  # -> VaultCreated(recovery_key=...)
    service.lock()
    result = service.unlock()                          # keychain route, or raises WrongPassphrase
    result = service.unlock(passphrase="...")          # or recovery_key="..."
    vault = service.vault                              # storage `Vault` for other services

Unlock order: the keychain first (if enabled and usable), then the passphrase, then the recovery
key. `route_message` says which route was used and why the keychain was or was not. Backups,
restore and retention are in `VaultBackupsMixin` (``services/vault_backups.py``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from lscp_audit import paths
from lscp_audit.core.errors import (
    KeychainUnavailable,
    ValidationError,
    VaultCorrupt,
    VaultError,
    VaultLocked,
    WrongPassphrase,
)
from lscp_audit.core.history import ChainVerification
from lscp_audit.services.passphrase import passphrase_problems
from lscp_audit.services.settings_service import DEMO_FLAG_KEY
from lscp_audit.services.vault_backups import VaultBackupsMixin
from lscp_audit.services.vault_keys import Candidates, KeyRoute, KeyRoutes, Secret
from lscp_audit.storage import backups as bk
from lscp_audit.storage import rotation
from lscp_audit.storage.engine import IntegrityReport, RawKey, file_header
from lscp_audit.storage.keyfile import (
    PRODUCTION_POLICY,
    KdfPolicy,
    KeyFile,
    new_keyfile,
    new_recovery_key,
    save_keyfile,
)
from lscp_audit.storage.keystore import KeychainStatus, KeyStore
from lscp_audit.storage.lockfile import VaultLock
from lscp_audit.storage.repositories.context import utc_now
from lscp_audit.storage.vault import Vault, sidecars

log = logging.getLogger(__name__)

# Vaults (resolved paths) locked in this process while it kept running (Ctrl+L, idle auto-lock).
# Unlocking one of them again needs the passphrase or recovery key: the keychain would otherwise
# undo every lock with one click. A new process (a restart of the app) starts with none.
_LOCKED_IN_SESSION: set[str] = set()
_KEYCHAIN_SWITCHED_OFF = False  # `lscp-audit gui --no-keychain` for the whole app


def switch_keychain_off() -> None:
    """Make every `VaultService` of this process that is not told otherwise ignore the keychain."""
    global _KEYCHAIN_SWITCHED_OFF
    _KEYCHAIN_SWITCHED_OFF = True


def keychain_allowed() -> bool:
    return not _KEYCHAIN_SWITCHED_OFF


RELOCK_TEXT = "The vault was locked. Enter your passphrase to unlock it again; the keychain is not used after a lock."


@dataclass(frozen=True)
class VaultCreated:
    """Result of `VaultService.create`: the one-time recovery key and how the key is kept."""

    recovery_key: str
    keychain_used: bool
    route_message: str


@dataclass(frozen=True)
class UnlockResult:
    route: KeyRoute
    message: str


@dataclass(frozen=True)
class CheckResult:
    integrity: IntegrityReport
    history: ChainVerification

    @property
    def ok(self) -> bool:
        return self.integrity.ok and self.history.ok

    def summary(self) -> str:
        parts = [self.integrity.summary()]
        if self.history.ok:
            parts.append(f"The change history ({self.history.entries_checked} entries) is intact.")
        else:
            parts.append("The change history has been altered: " + "; ".join(self.history.problems[:3]))
        return " ".join(parts)


class VaultService(VaultBackupsMixin):
    """Use cases over one vault file. Not thread-safe: call from one thread (the GUI's ops helper)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        keystore: KeyStore | None = None,
        use_keychain: bool | None = None,
        kdf_policy: KdfPolicy = PRODUCTION_POLICY,
        actor: str = "",
        relock_needs_secret: bool = True,
    ) -> None:
        """`relock_needs_secret`: after a lock in this process, the keychain does not unlock this
        vault again (the desktop app); the CLI turns it off because each command is a session."""
        # The resolved path: a symlink to a vault is that vault, for the single-instance lock, the
        # key file, the backups folder and every temporary file beside it.
        self.path = _resolved(Path(path) if path is not None else paths.default_vault_path())
        keychain = keychain_allowed() if use_keychain is None else use_keychain
        self.routes = KeyRoutes(self.path, keystore or KeyStore(), keychain, kdf_policy)
        self.actor = actor
        self.relock_needs_secret = relock_needs_secret
        self._vault: Vault | None = None
        self._keyfile: KeyFile | None = None
        self._held_lock: VaultLock | None = None
        self.route: KeyRoute | None = None
        self.route_message = ""
        self.routes.hold_lock = self.hold_lock

    # --- state ------------------------------------------------------------------------------
    def set_path(self, path: Path) -> None:
        """Point the (locked) service at another vault file, e.g. from the first-run wizard."""
        if self.is_unlocked:
            raise VaultError("Lock the vault before choosing another vault file.")
        self.path = _resolved(Path(path))
        self.routes.path = self.path

    def exists(self) -> bool:
        """A vault (or its key file, or an unfinished restore of it) is at `path`: never offer to
        create a new vault here."""
        return self.path.exists() or self.routes.keyfile_path.exists() or bk.restore_journal_path(self.path).exists()

    @property
    def is_unlocked(self) -> bool:
        return self._vault is not None and not self._vault.closed

    @property
    def vault(self) -> Vault:
        if self._vault is None or self._vault.closed:
            raise VaultLocked("The vault is locked. Unlock it first.")
        return self._vault

    def keychain_status(self) -> KeychainStatus:
        return self.routes.keychain_status()

    @property
    def keychain_in_use(self) -> bool:
        """True when this vault's key is kept in the system keychain."""
        return self._keyfile is not None and self._keyfile.keychain_backend is not None

    # --- create -----------------------------------------------------------------------------
    def create(
        self, passphrase: str, *, use_keychain: bool | None = None, require_keychain: bool = False
    ) -> VaultCreated:
        """Create a new vault; returns the recovery key to show once. Leaves the vault unlocked."""
        problems = passphrase_problems(passphrase)
        if problems:
            raise ValidationError(problems)
        if self.exists() or any(p.exists() for p in sidecars(self.path)):
            raise VaultError(
                f"A vault (or its key file) already exists at {self.path}; a new key is never created over it."
            )
        want_keychain = self.routes.use_keychain if use_keychain is None else use_keychain
        status = self.routes.keychain_status() if want_keychain else None
        if require_keychain and (status is None or not status.usable):
            raise KeychainUnavailable(status.reason if status else "The keychain was not requested.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        vault_id = str(uuid.uuid4())
        key = RawKey.generate()
        keyfile, recovery, master = new_keyfile(vault_id, utc_now(), key, passphrase, self.routes.policy)
        lock = VaultLock(self.path).acquire()
        try:
            save_keyfile(self.routes.keyfile_path, keyfile)
            self._vault = Vault.create(self.path, RawKey(key.bytes()), vault_id=vault_id, lock=lock)
        except BaseException:
            if self._vault is None:
                self.routes.keyfile_path.unlink(missing_ok=True)
            lock.release()
            raise
        _wipe(master)
        self._vault.settings.set("vault.use_keychain", bool(want_keychain))
        self.routes.keychain_note = ""
        if want_keychain:
            keyfile = self.routes.store_in_keychain(keyfile, key)
        elif status is None:
            self.routes.keychain_note = "The system keychain is not used; you will type your passphrase to unlock."
        key.wipe()
        self._keyfile = keyfile
        self._record_file_salt()
        self.route = KeyRoute.PASSPHRASE
        self.route_message = self.routes.keychain_note
        log.info("vault created (keychain used: %s)", keyfile.keychain_backend is not None)
        return VaultCreated(recovery, keyfile.keychain_backend is not None, self.route_message)

    # --- unlock / lock ----------------------------------------------------------------------
    def unlock(self, *, passphrase: str | None = None, recovery_key: str | None = None) -> UnlockResult:
        """Unlock with the keychain (no arguments) or with a passphrase or recovery key."""
        if self.is_unlocked:
            return UnlockResult(self.route or KeyRoute.PASSPHRASE, self.route_message)
        secret = Secret(passphrase=passphrase or None, recovery_key=recovery_key or None)
        if not self.exists():
            raise VaultError(f"There is no vault at {self.path}.")
        if not secret.given and self._relocked():
            raise WrongPassphrase(RELOCK_TEXT)
        # The whole unlock runs under the vault lock: finishing an interrupted restore or rotation
        # rewrites files, and nobody else may change the key file between our read and that write.
        lock = VaultLock(self.path).acquire()
        self._held_lock = lock
        try:
            if bk.finish_interrupted_restore(self.path, lock):
                log.info("finished an interrupted restore")
            if not self.path.exists():
                raise VaultError(f"There is no vault at {self.path}.")
            keyfile = self._try_load_keyfile(required=secret.given)
            if secret.given:
                assert keyfile is not None
                candidates = self.routes.from_secret(keyfile, secret)
                route = secret.route
            else:
                candidates = self.routes.from_keychain(keyfile, keyfile.vault_id if keyfile else None)
                route = KeyRoute.KEYCHAIN
                if not candidates.keys:
                    raise WrongPassphrase(self.routes.keychain_note or "Enter your passphrase to unlock the vault.")
            try:
                self._open_with(candidates, keyfile, route, lock)
            finally:
                candidates.wipe()
        finally:
            self._held_lock = None
            if not self.is_unlocked:
                lock.release()
        _LOCKED_IN_SESSION.discard(_session_key(self.path))
        return UnlockResult(self.route or route, self.route_message)

    def _relocked(self) -> bool:
        return self.relock_needs_secret and _session_key(self.path) in _LOCKED_IN_SESSION

    # --- the key file: every read-modify-write under the vault lock ------------------------
    @contextmanager
    def hold_lock(self) -> Iterator[VaultLock]:
        """The vault lock for a key-file update: the open vault's (held since unlock), one this
        service is already holding, or a new one held just for the update (`VaultInUse` if another
        window or command has the vault)."""
        if self._vault is not None and not self._vault.closed:
            yield self._vault.file_lock
            return
        if self._held_lock is not None and self._held_lock.held:
            yield self._held_lock
            return
        lock = VaultLock(self.path).acquire()
        self._held_lock = lock
        try:
            yield lock
        finally:
            self._held_lock = None
            lock.release()

    def _update_keyfile(self, change: Callable[[KeyFile], KeyFile]) -> KeyFile:
        """Re-read the key file under the vault lock, apply `change` (which may run the KDF) and
        save the result. Never writes back a cached copy, so no concurrent change is lost."""
        with self.hold_lock():
            current = self.routes.load_keyfile()
            updated = change(current)
            if updated is not current:
                save_keyfile(self.routes.keyfile_path, updated)
            self._keyfile = updated
            return updated

    def _try_load_keyfile(self, required: bool) -> KeyFile | None:
        try:
            return self.routes.load_keyfile()
        except VaultError:  # missing or damaged: the keychain route can still open the vault
            if required:
                raise
            return None

    def _open_with(self, candidates: Candidates, keyfile: KeyFile | None, route: KeyRoute, lock: VaultLock) -> None:
        working = rotation.resolve_key(self.path, [k for k, _p in candidates.keys])
        if working is None:
            if route is KeyRoute.KEYCHAIN:
                raise WrongPassphrase(
                    "The key in the system keychain does not open this vault. Unlock with your passphrase."
                )
            if keyfile is not None and keyfile.extra.get("file_salt") not in (None, self._file_salt()):
                raise VaultError(
                    f"The key file {self.routes.keyfile_path.name} belongs to another vault, or to an older or "
                    f"newer copy of this one, so it cannot open {self.path}. Nothing has been changed and the "
                    "vault is probably fine: put back the key file that was copied together with this vault "
                    "file (the two always travel together; a copy of the key file is kept with each backup)."
                )
            raise VaultCorrupt(
                f"{self.path} does not open with the key in its key file: the file is damaged, truncated or "
                "not an LSCP Audit vault, or the key file came from another copy of the vault. The file has "
                "not been changed. If you copied or moved the vault, first put back the key file that came "
                "with it; otherwise you can restore the newest good backup."
            )
        pending_worked = any(p for k, p in candidates.keys if k is working)
        if keyfile is not None:
            keyfile = rotation.finish_interrupted(self.path, keyfile, pending_worked)
        key = RawKey(working.bytes())
        self._vault = Vault.open(
            self.path,
            key,
            key_trusted=True,
            before_migrate=lambda engine: self._pre_migration_backup(engine, working),
            lock=lock,
        )
        self.routes.keychain_note = ""
        if keyfile is not None and (route is not KeyRoute.KEYCHAIN or pending_worked):
            if keyfile.keychain_backend is not None or self._keychain_opt_in(keyfile):
                keyfile = self.routes.store_in_keychain(keyfile, working)
        self._keyfile = keyfile
        self.route = route
        self.route_message = self.routes.describe(route)
        self._record_file_salt()
        self._auto_backup(working)

    def _file_salt(self) -> str:
        """The vault file's SQLCipher salt (its first 16 bytes, not secret), which ties the key file
        to this file: it changes only when a rotation or restore puts a new file in place."""
        try:
            return file_header(self.path).hex()
        except OSError:
            return ""

    def _record_file_salt(self) -> None:
        salt = self._file_salt()
        if self._keyfile is None or not salt or self._keyfile.extra.get("file_salt") == salt:
            return
        try:
            self._update_keyfile(lambda kf: replace(kf, extra={**kf.extra, "file_salt": salt}))
        except (VaultError, OSError) as exc:  # only a better message later depends on it
            log.info("could not record the vault file's salt: %s", type(exc).__name__)

    def _keychain_opt_in(self, keyfile: KeyFile) -> bool:
        return bool(self._vault and self._vault.settings.get("vault.use_keychain", False)) and self.routes.use_keychain

    # --- the demo vault --------------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        """True for the demo vault (fictitious data, published passphrase): from the vault's own
        setting when unlocked, otherwise from the mark it leaves in its key file."""
        if self.is_unlocked:
            return bool(self.vault.settings.get(DEMO_FLAG_KEY, False))
        try:
            return bool(self.routes.load_keyfile().extra.get("demo"))
        except VaultError:
            return False

    def _refuse_demo(self, keyfile: KeyFile | None, what: str) -> None:
        if (keyfile is not None and keyfile.extra.get("demo")) or (
            self.is_unlocked and self.vault.settings.get(DEMO_FLAG_KEY, False)
        ):
            raise ValidationError(
                [
                    f"This is the demo vault: its passphrase is published, so it cannot be given {what}. "
                    "Create your own vault for real audits."
                ]
            )

    def _mark_demo_keyfile(self) -> None:
        """Record in the key file that this is the demo vault, so it is known even when locked."""
        if self._vault is None or self._vault.closed or not self._vault.settings.get(DEMO_FLAG_KEY, False):
            return
        self._update_keyfile(lambda kf: kf if kf.extra.get("demo") else replace(kf, extra={**kf.extra, "demo": True}))

    def lock(self) -> None:
        """Close every connection, release the single-instance lock and forget the key."""
        if self._vault is not None and not self._vault.closed:
            try:
                self._mark_demo_keyfile()
            except Exception as exc:  # noqa: BLE001 - locking must never fail because of the mark
                log.warning("could not mark the demo key file: %s", type(exc).__name__)
        if self._vault is not None:
            if not self._vault.closed and self.relock_needs_secret:
                _LOCKED_IN_SESSION.add(_session_key(self.path))
            self._vault.close()
        self._vault = None
        self.route = None

    # --- passphrase, recovery key, keychain, rotation ---------------------------------------
    def change_passphrase(
        self, new_passphrase: str, *, passphrase: str | None = None, recovery_key: str | None = None
    ) -> None:
        """Re-wrap the vault's wrapping key under a new passphrase (the current one or the recovery key proves it)."""
        problems = passphrase_problems(new_passphrase)
        if problems:
            raise ValidationError(problems)
        secret = Secret(passphrase, recovery_key)

        def rewrap(keyfile: KeyFile) -> KeyFile:
            self._refuse_demo(keyfile, "a passphrase of its own")
            master = self.routes.master(keyfile, secret)
            try:
                return keyfile.with_passphrase(master, new_passphrase, self.routes.policy)
            finally:
                _wipe(master)

        self._update_keyfile(rewrap)
        log.info("vault passphrase changed")

    def new_recovery_key(self, *, passphrase: str) -> str:
        """Replace the recovery key (the old one stops working); returns the new one to show once."""
        recovery = new_recovery_key()

        def rewrap(keyfile: KeyFile) -> KeyFile:
            self._refuse_demo(keyfile, "a new recovery key")
            master = self.routes.master(keyfile, Secret(passphrase=passphrase))
            try:
                return keyfile.with_recovery(master, recovery, self.routes.policy)
            finally:
                _wipe(master)

        self._update_keyfile(rewrap)
        return recovery

    def set_keychain_enabled(self, enabled: bool) -> str:
        """Opt in or out of keeping the key in the system keychain (vault must be unlocked)."""
        vault = self.vault
        keyfile = self.routes.load_keyfile()  # the vault lock is held while the vault is open
        if enabled:
            self._refuse_demo(keyfile, "a place in the system keychain")
        vault.settings.set("vault.use_keychain", enabled)
        if enabled:
            key = self._current_key()
            try:
                self._keyfile = self.routes.store_in_keychain(keyfile, key)
            finally:
                key.wipe()
        else:
            self._keyfile = self.routes.forget_keychain(keyfile)
        return self.routes.keychain_note

    def _current_key(self) -> RawKey:
        return self.vault.key_copy()

    def rotate_key(self, *, passphrase: str | None = None, recovery_key: str | None = None) -> None:
        """Re-encrypt the vault under a new data key (crash-safe; see ``storage/rotation.py``)."""
        vault = self.vault
        keyfile = self.routes.load_keyfile()  # fresh, under the lock the open vault holds
        master = self.routes.master(keyfile, Secret(passphrase, recovery_key))
        use_keychain = keyfile.keychain_backend is not None
        store_pending = None
        if use_keychain:

            def store_pending(key: RawKey) -> None:
                try:
                    self.routes.keystore.set_key(keyfile.vault_id, key, pending=True)
                except KeychainUnavailable:
                    log.info("could not store the pending key in the keychain")

        try:
            reopened, updated, new_key = rotation.rotate_data_key(vault, keyfile, master, store_pending=store_pending)
        finally:
            _wipe(master)
        self._vault = reopened
        if use_keychain:
            updated = self.routes.store_in_keychain(updated, new_key)
        new_key.wipe()
        self._keyfile = updated
        self._record_file_salt()
        reopened.history.record_vault_event(self.actor or "system", "key_rotated")
        log.info("vault data key rotated")

    # --- checks -----------------------------------------------------------------------------
    def check(self) -> CheckResult:
        """Both SQLCipher/SQLite integrity checks plus the change-history hash chains."""
        vault = self.vault
        return CheckResult(integrity=vault.integrity_check(), history=vault.history.verify())

    def describe_route(self) -> str:
        """User-facing text: which key route is active and why."""
        if not self.is_unlocked:
            if self._relocked():
                return RELOCK_TEXT
            status = self.keychain_status()
            return "The vault is locked. " + (
                "It can unlock automatically from the system keychain."
                if status.usable
                else f"{status.reason} You will need your passphrase."
            )
        return self.route_message


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve()


def _session_key(path: Path) -> str:
    return str(path.resolve())


def _wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
