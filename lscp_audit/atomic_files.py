"""Atomic file writes for everything the app saves outside the vault: exported reports, key
files, backups, imported templates and settings (security.md §4.4, style R13).

The data goes to a temporary file in the destination's own folder (never a shared temp folder),
created with owner-only permissions before any byte lands, flushed and fsynced, then moved over
the destination with `os.replace`. On POSIX the folder is fsynced too. If anything fails the
previous file at the destination is left untouched and the temporary file is removed.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from pathlib import Path

_REPLACE_RETRIES = 5  # Windows: a viewer or indexer may hold the target open briefly


def temp_path_for(destination: Path) -> Path:
    """A hidden, unpredictable temporary name next to `destination` (no content in the name)."""
    return destination.parent / f".lscp-write-{secrets.token_hex(6)}.tmp"


def atomic_write_bytes(destination: Path | str, data: bytes, *, mode: int = 0o600) -> Path:
    """Write `data` to `destination` atomically and return the destination path.

    Raises OSError when the folder is missing or not writable; the previous file stays intact.
    """
    destination = Path(destination)
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
