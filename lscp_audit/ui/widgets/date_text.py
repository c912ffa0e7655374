"""Dates as people type them: ``15/09/2026``, ``15 Sep 2026``, ``15 September 2026``,
``2026-09-15`` or ``today``, read day first (UK order). Never guesses: text that is not one
clear date gives an error that says what to type instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lscp_audit.ui.display import format_date

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
HINT = "Type a date like 15/09/2026 or 15 Sep 2026."

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d+)")
_NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]*([a-z]+)\.?,?[\s\-]*(\d+)")


@dataclass(frozen=True)
class DateReading:
    """What a piece of typed text says: a date, nothing ("Not set"), or an error to show."""

    value: date | None = None
    error: str = ""

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.error


def read_date(text: str, today: date | None = None) -> DateReading:
    """Read typed `text`; an empty text is "Not set" (no value, no error)."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        return DateReading()
    if cleaned == "today":
        return DateReading(today or date.today())
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return _checked(text, year, month, day)
    if match := _NUMERIC.fullmatch(cleaned):
        day, month = int(match[1]), int(match[2])
        return _with_year(text, match[3], month, day)
    if match := _NAMED.fullmatch(cleaned):
        month_number = _month(match[2])
        if month_number is None:
            return DateReading(error=f"“{match[2]}” is not a month. {HINT}")
        return _with_year(text, match[3], month_number, int(match[1]))
    return DateReading(error=f"“{text.strip()}” is not a date. {HINT}")


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    found = [number for number, name in enumerate(MONTH_NAMES, start=1) if name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _with_year(text: str, year_text: str, month: int, day: int) -> DateReading:
    if len(year_text) != 4:
        return DateReading(error="Type the year in full (four digits), like 15/09/2026.")
    return _checked(text, int(year_text), month, day)


def _checked(text: str, year: int, month: int, day: int) -> DateReading:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return DateReading(error=f"Type a year from {EARLIEST_YEAR} to {LATEST_YEAR}. {HINT}")
    if not 1 <= month <= 12:
        return DateReading(error=f"“{text.strip()}” has no month {month}: months go from 1 to 12. {HINT}")
    try:
        return DateReading(date(year, month, day))
    except ValueError:
        return DateReading(error=f"There is no day {day} in {MONTH_NAMES[month - 1].capitalize()} {year}.")


def show_date(value: date | None) -> str:
    """``15 Sep 2026``; empty for no date."""
    return format_date(value) if value is not None else ""


def parse_iso_date(value: object) -> date | None:
    """A stored ISO ``2026-09-15`` as a date; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
