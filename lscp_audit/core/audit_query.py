"""Filters, sorting and paging for the audits list, evaluated in SQL by storage.

`AuditFilter` is what the UI/services pass to ``vault.audits.list_summaries``; `AuditPage` is the
answer (one page of `AuditSummary` plus the total number of matches).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lscp_audit.core.audit import AuditStatus, AuditSummary


class AuditSort(StrEnum):
    UPDATED = "updated_at"
    CREATED = "created_at"
    CASE_REFERENCE = "case_reference"
    TITLE = "title"
    STATUS = "status"
    AGENCY = "agency"
    JUDGEMENT = "judgement"


@dataclass(frozen=True)
class AuditFilter:
    """All fields optional. Dates are ISO strings compared with ``updated_at`` (inclusive range).

    ``text`` matches case reference or title (case-insensitive substring). ``agency`` matches
    audits whose case involves that agency (an agency code in subject ``agencies``) or whose
    auditor's agency or self-assessed organisation is that agency: its code or one of
    ``agency_names`` (case-insensitive).
    """

    statuses: tuple[AuditStatus, ...] = ()
    template_id: str | None = None
    agency: str | None = None
    agency_names: tuple[str, ...] = ()
    judgement: str | None = None
    updated_from: str | None = None
    updated_to: str | None = None
    text: str | None = None
    sort: AuditSort = AuditSort.UPDATED
    descending: bool = True
    offset: int = 0
    limit: int | None = 200


@dataclass(frozen=True)
class AuditPage:
    items: tuple[AuditSummary, ...]
    total: int
