"""SQLCipher engines: raw-key discipline, the pinned connection recipe and integrity checks.

This module owns the only place where a SQLCipher connection is configured. Every connection
runs the recipe from ``docs/security.md`` (security.md §2.8): the raw 256-bit key first (set by
our own connection ``creator`` from the wipeable `RawKey`, never through the engine URL), then
``cipher_compatibility = 4``, a read that fails closed on a wrong key, ``temp_store = MEMORY``,
``journal_mode = WAL``, ``synchronous = FULL``, ``foreign_keys``, ``busy_timeout`` and
``secure_delete``. A key that is not exactly 64 hex characters is refused before it reaches
SQLCipher, because SQLCipher silently treats a malformed raw key as a passphrase.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import QueuePool

from lscp_audit.core.errors import DiskFull, VaultCorrupt, VaultError, WrongPassphrase

RAW_KEY_BYTES = 32
BUSY_TIMEOUT_MS = 5000
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
_HEX64 = re.compile(r"[0-9a-f]{64}")
EXPECTED_CIPHER_SETTINGS = {
    "kdf_iter": "256000",
    "cipher_page_size": "4096",
    "cipher_use_hmac": "1",
    "cipher_plaintext_header_size": "0",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
}
ALLOWED_LOG_LEVELS = ("NONE", "ERROR", "WARN")
_memory_security_done = False


class RawKey:
    """A validated SQLCipher raw key (32 bytes). Its repr never shows the key."""

    __slots__ = ("_buf",)

    def __init__(self, key: bytes | bytearray | str) -> None:
        if isinstance(key, str):
            if not _HEX64.fullmatch(key):
                raise ValueError("a vault key must be exactly 64 lowercase hex characters")
            key = bytes.fromhex(key)
        if len(key) != RAW_KEY_BYTES:
            raise ValueError("a vault key must be exactly 32 bytes")
        self._buf = bytearray(key)

    @classmethod
    def generate(cls) -> RawKey:
        import secrets

        return cls(secrets.token_bytes(RAW_KEY_BYTES))

    def hex(self) -> str:
        if not self._buf:
            raise VaultError("the vault key has been forgotten (the vault is locked)")
        return bytes(self._buf).hex()

    def bytes(self) -> bytes:
        if not self._buf:
            raise VaultError("the vault key has been forgotten (the vault is locked)")
        return bytes(self._buf)

    def pragma_literal(self) -> str:
        """The value for ``PRAGMA key``: ``x'<64 hex>'`` (validated again here)."""
        value = self.hex()
        if not _HEX64.fullmatch(value):  # pragma: no cover - defensive
            raise ValueError("invalid raw key")
        return f"x'{value}'"

    def wipe(self) -> None:
        """Overwrite the key bytes; the object can no longer be used."""
        for i in range(len(self._buf)):
            self._buf[i] = 0
        self._buf = bytearray()

    def __eq__(self, other: object) -> bool:
        import hmac

        return isinstance(other, RawKey) and hmac.compare_digest(bytes(self._buf), bytes(other._buf))

    def __hash__(self) -> int:  # keys are not meant for dicts; keep hashing cheap and non-revealing
        return id(self)

    def __repr__(self) -> str:
        return "RawKey(<hidden>)"


@dataclass(frozen=True)
class IntegrityReport:
    """Result of ``cipher_integrity_check`` (no rows when healthy) and ``integrity_check``."""

    cipher_problems: tuple[str, ...]
    sqlite_result: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.cipher_problems and self.sqlite_result == ("ok",)

    def summary(self) -> str:
        if self.ok:
            return "The vault passed both integrity checks."
        problems = list(self.cipher_problems) + [r for r in self.sqlite_result if r != "ok"]
        return "The vault failed its integrity check: " + "; ".join(problems[:5])


def enable_memory_security() -> None:
    """Turn on ``cipher_memory_security`` process-wide (one-way) before the first keyed connection."""
    global _memory_security_done
    if _memory_security_done:
        return
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_memory_security = ON")
    finally:
        conn.close()
    _memory_security_done = True


def file_header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(16)


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by the user (fails if it exists), so SQLite's later
    writes and its sidecar files inherit mode 0600."""
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VaultError(f"{path} already exists") from None
    os.close(fd)


def check_not_plaintext(path: Path) -> None:
    """Raise VaultCorrupt if `path` is an unencrypted SQLite file (wrong dialect by mistake)."""
    if path.exists() and path.stat().st_size and file_header(path) == PLAIN_SQLITE_HEADER:
        raise VaultCorrupt(f"{path} is an unencrypted SQLite database, not an LSCP Audit vault.")


def _apply_recipe(dbapi_conn: Any, log_level: str) -> None:
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")  # silence the wrong-key HMAC message
        cursor.execute("PRAGMA cipher_compatibility = 4")
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()  # fails closed on a wrong key
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute("PRAGMA journal_mode = WAL").fetchall()
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"PRAGMA cipher_log_level = {log_level}")
    finally:
        cursor.close()


# Threads that read or write at once: the GUI thread, the vault's worker, the writer and a few
# pool threads (Verify); more wait for a connection rather than open without bound.
POOL_SIZE = 4
POOL_OVERFLOW = 8
_LOCKED: weakref.WeakKeyDictionary[Engine, threading.Event] = weakref.WeakKeyDictionary()  # set at lock


