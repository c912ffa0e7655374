"""The single vault writer (style R6): one worker thread owns every write session.

`WriteWorker.run(fn)` queues ``fn(session)`` on the worker, which opens a session, runs it,
commits, and returns the result (or re-raises the error) to the caller; ORM objects never leave
the worker because repositories convert rows to core dataclasses inside ``fn``.
`WriteWorker.submit(fn)` does the same but returns a `Future`, for fire-and-forget autosave.
Disk-full and file-size errors are turned into `DiskFull` so the UI can say "could not save".
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from lscp_audit.core.errors import DiskFull, LscpAuditError, VaultError

log = logging.getLogger(__name__)
T = TypeVar("T")


def translate_write_error(exc: BaseException) -> BaseException:
    """Map SQLite/OS write failures to typed vault errors; leave app errors untouched."""
    if isinstance(exc, LscpAuditError):
        return exc
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
        return DiskFull("The change could not be saved: the disk is full.")
    if "disk is full" in text or "disk i/o error" in text or "database or disk is full" in text:
        return DiskFull("The change could not be saved: the disk is full or could not be written.")
    if isinstance(exc, sa.exc.IntegrityError):
        return VaultError("The change conflicts with data already in the vault.")
    if isinstance(exc, sa.exc.DBAPIError):
        return VaultError("The change could not be saved to the vault.")
    return exc


class WriteWorker:
    """Serialises all writes to one vault on a dedicated thread."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-writer")
        self._closed = False
        self._thread_ident: int | None = None

    def _call(self, fn: Callable[[Session], T]) -> T:
        self._thread_ident = threading.get_ident()
        session = self._factory()
        try:
            result = fn(session)
            session.commit()
            return result
        except BaseException as exc:
            session.rollback()
            translated = translate_write_error(exc)
            if translated is exc:
                raise
            log.warning("vault write failed: %s", type(exc).__name__)
            raise translated from None
        finally:
            session.close()

    def submit(self, fn: Callable[[Session], T]) -> Future[T]:
        if self._closed:
            raise VaultError("The vault is locked; the change was not saved.")
        return self._executor.submit(self._call, fn)

    def run(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` on the writer and wait; runs inline if already on the writer thread."""
        if threading.get_ident() == self._thread_ident:
            raise RuntimeError("nested vault write on the writer thread")
        return self.submit(fn).result()

    def flush(self) -> None:
        """Wait until every queued write has finished."""
        if not self._closed:
            self._executor.submit(lambda: None).result()

    def close(self) -> None:
        """Finish queued writes, then stop the worker."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True)
