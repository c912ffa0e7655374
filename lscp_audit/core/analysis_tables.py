"""The analysis as named tables, the way every output shows it (XLSX sheets, CSV, JSON, the app).

Aggregate tables (questions, polarity, judgements, comparison) apply small-number suppression
unless it is turned off: a count from 1 to 4 and its percentage read ``fewer than 5`` (with
complementary suppression, `core.analysis.suppressed_mask`). Record-level tables (returns,
answers, codebook, Section 11 matrix, findings, actions) list returns one by one and carry no
counts. No table carries case references unless they are asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lscp_audit.core.analysis import (
    MODERATED_WHERE_RECORDED,
    SUPPRESSED,
    Analysis,
    Comparison,
    ComparisonRow,
    Count,
    GradeDistribution,
    shown,
    shown_n,
    suppressed_mask,
)

CellValue = str | int | float | dt.date | None

RETURNS = "Returns"
ANSWERS = "Answers"
CODEBOOK = "Codebook"
QUESTIONS = "Questions"
POLARITY = "Good practice"
JUDGEMENTS = "Judgements"
S11 = "Section 11 matrix"
FINDINGS = "Findings"
ACTIONS = "Actions"
COMPARISON = "Comparison"


@dataclass(frozen=True)
class Table:
    """One table: `name` (a sheet name, at most 31 characters), a `title` saying what it
    holds, named `headers` and rows of plain values (dates as `datetime.date`). `colours` maps
    a rating's text to its ``#RRGGBB`` colour for the cells that show it (the Section 11
    matrix): the text is always there, the colour is never the only sign."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    aggregate: bool = False
    colours: tuple[tuple[str, str], ...] = ()


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2) of a ``#RRGGBB`` colour."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_for(fill: str) -> str:
    """``#FFFFFF`` or ``#000000``, whichever contrasts more with the ``#RRGGBB`` `fill`, so a
    rating's text stays readable on its colour."""
    light = _luminance(fill)
    return "#FFFFFF" if (1.05 / (light + 0.05)) >= ((light + 0.05) / 0.05) else "#000000"


def _date(text: str) -> CellValue:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return text


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _counted(counts: Sequence[int], suppress: bool) -> list[bool]:
    return suppressed_mask(counts) if suppress else [False] * len(counts)


def _pct(count: int, n: int, hidden: bool) -> CellValue:
    if hidden:
        return SUPPRESSED
    return round(100.0 * count / n, 1) if n else None


def returns_table(analysis: Analysis, *, case_references: bool = False) -> Table:
    headers = [
        "Return id",
        "Report id",
        "Template id",
        "Template",
        "Template version",
        "Agency",
        "Round id",
        "Round",
        "Phase",
        "Locality",
        "Signed",
        "Overall judgement code",
        "Overall judgement",
    ]
    if case_references:
        headers.append("Case reference")
    rows = []
    for r in analysis.returns:
        row: list[CellValue] = [
            r.return_id,
            r.report_id,
            r.template_id,
            r.template_title,
            r.template_version,
            r.agency,
            r.round_id,
            r.round_title,
            r.phase,
            r.locality,
            _date(r.signed_date),
            r.overall_code,
            r.overall_label,
        ]
        if case_references:
            row.append(r.case_reference)
        rows.append(tuple(row))
    return Table(RETURNS, "One row per return (codes and labels)", tuple(headers), tuple(rows))


def answers_table(analysis: Analysis) -> Table:
    headers = (
        "Report id",
        "Agency",
        "Template id",
        "Section id",
        "Question id",
        "Question",
        "About agency",
        "Code",
        "Label",
        "Polarity",
    )
    rows = tuple(
        (
            a.report_id,
            a.agency,
            a.template_id,
            a.section_id,
            a.question_id,
            a.question,
            a.about_agency,
            a.code,
            a.label,
            a.polarity,
        )
        for a in analysis.answers
    )
    return Table(ANSWERS, "Every answer to a choice question, one row each (long format)", headers, rows)


def codebook_table(analysis: Analysis) -> Table:
    headers = ("Template id", "Question id", "Question", "Type", "Code", "Label", "Polarity")
    rows = tuple(
        (c.template_id, c.question_id, c.question, c.type, c.code, c.label, c.polarity) for c in analysis.codebook
    )
    return Table(CODEBOOK, "What each answer code means, with its declared polarity", headers, rows)


