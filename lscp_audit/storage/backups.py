"""Encrypted backups of a vault: rotating copies made with ``sqlcipher_export``, listing and restore.

Backups live in ``<vault folder>/<vault stem>-backups/`` as ``<stem>-<UTC time>.lscp`` plus a copy
of the key file (``.lscp.keys.json``) of that moment. Each copy is made from a live connection
(so un-checkpointed WAL content is included; the vault file is never copied byte-wise), written
under a temporary name in the same folder, checked (both integrity checks) and only then renamed
into place. Only the newest ``count`` automatic backups *of the same vault* are kept: a backup
belongs to a vault by the vault id in its key-file copy, never by its file name, so a new vault
created at the same path never prunes the backups of the vault that was there before (they may be
the only copy left). A backup whose key file is missing or unreadable is never pruned.

Restore never overwrites anything: the current vault, its sidecar files and key file are renamed
aside to ``<name>.before-restore-<time>`` first, then the backup is copied in atomically. Before the
first rename a journal ``<vault>.restoring`` records the plan (the verified copy waiting beside the
vault, the renames and the key file to write), so a crash at any point is finished on the next
start (`finish_interrupted_restore`, run under the vault lock before unlocking) instead of leaving
"there is no vault" where a vault was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lscp_audit.atomic_files import atomic_write_bytes, fsync_dir
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

    @property
    def vault_id(self) -> str | None:
        """The vault id recorded in this backup's key-file copy, None when missing or unreadable."""
        try:
            data = json.loads(self.keyfile.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        value = data.get("vault_id") if isinstance(data, dict) else None
        return value if isinstance(value, str) else None


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


def list_backups(vault_path: Path, vault_id: str | None = None) -> list[BackupInfo]:
    """Backups in this vault's backup folder, newest first; only those of `vault_id` when given."""
    folder = backup_dir(vault_path)
    if not folder.is_dir():
        return []
    found = [_info(p) for p in folder.glob(f"{vault_path.stem}-*.lscp")]
    backups = sorted((b for b in found if b is not None), key=lambda b: b.path.name, reverse=True)
    if vault_id is not None:
        backups = [b for b in backups if b.vault_id == vault_id]
    return backups


def check_file(path: Path, key: RawKey) -> IntegrityReport:
    """Open a vault or backup file read-only with `key` and run both integrity checks."""
    import sqlcipher3

    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute(f'PRAGMA key = "{key.pragma_literal()}"')
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_compatibility = 4")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlcipher3.DatabaseError:
            # A wrong key or a damaged first page cannot be checked further; damage to another
            # schema page (the page HMACs need no schema) is reported like any other damage.
            cipher = tuple(str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check"))
            if not cipher or any(re.search(r"\bpage 1\b", p) for p in cipher):
                raise
            return IntegrityReport(cipher_problems=cipher, sqlite_result=("the schema cannot be read",))
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
    vault_id = vault.vault_id
    if vault_id is not None:
        prune_backups(vault.path, count, vault_id)
    info = _info(final)
    assert info is not None
    return info


def prune_backups(vault_path: Path, count: int, vault_id: str) -> list[Path]:
    """Delete automatic backups of vault `vault_id` beyond the newest `count`; other kinds, and
    backups of any other vault (or of none we can tell), are kept."""
    autos = [b for b in list_backups(vault_path, vault_id) if b.kind == "auto"]
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


def restore_journal_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".restoring")


def _restore_tmp(vault_path: Path) -> Path:
    return vault_path.with_name(f".{vault_path.name}.restore.tmp")


def restore_file(
    backup: Path,
    vault_path: Path,
    key: RawKey,
    lock: VaultLock,
    keyfile_json: str | None = None,
    crash_hook: Callable[[str], None] | None = None,
) -> Path | None:
    """Put `backup` in place of the vault (which must be closed; `lock` held) and write
    `keyfile_json` as its key file. Returns where the previous vault file was moved.

    The backup is verified with `key` first; nothing is moved if it fails. A failure while copying
    (a full disk) removes the partial copy and leaves everything as it was.
    """
    if not lock.held:
        raise VaultError("restore needs the vault lock")
    hook = crash_hook or (lambda _step: None)
    report = check_file(backup, key)
    if not report.ok:
        raise VaultCorrupt(f"The backup {backup} is damaged: {report.summary()}")
    tmp = _restore_tmp(vault_path)
    tmp.unlink(missing_ok=True)
    try:
        shutil.copyfile(backup, tmp)
        tmp.chmod(0o600)
        _fsync_file(tmp)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    stamp = time.strftime("%Y%m%dT%H%M%S")
    renames = [
        (p.name, f"{p.name}.before-restore-{stamp}")
        for p in [vault_path, *sidecars(vault_path), keyfile_path(vault_path)]
        if p.exists()
    ]
    journal = {"tmp": tmp.name, "renames": renames, "keyfile": keyfile_json}
    try:
        atomic_write_bytes(restore_journal_path(vault_path), json.dumps(journal).encode("utf-8"))
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    hook("journal-written")
    moved = vault_path.with_name(renames[0][1]) if renames and renames[0][0] == vault_path.name else None
    _finish_restore(vault_path, journal, hook)
    return moved


def _finish_restore(vault_path: Path, journal: dict[str, Any], hook: Callable[[str], None]) -> None:
    """Carry out (or carry on with) a journalled restore; every step can be repeated safely."""
    folder = vault_path.parent
    tmp = folder / str(journal["tmp"])
    if tmp.exists():  # the copy has not been put in place yet, so the renames are still to do
        for source, target in journal["renames"]:
            if (folder / source).exists():
                os.replace(folder / source, folder / target)
                hook(f"moved:{source}")
        fsync_dir(folder)
        os.replace(tmp, vault_path)
        fsync_dir(folder)
    hook("swapped")
    if journal.get("keyfile"):
        atomic_write_bytes(keyfile_path(vault_path), str(journal["keyfile"]).encode("utf-8"))
    restore_journal_path(vault_path).unlink()
    fsync_dir(folder)


def finish_interrupted_restore(vault_path: Path, lock: VaultLock) -> bool:
    """Finish a restore that a crash interrupted (the backup had been verified before the journal
    was written). Returns True if there was one. Needs the vault lock."""
    if not lock.held:
        raise VaultError("finishing a restore needs the vault lock")
    journal_path = restore_journal_path(vault_path)
    if not journal_path.exists():
        _restore_tmp(vault_path).unlink(missing_ok=True)  # a copy that never got as far as the journal
        return False
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        if not isinstance(journal, dict) or not isinstance(journal.get("renames"), list):
            raise ValueError("not a restore journal")
    except (OSError, ValueError) as exc:
        raise VaultCorrupt(
            f"An interrupted restore left {journal_path}, which cannot be read. The previous vault was kept "
            f"beside it as *.before-restore-*; move it back to {vault_path.name} to use it."
        ) from exc
    _finish_restore(vault_path, journal, lambda _step: None)
    return True
