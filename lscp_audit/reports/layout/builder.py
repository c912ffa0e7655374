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
from lscp_audit.reports.stamp import StampText

DOCUMENT_TITLE = "LSCP audit report"
PART_ROOM = 120  # points: start a new part (changes, answers) on a new page when less is left


@dataclass(frozen=True)
class BuiltReport:
    pdf: bytes
    page_count: int
    signature_page_index: int
    auditor_box: tuple[float, float, float, float]
    qa_box: tuple[float, float, float, float]
    lead_box: tuple[float, float, float, float] | None = None  # Section 11: the senior lead's box


SIGN_OFF_TITLES = ("sign-off", "sign off", "signoff")


def is_sign_off_section(section: dict[str, Any]) -> bool:
    """The template's own sign-off section is printed inside the report's one sign-off block."""
    title = " ".join(str(section.get("title", "")).lower().split())
    return section.get("id") in ("sign_off", "signoff") or title in SIGN_OFF_TITLES


def _captions(data: dict[str, Any], stamp: StampText | None) -> tuple[str, str]:
    self_assessment = data["template"].get("kind") == "agency_self_assessment"
    if stamp is not None and stamp.on_behalf_of:
        signer = "Signed on behalf of the organisation" if self_assessment else "Signed on behalf of the auditor"
    else:
        signer = "Signed for the organisation" if self_assessment else "Auditor"
    return signer, "QA moderator (countersignature)"


def needs_senior_lead(data: dict[str, Any]) -> bool:
    """Section 11 self-assessments are signed twice: by whoever completed the return, then by the
    organisation's senior lead (a second, incremental signature in its own box)."""
    return data["template"].get("kind") == "agency_self_assessment"


def _lead_caption(data: dict[str, Any]) -> str:
    role = str((data.get("subject") or {}).get("lead_officer") or "").strip()
    return f"Senior lead (second signature){': ' + role if role else ''}"


def _sign_off_text(data: dict[str, Any], stamp: StampText | None) -> str:
    if stamp is None:
        who = "the person named in the signature below"
    elif stamp.on_behalf_of:
        who = f"{stamp.name}, on behalf of {stamp.on_behalf_of} (the auditor named on the cover)"
    else:
        who = stamp.name
    if needs_senior_lead(data):
        return (
            f"This return is signed digitally by {who}, who completed it, and then by the organisation's senior "
            "lead as a second signature in the box on the right. Each signature covers the whole document and the "
            "data attached to it; any later change shows when the signatures are checked. The partnership's QA "
            "moderator may add a countersignature in the box below."
        )
    return (
        f"This report is signed digitally by {who}. The signature covers the whole document and the audit "
        "data attached to it; any later change shows when the signature is checked. The QA moderator may add "
        "a countersignature in the box on the right."
    )


def _sign_off(
    data: dict[str, Any], width: float, placement: dict[str, Any], stamp: StampText | None, compact: bool
) -> list[Any]:
    flow: list[Any] = [CondPageBreak(200), heading("Sign-off")]
    for section in data["sections"]:
        if is_sign_off_section(section) and (section["relevant"] or not compact):
            flow += sections.section_content(section, compact=compact, width=width)
            flow.append(Spacer(1, 6))
    flow += [
        para(_sign_off_text(data, stamp)),
        Spacer(1, 10),
        SignatureSlot(
            width,
            placement,
            stamp,
            _captions(data, stamp),
            lead_caption=_lead_caption(data) if needs_senior_lead(data) else None,
        ),
    ]
    return flow


def build_report_pdf(
    data: dict[str, Any],
    *,
    compact: bool = False,
    stamp: StampText | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> BuiltReport:
    """Lay out the report described by `data` (see `lscp_audit.core.report_data`).

    `stamp` is drawn in the signer's box on the sign-off page (None: an empty box, for previews).

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
    # Only the cover forces a new page; later parts start a page only when little room is left,
    # and headings are kept with the start of what follows them (`flow.KeepWithStart`), so no
    # page is left near-empty.
    story: list[Any] = [*summary.cover(data, width), PageBreak(), *summary.summary(data, width)]
    changes = summary.changes(data, width)
    if changes:
        story += [CondPageBreak(PART_ROOM), *changes]
    story += [CondPageBreak(PART_ROOM), *sections.body(data, compact=compact, width=width, skip=is_sign_off_section)]
    story += _sign_off(data, width, placement, stamp, compact)
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
        lead_box=placement.get("lead"),
    )
