"""Backup, restore and retention use cases, mixed into `VaultService` (Qt-free).

- ``backup(kind="manual")`` -> `BackupInfo`; automatic backups are made at unlock when the newest
  is older than `AUTO_BACKUP_HOURS`, keeping ``backup_count`` (vault setting ``vault.backup_count``).
- ``list_backups()``, ``newest_good_backup(passphrase=..., recovery_key=...)``
- ``restore(backup_path, passphrase=..., recovery_key=...)``: the current vault is renamed aside,
  never overwritten; the restored vault is left unlocked.
- ``retention_days`` / ``set_retention_days(n)``, ``purge_candidates()``, ``purge(ids, confirm=True)``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.core.audit import AuditSummary
from lscp_audit.core.errors import ValidationError, VaultCorrupt, VaultError
from lscp_audit.storage import backups as bk
from lscp_audit.storage import engine as eng
from lscp_audit.storage.backups import BackupInfo
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import KeyFile, keyfile_path, load_keyfile
from lscp_audit.storage.lockfile import VaultLock
from lscp_audit.storage.vault import Vault

if TYPE_CHECKING:
    from lscp_audit.services.vault_keys import KeyRoutes

log = logging.getLogger(__name__)
AUTO_BACKUP_HOURS = 24
DEFAULT_RETENTION_DAYS = 365 * 7


class VaultBackupsMixin:
    """Needs ``path``, ``routes``, ``vault``, ``_vault``, ``_keyfile``, ``actor`` and ``_current_key``."""

    path: Path
    routes: KeyRoutes
    actor: str
    _vault: Vault | None
    _keyfile: KeyFile | None

    if TYPE_CHECKING:

        @property
        def vault(self) -> Vault: ...

        def _current_key(self) -> RawKey: ...

        def _record_file_salt(self) -> None: ...

    # --- backups ----------------------------------------------------------------------------
    @property
    def backup_count(self) -> int:
        return int(self.vault.settings.get("vault.backup_count", bk.DEFAULT_BACKUP_COUNT))

    def set_backup_count(self, count: int) -> None:
        if not 1 <= count <= 100:
            raise ValidationError(["Keep between 1 and 100 backups."])
        self.vault.settings.set("vault.backup_count", int(count))
        vault_id = self.vault.vault_id
        if vault_id is not None:
            bk.prune_backups(self.path, count, vault_id)

    def backup(self, kind: str = "manual") -> BackupInfo:
        """Make a verified encrypted backup now."""
        key = self._current_key()
        try:
            return bk.make_backup(self.vault, key, count=self.backup_count, kind=kind)
        finally:
            key.wipe()

    def list_backups(self) -> list[BackupInfo]:
        return bk.list_backups(self.path)

    def _auto_backup(self, key: RawKey) -> None:
        newest = next((b for b in bk.list_backups(self.path, self.vault.vault_id) if b.kind == "auto"), None)
        if newest is not None:
            age = datetime.now(UTC) - datetime.fromisoformat(newest.created_at)
            if age < timedelta(hours=AUTO_BACKUP_HOURS):
                return
        try:
            bk.make_backup(self.vault, key, count=self.backup_count, kind="auto")
        except (VaultError, OSError) as exc:
            log.warning("automatic backup failed: %s", type(exc).__name__)
            return
        from lscp_audit.services.records_service import expire_stale_backups  # records builds on this module

        expire_stale_backups(self.vault, self.path)

    def _pre_migration_backup(self, engine: Any, key: RawKey) -> None:
        folder = bk.backup_dir(self.path)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        dest = folder / f"{self.path.stem}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-premigration.lscp"
        eng.export_encrypted(engine, dest, key)
        source = keyfile_path(self.path)
        if source.exists():
            keyfile_path(dest).write_bytes(source.read_bytes())

    # --- restore ----------------------------------------------------------------------------
    def _backup_key_candidates(
        self, backup: Path, passphrase: str | None, recovery_key: str | None
    ) -> list[tuple[RawKey, KeyFile | None]]:
        from lscp_audit.services.vault_keys import Secret

        found: list[tuple[RawKey, KeyFile | None]] = []
        if self._vault is not None and not self._vault.closed:
            found.append((self._current_key(), None))
        keyfile = self._keyfile
        if keyfile is None:
            try:
                keyfile = load_keyfile(keyfile_path(self.path))
            except (FileNotFoundError, VaultCorrupt):
                keyfile = None
        if keyfile is not None and not found:
            found.extend((k, None) for k, _p in self.routes.from_keychain(keyfile, keyfile.vault_id).keys)
        secret = Secret(passphrase or None, recovery_key or None)
        backup_keys = keyfile_path(backup)
        if secret.given and backup_keys.exists():
            bfile = load_keyfile(backup_keys)
            master = self.routes.master(keyfile or bfile, secret)
            found.append((bfile.data_key(master), bfile))
        return found

    def newest_good_backup(
        self, *, passphrase: str | None = None, recovery_key: str | None = None
    ) -> BackupInfo | None:
        """The newest backup that opens with a key we can get and passes both integrity checks."""
        for backup in bk.list_backups(self.path):
            for key, _kf in self._backup_key_candidates(backup.path, passphrase, recovery_key):
                try:
                    if bk.check_file(backup.path, key).ok:
                        return backup
                except VaultError:
                    continue
        return None

    def restore(self, backup: Path, *, passphrase: str | None = None, recovery_key: str | None = None) -> Path | None:
        """Replace the vault with `backup`; returns where the previous vault file was moved."""
        candidates = self._backup_key_candidates(backup, passphrase, recovery_key)
        chosen = next((c for c in candidates if _opens(backup, c[0])), None)
        if chosen is None:
            raise VaultCorrupt(
                f"The backup {backup} could not be opened with the vault's keys; it is damaged or needs the "
                "passphrase or recovery key."
            )
        key, backup_keyfile = chosen
        lock = self._release_for_restore()
        try:
            current_keyfile = _try_load(keyfile_path(self.path))  # fresh, under the lock
            restored = _restored_keyfile(current_keyfile, backup_keyfile or _try_load(keyfile_path(backup)))
            keyfile_json = json.dumps(restored.to_json(), indent=2) if restored is not None else None
            moved = bk.restore_file(backup, self.path, key, lock, keyfile_json)
            self._vault = Vault.open(self.path, RawKey(key.bytes()), key_trusted=True, lock=lock)
        except BaseException:
            lock.release()
            raise
        if restored is not None and restored.keychain_backend is not None:
            restored = self.routes.store_in_keychain(restored, key)
        self._keyfile = restored
        self._record_file_salt()
        log.info("vault restored from a backup")
        return moved

    def _release_for_restore(self) -> VaultLock:
        if self._vault is not None and not self._vault.closed:
            lock = self._vault.file_lock
            self._vault.close(release_lock=False)
            return lock
        lock = VaultLock(self.path).acquire()
        try:  # an earlier restore that a crash interrupted is finished first, never talked over
            bk.finish_interrupted_restore(self.path, lock)
        except BaseException:
            lock.release()
            raise
        return lock

    # --- retention --------------------------------------------------------------------------
    @property
    def retention_days(self) -> int:
        return int(self.vault.settings.get("vault.retention_days", DEFAULT_RETENTION_DAYS))

    def set_retention_days(self, days: int) -> None:
        if days < 30:
            raise ValidationError(["The retention period must be at least 30 days."])
        self.vault.settings.set("vault.retention_days", int(days))

    def purge_candidates(self, now: datetime | None = None) -> list[AuditSummary]:
        """Audits past retention that no legal hold covers (held ones are never offered)."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=self.retention_days)
        found = self.vault.audits.purge_candidates(cutoff.isoformat())
        held = self.vault.holds.held_audit_ids([s.id for s in found])
        return [s for s in found if s.id not in held]

    def purge(self, audit_ids: list[str], *, confirm: bool = False) -> int:
        """Securely delete the given audits (past retention). `confirm=True` is required."""
        if not confirm:
            raise ValidationError(["Purging deletes audits permanently; confirm to continue."])
        allowed = {s.id for s in self.purge_candidates()}
        refused = [a for a in audit_ids if a not in allowed]
        if refused:
            raise ValidationError([f"{len(refused)} audit(s) are not past the retention period."])
        return self.vault.audits.purge(audit_ids, self.actor or "system")


def _opens(path: Path, key: RawKey) -> bool:
    try:
        return bk.check_file(path, key).ok
    except VaultError:
        return False


def _try_load(path: Path) -> KeyFile | None:
    try:
        return load_keyfile(path)
    except (FileNotFoundError, VaultCorrupt):
        return None


def _restored_keyfile(current: KeyFile | None, from_backup: KeyFile | None) -> KeyFile | None:
    """Keep today's passphrase and recovery wraps, with the backup's data-key wrap (same ``M``)."""
    if current is None:
        return from_backup
    if from_backup is None or from_backup.vault_id != current.vault_id:
        return current.drop_pending()
    return KeyFile(
        vault_id=current.vault_id,
        created_at=current.created_at,
        passphrase_wrap=current.passphrase_wrap,
        recovery_wrap=current.recovery_wrap,
        data_key_wrap=from_backup.data_key_wrap,
        keychain_backend=current.keychain_backend,
    )
