"""The aggregate partnership report as one signed PDF (issue 16), in the case reports' house style.

A4 portrait with the protective marking chosen for this export at the top and bottom of every
page, the report id and "Page X of Y", DejaVu Sans embedded, headings as PDF bookmarks and tables
with repeated header rows (`layout`). Each chart is reportlab graphics (`charts.bar_chart_drawings`)
with a value label on every bar, followed by its table: the chart's text equivalent, in the page
text. The Section 11 matrix is shaded in each rating's colour and says the rating in words.

Signed with the same PAdES code as a report (`signing.sign_report`: a certification signature by
the QA identity and an empty countersignature field), so `lscp-audit verify` and `pdfsig` check
it like any report. It carries no report data attachment: it is not a return.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import landscape
from reportlab.platypus import (
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.reports.aggregate_content import AggregateReport, Part, TextTable
from lscp_audit.reports.charts import bar_chart_drawings
from lscp_audit.reports.layout.flow import SignatureSlot, grid_table, heading, kept_with_start, key_value_table, para
from lscp_audit.reports.layout.page_template import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_SIZE,
    ReportDocTemplate,
    TotalPagesCanvas,
)
from lscp_audit.reports.layout.styles import rgb, styles, text
from lscp_audit.reports.narrative import handling_line
from lscp_audit.reports.signing import SignerIdentity, identity_stamp, sign_for_qa_subgroup
from lscp_audit.reports.stamp import StampText

REASON = "Prepared for the partnership from the QA inbox's trusted returns"
HEADER = "LSCP partnership analysis"
WIDE = "wide"  # the landscape page template (the Section 11 matrix)


@dataclass(frozen=True)
class AggregatePdf:
    pdf: bytes
    page_count: int
    report_id: str


def _compact_styles() -> dict[str, Any]:
    base = styles()
    return {
        "question": base["question"].clone("compact_question", fontSize=7.5, leading=9.5),
        "cell": base["cell"].clone("compact_cell", fontSize=7.5, leading=9.5),
        "cell_head": base["cell_head"].clone("compact_head", fontSize=7.5, leading=9.5),
    }


def _table(table: TextTable, width: float) -> Any:
    shares = table.widths or tuple(1 / len(table.headers) for _ in table.headers)
    compact = _compact_styles() if table.compact else None

    def cell(value: str, style: str) -> Any:
        return Paragraph(text(value), compact[style]) if compact is not None else para(value, style)

    rows = [
        [cell(value, "question" if table.row_headers and index == 0 else "cell") for index, value in enumerate(row)]
        for row in table.rows
    ]
    head = compact["cell_head"] if compact is not None else None
    built = grid_table(list(table.short_headers or table.headers), rows, [width * s for s in shares], head_style=head)
    commands: list[Any] = []
    if compact is not None:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    for r, fills in enumerate(table.fills):
        for c, fill in enumerate(fills):
            if fill is not None:
                commands.append(("BACKGROUND", (c, r + 1), (c, r + 1), rgb(fill)))
    if commands:
        built.setStyle(commands)
    return built


def _lead(part: Part) -> list[Any]:
    return [heading(part.title, 0 if part.level == 1 else 1), *[para(p) for p in part.paragraphs]]


def _part(part: Part, width: float, before: list[Any]) -> list[Any]:
    """A part's flowables; `before` (the lead of a part that is only a heading and text) is kept
    with this part's start, so no heading is left at the foot of a page."""
    lead: list[Any] = [*before, *_lead(part)]
    flow: list[Any] = []
    if part.chart is not None:
        drawings = bar_chart_drawings(part.chart, width)
        if drawings:
            caption = para(f"Chart: {part.chart.title}. {part.chart.description}", "small")
            first = KeepTogether([caption, Spacer(1, 3), drawings[0]])
            flow += [KeepTogether([*lead, first]), *drawings[1:], Spacer(1, 6)]
            lead = []
            if part.table is not None:
                flow.append(para("The chart's figures as a table:", "small"))
    if part.table is not None:
        table = _table(part.table, width)
        caption = para(part.table.caption, "intro")
        flow += kept_with_start([*lead, caption], [table])
        lead = []
    flow += [para(n, "small") for n in part.notes]
    return [*lead, *flow, Spacer(1, 8)]


