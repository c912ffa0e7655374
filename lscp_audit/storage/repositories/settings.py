"""Sensitive settings stored in the vault (``settings``): key -> JSON value.

``vault.settings``: ``get(key, default=None)``, ``set(key, value)``, ``delete(key)``, ``all()``.
Known keys used by the vault itself: ``vault.backup_count`` (int), ``vault.retention_days``
(int), ``vault.autolock_minutes`` (int).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import SettingRow


class SettingsRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def get(self, key: str, default: Any = None) -> Any:
        with self._ctx.read() as session:
            row = session.get(SettingRow, key)
            return json.loads(row.value) if row else default

    def all(self) -> dict[str, Any]:
        with self._ctx.read() as session:
            return {r.key: json.loads(r.value) for r in session.scalars(sa.select(SettingRow))}

    def set(self, key: str, value: Any) -> None:
        now = self._ctx.clock()
        text = dumps(value)

        def work(session: Session) -> None:
            row = session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=text, updated_at=now))
            else:
                row.value = text
                row.updated_at = now

        self._ctx.writer.run(work)

    def delete(self, key: str) -> None:
        self._ctx.writer.run(lambda s: s.execute(sa.delete(SettingRow).where(SettingRow.key == key)))
