"""Schema version 5: each imported return's report data moves to its own table,
``imported_return_data``, so listing the inbox never reads (or steps over) the JSON of every
return: SQLite keeps a row's columns together, and a large JSON value in the middle of a listing
row made every listing read it."""

from __future__ import annotations

VERSION = 5
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE imported_return_data (
        return_id TEXT PRIMARY KEY REFERENCES imported_returns (id) ON DELETE CASCADE,
        audit_json TEXT NOT NULL DEFAULT '{}'
    )""",
    "INSERT INTO imported_return_data (return_id, audit_json) SELECT id, audit_json FROM imported_returns",
    "ALTER TABLE imported_returns DROP COLUMN audit_json",
)
