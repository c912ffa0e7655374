"""Progress updates on the actions of signed returns, and the quarters they are reported in.

A signed return's actions are never changed: the QA subgroup records how an action is going as
a separate **action update** (stored by ``storage.repositories.action_updates``): a status (the
action model's own: open, in progress, complete), a note, the date the progress is reported as
at, who reported it and who recorded it. Updates are only ever added; a wrong one is corrected
by a newer one. The action's status at a date is the newest update reported on or before that
date (by its date, then by when it was recorded), else the status written in the return.

An action is **overdue** at a date when its due date is before that date and it is not complete.

An amended return (a later revision superseding an earlier one) keeps the progress recorded on
the earlier revision's actions: `carried` moves each earlier update to the action with the same
text in the later revision (the same position first), and leaves it behind when no action there
has that text. The update itself stays stored with the revision it was recorded on.

`Quarter` is a calendar quarter (``2026-Q3`` runs from 1 July to 30 September 2026), the period
the partnership's quarterly action report covers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS

STATUS_CODES: tuple[str, ...] = tuple(o.code for o in ACTION_STATUS_OPTIONS)
STATUS_LABELS: dict[str, str] = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
COMPLETE = "complete"
#: Status words of older returns that also mean the action is done.
DONE_STATUSES = frozenset({"complete", "completed", "done", "closed"})
MAX_NOTE_CHARS = 4000
MAX_NAME_CHARS = 200
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def status_label(code: str) -> str:
    """``In progress`` for ``in_progress``; an unknown status as written."""
    return STATUS_LABELS.get(code, code)


def is_done(status: str) -> bool:
    return status.strip().casefold() in DONE_STATUSES


def is_overdue(due: str, status: str, at: dt.date) -> bool:
    """Whether an action due on `due` (ISO date, "" when none) with `status` is overdue at `at`."""
    try:
        return bool(due) and dt.date.fromisoformat(due[:10]) < at and not is_done(status)
    except ValueError:
        return False


def shown_date(iso: str) -> str:
    """``28 Nov 2026`` for an ISO date or timestamp (the text itself when it is not one)."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class ActionUpdate:
    """One recorded progress update on action `action_index` (its position in the return's
    ``actions`` list) of return `return_id`. `as_of` is the ISO date the progress is reported
    as at; `recorded_at` the ISO 8601 UTC time it was stored; `action` the action's text when it
    was recorded (so the update reads on its own)."""

    id: str
    return_id: str
    report_id: str
    action_index: int
    action: str
    status: str
    note: str
    as_of: str
    reported_by: str
    recorded_by: str
    recorded_at: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Reported as at, then recorded at (ties keep the order they were stored in)."""
        return (self.as_of[:10], self.recorded_at)

    def describe(self) -> str:
        """``In progress on 28 Nov 2026 (reported by Police DI Jones): the note``."""
        who = f" (reported by {self.reported_by})" if self.reported_by else ""
        note = f": {self.note}" if self.note else ""
        return f"{self.status_label} on {shown_date(self.as_of)}{who}{note}"


def latest(updates: Iterable[ActionUpdate], at: dt.date | None = None) -> ActionUpdate | None:
    """The newest update reported on or before `at` (every update when `at` is None): the
    latest date, then the latest recorded; of two alike, the later in `updates` (the order
    they were stored in)."""
    found: ActionUpdate | None = None
    for update in updates:
        if (at is None or update.as_of[:10] <= at.isoformat()) and (found is None or update.sort_key >= found.sort_key):
            found = update
    return found


def carried(earlier: Iterable[ActionUpdate], return_id: str, actions: Sequence[str]) -> list[ActionUpdate]:
    """The updates recorded on an earlier revision's actions, as they apply to the later
    revision `return_id` whose actions' texts are `actions` (in order): each moved to the action
    with the same text (its own position first); those whose action is gone are left out. Their
    `report_id` still names the revision they were recorded on."""
    found = []
    for update in earlier:
        same = [i for i, text in enumerate(actions) if text == update.action]
        if not same:
            continue
        index = update.action_index if update.action_index in same else same[0]
        found.append(replace(update, return_id=return_id, action_index=index))
    return found


def update_problems(status: str, note: str, as_of: str, reported_by: str, *, today: dt.date) -> list[str]:
    """Everything wrong with an update as entered (an empty list when it can be recorded)."""
    problems = []
    if status not in STATUS_CODES:
        words = ", ".join(f"{code} ({label})" for code, label in STATUS_LABELS.items())
        problems.append(f"the status must be one of {words}, not {status!r}")
    if len(note) > MAX_NOTE_CHARS:
        problems.append(f"the note is {len(note)} characters long; keep it to {MAX_NOTE_CHARS}")
    if len(reported_by) > MAX_NAME_CHARS:
        problems.append(f"who reported it is {len(reported_by)} characters long; keep it to {MAX_NAME_CHARS}")
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        problems.append(f"the date of the update must be written YYYY-MM-DD, not {as_of!r}")
    else:
        if day > today:
            problems.append(f"the date of the update ({shown_date(as_of)}) is in the future")
    return problems


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2026, 3)`` is ``2026-Q3``, 1 July to 30 September 2026."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4 or not 1900 <= self.year <= 9999:
            raise ValueError(f"no quarter {self.year}-Q{self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026-Q3`` (also ``2026Q3``, ``2026-q3``); ValueError with a plain reason otherwise."""
        found = _QUARTER.match(text)
        if found is None:
            raise ValueError(f"a quarter is written like 2026-Q3 (calendar quarters Q1 to Q4), not {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    def describe(self) -> str:
        """``2026-Q3 (1 Jul 2026 to 30 Sep 2026)``."""
        return f"{self.label} ({shown_date(self.start.isoformat())} to {shown_date(self.end.isoformat())})"

    def __str__(self) -> str:
        return self.label

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    """The quarter `today` falls in, then the `count` - 1 before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous)
    return quarters
