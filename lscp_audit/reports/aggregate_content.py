"""The aggregate partnership report's content, once, for both its PDF and its HTML version.

`aggregate_report` turns an `Analysis` (and any comparisons and breakdowns by round or locality)
into plain parts: headings, sentences, charts (`Chart`: groups of bars, each with its value
label) and text tables (`TextTable`). `aggregate_pdf` lays the parts out with reportlab and
`aggregate_html` writes them as accessible HTML, so both carry the same figures, worded alike.

Every figure comes from the analysis tables (`core.analysis_tables`) or the same counts and
suppression mask they use: with suppression on, a count from 1 to 4 (and its percentage) reads
"fewer than 5" and its bar is left out, and a second count is hidden where one hidden count
could be worked out from the others. Each chart's table is its text equivalent, printed on the
page beside it. Aggregate reports carry no free text from the returns (findings and actions are
counted, not quoted) and no case references.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from lscp_audit.core.analysis import (
    NOT_MODERATED,
    NOT_RATED,
    SUPPRESSED,
    TO_IMPROVE,
    WENT_WELL,
    Analysis,
    Comparison,
    GradeDistribution,
    QuestionDistribution,
    S11Cell,
    S11Matrix,
    shown_n,
    suppressed_mask,
)
from lscp_audit.core.analysis_charts import Bar, BarGroup, Chart, Colour, chart_sentences
from lscp_audit.core.analysis_tables import CellValue, comparison_mask, comparison_table, questions_table
from lscp_audit.core.report_data import ProtectiveMarking, format_date
from lscp_audit.reports.layout.styles import JUDGEMENT_COLOURS, judgement_colour

DOCUMENT_TITLE = "Partnership analysis report"
GOOD_COLOUR: Colour = (0.15, 0.47, 0.21)
CONCERN_COLOUR: Colour = (0.72, 0.12, 0.10)
#: The two groups of a comparison (both at least 4.5:1 against white; the group is named too).
GROUP_COLOURS: tuple[Colour, Colour] = ((0.12, 0.31, 0.55), (0.45, 0.22, 0.55))
TINT = 0.22  # share of a rating's colour in its Section 11 cell fill (text stays dark ink on it)


@dataclass(frozen=True)
class TextTable:
    """A table of text: `fills` gives an optional background colour per cell (the Section 11
    matrix), always beside the cell's own words."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_headers: bool = True
    widths: tuple[float, ...] = ()  # shares of the page width for the PDF (empty: equal)
    fills: tuple[tuple[Colour | None, ...], ...] = ()
    compact: bool = False  # many narrow columns: the PDF sets it in smaller type
    short_headers: tuple[str, ...] = ()  # the PDF's headers when the columns are too narrow for `headers`


@dataclass(frozen=True)
class Part:
    """A heading (`level` 1 is a part, 2 a sub-part) and what follows it, in order."""

    title: str
    level: int = 1
    paragraphs: tuple[str, ...] = ()
    chart: Chart | None = None
    table: TextTable | None = None
    notes: tuple[str, ...] = ()
    landscape: bool = False  # the PDF prints it on landscape pages (a wide table)


@dataclass(frozen=True)
class AggregateReport:
    title: str
    subtitle: str
    report_id: str
    marking: ProtectiveMarking
    details: tuple[tuple[str, str], ...]
    summary: tuple[str, ...]
    parts: tuple[Part, ...]
    generated_at: dt.datetime
    suppress: bool = True
    prepared_by: str = ""
    figures: Mapping[str, str] = field(default_factory=dict)  # for tests: a few headline figures


@dataclass(frozen=True)
class Breakdown:
    """The analysis of each group of one dimension (``round`` or ``locality``): (label, analysis)."""

    dimension: str
    groups: tuple[tuple[str, Analysis], ...]


# -- figures as text ---------------------------------------------------------------------------


