"""Single-instance lock beside the vault (``<vault>.lock``), shared by the GUI and the CLI.

The lock is an OS advisory lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) held
on an open descriptor for as long as the vault is open. The OS drops it when the process dies, so
a lock file left behind by a crash is *stale* and is simply taken over: the file's presence means
nothing, only a live lock does. The file holds the owner's pid and host for the message only.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import IO

from lscp_audit.core.errors import VaultInUse


def lock_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".lock")


def _try_lock(handle: IO[bytes]) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class VaultLock:
    """An exclusive lock on one vault. Use `acquire`/`release` or as a context manager."""

    def __init__(self, vault_path: Path) -> None:
        # Lock the real file's lock: a symlinked path to the same vault must not get a lock of its own.
        self.path = lock_path(vault_path.resolve())
        self.vault_path = vault_path
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> VaultLock:
        if self._handle is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        if not _try_lock(handle):
            handle.close()
            raise VaultInUse(
                f"The vault {self.vault_path} is open in another LSCP Audit window or command. Close it there "
                "and try again."
            )
        # We own it now; a previous owner that crashed left only a stale file, which we overwrite.
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {socket.gethostname()}\n".encode())
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.seek(0)
            handle.truncate()
        finally:
            handle.close()  # closing the descriptor releases the OS lock

    def __enter__(self) -> VaultLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
