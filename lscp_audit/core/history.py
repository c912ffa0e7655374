"""Value types for the vault's append-only, hash-chained change history.

Each entry records who changed which field of an audit, when, and the old and new values (JSON
text). ``hash = sha256(prev_hash | canonical fields)``; the chain is per audit, starting from
`GENESIS_HASH`. `ChainVerification` reports the first broken link.
"""

from __future__ import annotations

from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class HistoryEntry:
    """One change. ``field`` is e.g. ``answer:q1``, ``answer:q1@police``, ``status``, ``overrides``."""

    seq: int
    audit_id: str
    at: str
    actor: str
    field: str
    old_value: str  # JSON text ("null" when there was no value)
    new_value: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainVerification:
    """Result of verifying history chains; ``ok`` is False if any link or hash is wrong."""

    ok: bool
    entries_checked: int
    problems: tuple[str, ...] = ()
