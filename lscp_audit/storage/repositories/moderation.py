"""Signed moderation records (``moderation_records``).

``vault.moderation``: ``add(item, record, cms)``, ``for_return(report_id, data_hash)`` (newest
first), ``get(id)``, ``cms(id)``, ``record(id)``, ``outcomes_by_return()`` (imported return id -> newest outcome, one join),
``by_return_newest_first()`` (every record of each return with the decoded record), ``newest_ids_by_return()`` (imported
return id -> (newest record id, its outcome)), ``list()`` and ``delete_for(report_id, data_hash)``.
"""

from __future__ import annotations

import builtins
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.errors import NotFound
from lscp_audit.core.moderation import ModerationSummary
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import ModerationRecordRow


def _summary(row: ModerationRecordRow) -> ModerationSummary:
    return ModerationSummary(
        id=row.id,
        report_id=row.report_id,
        data_hash=row.data_hash,
        content_hash=row.content_hash,
        outcome=row.outcome,
        moderator=row.moderator,
        moderator_fingerprint=row.moderator_fingerprint,
        moderated_at=row.moderated_at,
        stored_at=row.stored_at,
    )


_COLUMNS = (
    ModerationRecordRow.id,
    ModerationRecordRow.report_id,
    ModerationRecordRow.data_hash,
    ModerationRecordRow.content_hash,
    ModerationRecordRow.outcome,
    ModerationRecordRow.moderator,
    ModerationRecordRow.moderator_fingerprint,
    ModerationRecordRow.moderated_at,
    ModerationRecordRow.stored_at,
)


def _from_columns(values: Any) -> ModerationSummary:
    return ModerationSummary(*values)


class ModerationRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, item: ModerationSummary, record: dict[str, Any], cms: bytes) -> ModerationSummary:
        """Store one checked record (a record with the same id is left as it is)."""
        at = item.stored_at or self._ctx.clock()

        def work(session: Session) -> None:
            if session.get(ModerationRecordRow, item.id) is not None:
                return
            session.add(
                ModerationRecordRow(
                    id=item.id,
                    report_id=item.report_id,
                    data_hash=item.data_hash,
                    content_hash=item.content_hash,
                    outcome=item.outcome,
                    moderator=item.moderator,
                    moderator_fingerprint=item.moderator_fingerprint,
                    moderated_at=item.moderated_at,
                    stored_at=at,
                    record_json=dumps(record),
                    cms=cms,
                )
            )

        self._ctx.writer.run(work)
        return self.get(item.id)

    def get(self, record_id: str) -> ModerationSummary:
        with self._ctx.read() as session:
            row = session.get(ModerationRecordRow, record_id)
            if row is None:
                raise NotFound(f"No moderation record with id {record_id} is in the vault.")
            return _summary(row)

    def record(self, record_id: str) -> dict[str, Any]:
        with self._ctx.read() as session:
            text = session.scalar(sa.select(ModerationRecordRow.record_json).where(ModerationRecordRow.id == record_id))
            if text is None:
                raise NotFound(f"No moderation record with id {record_id} is in the vault.")
            loaded: dict[str, Any] = json.loads(text)
            return loaded

    def cms(self, record_id: str) -> bytes:
        with self._ctx.read() as session:
            blob = session.scalar(sa.select(ModerationRecordRow.cms).where(ModerationRecordRow.id == record_id))
            if blob is None:
                raise NotFound(f"No moderation record with id {record_id} is in the vault.")
            return bytes(blob)

    def list(self) -> builtins.list[ModerationSummary]:
        """Every stored record, newest first (listing columns only)."""
        with self._ctx.read() as session:
            rows = session.execute(
                sa.select(*_COLUMNS).order_by(
                    ModerationRecordRow.moderated_at.desc(), ModerationRecordRow.stored_at.desc()
                )
            ).all()
            return [_from_columns(r) for r in rows]

    def newest_ids_by_return(self) -> dict[str, tuple[str, str]]:
        """Imported return id -> (id, outcome) of its newest record (one query, no JSON read)."""
        from lscp_audit.storage.schema import ImportedReturnRow

        query = (
            sa.select(ImportedReturnRow.id, ModerationRecordRow.id, ModerationRecordRow.outcome)
            .join(
                ImportedReturnRow,
                sa.and_(
                    ImportedReturnRow.report_id == ModerationRecordRow.report_id,
                    ImportedReturnRow.data_hash == ModerationRecordRow.data_hash,
                ),
            )
            .order_by(ModerationRecordRow.moderated_at, ModerationRecordRow.stored_at)
        )
        with self._ctx.read() as session:
            return {
                str(return_id): (str(record_id), str(outcome))
                for return_id, record_id, outcome in session.execute(query)
            }

    def for_return(self, report_id: str, data_hash: str) -> builtins.list[ModerationSummary]:
        """Every record bound to that return, newest first."""
        with self._ctx.read() as session:
            rows = session.execute(
                sa.select(*_COLUMNS)
                .where(ModerationRecordRow.report_id == report_id, ModerationRecordRow.data_hash == data_hash)
                .order_by(ModerationRecordRow.moderated_at.desc(), ModerationRecordRow.stored_at.desc())
            ).all()
            return [_from_columns(r) for r in rows]

    def outcomes_by_return(self) -> dict[str, str]:
        """Imported return id -> the outcome of its newest record (one query, no JSON read)."""
        from lscp_audit.storage.schema import ImportedReturnRow

        query = (
            sa.select(ImportedReturnRow.id, ModerationRecordRow.outcome)
            .join(
                ImportedReturnRow,
                sa.and_(
                    ImportedReturnRow.report_id == ModerationRecordRow.report_id,
                    ImportedReturnRow.data_hash == ModerationRecordRow.data_hash,
                ),
            )
            .order_by(ModerationRecordRow.moderated_at, ModerationRecordRow.stored_at)
        )
        with self._ctx.read() as session:
            return {str(return_id): str(outcome) for return_id, outcome in session.execute(query)}

    def by_return_newest_first(self) -> dict[str, builtins.list[tuple[str, str, str, dict[str, Any]]]]:
        """Imported return id -> (record id, outcome, moderated at, decoded record) of every record
        bound to it, newest first (one query; the analysis takes the newest that still verifies)."""
        from lscp_audit.storage.schema import ImportedReturnRow

        query = (
            sa.select(
                ImportedReturnRow.id,
                ModerationRecordRow.id,
                ModerationRecordRow.outcome,
                ModerationRecordRow.moderated_at,
                ModerationRecordRow.record_json,
            )
            .join(
                ImportedReturnRow,
                sa.and_(
                    ImportedReturnRow.report_id == ModerationRecordRow.report_id,
                    ImportedReturnRow.data_hash == ModerationRecordRow.data_hash,
                ),
            )
            .order_by(ModerationRecordRow.moderated_at.desc(), ModerationRecordRow.stored_at.desc())
        )
        found: dict[str, builtins.list[tuple[str, str, str, dict[str, Any]]]] = {}
        with self._ctx.read() as session:
            for return_id, record_id, outcome, at, text in session.execute(query):
                found.setdefault(str(return_id), []).append((str(record_id), str(outcome), str(at), json.loads(text)))
        return found

    def delete_for(self, report_id: str, data_hash: str) -> None:
        def work(session: Session) -> None:
            session.execute(
                sa.delete(ModerationRecordRow).where(
                    ModerationRecordRow.report_id == report_id, ModerationRecordRow.data_hash == data_hash
                )
            )

        self._ctx.writer.run(work)
