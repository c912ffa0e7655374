"""How values are written on screen: dates as ``28 Nov 2026``, statuses and judgements as words."""

from __future__ import annotations

from datetime import date, datetime

STATUS_LABELS = {
    "draft": "Draft",
    "complete": "Complete",
    "signed": "Signed",
    "amended": "Amended",
}

JUDGEMENT_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_iso(value: str | None) -> datetime | None:
    """A datetime from an ISO 8601 date or timestamp, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_date(value: str | date | None) -> str:
    """``28 Nov 2026`` (locale-independent, so reports and screens agree)."""
    if isinstance(value, str):
        parsed = parse_iso(value)
        value = parsed.date() if parsed else None
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: str | None) -> str:
    """``28 Nov 2026 14:05`` in local time."""
    parsed = parse_iso(value)
    if parsed is None:
        return ""
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone()
    return f"{format_date(parsed.date())} {parsed:%H:%M}"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(str(status), str(status).replace("_", " ").capitalize())


def judgement_label(code: str | None) -> str:
    if not code:
        return ""
    return JUDGEMENT_LABELS.get(code, code.replace("_", " ").capitalize())
