"""Schema version 4: drafts, the unfinished work behind an answer (a half-written SMART action,
an answer waiting for its warning reason, text in a date field that is not a date yet), kept
encrypted in the vault like the answers so nothing typed is lost on lock, quit or a crash."""

from __future__ import annotations

VERSION = 4
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE drafts (
        audit_id TEXT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
        answer_key TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (audit_id, answer_key)
    )""",
)
