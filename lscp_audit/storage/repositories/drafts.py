"""Drafts: unfinished work behind one answer of an audit (``drafts``), key -> JSON payload.

``vault.drafts``: ``for_audit(audit_id)`` (answer key -> payload), ``save(audit_id, key,
payload)``, ``delete(audit_id, key)``. Drafts go with their audit (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import DraftRow


class DraftRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def for_audit(self, audit_id: str) -> dict[str, Any]:
        with self._ctx.read() as session:
            rows = session.scalars(sa.select(DraftRow).where(DraftRow.audit_id == audit_id))
            return {row.answer_key: json.loads(row.payload) for row in rows}

    def save(self, audit_id: str, key: str, payload: Any) -> None:
        text = dumps(payload)
        now = self._ctx.clock()

        def work(session: Session) -> None:
            row = session.get(DraftRow, (audit_id, key))
            if row is None:
                session.add(DraftRow(audit_id=audit_id, answer_key=key, payload=text, updated_at=now))
            else:
                row.payload = text
                row.updated_at = now

        self._ctx.writer.run(work)

    def delete(self, audit_id: str, key: str) -> None:
        statement = sa.delete(DraftRow).where(DraftRow.audit_id == audit_id, DraftRow.answer_key == key)
        self._ctx.writer.run(lambda s: s.execute(statement))
