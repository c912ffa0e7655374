"""Ordered schema migrations for the vault, tracked in ``PRAGMA user_version``.

Each migration module defines ``VERSION`` and ``STATEMENTS`` (plain SQL, never generated from the
ORM, so old migrations stay fixed as the ORM moves on). `migrate` applies every pending
migration in its own ``BEGIN IMMEDIATE ... COMMIT`` transaction together with the new
``user_version``, so a crash leaves the vault either at the old version with old data or fully
at the new one. A vault whose version is above `CURRENT_SCHEMA_VERSION` is refused
(`VaultTooNew`) and never written to.

To add a migration: create ``vNNNN_<name>.py`` with ``VERSION = N`` and ``STATEMENTS``, append it
to `MIGRATIONS`, update ``storage/schema.py``, and add a golden fixture vault for the new version
under ``tests/fixtures/vaults/`` (``python -m tests.storage.make_fixture_vault N``).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from lscp_audit.core.errors import VaultTooNew
from lscp_audit.storage.migrations import (
    v0001_initial,
    v0002_identities_returns,
    v0003_inbox_trust,
    v0004_drafts,
    v0005_inbox_data,
    v0006_records,
    v0007_identifier_acknowledgements,
    v0008_partnership,
    v0009_moderation,
    v0010_carry_forward,
    v0011_action_updates,
)

MIGRATIONS: tuple[ModuleType, ...] = (
    v0001_initial,
    v0002_identities_returns,
    v0003_inbox_trust,
    v0004_drafts,
    v0005_inbox_data,
    v0006_records,
    v0007_identifier_acknowledgements,
    v0008_partnership,
    v0009_moderation,
    v0010_carry_forward,
    v0011_action_updates,
)
CURRENT_SCHEMA_VERSION = MIGRATIONS[-1].VERSION


def schema_version(dbapi_conn: Any) -> int:
    return int(dbapi_conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_too_new(version: int, path: Path) -> None:
    if version > CURRENT_SCHEMA_VERSION:
        raise VaultTooNew(
            f"{path} was made by a newer version of LSCP Audit (vault schema {version}, this version "
            f"understands up to {CURRENT_SCHEMA_VERSION}). Install the newer version to open it; "
            "the file has not been changed."
        )


def _apply(dbapi_conn: Any, migration: ModuleType) -> None:
    previous = dbapi_conn.isolation_level
    dbapi_conn.isolation_level = None  # we issue BEGIN/COMMIT ourselves
    try:
        dbapi_conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(dbapi_conn) != migration.VERSION - 1:
                raise RuntimeError("migration applied out of order")
            for statement in migration.STATEMENTS:
                dbapi_conn.execute(statement)
            dbapi_conn.execute(f"PRAGMA user_version = {int(migration.VERSION)}")
            dbapi_conn.execute("COMMIT")
        except BaseException:
            dbapi_conn.execute("ROLLBACK")
            raise
    finally:
        dbapi_conn.isolation_level = previous


def migrate(dbapi_conn: Any, path: Path, target: int = CURRENT_SCHEMA_VERSION) -> list[int]:
    """Bring the vault up to `target`; return the versions applied (empty if already current)."""
    current = schema_version(dbapi_conn)
    check_not_too_new(current, path)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if current < migration.VERSION <= target:
            _apply(dbapi_conn, migration)
            applied.append(migration.VERSION)
            current = migration.VERSION
    return applied