def points_text(value: CellValue) -> str:
    """A difference in percentage points, signed (``+12.5 points``, ``−3.0 points``)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        sign = "+" if value > 0 else "−" if value < 0 else ""
        return f"{sign}{abs(value):.1f} points"
    return cell(value)


def percent_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def cell(value: CellValue) -> str:
    """A table value as the report prints it (dates `28 Nov 2026`, percentages `40.0%`)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value.isoformat())
    if isinstance(value, float):
        return percent_text(value)
    return str(value)


def n_text(n: int, suppress: bool) -> str:
    return f"n = {shown_n(n, suppress)}"


def value_text(count: int, n: int, hidden: bool, n_hidden: bool = False) -> str:
    """A bar's value label: ``12 of 30 (40.0%)``, or ``fewer than 5`` when hidden. When the n
    itself is hidden only a zero count can show, without its n (``0 (0.0%)``)."""
    if hidden:
        return SUPPRESSED
    share = f" ({100.0 * count / n:.1f}%)" if n else ""
    return f"{count}{share}" if n_hidden else f"{count} of {n}{share}"


def _mask(counts: Sequence[int], suppress: bool) -> list[bool]:
    return suppressed_mask(counts) if suppress else [False] * len(counts)


def _bar(label: str, count: int, n: int, hidden: bool, colour: Colour, n_hidden: bool = False) -> Bar:
    value = None if hidden or not n else round(100.0 * count / n, 1)
    return Bar(label, value, value_text(count, n, hidden, n_hidden), colour)


#: What a distribution whose n is under 5 shows (with suppression on): one line, no levels.
SMALL_GROUP = "fewer than 5 in all: not shown by level"


def report_id(analysis: Analysis, generated_at: dt.datetime) -> str:
    """``A-XXXX-XXXX``: names this report (its returns, filter and time), never a case."""
    basis = "|".join([analysis.filter.describe(), *(i.return_id for i in analysis.items), generated_at.isoformat()])
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest().upper()
    return f"A-{digest[:4]}-{digest[4:8]}"


def level_colours(analysis: Analysis) -> dict[str, Colour]:
    """Each judgement level's colour: the fixed ones for built-in codes, else the scale's own."""
    found: dict[str, Colour] = {}
    for item in analysis.items:
        for code, _label, colour in item.levels:
            if code not in found:
                levels = [{"code": code, "colour": colour}] if colour else None
                found[code] = judgement_colour(code, levels)
    return found


# -- parts ---------------------------------------------------------------------------------------


def _grade_chart(
    title: str,
    description: str,
    groups: Sequence[tuple[str, GradeDistribution]],
    colours: Mapping[str, Colour],
    suppress: bool,
) -> Chart:
    out = []
    for label, g in groups:
        if _small(g.n, suppress):
            out.append(BarGroup(f"{label} ({n_text(g.n, suppress)})", (Bar("All levels", None, SMALL_GROUP),)))
            continue
        mask = _mask([c.count for c in g.counts], suppress)
        bars = tuple(
            _bar(c.label, c.count, g.n, hidden, colours.get(c.code, judgement_colour(c.code)))
            for c, hidden in zip(g.counts, mask, strict=True)
        )
        out.append(BarGroup(f"{label} ({n_text(g.n, suppress)})", bars))
    return Chart(title, description, tuple(out))


def _grade_table(
    caption: str, first: str, groups: Sequence[tuple[str, GradeDistribution]], suppress: bool
) -> TextTable:
    rows = []
    for label, g in groups:
        if _small(g.n, suppress):
            rows.append((label, "All levels", SUPPRESSED, SUPPRESSED, SUPPRESSED))
            continue
        mask = _mask([c.count for c in g.counts], suppress)
        for c, hidden in zip(g.counts, mask, strict=True):
            count = SUPPRESSED if hidden else str(c.count)
            share = SUPPRESSED if hidden else percent_text(round(100.0 * c.count / g.n, 1) if g.n else None)
            rows.append((label, c.label, count, str(shown_n(g.n, suppress)), share))
    return TextTable(caption, (first, "Level", "Count", "n", "%"), tuple(rows), widths=(0.4, 0.24, 0.12, 0.12, 0.12))


