"""Append-only, hash-chained change history (``history`` table), one chain per audit.

``hash = sha256(prev_hash + "\\n" + canonical JSON of [audit_id, at, actor, field, old, new])``.
Rows are only ever inserted (SQL triggers refuse UPDATE, and DELETE while the audit exists);
purging an audit removes its chain and appends a ``purged`` entry to the vault-level chain
`VAULT_CHAIN`, so the removal itself is on record. `verify` recomputes every chain.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.history import GENESIS_HASH, ChainVerification, HistoryEntry
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import AnswerRow, AuditRow, HistoryRow, SettingRow

VAULT_CHAIN = "_vault"
VAULT_HEAD_SETTING = "history.vault_chain_head"  # hash of the newest vault-level entry
# Audit-level fields whose every change is in the history; `verify` compares them with it.
AUDIT_FIELDS = (
    "status",
    "subject",
    "amendment_reasons",
    "overrides",
    "title",
    "identifier_acknowledgements",
    "carried_forward",
)
_JSON_FIELDS = {"subject", "amendment_reasons", "overrides", "identifier_acknowledgements", "carried_forward"}


def stored_field(row: AuditRow, name: str) -> Any:
    """The value of an audit-level field as a Python value (JSON columns parsed)."""
    value = getattr(row, name)
    return json.loads(value) if name in _JSON_FIELDS else value


def entry_hash(prev_hash: str, audit_id: str, at: str, actor: str, field: str, old: str, new: str) -> str:
    body = json.dumps([audit_id, at, actor, field, old, new], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()


def answer_field(question_id: str, agency: str) -> str:
    """History field name of an answer: ``answer:<qid>`` or ``answer:<qid>@<agency>``."""
    return f"answer:{question_id}@{agency}" if agency else f"answer:{question_id}"


def answer_json(row: AnswerRow | None) -> str:
    """The canonical JSON recorded in history for an answer row (``null`` for none)."""
    if row is None:
        return "null"
    return dumps({"value": json.loads(row.value), "evidence": row.evidence, "warning_reason": row.warning_reason})


def _to_entry(row: HistoryRow) -> HistoryEntry:
    return HistoryEntry(
        seq=row.seq,
        audit_id=row.audit_id,
        at=row.at,
        actor=row.actor,
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def append(session: Session, audit_id: str, actor: str, field: str, old: str, new: str, at: str) -> None:
    """Append one entry inside the caller's write session (on the writer thread)."""
    last = session.execute(
        sa.select(HistoryRow.hash).where(HistoryRow.audit_id == audit_id).order_by(HistoryRow.seq.desc()).limit(1)
    ).scalar()
    prev = last or GENESIS_HASH
    digest = entry_hash(prev, audit_id, at, actor, field, old, new)
    session.add(
        HistoryRow(
            audit_id=audit_id,
            at=at,
            actor=actor,
            field=field,
            old_value=old,
            new_value=new,
            prev_hash=prev,
            hash=digest,
        )
    )
    if audit_id == VAULT_CHAIN:  # remember the head, so cutting entries off the end is detected
        head = session.get(SettingRow, VAULT_HEAD_SETTING)
        if head is None:
            session.add(SettingRow(key=VAULT_HEAD_SETTING, value=json.dumps(digest), updated_at=at))
        else:
            head.value = json.dumps(digest)
            head.updated_at = at


