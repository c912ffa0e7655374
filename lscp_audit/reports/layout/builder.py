"""Assemble the whole report PDF (unsigned) from the report data dict.

Returns the PDF bytes, the page count and where the signature boxes were reserved, so the
signer can place the visible stamp and the QA countersignature field there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.reports.layout import sections, summary
from lscp_audit.reports.layout.flow import SignatureSlot, heading, para
from lscp_audit.reports.layout.page_template import ReportDocTemplate

DOCUMENT_TITLE = "LSCP audit report"


@dataclass(frozen=True)
class BuiltReport:
    pdf: bytes
    page_count: int
    signature_page_index: int
    auditor_box: tuple[float, float, float, float]
    qa_box: tuple[float, float, float, float]


def _sign_off(data: dict[str, Any], width: float, placement: dict[str, Any]) -> list[Any]:
    return [
        CondPageBreak(170),
        heading("Sign-off"),
        para(
            "This report is signed digitally by the person named in the signature below. The signature covers "
            "the whole document and the audit data attached to it; any later change shows when the signature is "
            "checked. The QA moderator may add a countersignature."
        ),
        Spacer(1, 10),
        SignatureSlot(width, placement),
    ]


def build_report_pdf(
    data: dict[str, Any],
    *,
    compact: bool = False,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> BuiltReport:
    """Lay out the report described by `data` (see `lscp_audit.core.report_data`).

    Document metadata is generic ("LSCP audit report" and the template title): the case
    reference never appears outside the encrypted-when-asked page content.
    """
    progress(5, "Laying out the report")
    buf = io.BytesIO()
    report = data["report"]
    doc = ReportDocTemplate(
        buf,
        marking=report["marking"],
        report_id=report["id"],
        title=DOCUMENT_TITLE,
        subject=f"{data['template']['title']} (version {data['template']['version']})",
    )
    width = doc.width
    placement: dict[str, Any] = {}
    story: list[Any] = [*summary.cover(data, width), PageBreak(), *summary.summary(data, width)]
    changes = summary.changes(data, width)
    if changes:
        story += [PageBreak(), *changes]
    story += [PageBreak(), *sections.body(data, compact=compact, width=width)]
    story += _sign_off(data, width, placement)
    check(cancel)
    progress(20, "Writing pages")
    from lscp_audit.reports.layout.page_template import TotalPagesCanvas

    doc.build(story, canvasmaker=TotalPagesCanvas)
    check(cancel)
    progress(60, "Report laid out")
    return BuiltReport(
        pdf=buf.getvalue(),
        page_count=int(doc.page),
        signature_page_index=int(placement.get("page_index", 0)),
        auditor_box=placement.get("auditor", (50.0, 50.0, 290.0, 134.0)),
        qa_box=placement.get("qa", (310.0, 50.0, 550.0, 134.0)),
    )