def _template_titles(analysis: Analysis) -> dict[str, str]:
    return {i.template_id: i.template_title for i in analysis.items}


def overall_parts(analysis: Analysis, colours: Mapping[str, Colour], suppress: bool) -> list[Part]:
    groups = [(g.title, g) for g in analysis.overall if g.n]
    if not groups:
        return [Part("Overall judgements", paragraphs=("None of these returns has an overall judgement.",))]
    chart = _grade_chart(
        "Overall judgements by template",
        "For each template, the share of returns given each overall judgement, with the count and n.",
        groups,
        colours,
        suppress,
    )
    table = _grade_table("Overall judgements: count, n and percentage of n", "Template", groups, suppress)
    lead = (
        "Each return's overall judgement, counted within its template (each template has its own scale). "
        "Percentages are of the returns with a judgement (n).",
    )
    return [Part("Overall judgements", paragraphs=lead, chart=chart, table=table)]


def section_parts(analysis: Analysis, colours: Mapping[str, Colour], suppress: bool) -> list[Part]:
    titles = _template_titles(analysis)
    by_template: dict[str, list[tuple[str, GradeDistribution]]] = {}
    for g in analysis.sections:
        if g.n:
            by_template.setdefault(g.template_id, []).append((g.title, g))
    if not by_template:
        return []
    parts = [
        Part(
            "Section judgements",
            paragraphs=(
                "The judgement of each section (in a per-agency section, each agency's judgement counts once), "
                "as the share of the section's judgements (n).",
            ),
        )
    ]
    for template_id, groups in by_template.items():
        name = titles.get(template_id, template_id)
        chart = _grade_chart(
            f"Section judgements: {name}",
            f"For each section of {name}, the share of judgements at each level, with the count and n.",
            groups,
            colours,
            suppress,
        )
        table = _grade_table(f"Section judgements: {name}", "Section", groups, suppress)
        parts.append(Part(name, level=2, chart=chart, table=table))
    return parts


def agency_parts(analysis: Analysis, suppress: bool) -> list[Part]:
    groups = [(f"{g.title} ({g.template_id})", g) for g in analysis.agency_overall if g.n]
    if not groups:
        return []
    table = _grade_table("Overall judgements by agency", "Agency (template)", groups, suppress)
    return [
        Part(
            "Overall judgements by agency",
            paragraphs=("Each agency's returns by overall judgement, within each template.",),
            table=table,
        )
    ]


def _polarity_counts(q: QuestionDistribution, suppress: bool) -> tuple[bool, bool]:
    good, concern = q.good or 0, q.concern or 0
    good_hidden, concern_hidden, _ = _mask([good, concern, q.n - good - concern], suppress)
    return good_hidden, concern_hidden