class HistoryRepository:
    """Read and verify the change history. Writes happen through `append` inside other repositories."""

    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def for_audit(self, audit_id: str) -> list[HistoryEntry]:
        with self._ctx.read() as session:
            rows = session.scalars(
                sa.select(HistoryRow).where(HistoryRow.audit_id == audit_id).order_by(HistoryRow.seq)
            )
            return [_to_entry(r) for r in rows]

    def vault_events(self) -> list[HistoryEntry]:
        return self.for_audit(VAULT_CHAIN)

    def record_vault_event(self, actor: str, event: str, detail: str = "") -> None:
        """Add an entry to the vault-level chain (e.g. ``purged``, ``key_rotated``)."""
        at = self._ctx.clock()
        self._ctx.writer.run(lambda s: append(s, VAULT_CHAIN, actor, event, "null", json.dumps(detail), at))

    def verify(self, audit_id: str | None = None) -> ChainVerification:
        """Recompute the chain of one audit, or of every audit when `audit_id` is None."""
        query = sa.select(HistoryRow).order_by(HistoryRow.audit_id, HistoryRow.seq)
        if audit_id is not None:
            query = query.where(HistoryRow.audit_id == audit_id)
        problems: list[str] = []
        count = 0
        last: dict[str, str] = {}
        with self._ctx.read() as session:
            for row in session.scalars(query):
                count += 1
                expected_prev = last.get(row.audit_id, GENESIS_HASH)
                if row.prev_hash != expected_prev:
                    problems.append(f"history entry {row.seq} does not follow the previous entry")
                recomputed = entry_hash(
                    row.prev_hash, row.audit_id, row.at, row.actor, row.field, row.old_value, row.new_value
                )
                if recomputed != row.hash:
                    problems.append(f"history entry {row.seq} has been altered")
                last[row.audit_id] = row.hash
            problems.extend(_answers_match_history(session, audit_id))
            problems.extend(_fields_match_history(session, audit_id))
            if audit_id is None:
                problems.extend(_vault_head_matches(session, last.get(VAULT_CHAIN)))
        return ChainVerification(ok=not problems, entries_checked=count, problems=tuple(problems))


def _answers_match_history(session: Session, audit_id: str | None) -> list[str]:
    """Each stored answer must equal the newest history value for its field; this catches answers
    edited behind the history's back and history entries cut off the end of a chain."""
    latest = (
        sa.select(HistoryRow.audit_id, HistoryRow.field, HistoryRow.new_value)
        .where(HistoryRow.field.like("answer:%"))
        .order_by(HistoryRow.seq)
    )
    answers = sa.select(AnswerRow)
    if audit_id is not None:
        latest = latest.where(HistoryRow.audit_id == audit_id)
        answers = answers.where(AnswerRow.audit_id == audit_id)
    recorded = {(a, f): v for a, f, v in session.execute(latest)}
    problems = []
    for row in session.scalars(answers):
        if recorded.get((row.audit_id, answer_field(row.question_id, row.agency))) != answer_json(row):
            problems.append(f"an answer of audit {row.audit_id} does not match its change history")
    return problems


def _fields_match_history(session: Session, audit_id: str | None) -> list[str]:
    """Each audit's status, subject, title, amendment reasons and overrides must equal the newest
    history value for that field, or the value its "created" entry started with."""
    query = (
        sa.select(HistoryRow.audit_id, HistoryRow.field, HistoryRow.new_value)
        .where(HistoryRow.field.in_(("created", *AUDIT_FIELDS)))
        .order_by(HistoryRow.seq)
    )
    audits = sa.select(AuditRow)
    if audit_id is not None:
        query = query.where(HistoryRow.audit_id == audit_id)
        audits = audits.where(AuditRow.id == audit_id)
    recorded: dict[tuple[str, str], Any] = {}
    for owner, field, new_value in session.execute(query):
        try:
            value = json.loads(new_value)
        except ValueError:
            value = None
        if field == "created":
            baseline = value.get("baseline") if isinstance(value, dict) else None
            for name in AUDIT_FIELDS:  # vaults made before baselines were recorded have none
                if isinstance(baseline, dict) and name in baseline:
                    recorded[(owner, name)] = baseline[name]
                else:
                    recorded.pop((owner, name), None)
        else:
            recorded[(owner, field)] = value
    problems = []
    for row in session.scalars(audits):
        changed = [
            name
            for name in AUDIT_FIELDS
            if (row.id, name) in recorded and recorded[(row.id, name)] != stored_field(row, name)
        ]
        if changed:
            fields = ", ".join(name.replace("_", " ") for name in changed)
            problems.append(f"the {fields} of audit {row.id} does not match its change history")
    return problems


def _vault_head_matches(session: Session, newest: str | None) -> list[str]:
    head = session.get(SettingRow, VAULT_HEAD_SETTING)
    if head is None:
        return []  # a vault from before the head was kept: nothing to compare yet
    if newest != json.loads(head.value):
        return ["vault-level history entries (such as records of purged audits) have been removed"]
    return []