def questions_table(analysis: Analysis, *, suppress: bool = True) -> Table:
    headers = ("Template id", "Section", "Question id", "Question", "Code", "Answer", "Polarity", "Count", "n", "%")
    rows = []
    for q in analysis.questions:
        if not q.n:
            continue  # nobody answered it among these returns (the codebook still lists it)
        mask = _counted([c.count for c in q.counts], suppress)
        n = shown_n(q.n, suppress)
        for c, hidden in zip(q.counts, mask, strict=True):
            rows.append(
                (q.template_id, q.section_title, q.question_id, q.label, c.code, c.label, c.polarity,
                 shown(c.count, hidden), n, _pct(c.count, q.n, hidden))
            )  # fmt: skip
    return Table(QUESTIONS, "Answers to each question: count, n and percentage of n", headers, tuple(rows), True)


def polarity_table(analysis: Analysis, *, suppress: bool = True) -> Table:
    headers = (
        "Template id",
        "Section",
        "Question id",
        "Question",
        "n",
        "Good practice",
        "% good practice",
        "Concern",
        "% concern",
    )
    rows = []
    for q in analysis.questions:
        if q.good is None or q.concern is None or not q.n:
            continue
        rest = q.n - q.good - q.concern
        good_hidden, concern_hidden, _ = _counted([q.good, q.concern, rest], suppress)
        rows.append(
            (q.template_id, q.section_title, q.question_id, q.label, shown_n(q.n, suppress),
             shown(q.good, good_hidden), _pct(q.good, q.n, good_hidden),
             shown(q.concern, concern_hidden), _pct(q.concern, q.n, concern_hidden))
        )  # fmt: skip
    return Table(
        POLARITY,
        "Answers the template declares good practice or a concern, per question",
        headers,
        tuple(rows),
        True,
    )


def basis_words(group: GradeDistribution, suppress: bool) -> str:
    """What a judgement distribution counted: ``self-assessed``, or ``moderated where recorded
    (2 moderated)`` (the number of moderated ratings, suppressed like any count), or ``as
    answered`` for graded answers."""
    if not group.basis:
        return "as answered"
    if group.basis != MODERATED_WHERE_RECORDED:
        return group.basis
    return f"{group.basis} ({shown_n(group.moderated, suppress)} moderated)"


def _grade_rows(scope: str, groups: Sequence[GradeDistribution], suppress: bool) -> list[tuple[CellValue, ...]]:
    rows: list[tuple[CellValue, ...]] = []
    for g in groups:
        if not g.n:
            continue  # nothing judged on it among these returns
        counts: Sequence[Count] = g.counts
        mask = _counted([c.count for c in counts], suppress)
        basis = basis_words(g, suppress)
        for c, hidden in zip(counts, mask, strict=True):
            rows.append(
                (scope, g.template_id, g.title, c.code, c.label, shown(c.count, hidden),
                 shown_n(g.n, suppress), _pct(c.count, g.n, hidden), basis)
            )  # fmt: skip
    return rows


def judgements_table(analysis: Analysis, *, suppress: bool = True) -> Table:
    headers = ("Scope", "Template id", "About", "Level code", "Level", "Count", "n", "%", "Ratings counted")
    rows = [
        *_grade_rows("Overall judgement", analysis.overall, suppress),
        *_grade_rows("Section judgement", analysis.sections, suppress),
        *_grade_rows("Overall judgement by agency", analysis.agency_overall, suppress),
        *_grade_rows("Graded answers by agency", analysis.agency_grades, suppress),
    ]
    return Table(JUDGEMENTS, "Judgements and graded answers: count, n and percentage of n", headers, tuple(rows), True)


def s11_table(analysis: Analysis) -> Table:
    """One row per organisation and round: whether it was moderated, the round its changes are
    measured from, then per standard (and overall) the self-rating, the moderated rating and the
    change since the previous round. The change compares the moderated rating where there is
    one, else the self-rating, in both rounds."""
    matrix = analysis.s11
    headers = ["Organisation", "Round", "Report id", "Moderation", "Previous round"]
    for _, title in (*matrix.standards, ("overall", "Overall")):
        headers += [f"{title}: self-rating", f"{title}: moderated", f"{title}: change since previous round"]
    rows = []
    for row in matrix.rows:
        values: list[CellValue] = [row.organisation, row.round, row.report_id, row.moderation, row.previous_round]
        for cell in (*row.cells, row.overall):
            values += [cell.self_label, cell.moderated_label, cell.change_text]
        rows.append(tuple(values))
    return Table(
        S11,
        "Section 11: each organisation's self-rating, moderated rating (newest moderation record) and change "
        "since its previous round per standard (moderated rating where recorded, else self-rating)",
        tuple(headers),
        tuple(rows),
        colours=tuple((label, colour) for _, label, colour in matrix.levels if colour),
    )


