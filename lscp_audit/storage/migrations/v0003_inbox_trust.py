"""Schema version 3: the QA inbox's trust model.

- ``imported_returns`` is rebuilt: the file hash is no longer unique (a return is identified by
  what was signed: report id, revision, hash of the embedded data as signed and the signer's
  certificate fingerprint); the listing columns are kept alongside the data, so the inbox is
  listed without reading every return's JSON. Existing rows keep their data and status; their
  listing columns are filled from the stored JSON, and they have no PDF or signer certificate.
- ``imported_return_signatures``: every signature of a return (certificate, fingerprint, role,
  time and trust state).
- ``imported_return_files``: the original signed PDF of each return, so trust can be checked
  again after import.
- ``trusted_certificates.purpose``: ``signer`` (auditors, partnership roots) or ``moderator``
  (certificates trusted to countersign as a QA moderator).
"""

from __future__ import annotations

VERSION = 3


def _json_text(path: str) -> str:
    return f"CASE WHEN json_valid(audit_json) THEN COALESCE(CAST(json_extract(audit_json, '{path}') AS TEXT), '') ELSE '' END"


STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE imported_returns_v3 (
        id TEXT PRIMARY KEY,
        file_hash TEXT NOT NULL DEFAULT '',
        data_hash TEXT NOT NULL DEFAULT '',
        report_id TEXT NOT NULL DEFAULT '',
        revision INTEGER NOT NULL DEFAULT 1,
        audit_id TEXT NOT NULL DEFAULT '',
        previous_audit_id TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        signer_fingerprint TEXT NOT NULL DEFAULT '',
        signer TEXT NOT NULL DEFAULT '',
        auditor_name TEXT NOT NULL DEFAULT '',
        signed_on_behalf INTEGER NOT NULL DEFAULT 0,
        template_id TEXT NOT NULL DEFAULT '',
        template_title TEXT NOT NULL DEFAULT '',
        template_version TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        signed_at TEXT NOT NULL DEFAULT '',
        overall_judgement TEXT NOT NULL DEFAULT '',
        overall_label TEXT NOT NULL DEFAULT '',
        page_judgement TEXT NOT NULL DEFAULT '',
        judgement_check TEXT NOT NULL DEFAULT '',
        audit_json TEXT NOT NULL DEFAULT '{}',
        verified TEXT NOT NULL DEFAULT '',
        trust_problem TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL DEFAULT '',
        checked_at TEXT NOT NULL DEFAULT ''
    )""",
    f"""INSERT INTO imported_returns_v3 (
        id, file_hash, report_id, revision, audit_id, previous_audit_id, content_hash, signer, auditor_name,
        template_id, template_title, template_version, kind, subject, signed_at, overall_judgement,
        overall_label, audit_json, verified, imported_at, checked_at)
    SELECT id, file_hash, report_id,
        CASE WHEN json_valid(audit_json)
             THEN COALESCE(CAST(json_extract(audit_json, '$.audit.revision') AS INTEGER), 1) ELSE 1 END,
        {_json_text("$.audit.id")}, {_json_text("$.audit.previous_revision_id")},
        {_json_text("$.report.content_hash")}, signer, {_json_text("$.auditor.name")},
        {_json_text("$.template.id")}, {_json_text("$.template.title")}, {_json_text("$.template.version")},
        {_json_text("$.template.kind")},
        CASE WHEN {_json_text("$.template.kind")} = 'agency_self_assessment'
             THEN {_json_text("$.subject.agency")} ELSE {_json_text("$.subject.case_reference")} END,
        {_json_text("$.report.generated_at")}, {_json_text("$.judgements.overall.value")},
        {_json_text("$.judgements.overall.label")}, audit_json, verified, imported_at, imported_at
    FROM imported_returns""",
    "DROP TABLE imported_returns",
    "ALTER TABLE imported_returns_v3 RENAME TO imported_returns",
    "CREATE INDEX ix_imported_returns_report_id ON imported_returns (report_id)",
    "CREATE INDEX ix_imported_returns_file_hash ON imported_returns (file_hash)",
    "CREATE INDEX ix_imported_returns_data_hash ON imported_returns (data_hash)",
    "CREATE INDEX ix_imported_returns_audit_id ON imported_returns (audit_id)",
    "CREATE INDEX ix_imported_returns_previous_audit_id ON imported_returns (previous_audit_id)",
    """CREATE TABLE imported_return_signatures (
        return_id TEXT NOT NULL REFERENCES imported_returns (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        field_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        signer TEXT NOT NULL DEFAULT '',
        organisation TEXT NOT NULL DEFAULT '',
        fingerprint TEXT NOT NULL DEFAULT '',
        certificate_der BLOB NOT NULL DEFAULT x'',
        signed_at TEXT NOT NULL DEFAULT '',
        trusted INTEGER NOT NULL DEFAULT 0,
        moderator INTEGER NOT NULL DEFAULT 0,
        problem TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (return_id, position)
    )""",
    "CREATE INDEX ix_imported_return_signatures_fingerprint ON imported_return_signatures (fingerprint)",
    """CREATE TABLE imported_return_files (
        return_id TEXT PRIMARY KEY REFERENCES imported_returns (id) ON DELETE CASCADE,
        pdf BLOB NOT NULL
    )""",
    "ALTER TABLE trusted_certificates ADD COLUMN purpose TEXT NOT NULL DEFAULT 'signer'",
)
