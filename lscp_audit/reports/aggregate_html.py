"""The aggregate partnership report as accessible HTML (WCAG 2.2 AA), from the same content as the PDF.

Partnership annual reports are published by public bodies, so this version is one self-contained
page: ``lang="en-GB"``, header, main and footer landmarks, one ``h1``, an ``h2`` per part and
``h3`` per sub-part, tables with a ``caption`` and ``th scope``, and each chart as inline SVG
(``role="img"`` named by its ``title`` and described by its ``desc``) followed by its table,
the chart's text equivalent. Colours meet AA contrast (text 4.5:1 against its background, bars
3:1 against white) and colour is never the only sign: each bar has its value label and each
Section 11 cell its rating in words. No scripts, images or external resources.

It is not signed: it says so and names the signed PDF of the same report.
"""

from __future__ import annotations

from html import escape

from lscp_audit.reports.aggregate_content import AggregateReport, Chart, Part, TextTable, chart_sentences
from lscp_audit.reports.html_page import html_document
from lscp_audit.reports.layout.styles import hex_colour
from lscp_audit.reports.narrative import handling_line

_CSS = """
table { margin-bottom: 1.2rem; }
figure { margin: 0.5rem 0; }
figcaption { font-weight: bold; }
svg { max-width: 100%; height: auto; }
.note { color: #595966; font-size: 0.9rem; }
"""

INK = "#1a1a1f"
GRID = "#8a8f99"
CHART_WIDTH = 860
LABEL_WIDTH = 270
VALUE_WIDTH = 190
ROW = 22
GROUP_LABEL = 24


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _table(table: TextTable) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in table.headers)
    body = []
    for r, row in enumerate(table.rows):
        fills = table.fills[r] if r < len(table.fills) else ()
        cells = []
        for c, value in enumerate(row):
            fill = fills[c] if c < len(fills) else None
            style = f' style="background:{hex_colour(fill)}"' if fill is not None else ""
            tag = "th" if table.row_headers and c == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{style}>{_e(value)}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><caption>{_e(table.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _svg(chart: Chart, ident: str) -> str:
    """The chart as inline SVG: a group label line, then one row per bar (its name, the bar on a
    0-100% scale, its value label). Named by its title, described by its desc."""
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = sum(len(g.bars) for g in chart.groups)
    height = len(chart.groups) * GROUP_LABEL + rows * ROW + 24
    out = [
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, Verdana, sans-serif" font-size="14">',
        f'<title id="{ident}-t">{_e(chart.title)}</title>',
        f'<desc id="{ident}-d">{_e(chart.description + " " + " ".join(chart_sentences(chart)))}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + span * tick / 100
        out.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{INK}">{tick}%</text>')
    y = 0
    for group in chart.groups:
        y += GROUP_LABEL
        out.append(f'<text x="0" y="{y - 5}" font-weight="bold" fill="{INK}">{_e(group.label)}</text>')
        bottom = y + ROW * len(group.bars)
        for tick in (0, 25, 50, 75, 100):  # the scale beside the bars, never through a group's name
            x = LABEL_WIDTH + span * tick / 100
            dash = "" if tick == 0 else ' stroke-dasharray="2 3"'
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"{dash}/>')
        for bar in group.bars:
            length = span * (bar.value or 0) / 100 if bar.value is not None else 0
            out.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">{_e(bar.label)}</text>'
            )
            if length > 0:
                out.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}" '
                    f'fill="{hex_colour(bar.colour)}"/>'
                )
            out.append(
                f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 16}" font-weight="bold" fill="{INK}">'
                f"{_e(bar.text)}</text>"
            )
            y += ROW
    out.append("</svg>")
    return "".join(out)


def _part(part: Part, number: int) -> list[str]:
    tag = "h2" if part.level == 1 else "h3"
    out = [f"<{tag}>{_e(part.title)}</{tag}>"]
    out += [f"<p>{_e(p)}</p>" for p in part.paragraphs]
    if part.chart is not None and part.chart.groups:
        ident = f"chart-{number}"
        out.append(f'<figure aria-labelledby="{ident}-c">')
        out.append(f'<figcaption id="{ident}-c">Chart: {_e(part.chart.title)}</figcaption>')
        out.append(_svg(part.chart, ident))
        out.append("</figure>")
        if part.table is not None:
            out.append('<p class="note">The chart’s figures are in the table below.</p>')
        else:
            out += [f"<p>{_e(s)}</p>" for s in chart_sentences(part.chart)]
    if part.table is not None:
        out.append(_table(part.table))
    out += [f'<p class="note">{_e(n)}</p>' for n in part.notes]
    return out


def render_aggregate_html(report: AggregateReport, *, signed_pdf_name: str = "") -> str:
    """The report as one self-contained, accessible HTML document (UTF-8 text)."""
    details = TextTable("Report details", ("Detail", "Value"), report.details)
    parts = [
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="muted">{_e(report.subtitle)}</p>',
        _table(details),
        f"<p><strong>Handling:</strong> {_e(handling_line(report.marking.text))}</p>",
        "<h2>About this report</h2>",
        *[f"<p>{_e(line)}</p>" for line in report.summary],
    ]
    for number, part in enumerate(report.parts, start=1):
        parts += _part(part, number)
    return html_document(
        title=f"{report.title} {report.report_id}",
        marking=f"Protective marking: {report.marking.text}",
        content=parts,
        report_id=report.report_id,
        signed_pdf_name=signed_pdf_name,
        extra_css=_CSS,
    )
