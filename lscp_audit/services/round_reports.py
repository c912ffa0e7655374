"""A round's returns tracking as plain data, CSV (the `csv` module) and text lines, for the CLI
(``rounds status --json|--csv``) and the app's Rounds tab (Save outstanding list…, Copy)."""

from __future__ import annotations

import csv
import io
from typing import Any, TextIO

from lscp_audit.core.partnership import round_to_dict
from lscp_audit.core.round_status import ExpectationRow, RoundStatus, Tally

TRUSTED_NOTE = (
    "Only trusted returns count as received; returns in the inbox's quarantine (a signer this vault "
    "does not trust) are not counted until their signer is trusted."
)
CSV_COLUMNS = (
    "round_id",
    "kind",
    "key",
    "label",
    "locality",
    "locality_label",
    "expected",
    "received",
    "outstanding",
    "overdue",
    "state",
    "deadline",
    "quarantined_returns",
)


def row_dict(status: RoundStatus, row: ExpectationRow) -> dict[str, Any]:
    """One expected return (or count) as JSON-compatible data."""
    return {
        "round_id": status.round.id,
        "kind": row.kind,
        "key": row.key,
        "label": row.label,
        "locality": row.locality,
        "locality_label": row.locality_label,
        "expected": row.expected,
        "received": row.received,
        "outstanding": row.outstanding,
        "overdue": row.overdue,
        "state": row.state,
        "deadline": status.round.deadline,
        "return_ids": list(row.return_ids),
        "quarantined_returns": list(row.quarantined),
    }


def tally_dict(tally: Tally) -> dict[str, Any]:
    return {
        "key": tally.key,
        "label": tally.label,
        "expected": tally.expected,
        "received": tally.received,
        "outstanding": tally.outstanding,
        "overdue": tally.overdue,
    }


def status_dict(status: RoundStatus, *, outstanding_only: bool = False) -> dict[str, Any]:
    """Everything about the round's tracking (what `rounds status --json` prints)."""
    rows = status.outstanding_rows if outstanding_only else status.rows
    return {
        "round": round_to_dict(status.round),
        "today": status.today,
        "deadline_passed": status.deadline_passed,
        "counts_only_trusted_returns": True,
        "note": TRUSTED_NOTE,
        "expected": status.expected,
        "received": status.received,
        "outstanding": status.outstanding,
        "overdue": status.overdue,
        "quarantined_returns": status.quarantined,
        "trusted_returns": status.trusted,
        "rows": [row_dict(status, r) for r in rows],
        "by_agency": [tally_dict(t) for t in status.by_agency],
        "by_locality": [tally_dict(t) for t in status.by_locality],
        "unexpected_returns": [
            {"return_id": f.return_id, "report_id": f.report_id, "agency": f.agency, "locality": f.locality}
            for f in status.unexpected
        ],
    }


def write_status_csv(status: RoundStatus, out: TextIO, *, outstanding_only: bool = False) -> None:
    """One CSV row per expected return (or count of cases), header first (`CSV_COLUMNS`)."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in status.outstanding_rows if outstanding_only else status.rows:
        values = row_dict(status, row)
        values["quarantined_returns"] = " ".join(values["quarantined_returns"])
        writer.writerow(values)


def status_csv_text(status: RoundStatus, *, outstanding_only: bool = False) -> str:
    buffer = io.StringIO()
    write_status_csv(status, buffer, outstanding_only=outstanding_only)
    return buffer.getvalue()


def reminder_lines(status: RoundStatus) -> list[str]:
    """The outstanding list as plain lines to paste into a reminder e-mail."""
    item = status.round
    due = f" (deadline {_date(item.deadline)})" if item.deadline else ""
    lines = [f"Outstanding returns for {item.label}{due}:"]
    for row in status.outstanding_rows:
        where = f", {row.locality_label}" if row.locality_label else ""
        count = f": {row.outstanding} of {row.expected} still to come" if row.expected > 1 else ""
        lines.append(f"- {row.label}{where}{count}")
    if len(lines) == 1:
        lines.append("- none: every expected return has been received.")
    return lines


def _date(iso: str) -> str:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"