def polarity_parts(analysis: Analysis, suppress: bool) -> list[Part]:
    titles = _template_titles(analysis)
    by_template: dict[str, list[QuestionDistribution]] = {}
    for q in analysis.questions:
        if q.good is not None and q.concern is not None and q.n:
            by_template.setdefault(q.template_id, []).append(q)
    lead = (
        "Only questions whose template declares which answers are good practice and which are a concern are "
        "shown: the report never guesses that “Yes” is good. Percentages are of the answers given (n); "
        "not applicable and unanswered questions are left out of n.",
    )
    if not by_template:
        return [Part("Good practice by question", paragraphs=(*lead, "No question here has a declared polarity."))]
    parts = [Part("Good practice by question", paragraphs=lead)]
    for template_id, questions in by_template.items():
        name = titles.get(template_id, template_id)
        groups = []
        rows = []
        for q in questions:
            good_hidden, concern_hidden = _polarity_counts(q, suppress)
            good, concern = q.good or 0, q.concern or 0
            groups.append(
                BarGroup(
                    f"{q.label} ({n_text(q.n, suppress)})",
                    (
                        _bar("Good practice", good, q.n, good_hidden, GOOD_COLOUR, _small(q.n, suppress)),
                        _bar("Concern", concern, q.n, concern_hidden, CONCERN_COLOUR, _small(q.n, suppress)),
                    ),
                )
            )
            rows.append(
                (
                    q.label,
                    str(shown_n(q.n, suppress)),
                    SUPPRESSED if good_hidden else str(good),
                    SUPPRESSED if good_hidden else percent_text(q.good_percent),
                    SUPPRESSED if concern_hidden else str(concern),
                    SUPPRESSED if concern_hidden else percent_text(q.concern_percent),
                )
            )
        chart = Chart(
            f"Good practice and concern: {name}",
            f"For each question of {name} with a declared polarity, the share of answers that are good practice "
            "and the share that are a concern, with the count and n.",
            tuple(groups),
        )
        table = TextTable(
            f"Good practice and concern: {name}",
            ("Question", "n", "Good practice", "% good practice", "Concern", "% concern"),
            tuple(rows),
            widths=(0.4, 0.1, 0.13, 0.13, 0.11, 0.13),
        )
        parts.append(Part(name, level=2, chart=chart, table=table))
    return parts


def breakdown_parts(breakdown: Breakdown, colours: Mapping[str, Colour], suppress: bool) -> list[Part]:
    """Overall judgements of each round (or locality) side by side, per template, with n."""
    what = "round" if breakdown.dimension == "round" else "locality"
    groups = [(label, a) for label, a in breakdown.groups if a.n_returns]
    if len(groups) < 2:
        return []
    title = "By round" if what == "round" else "By locality"
    parts = [
        Part(
            title,
            paragraphs=(
                f"The overall judgements of each {what}'s returns side by side, within each template. Groups "
                "differ in size: read each percentage with its n. No test of significance is made.",
            ),
        )
    ]
    templates: dict[str, str] = {}
    for _label, a in groups:
        templates.update(_template_titles(a))
    for template_id, name in templates.items():
        chosen = []
        for label, a in groups:
            g = next((g for g in a.overall if g.template_id == template_id and g.n), None)
            if g is not None:
                chosen.append((label, g))
        if len(chosen) < 2:
            continue
        chart = _grade_chart(
            f"Overall judgements by {what}: {name}",
            f"For each {what}, the share of its {name} returns given each overall judgement, with the count and n.",
            chosen,
            colours,
            suppress,
        )
        table = _grade_table(f"Overall judgements by {what}: {name}", what.capitalize(), chosen, suppress)
        parts.append(Part(name, level=2, chart=chart, table=table))
    return parts if len(parts) > 1 else []


def group_names(analysis: Analysis) -> dict[str, str]:
    """What people call each round and locality the returns name (by id, title or code)."""
    names: dict[str, str] = {}
    for item in analysis.items:
        info = item.round
        for key in (info.id, info.title):
            if key:
                names.setdefault(key, info.label)
        if info.locality:
            names.setdefault(info.locality, info.locality_name)
    return names


