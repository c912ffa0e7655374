"""Schema version 9: signed moderation records (``moderation_records``).

A QA moderator's outcome for a return, kept as the signed CMS file it travels as (``cms``) plus
the columns the inbox lists without reading any JSON: the report id and data hash the record is
bound to (the return is found by them, so a record survives removing and importing the return
again), the outcome, the moderator and when. ``record_json`` is the signed content, decoded.
"""

from __future__ import annotations

VERSION = 9
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE moderation_records (
        id TEXT PRIMARY KEY,
        report_id TEXT NOT NULL DEFAULT '',
        data_hash TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT '',
        moderator TEXT NOT NULL DEFAULT '',
        moderator_fingerprint TEXT NOT NULL DEFAULT '',
        moderated_at TEXT NOT NULL DEFAULT '',
        stored_at TEXT NOT NULL DEFAULT '',
        record_json TEXT NOT NULL DEFAULT '{}',
        cms BLOB NOT NULL
    )""",
    "CREATE INDEX ix_moderation_records_report ON moderation_records (report_id, data_hash)",
)
