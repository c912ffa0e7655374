"""Schema version 7: ``audits.identifier_acknowledgements``, the likely identifiers (NHS numbers,
dates of birth, postcodes, ...) the auditor looked at and kept in the audit's text, each with the
reason (JSON list; see `core.audit.IdentifierAcknowledgement`). Existing audits have none."""

from __future__ import annotations

VERSION = 7
STATEMENTS: tuple[str, ...] = ("ALTER TABLE audits ADD COLUMN identifier_acknowledgements TEXT NOT NULL DEFAULT '[]'",)
