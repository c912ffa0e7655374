"""Encrypted backups of a vault: rotating copies made with ``sqlcipher_export``, listing and restore.

Backups live in ``<vault folder>/<vault stem>-backups/`` as ``<stem>-<UTC time>.lscp`` plus a copy
of the key file (``.lscp.keys.json``) of that moment. Each copy is made from a live connection
(so un-checkpointed WAL content is included; the vault file is never copied byte-wise), written
under a temporary name in the same folder, checked (both integrity checks) and only then renamed
into place. Only the newest ``count`` automatic backups are kept.

Restore never overwrites anything: the current vault, its sidecar files and key file are renamed
aside to ``<name>.before-restore-<time>`` first, then the backup is copied in atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lscp_audit.atomic_files import fsync_dir
from lscp_audit.core.errors import VaultCorrupt, VaultError
from lscp_audit.storage import engine as eng
from lscp_audit.storage.engine import IntegrityReport, RawKey
from lscp_audit.storage.keyfile import keyfile_path
from lscp_audit.storage.lockfile import VaultLock
from lscp_audit.storage.vault import Vault, sidecars

DEFAULT_BACKUP_COUNT = 7
_STAMP = re.compile(r"-(\d{8}T\d{6}\d{6}Z)(?:-[a-z]+)?\.lscp$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file. ``created_at`` is ISO UTC; ``kind`` is ``auto``, ``manual`` or ``pre-migration``."""

    path: Path
    created_at: str
    size: int
    kind: str

    @property
    def keyfile(self) -> Path:
        return keyfile_path(self.path)


def backup_dir(vault_path: Path) -> Path:
    return vault_path.parent / f"{vault_path.stem}-backups"


def _stamp_now() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _info(path: Path) -> BackupInfo | None:
    match = _STAMP.search(path.name)
    if not match:
        return None
    stamp = match.group(1)
    created = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC).isoformat(timespec="seconds")
    kind = path.name[match.end(1) + 1 : -len(".lscp")] or "auto"
    return BackupInfo(path=path, created_at=created, size=path.stat().st_size, kind=kind)


def list_backups(vault_path: Path) -> list[BackupInfo]:
    """Backups of this vault, newest first."""
    folder = backup_dir(vault_path)
    if not folder.is_dir():
        return []
    found = [_info(p) for p in folder.glob(f"{vault_path.stem}-*.lscp")]
    return sorted((b for b in found if b is not None), key=lambda b: b.path.name, reverse=True)


def check_file(path: Path, key: RawKey) -> IntegrityReport:
    """Open a vault or backup file read-only with `key` and run both integrity checks."""
    import sqlcipher3

    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute(f'PRAGMA key = "{key.pragma_literal()}"')
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        cipher = tuple(str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check"))
        try:
            sqlite = tuple(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
        except sqlcipher3.DatabaseError as exc:
            sqlite = (str(exc)[:200],)
        return IntegrityReport(cipher_problems=cipher, sqlite_result=sqlite)
    except sqlcipher3.DatabaseError as exc:
        raise eng.classify_open_error(exc, path) from None
    finally:
        conn.close()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_backup(vault: Vault, key: RawKey, *, count: int = DEFAULT_BACKUP_COUNT, kind: str = "auto") -> BackupInfo:
    """Export, verify and keep a backup; prune older automatic backups beyond `count`."""
    folder = backup_dir(vault.path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = "" if kind == "auto" else f"-{kind}"
    final = folder / f"{vault.path.stem}-{_stamp_now()}{suffix}.lscp"
    tmp = folder / f".{final.name}.tmp"
    try:
        vault.export_to(tmp, key)
        report = check_file(tmp, key)
        if not report.ok:
            raise VaultError("The backup copy failed its integrity check and was discarded.")
        tmp.chmod(0o600)
        _fsync_file(tmp)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    source_keys = keyfile_path(vault.path)
    if source_keys.exists():
        shutil.copyfile(source_keys, keyfile_path(final))
        keyfile_path(final).chmod(0o600)
    fsync_dir(folder)
    prune_backups(vault.path, count)
    info = _info(final)
    assert info is not None
    return info


def prune_backups(vault_path: Path, count: int) -> list[Path]:
    """Delete automatic backups beyond the newest `count`; other kinds are kept."""
    autos = [b for b in list_backups(vault_path) if b.kind == "auto"]
    removed = []
    for old in autos[max(count, 1) :]:
        for path in (old.path, old.keyfile):
            if path.exists():
                path.unlink()
        removed.append(old.path)
    return removed


def newest_good_backup(vault_path: Path, keys: list[RawKey]) -> BackupInfo | None:
    """The newest backup that opens with one of `keys` and passes both integrity checks."""
    for backup in list_backups(vault_path):
        for key in keys:
            try:
                if check_file(backup.path, key).ok:
                    return backup
            except VaultError:
                continue
    return None


def move_aside(vault_path: Path) -> Path | None:
    """Rename the vault, its sidecars and key file to ``*.before-restore-<time>``; return the new vault path."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    moved: Path | None = None
    for path in [vault_path, *sidecars(vault_path), keyfile_path(vault_path)]:
        if path.exists():
            target = path.with_name(f"{path.name}.before-restore-{stamp}")
            os.replace(path, target)
            if path == vault_path:
                moved = target
    fsync_dir(vault_path.parent)
    return moved


def restore_file(backup: Path, vault_path: Path, key: RawKey, lock: VaultLock) -> Path | None:
    """Put `backup` in place of the vault (which must be closed; `lock` held). Returns the moved-aside file.

    The backup is verified with `key` first; nothing is moved if it fails.
    """
    if not lock.held:
        raise VaultError("restore needs the vault lock")
    report = check_file(backup, key)
    if not report.ok:
        raise VaultCorrupt(f"The backup {backup} is damaged: {report.summary()}")
    tmp = vault_path.with_name(f".{vault_path.name}.restore.tmp")
    if tmp.exists():
        tmp.unlink()
    shutil.copyfile(backup, tmp)
    tmp.chmod(0o600)
    _fsync_file(tmp)
    moved = move_aside(vault_path)
    os.replace(tmp, vault_path)
    fsync_dir(vault_path.parent)
    return moved