def findings_table(analysis: Analysis, *, case_references: bool = False) -> Table:
    headers = ["Section", "Theme", "Question", "Agency", "Finding", "Report id"]
    if case_references:
        headers.append("Case reference")
    rows = []
    for f in analysis.findings:
        row: list[CellValue] = [f.section, f.theme, f.question, f.agency, f.text, f.report_id]
        if case_references:
            row.append(f.case_reference)
        rows.append(tuple(row))
    return Table(FINDINGS, "Findings by section and theme", tuple(headers), tuple(rows))


def actions_table(analysis: Analysis, *, case_references: bool = False) -> Table:
    headers = [
        "Action",
        "Measure of success",
        "Owner",
        "Due",
        "Status",
        "Overdue",
        "Agency",
        "Answers",
        "Source return",
        "Action number",
        "Status from",
        "Latest update",
    ]
    if case_references:
        headers.append("Case reference")
    rows = []
    for a in analysis.actions:
        row: list[CellValue] = [
            a.action,
            a.measure,
            a.owner,
            _date(a.due),
            a.status,
            _yes(a.overdue),
            a.agency,
            a.section,
            a.report_id,
            a.index + 1,
            a.status_from,
            a.update_note,
        ]
        if case_references:
            row.append(a.case_reference)
        rows.append(tuple(row))
    return Table(
        ACTIONS,
        "Action register across the returns: the latest status from progress updates, else the return's own",
        tuple(headers),
        tuple(rows),
    )


POLARITY_ANSWERS = ("Good practice", "Concern")


def comparison_mask(rows: Sequence[ComparisonRow], suppress: bool = True) -> list[tuple[bool, bool]]:
    """Which counts of comparison `rows` to hide, (group A, group B) per row: within each group,
    every distribution (one question's answers, one overall judgement's levels, or a question's
    good practice and concern with the rest of its n) is suppressed as a whole, with
    complementary suppression (`suppressed_mask`), so no hidden count can be worked out."""
    hidden = [[False, False] for _ in rows]
    if not suppress:
        return [(False, False) for _ in rows]
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, r in enumerate(rows):
        groups.setdefault((r.what, r.answer in POLARITY_ANSWERS), []).append(index)
    for (_what, polarity), indexes in groups.items():
        for side in (0, 1):
            counts = [rows[i].a_count if side == 0 else rows[i].b_count for i in indexes]
            n = rows[indexes[0]].a_n if side == 0 else rows[indexes[0]].b_n
            mask = suppressed_mask([*counts, max(0, n - sum(counts))] if polarity else counts)
            for i, flag in zip(indexes, mask, strict=False):
                hidden[i][side] = flag
    return [(a, b) for a, b in hidden]


def comparison_table(comparison: Comparison, *, suppress: bool = True) -> Table:
    a, b = comparison.a, comparison.b
    headers = (
        "Question or judgement",
        "Answer",
        f"{a}: count",
        f"{a}: n",
        f"{a}: %",
        f"{b}: count",
        f"{b}: n",
        f"{b}: %",
        "Difference (points)",
    )
    rows = []
    for r, (a_hidden, b_hidden) in zip(comparison.rows, comparison_mask(comparison.rows, suppress), strict=True):
        small_n = suppress and (0 < r.a_n < 5 or 0 < r.b_n < 5)
        rows.append(
            (r.what, r.answer, shown(r.a_count, a_hidden), shown_n(r.a_n, suppress), _pct(r.a_count, r.a_n, a_hidden),
             shown(r.b_count, b_hidden), shown_n(r.b_n, suppress), _pct(r.b_count, r.b_n, b_hidden),
             SUPPRESSED if (a_hidden or b_hidden or small_n) else r.difference)
        )  # fmt: skip
    title = f"{comparison.dimension.capitalize()} {a} ({comparison.a_returns} returns) against {b} ({comparison.b_returns} returns)"
    return Table(COMPARISON, title, headers, tuple(rows), True)


def analysis_tables(
    analysis: Analysis,
    *,
    suppress: bool = True,
    case_references: bool = False,
    comparison: Comparison | None = None,
) -> list[Table]:
    """Every table, in the order the XLSX workbook holds them."""
    tables = [
        returns_table(analysis, case_references=case_references),
        answers_table(analysis),
        codebook_table(analysis),
        questions_table(analysis, suppress=suppress),
        polarity_table(analysis, suppress=suppress),
        judgements_table(analysis, suppress=suppress),
        s11_table(analysis),
        findings_table(analysis, case_references=case_references),
        actions_table(analysis, case_references=case_references),
    ]
    if comparison is not None:
        tables.append(comparison_table(comparison, suppress=suppress))
    return tables
