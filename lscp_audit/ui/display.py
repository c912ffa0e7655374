"""How values are written on screen: dates as ``28 Nov 2026``, statuses as words, judgements with
the labels, colours and text markers of their template's declared scale."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lscp_audit.core.judgements import Judgement
    from lscp_audit.core.templates.model import Scale, ScaleLevel

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
PROVISIONAL = "Provisional"
PROVISIONAL_REASON = "until every graded question is answered"
NOT_ENOUGH_ANSWERS = "Not enough answers yet"

STATUS_LABELS = {
    "draft": "Draft",
    "complete": "Complete",
    "signed": "Signed",
    "amended": "Amended",
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


def judgement_label(code: str | None, scale: Scale | None = None) -> str:
    """The label of judgement `code` on `scale` (the template's declared judgement scale); without
    the scale (a return whose data carries no label), the code in words."""
    if not code:
        return ""
    level = scale.level(code) if scale is not None else None
    return level.label if level is not None else code.replace("_", " ").capitalize()


def level_html(level: ScaleLevel | None, label: str = "") -> str:
    """A level as rich text: its text-only marker in the level's colour, then its label, so
    nothing depends on colour alone (``[RI] Requires improvement to be good``)."""
    text = html.escape(label or (level.label if level else ""))
    if level is None or not level.marker:
        return text
    colour = level.colour if COLOUR_RE.match(level.colour or "") else ""
    marker = f"<b>[{html.escape(level.marker)}]</b>"
    if colour:
        marker = f'<span style="color:{colour}">{marker}</span>'
    return f"{marker} {text}"


def judgement_value_text(judgement: Judgement, draft: bool) -> tuple[str, str]:
    """What a judgement says now, as (plain text, rich text): its label with the level's marker,
    and "Provisional" while the audit is a draft and a visible graded question it depends on is
    unanswered. The plain text is what a screen reader reads."""
    level = judgement.scale_info.level(judgement.derived or "")
    label = judgement.derived_label or NOT_ENOUGH_ANSWERS
    plain = f"[{level.marker}] {label}" if level is not None and level.marker else label
    rich = level_html(level, label) if level is not None else html.escape(label)
    if draft and judgement.provisional:
        plain = f"{PROVISIONAL}: {plain} ({PROVISIONAL_REASON})"
        rich = f"<i>{PROVISIONAL}:</i> {rich} <i>({PROVISIONAL_REASON})</i>"
    return plain, rich
