"""Schema version 1: audits, answers, append-only hash-chained history, settings."""

from __future__ import annotations

VERSION = 1
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE audits (
        id TEXT PRIMARY KEY,
        template_id TEXT NOT NULL,
        template_version TEXT NOT NULL DEFAULT '',
        template_hash TEXT NOT NULL DEFAULT '',
        template_title TEXT NOT NULL DEFAULT '',
        template_source TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '{}',
        title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'draft',
        auditor_name TEXT NOT NULL DEFAULT '',
        auditor_role TEXT NOT NULL DEFAULT '',
        auditor_agency TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT '',
        completed_at TEXT,
        revision INTEGER NOT NULL DEFAULT 1,
        previous_revision_id TEXT,
        amendment_reasons TEXT NOT NULL DEFAULT '{}',
        overrides TEXT NOT NULL DEFAULT '[]',
        case_reference TEXT NOT NULL DEFAULT '',
        agency TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX ix_audits_template_id ON audits (template_id)",
    "CREATE INDEX ix_audits_status ON audits (status)",
    "CREATE INDEX ix_audits_updated_at ON audits (updated_at)",
    "CREATE INDEX ix_audits_case_reference ON audits (case_reference)",
    "CREATE INDEX ix_audits_agency ON audits (agency)",
    """CREATE TABLE answers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        audit_id TEXT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        agency TEXT NOT NULL DEFAULT '',
        value TEXT NOT NULL DEFAULT 'null',
        evidence TEXT NOT NULL DEFAULT '',
        warning_reason TEXT,
        updated_at TEXT NOT NULL DEFAULT '',
        UNIQUE (audit_id, question_id, agency)
    )""",
    """CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        audit_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT NOT NULL,
        new_value TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE INDEX ix_history_audit_seq ON history (audit_id, seq)",
    """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
    """CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        WHEN EXISTS (SELECT 1 FROM audits WHERE id = OLD.audit_id)
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT ''
    )""",
)
