"""Schema version 11: progress updates on the actions of imported returns (``action_updates``).

The QA subgroup records how an action of a signed return is going as a row of its own, never by
changing the return: the action's position in the return's ``actions`` list and its text as it
was, a status, a note, the date the progress is reported as at, who reported it, who recorded it
and when. Rows are only ever added (a trigger refuses UPDATE; a newer update corrects an older
one) and go only with their return: ``ON DELETE CASCADE`` from ``imported_returns`` (purge or
removal), and a trigger refuses deleting one while its return is still held.
"""

from __future__ import annotations

VERSION = 11
STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE action_updates (
        id TEXT PRIMARY KEY,
        return_id TEXT NOT NULL REFERENCES imported_returns (id) ON DELETE CASCADE,
        report_id TEXT NOT NULL DEFAULT '',
        action_index INTEGER NOT NULL,
        action_text TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        as_of TEXT NOT NULL,
        reported_by TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_action_updates_return ON action_updates (return_id, action_index)",
    """CREATE TRIGGER action_updates_no_update BEFORE UPDATE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action updates are never changed: record a newer update'); END""",
    """CREATE TRIGGER action_updates_no_delete BEFORE DELETE ON action_updates
        WHEN EXISTS (SELECT 1 FROM imported_returns WHERE id = OLD.return_id)
        BEGIN SELECT RAISE(ABORT, 'action updates go only with their return'); END""",
)
