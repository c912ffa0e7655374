"""Schema version 2: judgement column for SQL-side filtering, signing identities, trusted
certificates and imported returns."""

from __future__ import annotations

VERSION = 2
STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE audits ADD COLUMN judgement TEXT",
    "CREATE INDEX ix_audits_judgement ON audits (judgement)",
    """CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        agency TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        certificate_pem TEXT NOT NULL DEFAULT '',
        private_key_pem TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT '',
        is_default INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE trusted_certificates (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL DEFAULT '',
        certificate_pem TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE imported_returns (
        id TEXT PRIMARY KEY,
        file_hash TEXT NOT NULL UNIQUE,
        report_id TEXT NOT NULL DEFAULT '',
        audit_json TEXT NOT NULL DEFAULT '{}',
        signer TEXT NOT NULL DEFAULT '',
        verified TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX ix_imported_returns_report_id ON imported_returns (report_id)",
)
