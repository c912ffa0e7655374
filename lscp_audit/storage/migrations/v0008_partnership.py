"""Schema version 8: the partnership profile and audit rounds, and each return's round.

- ``partnership_profile``: at most one row (id 1): the partnership's name and its shared lists
  (localities and the agencies register) as JSON. No row means the vault uses the profile shipped
  with the app.
- ``partnership_rounds``: one row per audit round: the listing columns (template, title, phase,
  period, deadline, position in the profile) and the whole round as JSON (its localities and
  expected returns).
- ``imported_returns`` gains listing columns for the round a return names (``round_id``), its
  locality and the returning agency's code (``return_agency``), so returns are filed and counted
  by round without reading any return's JSON. Existing rows are filled from their stored data
  (returns signed before rounds existed name none).
"""

from __future__ import annotations

VERSION = 8


def _from_data(path: str) -> str:
    return (
        "COALESCE((SELECT CASE WHEN json_valid(d.audit_json) THEN "
        f"CAST(json_extract(d.audit_json, '{path}') AS TEXT) END FROM imported_return_data d "
        "WHERE d.return_id = imported_returns.id), '')"
    )


STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE partnership_profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL DEFAULT '',
        lists_json TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE partnership_rounds (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL DEFAULT 0,
        template_id TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        phase TEXT NOT NULL DEFAULT '',
        period_start TEXT NOT NULL DEFAULT '',
        period_end TEXT NOT NULL DEFAULT '',
        deadline TEXT NOT NULL DEFAULT '',
        round_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT ''
    )""",
    "ALTER TABLE imported_returns ADD COLUMN round_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE imported_returns ADD COLUMN locality TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE imported_returns ADD COLUMN return_agency TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX ix_imported_returns_round_id ON imported_returns (round_id)",
    f"""UPDATE imported_returns SET
        round_id = {_from_data("$.round.id")},
        locality = {_from_data("$.round.locality")},
        return_agency = {_from_data("$.round.agency")}""",
)
