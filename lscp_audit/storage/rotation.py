"""Crash-safe data-key rotation: after a crash at any point the vault opens with exactly one key.

Steps (each durable before the next):

1. record the new key as ``pending`` in the key file (and in the keychain's pending entry);
2. export the vault under the new key to ``<vault>.rotating``, verify it (both integrity checks);
3. close the vault (WAL folded in), then ``os.replace`` the new file over the old one;
4. promote ``pending`` to current in the key file; update the keychain; reopen.

`resolve_key` is the recovery half: at unlock it tries the current key and then the pending key,
and `finish_interrupted` tidies the key file and temporary file so only one key remains.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from lscp_audit.atomic_files import fsync_dir
from lscp_audit.core.errors import VaultError, WrongPassphrase
from lscp_audit.storage.backups import check_file
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import KeyFile, keyfile_path, save_keyfile
from lscp_audit.storage.vault import Vault, sidecars

log = logging.getLogger(__name__)


def rotating_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".rotating")


def key_opens(path: Path, key: RawKey) -> bool:
    """True if `key` opens the file, False if it is the wrong key; other failures (a full disk,
    an unreadable file) are raised, so they are never mistaken for a wrong key or damage."""
    try:
        check_file_opens(path, key)
        return True
    except WrongPassphrase:
        return False


def check_file_opens(path: Path, key: RawKey) -> None:
    import sqlcipher3

    from lscp_audit.storage.engine import classify_open_error

    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(f'PRAGMA key = "{key.pragma_literal()}"')
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlcipher3.DatabaseError as exc:
        raise classify_open_error(exc, path) from None
    finally:
        conn.close()


def rotate_data_key(
    vault: Vault,
    keyfile: KeyFile,
    master: bytes | bytearray,
    *,
    store_pending: Callable[[RawKey], None] | None = None,
    crash_hook: Callable[[str], None] | None = None,
) -> tuple[Vault, KeyFile, RawKey]:
    """Rotate to a fresh data key. Returns the reopened vault, the new key file and the new key.

    `store_pending(key)` saves the new key in the keychain's pending slot (if the keychain is used);
    `crash_hook(step)` lets tests stop the process between steps.
    """
    path = vault.path
    hook = crash_hook or (lambda _step: None)
    new_key = RawKey.generate()
    pending_file = keyfile.with_pending(master, new_key)
    save_keyfile(keyfile_path(path), pending_file)
    if store_pending is not None:
        store_pending(new_key)
    hook("pending-recorded")
    tmp = rotating_path(path)
    if tmp.exists():
        tmp.unlink()
    lock = vault.file_lock
    vault.writer.flush()
    try:
        vault.export_to(tmp, new_key)
    except BaseException:
        tmp.unlink(missing_ok=True)
        try:  # the old key stays current; forget the pending one now rather than at next unlock
            save_keyfile(keyfile_path(path), keyfile.drop_pending())
        except OSError:
            pass  # the next unlock rolls the rotation back
        raise
    if not check_file(tmp, new_key).ok:
        tmp.unlink()
        raise VaultError("The re-encrypted copy failed its integrity check; the key was not changed.")
    hook("exported")
    vault.close(release_lock=False)
    leftover = [p for p in sidecars(path) if p.exists() and p.stat().st_size > 0 and not p.name.endswith("-shm")]
    if leftover:
        lock.release()
        raise VaultError("The vault's journal could not be folded in; the key was not changed.")
    for side in sidecars(path):
        if side.exists():
            side.unlink()  # empty WAL / index of the old file, meaningless for the new one
    tmp.replace(path)
    fsync_dir(path.parent)
    hook("swapped")
    final_file = pending_file.promote_pending()
    save_keyfile(keyfile_path(path), final_file)
    hook("promoted")
    reopened = Vault.open(path, RawKey(new_key.bytes()), key_trusted=True, lock=lock)
    return reopened, final_file, new_key


def resolve_key(path: Path, candidates: list[RawKey]) -> RawKey | None:
    """The first candidate key that opens the vault file, or None."""
    for key in candidates:
        if key_opens(path, key):
            return key
    return None


def finish_interrupted(path: Path, keyfile: KeyFile, pending_worked: bool) -> KeyFile:
    """Tidy an interrupted rotation once we know whether the pending (new) key opened the file."""
    tmp = rotating_path(path)
    if tmp.exists():
        tmp.unlink()
    if keyfile.pending_data_key_wrap is None:
        return keyfile
    fixed = keyfile.promote_pending() if pending_worked else keyfile.drop_pending()
    log.info("%s an interrupted key rotation", "completed" if pending_worked else "rolled back")
    save_keyfile(keyfile_path(path), fixed)
    return fixed
