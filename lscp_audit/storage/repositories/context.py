"""What every repository shares: the engine, the writer, a read-session factory and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from lscp_audit.core.canonical import canonical_json
from lscp_audit.storage.writer import WriteWorker


def utc_now() -> str:
    """ISO 8601 UTC timestamp with milliseconds, e.g. ``2026-11-28T06:40:00.123+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    """Canonical JSON used for stored values and for history hashing (`canonical_json`)."""
    return canonical_json(value)


@dataclass
class RepoContext:
    engine: Engine
    writer: WriteWorker
    session_factory: sessionmaker[Session]
    clock: Callable[[], str] = utc_now

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()
