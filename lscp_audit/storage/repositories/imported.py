"""Imported signed returns for the QA inbox (``imported_returns`` with its data, signatures and PDFs).

``vault.imported_returns``: ``add(item, data, pdf)``, ``get(id)``, ``data(id)`` (the embedded
report data), ``pdf(id)`` (the original signed PDF, or None for returns imported before the vault
kept PDFs), ``list()`` (listing columns and signatures only: no JSON, no PDF),
``in_round(round_id)`` (the returns filed under a partnership round, listing columns only),
``find_by_data_hash(h)``, ``find_by_report_id(report_id)``, ``find_by_subject(subject, kind)``,
``amending(audit_ids)``,
``ids_with_pdf()``,
``update_trust(id, ...)``, ``update_trust_many(updates)`` (one transaction) and ``delete(id)``
(signatures and PDF go with it).

``in_one_transaction(work)`` runs ``work(batch)`` on the vault's writer with one `ReturnBatch`
(find by report id, returns amending an audit, which report ids and amended audit ids are
present, add, delete) over a single session, committed
once at the end or not at all: the inbox stores many files per commit that way, and each
file's duplicate check sees the files stored before it in the same batch. Nothing here reads
a return's JSON data or PDF except ``data(id)`` and ``pdf(id)``.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.identity import ImportedReturn, ReturnSignature
from lscp_audit.storage.repositories import history
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.repositories.records import held_returns
from lscp_audit.storage.schema import (
    ImportedReturnDataRow,
    ImportedReturnFileRow,
    ImportedReturnRow,
    ImportedReturnSignatureRow,
)

_LISTED = (
    "file_hash",
    "report_id",
    "signer",
    "verified",
    "imported_at",
    "data_hash",
    "revision",
    "audit_id",
    "previous_audit_id",
    "content_hash",
    "signer_fingerprint",
    "auditor_name",
    "template_id",
    "template_title",
    "template_version",
    "kind",
    "subject",
    "signed_at",
    "overall_judgement",
    "overall_label",
    "page_judgement",
    "judgement_check",
    "trust_problem",
    "checked_at",
    "round_id",
    "locality",
    "return_agency",
)


def _signature(row: ImportedReturnSignatureRow) -> ReturnSignature:
    return ReturnSignature(
        position=row.position,
        field_name=row.field_name,
        role=row.role,
        signer=row.signer,
        organisation=row.organisation,
        fingerprint=row.fingerprint,
        certificate_der=bytes(row.certificate_der or b""),
        signed_at=row.signed_at,
        trusted=bool(row.trusted),
        moderator=bool(row.moderator),
        problem=row.problem,
    )


def _signature_values(return_id: str, sig: ReturnSignature) -> dict[str, Any]:
    return {
        "return_id": return_id,
        "position": sig.position,
        "field_name": sig.field_name,
        "role": sig.role,
        "signer": sig.signer,
        "organisation": sig.organisation,
        "fingerprint": sig.fingerprint,
        "certificate_der": sig.certificate_der,
        "signed_at": sig.signed_at,
        "trusted": int(sig.trusted),
        "moderator": int(sig.moderator),
        "problem": sig.problem,
    }


def _to_item(row: ImportedReturnRow, signatures: Sequence[ReturnSignature], has_pdf: bool) -> ImportedReturn:
    values: dict[str, Any] = {name: getattr(row, name) for name in _LISTED}
    return ImportedReturn(
        id=row.id,
        signed_on_behalf=bool(row.signed_on_behalf),
        has_pdf=has_pdf,
        signatures=tuple(sorted(signatures, key=lambda s: s.position)),
        **values,
    )


ReturnList = list[ImportedReturn]  # the method named `list` hides the builtin inside the class
T = TypeVar("T")


def _table(row_class: type[Any]) -> sa.Table:
    table = row_class.__table__
    assert isinstance(table, sa.Table)
    return table


def _add_rows(session: Session, item: ImportedReturn, data_json: str, pdf: bytes | None) -> None:
    """Insert the return's rows in the session's transaction, in order (plain INSERT statements:
    the ORM's unit of work took twice as long for rows nothing reads back in this session)."""
    values: dict[str, Any] = {name: getattr(item, name) for name in _LISTED}
    session.execute(
        sa.insert(_table(ImportedReturnRow)),
        [{"id": item.id, "signed_on_behalf": int(item.signed_on_behalf), **values}],
    )
    session.execute(sa.insert(_table(ImportedReturnDataRow)), [{"return_id": item.id, "audit_json": data_json}])
    if item.signatures:
        session.execute(
            sa.insert(_table(ImportedReturnSignatureRow)), [_signature_values(item.id, s) for s in item.signatures]
        )
    if pdf is not None:
        session.execute(sa.insert(_table(ImportedReturnFileRow)), [{"return_id": item.id, "pdf": pdf}])


def _delete_rows(session: Session, item_id: str) -> None:
    if held_returns(session, [item_id]):
        raise ValidationError(["this return is under a legal hold and cannot be removed; release the hold first"])
    for table in (ImportedReturnSignatureRow, ImportedReturnFileRow, ImportedReturnDataRow):
        session.execute(sa.delete(table).where(table.return_id == item_id))
    session.execute(sa.delete(ImportedReturnRow).where(ImportedReturnRow.id == item_id))


def _by_report_id(session: Session, report_id: str) -> ReturnList:
    rows = session.scalars(
        sa.select(ImportedReturnRow)
        .where(ImportedReturnRow.report_id == report_id)
        .order_by(ImportedReturnRow.imported_at)
    ).all()
    return _items(session, rows)


def _amending(session: Session, audit_ids: Sequence[str]) -> ReturnList:
    rows = session.scalars(
        sa.select(ImportedReturnRow).where(ImportedReturnRow.previous_audit_id.in_(builtins.list(audit_ids)))
    ).all()
    return _items(session, rows)


def _items(session: Session, rows: Sequence[ImportedReturnRow], *, every: bool = False) -> ReturnList:
    """Rows with their signatures and whether a PDF is kept (two queries for any number of rows)."""
    ids = [r.id for r in rows]
    signatures: dict[str, builtins.list[ReturnSignature]] = defaultdict(builtins.list)
    sig_query = sa.select(ImportedReturnSignatureRow)
    file_query = sa.select(ImportedReturnFileRow.return_id)
    if not every:
        sig_query = sig_query.where(ImportedReturnSignatureRow.return_id.in_(ids))
        file_query = file_query.where(ImportedReturnFileRow.return_id.in_(ids))
    for sig_row in session.scalars(sig_query):
        signatures[sig_row.return_id].append(_signature(sig_row))
    with_pdf = set(session.scalars(file_query))
    return [_to_item(r, signatures.get(r.id, ()), r.id in with_pdf) for r in rows]


@dataclass(frozen=True)
class TrustUpdate:
    """A return's trust state as found by checking its signatures again."""

    item_id: str
    verified: str
    trust_problem: str
    checked_at: str
    signatures: tuple[ReturnSignature, ...]
    judgement: tuple[str, str] | None = None  # (judgement check outcome, printed words); None: unchanged


def _update_trust_rows(session: Session, update: TrustUpdate) -> None:
    values: dict[str, str] = {
        "verified": update.verified,
        "trust_problem": update.trust_problem,
        "checked_at": update.checked_at,
    }
    if update.judgement is not None:
        values["judgement_check"], values["page_judgement"] = update.judgement
    session.execute(sa.update(ImportedReturnRow).where(ImportedReturnRow.id == update.item_id).values(**values))
    session.execute(sa.delete(ImportedReturnSignatureRow).where(ImportedReturnSignatureRow.return_id == update.item_id))
    if update.signatures:
        session.execute(
            sa.insert(_table(ImportedReturnSignatureRow)),
            [_signature_values(update.item_id, s) for s in update.signatures],
        )


class ReturnBatch:
    """Reads and writes of imported returns inside one write transaction (see the module notes).
    Only valid inside the `in_one_transaction` call that made it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find_by_report_id(self, report_id: str) -> ReturnList:
        """Returns with this report id, oldest import first (indexed; no JSON or PDF read)."""
        return _by_report_id(self._session, report_id)

    def amending(self, audit_ids: Sequence[str]) -> ReturnList:
        """Returns whose data names one of `audit_ids` as the revision it amends."""
        return _amending(self._session, audit_ids)

    def report_ids_present(self, report_ids: Sequence[str]) -> set[str]:
        """Which of `report_ids` any stored return has (one indexed query, no rows loaded)."""
        column = ImportedReturnRow.report_id
        return set(self._session.scalars(sa.select(column).distinct().where(column.in_(builtins.list(report_ids)))))

    def amended_audit_ids(self, audit_ids: Sequence[str]) -> set[str]:
        """Which of `audit_ids` a stored return names as the revision it amends (one indexed query)."""
        column = ImportedReturnRow.previous_audit_id
        return set(self._session.scalars(sa.select(column).distinct().where(column.in_(builtins.list(audit_ids)))))

    def add(self, item: ImportedReturn, data_json: str, pdf: bytes | None) -> ImportedReturn:
        """Store a return with its report data (as canonical JSON text, see `dumps`), its
        signatures and (when given) its signed PDF; returns it as stored."""
        _add_rows(self._session, item, data_json, pdf)
        return dataclasses.replace(item, has_pdf=pdf is not None)

    def delete(self, item_id: str) -> None:
        _delete_rows(self._session, item_id)
        self._session.flush()


class ImportedReturnRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, item: ImportedReturn, data: dict[str, Any], pdf: bytes | None = None) -> ImportedReturn:
        """Store a return with its report data, signatures and (when given) its signed PDF."""
        at = item.imported_at or self._ctx.clock()
        item = dataclasses.replace(item, imported_at=at, checked_at=item.checked_at or at)
        self._ctx.writer.run(lambda session: _add_rows(session, item, dumps(data), pdf))
        return self.get(item.id)

    def in_one_transaction(self, work: Callable[[ReturnBatch], T]) -> T:
        """Run `work` with a `ReturnBatch` on the writer; everything it stores is committed
        together when it returns, and nothing is when it raises."""
        return self._ctx.writer.run(lambda session: work(ReturnBatch(session)))

    def get(self, item_id: str) -> ImportedReturn:
        with self._ctx.read() as session:
            row = session.get(ImportedReturnRow, item_id)
            if row is None:
                raise NotFound(f"No imported return with id {item_id} is in the vault.")
            return _items(session, [row])[0]

    def data(self, item_id: str) -> dict[str, Any]:
        with self._ctx.read() as session:
            text = session.scalar(
                sa.select(ImportedReturnDataRow.audit_json).where(ImportedReturnDataRow.return_id == item_id)
            )
            if text is None:
                raise NotFound(f"No imported return with id {item_id} is in the vault.")
            loaded: dict[str, Any] = json.loads(text)
            return loaded

    def data_for(self, item_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The report data of many returns at once (return id -> data); ids not found are left out."""
        wanted = builtins.list(item_ids)
        found: dict[str, dict[str, Any]] = {}
        with self._ctx.read() as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    sa.select(ImportedReturnDataRow.return_id, ImportedReturnDataRow.audit_json).where(
                        ImportedReturnDataRow.return_id.in_(wanted[start : start + 500])
                    )
                ).all()
                for return_id, text in rows:
                    found[return_id] = json.loads(text)
        return found

    def pdf(self, item_id: str) -> bytes | None:
        with self._ctx.read() as session:
            blob = session.scalar(
                sa.select(ImportedReturnFileRow.pdf).where(ImportedReturnFileRow.return_id == item_id)
            )
            return None if blob is None else bytes(blob)

    def list(self) -> ReturnList:
        """Every return, most recently imported first (no JSON data or PDF is read)."""
        with self._ctx.read() as session:
            rows = session.scalars(
                sa.select(ImportedReturnRow).order_by(ImportedReturnRow.imported_at.desc(), ImportedReturnRow.id)
            ).all()
            return _items(session, rows, every=True)

    def in_round(self, round_id: str) -> ReturnList:
        """Every return (trusted or not) filed under round `round_id`, by the indexed listing
        column (no JSON data or PDF is read)."""
        with self._ctx.read() as session:
            rows = session.scalars(
                sa.select(ImportedReturnRow)
                .where(ImportedReturnRow.round_id == round_id)
                .order_by(ImportedReturnRow.imported_at.desc(), ImportedReturnRow.id)
            ).all()
            return _items(session, rows)

    def find_by_data_hash(self, data_hash: str) -> ImportedReturn | None:
        return self._first(ImportedReturnRow.data_hash == data_hash)

    def find_by_report_id(self, report_id: str) -> ReturnList:
        with self._ctx.read() as session:
            return _by_report_id(session, report_id)

    def find_by_subject(self, subject: str, kind: str) -> ReturnList:
        """Returns of one template kind about one subject (a case reference, or an organisation
        for self-assessments), oldest first; listing columns only."""
        with self._ctx.read() as session:
            rows = session.scalars(
                sa.select(ImportedReturnRow)
                .where(ImportedReturnRow.subject == subject, ImportedReturnRow.kind == kind)
                .order_by(ImportedReturnRow.imported_at, ImportedReturnRow.id)
            ).all()
            return _items(session, rows)

    def amending(self, audit_ids: Sequence[str]) -> ReturnList:
        """Returns whose data names one of `audit_ids` as the revision it amends."""
        with self._ctx.read() as session:
            return _amending(session, audit_ids)

    def ids_with_pdf(self, *, except_verified: str | None = None) -> builtins.list[str]:
        """Ids of the returns whose PDF is kept; `except_verified` leaves out those with that status."""
        query = sa.select(ImportedReturnFileRow.return_id).order_by(ImportedReturnFileRow.return_id)
        if except_verified is not None:
            query = query.join(ImportedReturnRow, ImportedReturnRow.id == ImportedReturnFileRow.return_id).where(
                ImportedReturnRow.verified != except_verified
            )
        with self._ctx.read() as session:
            return list(session.scalars(query))

    def update_trust(
        self, item_id: str, *, verified: str, trust_problem: str, checked_at: str, signatures: Sequence[ReturnSignature]
    ) -> None:
        """Record the outcome of checking a return's signatures again (e.g. after trusting a signer)."""
        self.update_trust_many([TrustUpdate(item_id, verified, trust_problem, checked_at, tuple(signatures))])

    def update_trust_many(self, updates: Sequence[TrustUpdate]) -> None:
        """`update_trust` for many returns in one transaction (all recorded, or none)."""

        def work(session: Session) -> None:
            for update in updates:
                _update_trust_rows(session, update)

        if updates:
            self._ctx.writer.run(work)

    def delete(self, item_id: str) -> None:
        """Remove one return (refused while a legal hold covers it)."""
        self._ctx.writer.run(lambda session: _delete_rows(session, item_id))

    def purge(self, item_ids: Sequence[str], actor: str) -> int:
        """Delete returns past retention with their data, signatures and PDFs (``secure_delete``
        zeroes the freed pages; the WAL is truncated). Refused as a whole if a hold covers any;
        each purge is recorded in the vault-level history."""
        ids = list(item_ids)
        now = self._ctx.clock()

        def work(session: Session) -> int:
            held = held_returns(session, ids)
            if held:
                raise ValidationError(
                    [f"{len(held)} return(s) are under a legal hold and cannot be purged; release the hold first."]
                )
            removed = 0
            for item_id in ids:
                if session.get(ImportedReturnRow, item_id) is None:
                    continue
                session.execute(sa.delete(ImportedReturnRow).where(ImportedReturnRow.id == item_id))
                history.append(session, history.VAULT_CHAIN, actor, "return_purged", "null", dumps(item_id), now)
                removed += 1
            return removed

        removed = int(self._ctx.writer.run(work)) if ids else 0
        if removed:
            self._ctx.writer.run(lambda s: s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
        return removed

    # -- helpers ----------------------------------------------------------------------------------

    def _first(self, condition: Any) -> ImportedReturn | None:
        with self._ctx.read() as session:
            row = session.scalars(sa.select(ImportedReturnRow).where(condition).limit(1)).first()
            return _items(session, [row])[0] if row is not None else None