def comparison_parts(comparison: Comparison, suppress: bool, names: Mapping[str, str] | None = None) -> list[Part]:
    """Two groups side by side: good practice (and overall judgement levels) as paired bars, and
    their table as text. `names` gives each group's name as people read it (a round's title)."""
    a, b = ((names or {}).get(v, v) for v in (comparison.a, comparison.b))
    dimension = "rounds" if comparison.dimension == "round" else "localities"
    groups = []
    charted = [
        r
        for r in comparison.rows
        if (r.a_n or r.b_n) and (r.answer in ("Good practice", "Concern") or r.what.startswith("Overall judgement"))
    ]
    for r, (a_hidden, b_hidden) in zip(charted, comparison_mask(charted, suppress), strict=True):
        if r.answer == "Concern":
            continue
        label = r.what if r.answer == "Good practice" else f"{r.what}: {r.answer}"
        suffix = " (% good practice)" if r.answer == "Good practice" else ""
        groups.append(
            BarGroup(
                label + suffix,
                (
                    _bar(
                        f"{a} ({n_text(r.a_n, suppress)})",
                        r.a_count,
                        r.a_n,
                        a_hidden,
                        GROUP_COLOURS[0],
                        _small(r.a_n, suppress),
                    ),
                    _bar(
                        f"{b} ({n_text(r.b_n, suppress)})",
                        r.b_count,
                        r.b_n,
                        b_hidden,
                        GROUP_COLOURS[1],
                        _small(r.b_n, suppress),
                    ),
                ),
            )
        )
    table = comparison_table(replace(comparison, rows=tuple(charted)), suppress=suppress)
    rows = tuple((*(cell(v) for v in row[:-1]), points_text(row[-1])) for row in table.rows)
    headers = (
        "Question or judgement",
        "Answer",
        "A: count",
        "A: n",
        "A: %",
        "B: count",
        "B: n",
        "B: %",
        "Difference (B minus A)",
    )
    text_table = TextTable(
        f"A is {a} ({comparison.a_returns} returns), B is {b} ({comparison.b_returns} returns)",
        headers,
        rows,
        widths=(0.3, 0.14, 0.07, 0.07, 0.08, 0.07, 0.07, 0.08, 0.12),
    )
    title = f"Comparison of {dimension}: {a} and {b}"
    lead = (
        f"{a}: {comparison.a_returns} return(s); {b}: {comparison.b_returns} return(s). Each percentage is of its "
        "own group's n; the difference is in percentage points (B minus A). The figures describe these returns: "
        "no test of significance is made, and small groups move a lot. Every answer's comparison is in the "
        "analysis workbook (XLSX).",
    )
    chart = None
    if groups:
        chart = Chart(
            title,
            f"For each question with a declared polarity, the share of good practice answers in {a} and in {b}, "
            "and each overall judgement level's share, with the count and n of each group.",
            tuple(groups),
        )
    return [Part(title, paragraphs=lead, chart=chart, table=text_table)]


def _small(n: int, suppress: bool) -> bool:
    return suppress and 0 < n < 5


def _s11_fill(colour_hex: str) -> Colour | None:
    if len(colour_hex) == 7 and colour_hex.startswith("#"):
        try:
            base = tuple(int(colour_hex[i : i + 2], 16) / 255 for i in (1, 3, 5))
        except ValueError:
            return None
        return tuple(1 - TINT * (1 - v) for v in base)  # type: ignore[return-value]
    return None


def short_standard(title: str) -> str:
    """ "Standard 1: Senior management commitment" -> "Standard 1" for a column heading."""
    head, sep, _rest = title.partition(":")
    return head.strip() if sep and len(head) <= 24 else title


def s11_cell_text(cell: S11Cell) -> str:
    """A standard's rating as the matrix prints it: the self-rating, the moderated rating when a
    moderation record changed it, and the change since the previous round."""
    text = cell.self_label or NOT_RATED
    if cell.moderated_label and cell.moderated_code != cell.self_code:
        text += f"; moderated: {cell.moderated_label}"
    if cell.change_text:
        text += f"; {cell.change_text}"
    return text


