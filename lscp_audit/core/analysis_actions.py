"""The quarterly action report: the action register as the partnership's business plan shows it
(Outcome / Action / Who / When / Status, with the progress update), for one calendar quarter.

Which actions: every action of the trusted returns the filter keeps that was signed by the end
of the quarter and was not already complete when the quarter began (its status at the day
before the quarter: the newest progress update reported by then, else the return's own status
when the return was signed by then). Its status is the one **as at** the end of the quarter, or
today while the quarter is still running; overdue means due before that day and not complete.

Columns: *Answers* (what the action answers: the section, Section 11 standard, finding or agency
it was written for, the nearest thing to the plan's priority), *Outcome* (the action's measure
of success), *Action*, *Who* (owner agency and role), *When* (due date), *Status*, *Progress*
(the latest update's date and note), then overdue, updated this quarter, the returning agency
and the source return. The register lists actions one by one, so it carries no counts; the
summary table counts them by status and is suppressed like every aggregate table (counts from 1
to 4 read "fewer than 5"). Case references only when asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lscp_audit.core.action_updates import (
    STATUS_CODES,
    ActionUpdate,
    Quarter,
    is_done,
    is_overdue,
    latest,
    shown_date,
    status_label,
)
from lscp_audit.core.analysis import ActionUpdates, AnalysisFilter, AnalysisReturn, shown, shown_n, suppressed_mask
from lscp_audit.core.analysis_tables import CellValue, Table

REGISTER = "Actions"
SUMMARY = "Summary"
UPDATES = "Updates"


@dataclass(frozen=True)
class QuarterlyAction:
    answers: str
    outcome: str
    action: str
    who: str
    when: str
    status_code: str
    progress: str
    overdue: bool
    updated_in_quarter: bool
    agency: str
    report_id: str
    return_id: str
    index: int
    case_reference: str = ""

    @property
    def status(self) -> str:
        return status_label(self.status_code)


@dataclass(frozen=True)
class QuarterlyActions:
    """The report for `quarter`, as at `as_at` (the quarter's last day, or today while it
    runs). `updates` are the progress updates reported during the quarter on these actions;
    `done_before` counts the actions left out because they were complete before it began."""

    quarter: Quarter
    as_at: dt.date
    filter: AnalysisFilter
    rows: tuple[QuarterlyAction, ...]
    updates: tuple[ActionUpdate, ...]
    done_before: int = 0

    @property
    def title(self) -> str:
        return f"Actions {self.quarter.label}"

    def status_counts(self) -> list[tuple[str, int]]:
        """(status label, count) for each status of the action model, then any other status."""
        counts = {code: 0 for code in STATUS_CODES}
        for row in self.rows:
            counts[row.status_code] = counts.get(row.status_code, 0) + 1
        return [(status_label(code), count) for code, count in counts.items()]


def quarterly_actions(
    items: Sequence[AnalysisReturn],
    analysis_filter: AnalysisFilter | None,
    updates: ActionUpdates,
    quarter: Quarter,
    *,
    today: dt.date,
) -> QuarterlyActions:
    """The quarter's actions among `items` (trusted, latest revisions) that the filter keeps."""
    chosen = analysis_filter or AnalysisFilter()
    as_at = min(quarter.end, today)
    before = quarter.start - dt.timedelta(days=1)
    rows: list[QuarterlyAction] = []
    reported: list[ActionUpdate] = []
    done_before = 0
    for item in items:
        if not chosen.matches(item) or (item.signed_date and item.signed_date > as_at.isoformat()):
            continue
        mine = updates.get(item.return_id, ())
        for index, (action, measure, owner, due, status, section) in enumerate(item.action_fields):
            own = [u for u in mine if u.action_index == index]
            start = latest(own, before)
            at_start = start.status if start is not None else status if item.signed_date <= before.isoformat() else ""
            if at_start and is_done(at_start):
                done_before += 1
                continue
            now = latest(own, as_at)
            code = now.status if now is not None else status
            during = [u for u in own if quarter.start.isoformat() <= u.as_of[:10] <= as_at.isoformat()]
            reported += during
            rows.append(
                QuarterlyAction(
                    answers=section,
                    outcome=measure,
                    action=action,
                    who=owner,
                    when=due,
                    status_code=code,
                    progress=f"{shown_date(now.as_of)}: {now.note}" if now is not None and now.note else "",
                    overdue=is_overdue(due, code, as_at),
                    updated_in_quarter=bool(during),
                    agency=item.agency,
                    report_id=item.report_id,
                    return_id=item.return_id,
                    index=index,
                    case_reference=item.case_reference,
                )
            )
    rows.sort(key=lambda r: (r.answers.casefold(), r.when or "9999", r.agency.casefold(), r.report_id, r.index))
    reported.sort(key=lambda u: (*u.sort_key, u.report_id, u.action_index))
    return QuarterlyActions(quarter, as_at, chosen, tuple(rows), tuple(reported), done_before)


