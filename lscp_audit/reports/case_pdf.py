"""The multi-agency case view as one signed PDF for the case discussion.

Laid out with the report's house style (A4 landscape here, so the agencies sit side by side):
the protective marking at the top and bottom of every page, the pack id and "Page X of Y", the
embedded DejaVu fonts, tables with repeated header rows. Then signed with the same PAdES code as
a report (`signing.sign_report`: a certification signature by the vault's identity, and an empty
countersignature field), so `lscp-audit verify` and `pdfsig` check it like any report. It
carries no report data attachment: it is not a return and the QA inbox does not import it.

Document metadata is generic ("LSCP case discussion pack"); the case reference is printed on the
pages only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from lscp_audit.core.case_view import NOT_IN_RETURN, CaseCell, CaseRow, CaseView
from lscp_audit.core.report_data import NOT_APPLICABLE, ProtectiveMarking, format_date
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.reports.layout.flow import (
    CachedParagraph,
    SignatureSlot,
    grid_table,
    heading,
    kept_with_start,
    key_value_table,
    para,
)
from lscp_audit.reports.layout.page_template import ReportDocTemplate, TotalPagesCanvas
from lscp_audit.reports.layout.styles import (
    MUTED,
    WARNING_FILL,
    hex_colour,
    judgement_colour,
    styles,
    text,
)
from lscp_audit.reports.narrative import handling_line
from lscp_audit.reports.signing import SignerIdentity, identity_stamp, sign_for_qa_subgroup
from lscp_audit.reports.stamp import StampText

DOCUMENT_TITLE = "LSCP case discussion pack"
REASON = "Prepared for the multi-agency case discussion from verified returns"
RETURNS_PER_TABLE = 4
STATUS_LABELS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
PAGE = landscape(A4)


@dataclass(frozen=True)
class CasePdf:
    pdf: bytes
    page_count: int
    pack_id: str


def pack_id(view: CaseView, generated_at: dt.datetime) -> str:
    """``C-XXXX-XXXX``: names this pack (its returns and when it was made), never the case."""
    basis = "|".join([*(c.report_id for c in view.columns), generated_at.isoformat()])
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest().upper()
    return f"C-{digest[:4]}-{digest[4:8]}"


def _groups(count: int) -> list[range]:
    """Column indexes in balanced groups of at most RETURNS_PER_TABLE (5 -> 3 + 2)."""
    if count == 0:
        return []
    tables = -(-count // RETURNS_PER_TABLE)
    size = -(-count // tables)
    return [range(i, min(i + size, count)) for i in range(0, count, size)]


def _cell(cell: CaseCell, judgement: bool) -> list[Any]:
    if not cell.present or cell.display == NOT_APPLICABLE:
        return [para(cell.display, "cell_muted")]
    if judgement:
        colour = hex_colour(judgement_colour(cell.code)) if cell.code else hex_colour(MUTED)
        flow: list[Any] = [
            CachedParagraph(f'<b><font color="{colour}">{text(cell.display)}</font></b>', styles()["cell"])
        ]
    else:
        flow = [para(cell.display, "cell")]
    if cell.evidence:
        flow.append(CachedParagraph(f"<i>Evidence:</i> {text(cell.evidence)}", styles()["cell"]))
    if cell.warning:
        style = styles()["cell"].clone("case_warn", backColor=hex_colour(WARNING_FILL), borderPadding=2)
        flow += [Spacer(1, 2), CachedParagraph(text(cell.warning), style)]
    if cell.note:
        flow.append(para(cell.note, "small"))
    return flow


def _label(row: CaseRow) -> list[Any]:
    label = row.label + (f" — {row.agency_label}" if row.agency_label else "")
    flow: list[Any] = [para(label, "question")]
    if row.differs and not row.judgement:
        flow.append(para("Answers differ between agencies", "small"))
    return flow


def _tables(view: CaseView, rows: list[CaseRow], width: float, first: str = "Question") -> list[Any]:
    out: list[Any] = []
    for group in _groups(len(view.columns)):
        column = width * 0.7 / len(group)
        body = [[_label(row), *[_cell(row.cells[i], row.judgement) for i in group]] for row in rows]
        header = [first, *[view.columns[i].agency for i in group]]
        out += [grid_table(header, body, [width * 0.3] + [column] * len(group)), Spacer(1, 6)]
    return out


def _cover(view: CaseView, width: float, marking: str, prepared: list[tuple[str, str]], notes: list[str]) -> list[Any]:
    title = Paragraph(text("Multi-agency case discussion"), styles()["title"])
    title.outline = ("Cover", 0)
    rows = [
        ("Case reference", view.case_reference),
        ("Audit round", view.round or "Not named in the returns"),
        ("Template", view.template_title),
        ("Returns", str(len(view.columns))),
        ("Agencies", ", ".join(view.agencies)),
        *prepared,
    ]
    flow: list[Any] = [
        Spacer(1, 6),
        title,
        para("The agencies' returns side by side, question by question", "subtitle"),
        key_value_table(rows, width * 0.7),
        Spacer(1, 10),
        para(f"Protective marking: {marking}", "marking_left"),
        para(handling_line(marking), "handling"),
        Spacer(1, 8),
        para(
            "Built from the signed data of each return, checked when it was imported into the QA inbox and "
            "trusted. Each return's own signed PDF remains the record of what its agency said."
        ),
    ]
    flow += [para(note, "small") for note in notes]
    return flow


def _returns_table(view: CaseView, width: float) -> list[Any]:
    rows = [
        [
            para(c.agency, "question"),
            para(c.report_id, "cell"),
            para(c.auditor, "cell"),
            para(c.signer, "cell"),
            para(format_date(c.signed_at), "cell"),
            para(c.template, "cell"),
            _cell(CaseCell(c.overall_label, code=c.overall_code), True),
        ]
        for c in view.columns
    ]
    widths = [0.17, 0.12, 0.15, 0.15, 0.1, 0.18, 0.13]
    table = grid_table(
        ["Agency", "Report id", "Auditor", "Signed by", "Signed", "Template", "Overall judgement"],
        rows,
        [width * w for w in widths],
    )
    return kept_with_start([heading("Returns")], [table])


def _judgements(view: CaseView, width: float) -> list[Any]:
    rows = [view.overall]
    for section in view.sections:
        rows += [
            CaseRow(r.key, section.title, r.cells, r.agency_label, judgement=True) for r in section.rows if r.judgement
        ]
    return kept_with_start([heading("Judgements")], _tables(view, rows, width, first="Judgement"))


def _moderation(view: CaseView, width: float) -> list[Any]:
    """Each return's QA moderation (the newest record, checked when the pack was made)."""
    flow: list[Any] = [heading("QA moderation")]
    if not view.moderation:
        return [*flow, para("None of these returns has been moderated.")]
    for m in view.moderation:
        flow.append(para(f"{m.agency}: {m.outcome}", "finding_head"))
        flow.append(para(f"By {m.moderator} on {format_date(m.moderated_at)}. {m.verification}."))
        flow.append(para(f"Rationale: {m.rationale}"))
        if m.ratings:
            rows = [
                [
                    para(r.title, "question"),
                    para(r.self_label, "cell"),
                    para(r.moderated_label, "cell"),
                    para(r.rationale, "cell"),
                ]
                for r in m.ratings
            ]
            widths = [0.3, 0.16, 0.16, 0.38]
            flow.append(
                grid_table(
                    ["Judgement", "Agency's rating", "Moderated rating", "Rationale"],
                    rows,
                    [width * w for w in widths],
                )
            )
        flow.append(Spacer(1, 6))
    moderated = {m.report_id for m in view.moderation}
    waiting = [c.agency for c in view.columns if c.report_id not in moderated]
    if waiting:
        flow.append(para(f"Not moderated: {', '.join(waiting)}."))
    return flow