def s11_parts(matrix: S11Matrix) -> list[Part]:
    if not matrix.rows:
        return []
    fills_by_code = {code: _s11_fill(colour) for code, _label, colour in matrix.levels}
    for code, colour in JUDGEMENT_COLOURS.items():
        fills_by_code.setdefault(code, tuple(1 - TINT * (1 - v) for v in colour))  # type: ignore[arg-type]
    headers = [
        "Organisation",
        "Round",
        "Moderation",
        *[short_standard(t) for _, t in matrix.standards],
        "Overall",
    ]
    rows = []
    fills = []
    compared = False
    for row in matrix.rows:
        round_text = row.round or "Not named"
        if row.previous_round:
            compared = True
            round_text += f" (change since {row.previous_round})"
        cells = [row.organisation, round_text, row.moderation or NOT_MODERATED]
        fill: list[Colour | None] = [None, None, None]
        for c in (*row.cells, row.overall):
            cells.append(s11_cell_text(c))
            code = c.used_code
            fill.append(fills_by_code.get(code) if code else None)
        rows.append(tuple(cells))
        fills.append(tuple(fill))
    count = len(matrix.standards) + 1
    widths = (0.11, 0.1, 0.09, *([0.70 / count] * count))
    table = TextTable(
        "Section 11: each organisation's rating per standard (self-rating, moderated rating where a moderation "
        "record changed it, change since the previous round)",
        tuple(headers),
        tuple(rows),
        widths=widths,
        fills=tuple(fills),
        compact=True,
        short_headers=tuple(h.replace("Standard ", "Std ") for h in headers),
    )
    key = TextTable(
        "The standards",
        ("Column", "Standard"),
        tuple((short_standard(t), t) for _, t in matrix.standards),
        widths=(0.25, 0.75),
    )
    levels = ", ".join(label for _, label, _ in matrix.levels) or "the scale's levels"
    lead = [
        f"Each cell gives the rating in words ({levels}, or “{NOT_RATED}”) and is shaded in the colour of the "
        "rating that counts: the moderated rating where the newest moderation record gives one, else the "
        "self-rating. A moderated rating that differs from the self-rating follows it; the Moderation column "
        "says whether and when each return was moderated.",
    ]
    if compared:
        lead.append(
            "The change since the previous round compares the rating that counts with the same organisation's "
            "return in its previous round: ↑ improved, ↓ declined, = the same, ≠ changed (no order), "
            "+ newly rated, − no longer rated."
        )
    if matrix.moderated_rows == 0:
        lead.append("None of these returns has been moderated yet, so the ratings are the self-ratings.")
    return [
        Part("Section 11 matrix", paragraphs=tuple(lead), table=table, landscape=True),
        Part("Section 11 standards", level=2, table=key, landscape=True),
    ]


def findings_parts(analysis: Analysis, suppress: bool) -> list[Part]:
    if not analysis.findings:
        return []
    counts = Counter((f.section, f.theme) for f in analysis.findings)
    sections = list(dict.fromkeys(f.section for f in analysis.findings))
    themes = [WENT_WELL, TO_IMPROVE, *sorted({t for _, t in counts} - {WENT_WELL, TO_IMPROVE})]
    rows = []
    for section in sections:
        values = [counts.get((section, t), 0) for t in themes]
        mask = _mask(values, suppress)
        rows.append((section, *[SUPPRESSED if h else str(v) for v, h in zip(values, mask, strict=True)]))
    table = TextTable(
        "Findings recorded, by section and theme",
        ("Section", *themes),
        tuple(rows),
        widths=(0.4, *([0.6 / len(themes)] * len(themes))),
    )
    lead = (
        "How many findings the returns record in each section, by theme. The findings' own words are not "
        "printed in this aggregate report; the QA subgroup reads them in the analysis workbook (XLSX).",
    )
    return [Part("Findings by section and theme", paragraphs=lead, table=table)]


def _small_text(count: int, suppress: bool) -> str:
    return SUPPRESSED if suppress and 0 < count < 5 else str(count)


