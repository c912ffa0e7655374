"""Schema version 6: records management. ``export_log`` records every file that left the vault
(what, where to, protected how, who, when); ``legal_holds`` records holds placed on audits,
returns, rounds or case references (released, never deleted)."""

from __future__ import annotations

VERSION = 6
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE export_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exported_at TEXT NOT NULL,
        actor TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        audit_id TEXT NOT NULL DEFAULT '',
        report_id TEXT NOT NULL DEFAULT '',
        case_reference TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL DEFAULT '',
        protection TEXT NOT NULL DEFAULT '',
        marking TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX ix_export_log_case_reference ON export_log (case_reference)",
    "CREATE INDEX ix_export_log_exported_at ON export_log (exported_at)",
    """CREATE TABLE legal_holds (
        id TEXT PRIMARY KEY,
        target_kind TEXT NOT NULL,
        target TEXT NOT NULL,
        reason TEXT NOT NULL,
        placed_by TEXT NOT NULL DEFAULT '',
        placed_at TEXT NOT NULL,
        released_at TEXT,
        released_by TEXT,
        release_reason TEXT
    )""",
    "CREATE INDEX ix_legal_holds_target ON legal_holds (target_kind, target)",
)
