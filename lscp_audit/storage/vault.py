"""`Vault`: one open, unlocked SQLCipher vault file and its repositories.

Use ``Vault.create(path, key, vault_id=...)`` for a new file (refuses to touch an existing one)
and ``Vault.open(path, key)`` for an existing one; both return an unlocked `Vault` holding the
single-instance lock (`VaultInUse` if another process has it). Repositories:

- ``vault.audits`` (`AuditRepository`), ``vault.history`` (`HistoryRepository`),
- ``vault.identities`` (`IdentityRepository`), ``vault.trusted_certs``
  (`TrustedCertificateRepository`), ``vault.settings`` (`SettingsRepository`),
- ``vault.imported_returns`` (`ImportedReturnRepository`).
- ``vault.drafts`` (`DraftRepository`): unfinished work behind answers.
- ``vault.packs`` (`PackRepository`): installed partnership packs and the pinned partnership root.
- ``vault.moderation`` (`ModerationRepository`): signed moderation records.
- ``vault.action_updates`` (`ActionUpdateRepository`): progress updates on returns' actions.

``vault.close()`` (= lock) waits for queued writes, closes every connection, releases the lock
and wipes the key. Opening never writes to a file that fails to open: a wrong key raises
`WrongPassphrase` (or `VaultCorrupt` when the key is known to be right, ``key_trusted=True``),
damage raises `VaultCorrupt` naming the file, a newer schema raises `VaultTooNew`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from lscp_audit.core.errors import DiskFull, NotFound, VaultCorrupt, VaultError, WrongPassphrase
from lscp_audit.storage import engine as eng
from lscp_audit.storage import migrations
from lscp_audit.storage.engine import IntegrityReport, RawKey
from lscp_audit.storage.lockfile import VaultLock
from lscp_audit.storage.repositories.action_updates import ActionUpdateRepository
from lscp_audit.storage.repositories.audits import AuditRepository
from lscp_audit.storage.repositories.context import RepoContext
from lscp_audit.storage.repositories.drafts import DraftRepository
from lscp_audit.storage.repositories.history import HistoryRepository
from lscp_audit.storage.repositories.identities import IdentityRepository, TrustedCertificateRepository
from lscp_audit.storage.repositories.imported import ImportedReturnRepository
from lscp_audit.storage.repositories.moderation import ModerationRepository
from lscp_audit.storage.repositories.packs import PackRepository
from lscp_audit.storage.repositories.partnership import PartnershipRepository
from lscp_audit.storage.repositories.records import ExportLogRepository, LegalHoldRepository, SubjectSearchRepository
from lscp_audit.storage.repositories.settings import SettingsRepository
from lscp_audit.storage.writer import WriteWorker

log = logging.getLogger(__name__)
VAULT_ID_SETTING = "vault.id"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
MIN_VAULT_BYTES = 1024


def sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in SIDE_SUFFIXES]


def _precheck_file(path: Path) -> None:
    if not path.exists():
        raise NotFound(f"There is no vault at {path}.")
    size = path.stat().st_size
    if size < MIN_VAULT_BYTES:
        raise VaultCorrupt(f"{path} is empty or truncated ({size} bytes); it is not a usable vault.")
    eng.check_not_plaintext(path)


class Vault:
    """An unlocked vault. Not thread-affine: reads may come from any thread, writes go to the writer."""

    def __init__(self, path: Path, key: RawKey, engine: Engine, lock: VaultLock) -> None:
        self.path = path
        self._key = key
        self.engine = engine
        self._lock = lock
        self._factory = sessionmaker(bind=engine, expire_on_commit=False)
        self.writer = WriteWorker(self._factory)
        ctx = RepoContext(engine=engine, writer=self.writer, session_factory=self._factory)
        self.audits = AuditRepository(ctx)
        self.history = HistoryRepository(ctx)
        self.identities = IdentityRepository(ctx)
        self.trusted_certs = TrustedCertificateRepository(ctx)
        self.settings = SettingsRepository(ctx)
        self.imported_returns = ImportedReturnRepository(ctx)
        self.drafts = DraftRepository(ctx)
        self.export_log = ExportLogRepository(ctx)
        self.holds = LegalHoldRepository(ctx)
        self.subject_search = SubjectSearchRepository(ctx)
        self.packs = PackRepository(ctx)
        self.partnership = PartnershipRepository(ctx)
        self.moderation = ModerationRepository(ctx)
        self.action_updates = ActionUpdateRepository(ctx)
        self._closed = False

    # --- lifecycle --------------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: Path, key: RawKey, *, vault_id: str, memory_security: bool = False, lock: VaultLock | None = None
    ) -> Vault:
        """Create a new, empty vault file at `path` at the current schema version (`lock`: already held)."""
        if path.exists() or any(p.exists() for p in sidecars(path)):
            raise VaultError(f"{path} already exists; a new vault is never created over an existing file.")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = (lock or VaultLock(path)).acquire()
        try:
            eng.create_private_file(path)
            engine = eng.make_engine(path, key, memory_security=memory_security)
            with engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                migrations.migrate(raw, path)
            vault = cls(path, key, engine, lock)
        except BaseException:
            lock.release()
            raise
        vault.settings.set(VAULT_ID_SETTING, vault_id)
        return vault

    @classmethod
    def open(
        cls,
        path: Path,
        key: RawKey,
        *,
        key_trusted: bool = False,
        migrate: bool = True,
        before_migrate: Any = None,
        memory_security: bool = False,
        lock: VaultLock | None = None,
    ) -> Vault:
        """Open and unlock an existing vault; run pending migrations (after `before_migrate(engine)`).

        `lock` is an already-held `VaultLock` to reuse (key rotation and restore keep it held).
        """
        _precheck_file(path)
        lock = (lock or VaultLock(path)).acquire()
        engine: Engine | None = None
        try:
            engine = eng.make_engine(path, key, memory_security=memory_security)
            cls._open_checks(engine, path, key_trusted, migrate, before_migrate)
            return cls(path, key, engine, lock)
        except BaseException:
            if engine is not None:
                engine.dispose()
            lock.release()
            raise

    @staticmethod
    def _open_checks(engine: Engine, path: Path, key_trusted: bool, migrate: bool, before_migrate: Any) -> None:
        try:
            eng.verify_opens(engine, path)
            with engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                version = migrations.schema_version(raw)
                migrations.check_not_too_new(version, path)
                quick = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check")]
        except WrongPassphrase:
            if key_trusted:
                raise VaultCorrupt(
                    f"{path} could not be read with its own key: it is damaged, truncated, tampered with or not "
                    "an LSCP Audit vault. The file has not been changed."
                ) from None
            raise
        except sa.exc.DBAPIError as exc:
            raise eng.classify_open_error(exc, path) from None
        if quick != ["ok"]:
            raise VaultCorrupt(f"{path} failed its integrity check; it is damaged. The file has not been changed.")
        if version == 0:
            raise VaultCorrupt(f"{path} is an encrypted database but not an LSCP Audit vault.")
        if version < migrations.CURRENT_SCHEMA_VERSION:
            if not migrate:
                raise VaultError(f"{path} needs upgrading to schema {migrations.CURRENT_SCHEMA_VERSION}.")
            if before_migrate is not None:
                before_migrate(engine)
            Vault._migrate(engine, path)

    @staticmethod
    def _migrate(engine: Engine, path: Path) -> None:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            try:
                applied = migrations.migrate(raw, path)
            except Exception as exc:
                log.error("vault migration failed: %s", type(exc).__name__)
                raise VaultError(
                    f"{path} could not be upgraded to the current format; it has been left as it was."
                ) from None
        log.info("vault migrated through schema versions %s", applied)

    def close(self, release_lock: bool = True) -> None:
        """Lock: finish queued writes, close all connections, release the lock, forget the key."""
        if self._closed:
            return
        self._closed = True
        try:
            self.writer.close()
        finally:
            eng.close_engine(self.engine)
            if release_lock:
                self._lock.release()
            self._key.wipe()

    @property
    def file_lock(self) -> VaultLock:
        return self._lock

    lock = close

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- information and maintenance --------------------------------------------------------
    @property
    def vault_id(self) -> str | None:
        value = self.settings.get(VAULT_ID_SETTING)
        return str(value) if value is not None else None

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def key_copy(self) -> RawKey:
        """A copy of the vault's key (the caller wipes it); raises if the vault is locked."""
        return RawKey(self._key.bytes())

    def key_matches(self, key: RawKey) -> bool:
        return key == self._key

    def integrity_check(self) -> IntegrityReport:
        """``cipher_integrity_check`` (no rows = healthy) plus ``integrity_check`` (``ok``)."""
        self.writer.flush()
        return eng.integrity_check(self.engine)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate the WAL (after queued writes)."""
        self.writer.run(lambda s: s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))

    def export_to(self, dest: Path, key: RawKey | None = None) -> None:
        """Write a complete encrypted copy (including WAL content) under `key` (default: own key)."""
        self.writer.flush()
        try:
            eng.export_encrypted(self.engine, dest, key or self._key)
        except Exception as exc:
            dest.unlink(missing_ok=True)  # never leave a partial copy behind
            raise _copy_error(exc, dest) from None

    def table_counts(self) -> dict[str, int]:
        names = ("audits", "answers", "history", "identities", "trusted_certificates", "settings", "imported_returns")
        with self.engine.connect() as conn:
            return {n: int(conn.execute(sa.text(f"SELECT count(*) FROM {n}")).scalar_one()) for n in names}


def _copy_error(exc: Exception, dest: Path) -> BaseException:
    """A failed export as a typed error: `DiskFull` for a full disk, `VaultError` otherwise."""
    from lscp_audit.storage.writer import translate_write_error

    if isinstance(exc, VaultError):
        return exc
    translated = translate_write_error(exc)
    if isinstance(translated, DiskFull):
        return DiskFull(f"The copy {dest.name} could not be written: the disk is full. Nothing was changed.")
    if isinstance(exc, OSError) or type(exc).__module__.startswith("sqlcipher3"):
        return VaultError(f"The copy {dest.name} could not be written ({str(exc)[:120]}). Nothing was changed.")
    return exc
