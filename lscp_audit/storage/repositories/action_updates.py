"""Progress updates on the actions of imported returns (``action_updates``).

``vault.action_updates``: ``add(update)`` (stores it and records it in the vault-level history
chain, in one transaction), ``for_return(return_id)`` and ``for_returns(ids)`` (oldest first),
``all()``, ``counts_by_return()``, ``count()``. There is no update and no delete: rows are append-only (SQL triggers refuse both while
the return is held) and go with their return (``ON DELETE CASCADE``), so a purge or removal of
the return takes its updates with it and a legal hold on the return keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.action_updates import ActionUpdate
from lscp_audit.core.errors import NotFound
from lscp_audit.storage.repositories import history
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import ActionUpdateRow, ImportedReturnRow

#: The vault-level history event each stored update adds (ids, status and date; no note text).
HISTORY_EVENT = "action_update"
_BATCH = 500


def _update(row: ActionUpdateRow) -> ActionUpdate:
    return ActionUpdate(
        id=row.id,
        return_id=row.return_id,
        report_id=row.report_id,
        action_index=row.action_index,
        action=row.action_text,
        status=row.status,
        note=row.note,
        as_of=row.as_of,
        reported_by=row.reported_by,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _ordered(query: sa.Select[Any]) -> sa.Select[Any]:
    # rowid last: of two updates with the same date and time, the one stored later comes later
    return query.order_by(
        ActionUpdateRow.return_id,
        ActionUpdateRow.action_index,
        ActionUpdateRow.as_of,
        ActionUpdateRow.recorded_at,
        sa.literal_column("action_updates.rowid"),
    )


class ActionUpdateRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, update: ActionUpdate) -> ActionUpdate:
        """Store one update (its `recorded_at` is set now when empty) and add an
        ``action_update`` entry to the vault-level history chain, in the same transaction.
        Raises `NotFound` when the return is not in the vault."""
        at = update.recorded_at or self._ctx.clock()

        def work(session: Session) -> None:
            if session.get(ImportedReturnRow, update.return_id) is None:
                raise NotFound(f"No return with id {update.return_id} is in the inbox.")
            session.add(
                ActionUpdateRow(
                    id=update.id,
                    return_id=update.return_id,
                    report_id=update.report_id,
                    action_index=update.action_index,
                    action_text=update.action,
                    status=update.status,
                    note=update.note,
                    as_of=update.as_of,
                    reported_by=update.reported_by,
                    recorded_by=update.recorded_by,
                    recorded_at=at,
                )
            )
            detail = dumps(
                {
                    "update": update.id,
                    "return": update.return_id,
                    "report_id": update.report_id,
                    "action": update.action_index + 1,
                    "status": update.status,
                    "as_of": update.as_of,
                }
            )
            history.append(session, history.VAULT_CHAIN, update.recorded_by, HISTORY_EVENT, "null", detail, at)

        self._ctx.writer.run(work)
        return self.get(update.id)

    def get(self, update_id: str) -> ActionUpdate:
        with self._ctx.read() as session:
            row = session.get(ActionUpdateRow, update_id)
            if row is None:
                raise NotFound(f"No action update with id {update_id} is in the vault.")
            return _update(row)

    def for_return(self, return_id: str) -> list[ActionUpdate]:
        """Every update of one return's actions, by action, oldest first."""
        with self._ctx.read() as session:
            rows = session.scalars(_ordered(sa.select(ActionUpdateRow).where(ActionUpdateRow.return_id == return_id)))
            return [_update(r) for r in rows]

    def for_returns(self, return_ids: Sequence[str]) -> dict[str, list[ActionUpdate]]:
        """Return id -> its updates (oldest first); returns without any are left out."""
        found: dict[str, list[ActionUpdate]] = {}
        ids = list(dict.fromkeys(return_ids))
        with self._ctx.read() as session:
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                query = _ordered(sa.select(ActionUpdateRow).where(ActionUpdateRow.return_id.in_(chunk)))
                for row in session.scalars(query):
                    found.setdefault(row.return_id, []).append(_update(row))
        return found

    def all(self) -> list[ActionUpdate]:
        with self._ctx.read() as session:
            return [_update(r) for r in session.scalars(_ordered(sa.select(ActionUpdateRow)))]

    def counts_by_return(self) -> dict[str, int]:
        """Return id -> how many updates it holds (returns without any are left out)."""
        query = sa.select(ActionUpdateRow.return_id, sa.func.count()).group_by(ActionUpdateRow.return_id)
        with self._ctx.read() as session:
            return {str(return_id): int(n) for return_id, n in session.execute(query)}

    def count(self) -> int:
        with self._ctx.read() as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(ActionUpdateRow)) or 0)