def _sections(view: CaseView, width: float) -> list[Any]:
    flow: list[Any] = []
    lead: list[Any] = [heading("Answers by section")]
    for section in view.sections:
        rows = [r for r in section.rows if not r.judgement]
        if not rows:
            continue
        heads = [*(lead if not flow else []), heading(section.title, 1)]
        flow += kept_with_start(heads, _tables(view, rows, width))
    return flow


def _findings(view: CaseView) -> list[Any]:
    flow: list[Any] = [heading("Shared findings")]
    if not view.findings:
        return [*flow, para("None of the returns recorded key findings.")]
    previous = None
    for finding in view.findings:
        if finding.title != previous:
            flow.append(para(finding.title, "finding_head"))
            previous = finding.title
        about = f" (about {finding.about})" if finding.about and finding.about != finding.agency else ""
        flow.append(
            CachedParagraph(f"<b>{text(finding.agency)}{text(about)}:</b> {text(finding.text)}", styles()["body"])
        )
        flow.append(Spacer(1, 3))
    return flow


def _actions(view: CaseView, width: float) -> list[Any]:
    if not view.actions:
        return [heading("Actions"), para("None of the returns recorded actions.")]
    rows = [
        [
            para(a.agency, "question"),
            para(a.action, "cell"),
            para(a.section, "cell"),
            para(a.owner, "cell"),
            para(format_date(a.due), "cell"),
            para(STATUS_LABELS.get(a.status, a.status), "cell"),
        ]
        for a in view.actions
    ]
    widths = [0.15, 0.33, 0.17, 0.17, 0.09, 0.09]
    table = grid_table(["Agency", "Action", "Section", "Owner", "Due", "Status"], rows, [width * w for w in widths])
    return kept_with_start([heading("Actions")], [table])