def make_engine(path: Path, key: RawKey, *, log_level: str = "NONE", memory_security: bool = False) -> Engine:
    """Create an engine for the vault file at `path` keyed with `key`.

    Connections are pooled (``QueuePool``): a thread checks one out, has it to itself, and gives it
    back, so a connection may serve several threads in turn and be closed by the thread that locks
    the vault (``check_same_thread=False``); all writes are serialised by the writer worker.
    Not ``SingletonThreadPool`` (one connection per thread): it closes other threads' connections
    once more than `pool_size` exist, even in the middle of a query, and a Qt pool thread counts as
    a new thread for every task it runs (each gets a fresh Python thread state), so the app reached
    that limit within minutes and SQLCipher then crashed (use after free).
    ``memory_security`` turns on SQLCipher's process-wide locked and wiped allocations; it is off by
    default because it made a text search over 10,000 audits ~35x slower here (see docs/security.md).
    """
    if log_level not in ALLOWED_LOG_LEVELS:
        raise ValueError("cipher_log_level must be NONE, ERROR or WARN (TRACE crashes SQLCipher)")
    if memory_security:
        enable_memory_security()
    check_not_plaintext(path)
    import sqlcipher3

    def connect() -> Any:
        # The key goes straight from the wipeable `RawKey` into ``PRAGMA key`` on each new
        # connection; it is never part of the URL or the connect arguments, which SQLAlchemy keeps
        # (and may log or show in reprs) for the engine's lifetime.
        conn = sqlcipher3.connect(str(path), check_same_thread=False)
        try:
            conn.execute(f'PRAGMA key = "{key.pragma_literal()}"')
        except BaseException:
            conn.close()
            raise
        return conn

    # The SQLite dialect driving the ``sqlcipher3`` module (not ``sqlite+pysqlcipher``, whose
    # dialect would issue its own ``PRAGMA key`` from the URL password).
    url = URL.create("sqlite", database=str(path))
    engine = sa.create_engine(
        url, module=sqlcipher3, creator=connect, poolclass=QueuePool, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )
    if engine.dialect.dbapi is not sqlcipher3:  # pragma: no cover - guards against plain sqlite
        raise VaultError("the SQLCipher driver is not in use")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        _apply_recipe(dbapi_conn, log_level)

    locked = threading.Event()
    _LOCKED[engine] = locked

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if locked.is_set() and dbapi_conn is not None:
            record.invalidate()  # given back after lock: closed now (SQLCipher wipes its key copy)

    return engine


def close_engine(engine: Engine) -> None:
    """Close every connection of `engine`: idle ones now, any a thread is still using as soon
    as it is given back (never under the thread, which would crash SQLCipher)."""
    locked = _LOCKED.get(engine)
    if locked is not None:
        locked.set()
    engine.dispose()


def classify_open_error(exc: BaseException, path: Path) -> VaultError:
    """Turn a DBAPI error from opening/reading the vault into a typed, user-facing error."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "disk is full" in text or "disk i/o error" in text or "database or disk is full" in text:
        return DiskFull(
            f"{path} could not be opened because the disk is full or cannot be written (opening a vault "
            "needs a little free space for its journal). Free some space and try again; the vault has not "
            "been changed and is not damaged."
        )
    if "unable to open database file" in text:
        return VaultError(
            f"{path} could not be opened: its folder cannot be written (permissions, a read-only or full "
            "disk). The vault has not been changed."
        )
    if "file is not a database" in text:
        return WrongPassphrase(
            f"The key does not open {path}: the passphrase or key is wrong, or the file is not a vault."
        )
    if "malformed" in text or "corrupt" in text or "disk image" in text:
        return VaultCorrupt(f"{path} is damaged or has been tampered with. The file has not been changed.")
    return VaultError(f"{path} could not be opened: {text[:200]}")


def verify_opens(engine: Engine, path: Path) -> None:
    """Open one connection (fails closed on a wrong key) and read the schema."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except sa.exc.DBAPIError as exc:
        raise classify_open_error(exc, path) from None


def integrity_check(engine: Engine) -> IntegrityReport:
    """Run both checks. ``cipher_integrity_check`` returns no rows when healthy (not ``ok``)."""
    with engine.connect() as conn:
        cipher = tuple(str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check"))
        try:
            sqlite = tuple(str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check"))
        except sa.exc.DBAPIError as exc:
            sqlite = (str(getattr(exc, "orig", exc))[:200],)
    return IntegrityReport(cipher_problems=cipher, sqlite_result=sqlite)


def cipher_settings(engine: Engine) -> dict[str, str]:
    """Effective SQLCipher settings as reported by ``PRAGMA cipher_settings``."""
    result: dict[str, str] = {}
    with engine.connect() as conn:
        for (line,) in conn.exec_driver_sql("PRAGMA cipher_settings"):
            text = str(line).strip().rstrip(";")
            if text.upper().startswith("PRAGMA "):
                name, _, value = text[7:].partition("=")
                result[name.strip()] = value.strip()
    return result


def export_encrypted(engine: Engine, dest: Path, key: RawKey) -> None:
    """Write a complete encrypted copy of the vault (including un-checkpointed WAL frames) to `dest`.

    Uses ``ATTACH ... KEY`` + ``sqlcipher_export``; `dest` must not exist.
    """
    create_private_file(dest)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            version = cursor.execute("PRAGMA user_version").fetchone()[0]
            cursor.execute("ATTACH DATABASE ? AS backup_target KEY ?", (str(dest), key.pragma_literal()))
            try:
                cursor.execute("PRAGMA backup_target.cipher_compatibility = 4")
                cursor.execute("SELECT sqlcipher_export('backup_target')")
                cursor.execute(f"PRAGMA backup_target.user_version = {int(version)}")
            finally:
                cursor.execute("DETACH DATABASE backup_target")
        finally:
            cursor.close()
