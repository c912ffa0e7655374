"""The vault's connections are never closed under a thread that is using one.

SQLAlchemy's `SingletonThreadPool` (one connection per thread, which the vault used) closes other
threads' connections once more than its size exist, even in the middle of a query: SQLCipher then
reads freed memory and the process dies (the segfault CI hit). Qt's pool threads made that
likely, as each task they run starts with a fresh Python thread state and so looked like a new
thread. These tests use real SQLCipher connections, real threads and a real Qt thread pool."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlcipher3

from lscp_audit.storage import engine as eng
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault

OTHER_THREADS = 40


def _count(connection: object) -> int:
    return int(connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar())  # type: ignore[attr-defined]


def test_a_connection_in_use_survives_many_other_threads_connecting(vault_file: tuple[Path, str]) -> None:
    path, key = vault_file
    engine = eng.make_engine(path, RawKey(key))
    errors: list[BaseException] = []

    def read() -> None:
        try:
            with engine.connect() as connection:
                _count(connection)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        with engine.connect() as held:  # e.g. the writer, part-way through its work
            tables = _count(held)
            for _ in range(OTHER_THREADS):  # each a thread the pool has not seen before
                worker = threading.Thread(target=read)
                worker.start()
                worker.join()
            assert _count(held) == tables  # still open: nobody closed it meanwhile
        assert errors == []
    finally:
        engine.dispose()


def test_tasks_on_a_qt_pool_thread_share_connections(
    vault_file: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    """Many tasks on one Qt pool thread (as the app's vault worker runs them) open a connection
    once, not once per task."""
    from PySide6.QtCore import QRunnable, QThreadPool

    opened: list[int] = []
    real_connect = sqlcipher3.connect

    def counting_connect(*args: object, **kwargs: object) -> object:
        opened.append(threading.get_ident())
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlcipher3, "connect", counting_connect)
    path, key = vault_file
    vault = Vault.open(path, RawKey(key))
    opened.clear()  # the opening checks' own connections
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)
    results: list[int] = []

    class Task(QRunnable):
        def run(self) -> None:
            results.append(vault.audits.count())

    try:
        for _ in range(20):
            pool.start(Task())
            assert pool.waitForDone(10_000)
        assert results == [0] * 20
        assert len(opened) <= 1, f"{len(opened)} connections for 20 tasks on one thread"
    finally:
        vault.close()


def test_lock_closes_a_connection_in_use_once_it_is_given_back(vault_file: tuple[Path, str]) -> None:
    """Lock closes idle connections at once and one a thread is still using as soon as the thread
    gives it back (SQLCipher wipes its copy of the key on close), never under the thread."""
    path, key = vault_file
    vault = Vault.open(path, RawKey(key))
    in_use = threading.Event()
    locked = threading.Event()
    seen: dict[str, object] = {}

    def slow_read() -> None:
        with vault.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            seen["raw"] = raw
            in_use.set()
            assert locked.wait(10)
            seen["after lock"] = _count(connection)  # still usable: not closed under this thread

    reader = threading.Thread(target=slow_read)
    reader.start()
    assert in_use.wait(10)
    vault.close()
    locked.set()
    reader.join()
    assert isinstance(seen["after lock"], int)
    with pytest.raises(sqlcipher3.ProgrammingError, match="closed"):
        seen["raw"].execute("SELECT 1")  # type: ignore[attr-defined]
