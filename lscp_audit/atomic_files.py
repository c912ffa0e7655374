"""Atomic file writes for everything the app saves outside the vault: exported reports, key
files, backups, imported templates and settings (security.md §4.4, style R13).

The data never sits under a temporary *name* while it is being written, so a process killed
mid-export cannot leave a plaintext report behind:

- **Linux** (``O_TMPFILE``): the data goes to an unnamed file in the destination's own folder
  (owner-only permissions from the start), is fsynced, then given a hidden random name with
  ``linkat`` and moved over the destination with `os.replace`. A kill before the link leaves
  nothing at all (the kernel frees the unnamed file); only the microseconds between link and
  rename can leave a complete hidden ``.lscp-write-*.tmp``.
- **Elsewhere** (or a filesystem without ``O_TMPFILE``): the classic hidden temporary file in the
  same folder, created with owner-only permissions before any byte lands, fsynced and renamed.

Either way, every write sweeps the destination folder for ``.lscp-write-*.tmp`` files left by an
earlier interrupted write (older than `STALE_AFTER_SECONDS`, so a write in progress in another
process is never touched) and deletes them. On POSIX the folder is fsynced after the rename. If
anything fails the previous file at the destination is left untouched and the temporary file is
removed.
"""

from __future__ import annotations

import errno
import os
import secrets
import sys
import time
from pathlib import Path

_REPLACE_RETRIES = 5  # Windows: a viewer or indexer may hold the target open briefly
TEMP_PREFIX = ".lscp-write-"
TEMP_SUFFIX = ".tmp"
STALE_AFTER_SECONDS = 60.0


def temp_path_for(destination: Path) -> Path:
    """A hidden, unpredictable temporary name next to `destination` (no content in the name)."""
    return destination.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def remove_stale_temps(folder: Path, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete temporary files an interrupted write left in `folder`; return what was removed."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        candidates = list(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def atomic_write_bytes(destination: Path | str, data: bytes, *, mode: int = 0o600) -> Path:
    """Write `data` to `destination` atomically and return the destination path.

    Raises OSError when the folder is missing or not writable; the previous file stays intact.
    """
    destination = Path(destination)
    remove_stale_temps(destination.parent)
    if _write_unnamed(destination, data, mode):
        return destination
    tmp = temp_path_for(destination)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(tmp, destination)
        fsync_dir(destination.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    return destination


def _open_unnamed(folder: Path, mode: int) -> int | None:
    """An ``O_TMPFILE`` descriptor in `folder`, or None where the OS or filesystem has none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not sys.platform.startswith("linux") or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None  # e.g. a network or FAT filesystem: use a named temporary file
        raise


def _write_unnamed(destination: Path, data: bytes, mode: int) -> bool:
    """Write through an unnamed file; False (nothing done) when that is not possible here."""
    folder = destination.parent
    fd = _open_unnamed(folder, mode)
    if fd is None:
        return False
    tmp: Path | None = None
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(fd)
        os.fchmod(fd, mode)  # the umask may have narrowed the mode given to open
        tmp = temp_path_for(destination)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            # a dir fd makes os.link use linkat(..., AT_SYMLINK_FOLLOW), which links the open file
            os.link(f"/proc/self/fd/{fd}", tmp.name, dst_dir_fd=dir_fd)
        finally:
            os.close(dir_fd)
        _replace(tmp, destination)
        tmp = None
        fsync_dir(folder)
        return True
    finally:
        os.close(fd)
        if tmp is not None and tmp.exists():
            tmp.unlink()


def atomic_write_text(destination: Path | str, text: str, *, mode: int = 0o600) -> Path:
    """`atomic_write_bytes` for UTF-8 text (newlines written as given)."""
    return atomic_write_bytes(destination, text.encode("utf-8"), mode=mode)


def _replace(src: Path, dst: Path) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory fsync)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
