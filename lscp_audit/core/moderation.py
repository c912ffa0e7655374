"""Value types for QA moderation records (stored by ``storage.repositories.moderation``).

A moderation record is a QA moderator's signed outcome for one return: ``agree`` with the
return's own judgements, or ``moderated`` with a moderated rating (a code of the return's own
judgement scale) and a rationale for each section or Section 11 standard changed. It is bound to
the return by report id, content hash and `data_hash` (``sha256:<hex>`` of the return's
embedded data as signed).
"""

from __future__ import annotations

from dataclasses import dataclass

AGREE = "agree"
MODERATED = "moderated"
OUTCOMES = (AGREE, MODERATED)


@dataclass(frozen=True)
class ModerationSummary:
    """One stored record as listings show it (no JSON): timestamps are ISO 8601 UTC text."""

    id: str
    report_id: str
    data_hash: str
    content_hash: str
    outcome: str
    moderator: str
    moderator_fingerprint: str
    moderated_at: str
    stored_at: str = ""