def build_case_pdf(
    view: CaseView,
    *,
    marking: ProtectiveMarking,
    identity: SignerIdentity,
    generated_at: dt.datetime,
    stamp: StampText | None = None,
) -> tuple[bytes, int, str, dict[str, Any]]:
    """The unsigned pack: (PDF bytes, page count, pack id, signature box placement)."""
    pack = pack_id(view, generated_at)
    buf = io.BytesIO()
    doc = ReportDocTemplate(
        buf,
        marking=marking.text,
        report_id=pack,
        title=DOCUMENT_TITLE,
        subject="Multi-agency case discussion",
        pagesize=PAGE,
        header=DOCUMENT_TITLE,
        id_label="Pack",
    )
    width = doc.width
    prepared = [
        ("Prepared by", ", ".join(v for v in (identity.name, identity.role, identity.agency) if v)),
        ("Prepared on", format_date(generated_at.isoformat())),
        ("Pack id", pack),
    ]
    missing = sum(1 for s in view.sections for r in s.rows for c in r.cells if c.display == NOT_IN_RETURN)
    notes = list(view.notes)
    if missing:
        notes.append(f"“{NOT_IN_RETURN}” marks a question or agency a return does not cover.")
    placement: dict[str, Any] = {}
    story: list[Any] = [*_cover(view, width, marking.text, prepared, notes), CondPageBreak(200)]
    story += _returns_table(view, width)
    story += [CondPageBreak(120), *_judgements(view, width)]
    story += [CondPageBreak(120), *_moderation(view, width)]
    story += [CondPageBreak(120), *_sections(view, width)]
    story += [CondPageBreak(120), *_findings(view)]
    story += [CondPageBreak(120), *_actions(view, width)]
    story += [
        CondPageBreak(200),
        heading("Sign-off"),
        para(
            f"This pack is signed digitally by {identity.name} for the QA subgroup. The signature covers the "
            "whole document; any later change shows when the signature is checked."
        ),
        Spacer(1, 10),
        SignatureSlot(width, placement, stamp, ("Prepared for the QA subgroup by", "Countersignature (optional)")),
    ]
    doc.build(story, canvasmaker=TotalPagesCanvas)
    return buf.getvalue(), int(doc.page), pack, placement


def signed_case_pdf(
    view: CaseView,
    identity: SignerIdentity,
    *,
    marking: ProtectiveMarking,
    signed_at: dt.datetime | None = None,
    location: str = "",
) -> CasePdf:
    """Lay out the pack for `view` and sign it with `identity` (in memory)."""
    signed_at = signed_at or dt.datetime.now(dt.UTC)
    stamp = identity_stamp(identity, signed_at, REASON, location)
    pdf, pages, pack, placement = build_case_pdf(
        view, marking=marking, identity=identity, generated_at=signed_at, stamp=stamp
    )
    signed = sign_for_qa_subgroup(
        pdf, identity, placement, pages, marking, reason=REASON, location=location, signed_at=signed_at
    )
    return CasePdf(signed, pages, pack)
