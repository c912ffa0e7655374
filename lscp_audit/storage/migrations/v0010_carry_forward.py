"""Schema version 9: ``audits.carried_forward`` (JSON): for a self-assessment started from an
agency's previous return, the audit it came from and the answer keys carried forward that the
user has not confirmed yet (``{"from_audit_id": ..., "from_report_id": ..., "pending": [...]}``;
``{}`` for every other audit)."""

from __future__ import annotations

VERSION = 10
STATEMENTS: tuple[str, ...] = ("ALTER TABLE audits ADD COLUMN carried_forward TEXT NOT NULL DEFAULT '{}'",)
