"""Imported signed returns for the QA inbox (``imported_returns``).

``vault.imported_returns``: ``add(item)`` (raises VaultError on a duplicate ``file_hash``),
``get(id)``, ``find_by_hash(file_hash)``, ``list()``, ``set_verified(id, status)``, ``delete(id)``.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from lscp_audit.core.errors import NotFound
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import ImportedReturnRow


def _to_item(row: ImportedReturnRow) -> ImportedReturn:
    return ImportedReturn(
        id=row.id,
        file_hash=row.file_hash,
        report_id=row.report_id,
        audit=json.loads(row.audit_json),
        signer=row.signer,
        verified=row.verified,
        imported_at=row.imported_at,
    )


class ImportedReturnRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, item: ImportedReturn) -> ImportedReturn:
        at = item.imported_at or self._ctx.clock()
        row = ImportedReturnRow(
            id=item.id,
            file_hash=item.file_hash,
            report_id=item.report_id,
            audit_json=dumps(item.audit),
            signer=item.signer,
            verified=item.verified,
            imported_at=at,
        )
        self._ctx.writer.run(lambda s: s.add(row))
        return self.get(item.id)

    def get(self, item_id: str) -> ImportedReturn:
        with self._ctx.read() as session:
            row = session.get(ImportedReturnRow, item_id)
            if row is None:
                raise NotFound(f"No imported return with id {item_id} is in the vault.")
            return _to_item(row)

    def find_by_hash(self, file_hash: str) -> ImportedReturn | None:
        with self._ctx.read() as session:
            row = session.scalars(sa.select(ImportedReturnRow).where(ImportedReturnRow.file_hash == file_hash)).first()
            return _to_item(row) if row else None

    def list(self) -> list[ImportedReturn]:
        with self._ctx.read() as session:
            rows = session.scalars(sa.select(ImportedReturnRow).order_by(ImportedReturnRow.imported_at.desc()))
            return [_to_item(r) for r in rows]

    def set_verified(self, item_id: str, status: str) -> None:
        self._ctx.writer.run(
            lambda s: s.execute(
                sa.update(ImportedReturnRow).where(ImportedReturnRow.id == item_id).values(verified=status)
            )
        )

    def delete(self, item_id: str) -> None:
        self._ctx.writer.run(lambda s: s.execute(sa.delete(ImportedReturnRow).where(ImportedReturnRow.id == item_id)))