def action_parts(analysis: Analysis, suppress: bool) -> list[Part]:
    """The action register counted by agency and latest status (from the newest progress update
    the QA subgroup recorded, else the return), with the overdue and the updated ones."""
    if not analysis.actions:
        return []
    statuses = list(dict.fromkeys(a.status for a in analysis.actions))
    by_agency: dict[str, Counter[str]] = {}
    for a in analysis.actions:
        tally = by_agency.setdefault(a.agency, Counter())
        tally[a.status] += 1
        tally["__overdue"] += int(a.overdue)
        tally["__updated"] += int(a.updates > 0)
    rows = []
    for agency in sorted(by_agency, key=str.casefold):
        tally = by_agency[agency]
        values = [tally[s] for s in statuses]
        mask = _mask(values, suppress)
        rows.append(
            (
                agency,
                *[SUPPRESSED if h else str(v) for v, h in zip(values, mask, strict=True)],
                str(shown_n(sum(values), suppress)),
                _small_text(tally["__overdue"], suppress),
                _small_text(tally["__updated"], suppress),
            )
        )
    overdue_all = sum(a.overdue for a in analysis.actions)
    updated_all = sum(a.updates > 0 for a in analysis.actions)
    table = TextTable(
        "Actions by agency and latest status",
        ("Agency", *statuses, "All actions", "Overdue", "With progress updates"),
        tuple(rows),
        widths=(0.26, *([0.44 / len(statuses)] * len(statuses)), 0.1, 0.1, 0.1),
    )
    lead = (
        f"{shown_n(len(analysis.actions), suppress)} action(s) across these returns; overdue (due before the "
        f"report's date and not complete): {_small_text(overdue_all, suppress)}; with progress updates recorded "
        f"by the QA subgroup: {_small_text(updated_all, suppress)}. Each status is the latest: from the newest "
        "progress update where there is one, else as the return gave it. The register itself (each action, "
        "owner, due date and update) is in the analysis workbook (XLSX).",
    )
    return [Part("Action register", paragraphs=lead, table=table)]


def answers_parts(analysis: Analysis, suppress: bool) -> list[Part]:
    table = questions_table(analysis, suppress=suppress)
    by_template: dict[str, list[tuple[str, ...]]] = {}
    for r in table.rows:
        if r[7] == 0:
            continue  # an answer nobody gave
        by_template.setdefault(str(r[0]), []).append(
            (cell(r[3]), cell(r[1]), cell(r[5]), cell(r[7]), cell(r[8]), cell(r[9]))
        )
    if not by_template:
        return []
    titles = _template_titles(analysis)
    lead = (
        "Every answer given to every choice, grade and yes/no question, with its count and the percentage of "
        "the answers given (n); answers nobody gave are left out. For a question allowing several answers the "
        "percentages can add up to more than 100.",
    )
    parts = [Part("Appendix: answers to each question", paragraphs=lead)]
    for template_id, rows in by_template.items():
        name = titles.get(template_id, template_id)
        text_table = TextTable(
            f"Answers to each question: {name}",
            ("Question", "Section", "Answer", "Count", "n", "%"),
            tuple(rows),
            widths=(0.4, 0.2, 0.16, 0.08, 0.08, 0.08),
        )
        parts.append(Part(name, level=2, table=text_table))
    return parts


def returns_parts(analysis: Analysis) -> list[Part]:
    """Every return counted, with its case reference (only when asked for)."""
    rows = tuple(
        (
            r.report_id,
            r.case_reference or "Not given",
            r.template_title,
            r.agency,
            r.round_title or r.round_id,
            format_date(r.signed_date),
        )  # noqa: E501
        for r in analysis.returns
    )
    table = TextTable(
        "The returns counted, with their case references",
        ("Report id", "Case reference", "Template", "Agency", "Round", "Signed"),
        rows,
        widths=(0.14, 0.16, 0.3, 0.16, 0.14, 0.1),
    )
    lead = ("Asked for when the report was made: for the QA subgroup's own use only. Do not publish it.",)
    return [Part("Appendix: the returns counted, with case references", paragraphs=lead, table=table)]


# -- the report ---------------------------------------------------------------------------------