def _date(text: str) -> CellValue:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return text


def register_table(report: QuarterlyActions, *, case_references: bool = False) -> Table:
    headers = [
        "Answers",
        "Outcome",
        "Action",
        "Who",
        "When",
        "Status",
        "Progress",
        "Overdue",
        "Updated this quarter",
        "Agency",
        "Source return",
        "Action number",
        "Quarter",
    ]
    if case_references:
        headers.append("Case reference")
    rows = []
    for r in report.rows:
        row: list[CellValue] = [
            r.answers,
            r.outcome,
            r.action,
            r.who,
            _date(r.when),
            r.status,
            r.progress,
            "Yes" if r.overdue else "No",
            "Yes" if r.updated_in_quarter else "No",
            r.agency,
            r.report_id,
            r.index + 1,
            report.quarter.label,
        ]
        if case_references:
            row.append(r.case_reference)
        rows.append(tuple(row))
    title = (
        f"Actions {report.quarter.describe()}, status as at {shown_date(report.as_at.isoformat())} "
        "(Outcome is the action's measure of success; Answers is what it was written for)"
    )
    return Table(f"{REGISTER} {report.quarter.label}", title, tuple(headers), tuple(rows))


def summary_table(report: QuarterlyActions, *, suppress: bool = True) -> Table:
    """Counts by status, then overdue and updated this quarter, each with n and percentage."""
    n = len(report.rows)
    statuses = report.status_counts()
    mask = suppressed_mask([c for _, c in statuses]) if suppress else [False] * len(statuses)
    rows: list[tuple[CellValue, ...]] = []

    def pct(count: int, hidden: bool) -> CellValue:
        return "fewer than 5" if hidden else (round(100.0 * count / n, 1) if n else None)

    for (label, count), hidden in zip(statuses, mask, strict=True):
        rows.append((f"Status: {label}", shown(count, hidden), shown_n(n, suppress), pct(count, hidden)))
    for label, count in (
        ("Overdue", sum(r.overdue for r in report.rows)),
        ("Updated this quarter", sum(r.updated_in_quarter for r in report.rows)),
    ):
        hidden = suppress and 0 < count < 5
        rows.append((label, shown(count, hidden), shown_n(n, suppress), pct(count, hidden)))
    title = f"Actions {report.quarter.describe()} by status as at {shown_date(report.as_at.isoformat())}"
    return Table(f"{SUMMARY} {report.quarter.label}", title, ("What", "Count", "n", "%"), tuple(rows), True)


def updates_table(report: QuarterlyActions) -> Table:
    headers = ("Date", "Action", "Status", "Note", "Reported by", "Recorded by", "Recorded", "Source return",
               "Action number")  # fmt: skip
    rows = tuple(
        (_date(u.as_of), u.action, u.status_label, u.note, u.reported_by, u.recorded_by, _date(u.recorded_at),
         u.report_id, u.action_index + 1)
        for u in report.updates
    )  # fmt: skip
    title = f"Progress updates reported in {report.quarter.describe()}"
    return Table(f"{UPDATES} {report.quarter.label}", title, headers, rows)


def quarterly_tables(report: QuarterlyActions, *, suppress: bool = True, case_references: bool = False) -> list[Table]:
    """The workbook's sheets: the register, the summary and the updates of the quarter."""
    return [
        register_table(report, case_references=case_references),
        summary_table(report, suppress=suppress),
        updates_table(report),
    ]