def _cover(report: AggregateReport, width: float) -> list[Any]:
    title = Paragraph(text(report.title), styles()["title"])
    title.outline = ("Cover", 0)
    flow: list[Any] = [
        Spacer(1, 12),
        title,
        para(report.subtitle, "subtitle"),
        key_value_table(list(report.details), width),
        Spacer(1, 10),
        para(f"Protective marking: {report.marking.text}", "marking_left"),
        para(handling_line(report.marking.text), "handling"),
        Spacer(1, 10),
        heading("About this report", 1),
    ]
    for line in report.summary:
        flow += [para(line), Spacer(1, 4)]
    return flow


def _add_landscape(doc: ReportDocTemplate) -> float:
    """A landscape page template (`WIDE`) beside the portrait one, with the same marking, header
    and footer; returns its text width."""
    page = landscape(PAGE_SIZE)
    width = page[0] - 2 * MARGIN_X
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, width, page[1] - MARGIN_TOP - MARGIN_BOTTOM, id="wide")
    doc.addPageTemplates([PageTemplate(id=WIDE, frames=[frame], onPage=doc._decorate, pagesize=page)])
    return float(width)


def build_aggregate_pdf(
    report: AggregateReport,
    *,
    stamp: StampText | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> tuple[bytes, int, dict[str, Any]]:
    """The unsigned report: (PDF bytes, page count, signature box placement)."""
    buf = io.BytesIO()
    doc = ReportDocTemplate(
        buf,
        marking=report.marking.text,
        report_id=report.report_id,
        title=report.title,
        subject="Partnership analysis of trusted audit returns",
        header=HEADER,
        id_label="Report",
    )
    width = doc.width
    wide_width = _add_landscape(doc)
    placement: dict[str, Any] = {}
    story: list[Any] = [*_cover(report, width), CondPageBreak(300)]
    pending: list[Any] = []
    wide = False
    for index, part in enumerate(report.parts):
        if index % 4 == 0:
            check(cancel)
            progress(10 + int(40 * index / max(1, len(report.parts))), "Laying out the report")
        if part.landscape != wide:  # a wide table gets landscape pages of its own
            wide = part.landscape
            story += [NextPageTemplate(WIDE if wide else "page"), PageBreak()]
            width = wide_width if wide else doc.width
        elif part.level == 1 and not pending:
            story.append(CondPageBreak(160))
        if part.chart is None and part.table is None and index + 1 < len(report.parts):
            pending += _lead(part)  # only words: kept with the start of the next part
            continue
        story += _part(part, width, pending)
        pending = []
    if wide:
        story += [NextPageTemplate("page"), PageBreak()]
        width = doc.width
    prepared = stamp.name if stamp is not None else "the QA identity"
    story += [
        CondPageBreak(200),
        heading("Sign-off"),
        para(
            f"This report is signed digitally by {prepared} for the QA subgroup. The signature covers the whole "
            "document; any later change shows when the signature is checked (lscp-audit verify, or any PDF "
            "reader that checks signatures)."
        ),
        Spacer(1, 10),
        SignatureSlot(width, placement, stamp, ("Prepared for the QA subgroup by", "Countersignature (optional)")),
    ]
    check(cancel)
    progress(55, "Writing pages")
    doc.build(story, canvasmaker=TotalPagesCanvas)
    return buf.getvalue(), int(doc.page), placement


def signed_aggregate_pdf(
    report: AggregateReport,
    identity: SignerIdentity,
    *,
    signed_at: dt.datetime | None = None,
    location: str = "",
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> AggregatePdf:
    """Lay out `report` and sign it with `identity` (in memory)."""
    signed_at = signed_at or dt.datetime.now(dt.UTC)
    stamp = identity_stamp(identity, signed_at, REASON, location)
    pdf, pages, placement = build_aggregate_pdf(report, stamp=stamp, progress=progress, cancel=cancel)
    check(cancel)
    progress(75, "Signing")
    signed = sign_for_qa_subgroup(
        pdf, identity, placement, pages, report.marking, reason=REASON, location=location, signed_at=signed_at
    )
    progress(90, "Signed")
    return AggregatePdf(signed, pages, report.report_id)