def aggregate_report(
    analysis: Analysis,
    *,
    marking: ProtectiveMarking,
    generated_at: dt.datetime,
    prepared_by: str = "",
    partnership: str = "",
    suppress: bool = True,
    comparisons: Sequence[Comparison] = (),
    breakdowns: Sequence[Breakdown] = (),
    case_references: bool = False,
) -> AggregateReport:
    """Everything the aggregate report says, in reading order. With `case_references` (asked for
    explicitly, for the QA subgroup's own use) an appendix lists the returns counted with them."""
    colours = level_colours(analysis)
    templates = sorted({i.template_title for i in analysis.items}, key=str.casefold)
    dates = sorted(i.signed_date for i in analysis.items if i.signed_date)
    period = f"{format_date(dates[0])} to {format_date(dates[-1])}" if dates else "No signed returns"
    ident = report_id(analysis, generated_at)
    details = [
        ("Returns counted", str(analysis.n_returns)),
        ("Which returns", analysis.filter.describe()),
        ("Templates", ", ".join(templates) or "None"),
        ("Signed", period),
        ("Prepared", format_date(generated_at.isoformat())),
    ]
    if prepared_by:
        details.append(("Prepared by", prepared_by))
    details.append(("Report id", ident))
    suppression = (
        "Counts from 1 to 4 are shown as “fewer than 5” (with their percentages), and where one hidden count "
        "could be worked out from the others a second one is hidden too. Zero is shown."
        if suppress
        else "Small-number suppression is OFF: counts under 5 are shown. This report is for internal use only."
    )
    summary = [
        f"This report describes {analysis.n_returns} trusted return(s) to the partnership's audits: "
        f"{analysis.filter.describe().lower() if analysis.filter.describe() != 'All trusted returns' else 'all trusted returns'}. "  # noqa: E501
        "Only returns whose signatures the partnership trusts count, and only the latest revision of each audit.",
        suppression,
        "Case references are included in the last appendix, for the QA subgroup's own use: do not publish this report."
        if case_references
        else "Case references and the returns' own words are not included.",
        *analysis.notes,
    ]
    parts: list[Part] = []
    parts += overall_parts(analysis, colours, suppress)
    parts += polarity_parts(analysis, suppress)
    parts += section_parts(analysis, colours, suppress)
    names = group_names(analysis)
    for comparison in comparisons:
        parts += comparison_parts(comparison, suppress, names)
    for breakdown in breakdowns:
        parts += breakdown_parts(breakdown, colours, suppress)
    parts += agency_parts(analysis, suppress)
    parts += s11_parts(analysis.s11)
    parts += findings_parts(analysis, suppress)
    parts += action_parts(analysis, suppress)
    parts += answers_parts(analysis, suppress)
    if case_references:
        parts += returns_parts(analysis)
    subtitle = "What the returns say, across agencies, localities and rounds"
    if partnership:
        subtitle = f"{partnership}: {subtitle[0].lower()}{subtitle[1:]}"
    return AggregateReport(
        title=DOCUMENT_TITLE,
        subtitle=subtitle,
        report_id=ident,
        marking=marking,
        details=tuple(details),
        summary=tuple(summary),
        parts=tuple(parts),
        generated_at=generated_at,
        suppress=suppress,
        prepared_by=prepared_by,
        figures={"returns": str(analysis.n_returns)},
    )


def analysis_charts(
    analysis: Analysis, *, suppress: bool = True, comparisons: Sequence[Comparison] = ()
) -> list[Chart]:
    """The charts the app shows for `analysis`: overall judgements, good practice per template
    and each comparison, as in the aggregate report (same figures, same suppression)."""
    colours = level_colours(analysis)
    parts = [*overall_parts(analysis, colours, suppress), *polarity_parts(analysis, suppress)]
    names = group_names(analysis)
    for comparison in comparisons:
        parts += comparison_parts(comparison, suppress, names)
    return [p.chart for p in parts if p.chart is not None and p.chart.groups]


__all__ = [
    "AggregateReport",
    "Bar",
    "BarGroup",
    "Breakdown",
    "Chart",
    "Part",
    "TextTable",
    "aggregate_report",
    "analysis_charts",
    "chart_sentences",
]
