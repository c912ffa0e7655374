"""The accessible HTML version of one audit's report, rendered from the same report data as the PDF.

reportlab writes no PDF structure tree, so a screen reader gets the PDF's text in reading order
but no headings, lists or table headers. This version carries the same content as semantic HTML:
`lang="en-GB"`, one `h1`, `h2`/`h3` per part and section, tables with `caption` and `th scope`,
the section judgements as a table (the chart's text equivalent), the protective marking at the
top and bottom, and no scripts, images or external resources. It is not signed: it says so and
names the signed PDF report it accompanies.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from lscp_audit.core.report_data import CARRIED_FORWARD, NOT_APPLICABLE, format_date
from lscp_audit.reports.html_page import html_document
from lscp_audit.reports.narrative import (
    STATUS_LABELS,
    cover_rows,
    finding_title,
    handling_line,
    narrative,
    section_name,
    self_assessment,
)

_CSS = """
.warning { background: #fff5d9; }
"""


def _e(value: object) -> str:
    """Escaped text with line breaks kept."""
    return escape("" if value is None else str(value)).replace("\r\n", "\n").replace("\n", "<br>")


def _table(caption: str, header: list[str], rows: list[list[str]], *, row_headers: bool = False) -> str:
    """A data table; cells are already HTML. With `row_headers` the first cell of a row is a
    row header (`th scope="row"`)."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = [
            f'<th scope="row">{cell}</th>' if row_headers and index == 0 else f"<td>{cell}</td>"
            for index, cell in enumerate(row)
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _cover(data: dict[str, Any]) -> list[str]:
    template, report = data["template"], data["report"]
    rows = cover_rows(data) + [("Protective marking", report["marking"])]
    kind = "Agency self-assessment report" if self_assessment(data) else "Audit report"
    out = [
        f"<h1>{_e(template['title'])}</h1>",
        f'<p class="muted">{_e(kind)} · template version {_e(template["version"])}</p>',
        _table("Report details", ["Detail", "Value"], [[_e(k), _e(v)] for k, v in rows], row_headers=True),
        f"<p><strong>Handling:</strong> {_e(handling_line(report['marking']))}</p>",
    ]
    if data.get("amendment"):
        previous = data["amendment"].get("previous_report_id") or "an earlier revision"
        out.append(f"<p>This revision amends report {_e(previous)}. The changes are listed after the summary.</p>")
    return out


def _summary(data: dict[str, Any]) -> list[str]:
    judgements = data["judgements"]
    overall = judgements["overall"]
    out = ["<h2>Summary</h2>", f"<p>{_e(narrative(data))}</p>", "<h3>Overall judgement</h3>"]
    out.append(f"<p><strong>{_e(overall['label'])}</strong></p>")
    if overall.get("overridden"):
        derived = str(overall.get("derived") or "not derived").replace("_", " ")
        out.append(f"<p>Set by the auditor (the rules gave: {_e(derived)}).</p>")
    if overall.get("rationale"):
        out.append(f"<p>Rationale: {_e(overall['rationale'])}</p>")
    if overall.get("rule"):
        out.append(f'<p class="muted">{_e(overall["rule"])}</p>')
    if judgements.get("sections"):
        out.append("<h3>Section judgements</h3>")
        rows = [[_e(section_name(e)), _e(e["label"]), _e(e.get("rationale") or "")] for e in judgements["sections"]]
        out.append(_table("Judgement for each section", ["Section", "Judgement", "Rationale"], rows, row_headers=True))
    counts = data.get("grade_counts") or {}
    if counts:
        from lscp_audit.core.templates.scales_builder import report_scale

        labels = report_scale(judgements).labels
        out.append("<h3>Answers by grade</h3>")
        rows = [[_e(labels.get(code, code)), _e(n)] for code, n in counts.items()]
        out.append(_table("Graded answers counted by grade", ["Grade", "Answers"], rows, row_headers=True))
    if data.get("key_findings"):
        out.append("<h3>Key findings</h3>")
        previous = None
        for finding in data["key_findings"]:
            title = finding_title(finding)
            if title != previous:
                out.append(f"<h4>{_e(title)}</h4>")
                previous = title
            who = f"<strong>{_e(finding['agency_label'])}:</strong> " if finding.get("agency_label") else ""
            out.append(f"<p>{who}{_e(finding['text'])}</p>")
    out.append("<h3>Actions</h3>")
    out.append(_actions(data) if data.get("actions") else "<p>No actions were recorded.</p>")
    return out


def _actions(data: dict[str, Any]) -> str:
    link = "Standard" if self_assessment(data) else "Answers"
    rows = [
        [
            _e(a["action"]),
            _e(a.get("measure") or "Not given"),
            _e(
                a.get("link_label")
                or a.get("section_title", "") + (f" ({a['agency_label']})" if a.get("agency_label") else "")
            ),
            _e(", ".join(v for v in (a["owner_agency"], a["owner_role"]) if v)),
            _e(format_date(a["due"])),
            _e(STATUS_LABELS.get(a["status"], a["status"])),
        ]
        for a in data["actions"]
    ]
    return _table("Actions", ["Action", "Measure of success", link, "Owner", "Due", "Status"], rows)


def _changes(data: dict[str, Any]) -> list[str]:
    amendment = data.get("amendment")
    if not amendment:
        return []
    who = amendment.get("amended_by") or {}
    name = ", ".join(v for v in (who.get("name"), who.get("role"), who.get("agency")) if v)
    out = [
        "<h2>Changes in this revision</h2>",
        f"<p>Previous report: {_e(amendment.get('previous_report_id') or 'not available')}</p>",
    ]
    if name:
        out.append(f"<p>Amended by {_e(name)}; completed {_e(format_date(amendment.get('amended_at')))}.</p>")
    rows = [
        [
            _e(c.get("section_title") or ""),
            _e(c["label"]) + (f"<br>{_e(c.get('agency_label') or c['agency'])}" if c.get("agency") else ""),
            _e(c["before"]),
            _e(c["after"]),
            _e(c["reason"] or "No reason given"),
        ]
        for c in amendment.get("changes", [])
    ]
    if rows:
        out.append(_table("Answers that changed", ["Section", "Question", "Before", "After", "Reason"], rows))
    else:
        out.append("<p>No answers changed.</p>")
    moved = amendment.get("judgement_changes") or []
    if moved:
        rows = [
            [
                _e(section_name(j)),
                _e(j["before"]),
                _e(j["after"]),
                _e(
                    f"Set by the auditor: {j['rationale']}"
                    if j.get("overridden")
                    else "Follows from the changed answers"
                ),
            ]
            for j in moved
        ]
        out.append(_table("Judgements that changed", ["Judgement", "Before", "After", "Why"], rows, row_headers=True))
    return out


def _answer(answer: dict[str, Any] | None) -> str:
    if answer is None or not answer.get("relevant", True):
        return f'<span class="muted">{NOT_APPLICABLE}</span>'
    cell = _e(answer["display"])
    if answer.get("carried_forward"):
        cell += f'<div class="warning"><strong>{_e(CARRIED_FORWARD)}</strong></div>'
    if answer.get("evidence"):
        cell += f"<br><em>Evidence:</em> {_e(answer['evidence'])}"
    if answer.get("warning_reason"):
        message = answer.get("warning_message") or "A warning was shown"
        cell += (
            f'<div class="warning"><strong>Warning acknowledged:</strong> {_e(message)}<br>'
            f"<strong>Reason:</strong> {_e(answer['warning_reason'])}</div>"
        )
    return cell


def _question(question: dict[str, Any], guidance: Mapping[str, str]) -> str:
    """The question's label, with the template's guidance for it when known."""
    hint = guidance.get(str(question.get("id", "")), "")
    return _e(question["label"]) + (f'<br><span class="muted">Guidance: {_e(hint)}</span>' if hint else "")


def _section(section: dict[str, Any], compact: bool, guidance: Mapping[str, str]) -> list[str]:
    if compact and not section["relevant"]:
        return []
    out = [f"<h3>{_e(section['title'])}</h3>"]
    if section.get("description"):
        out.append(f'<p class="muted">{_e(section["description"])}</p>')
    if not section["relevant"]:
        return [*out, "<p>This section was not applicable to this case.</p>"]
    questions = [q for q in section["questions"] if q["relevant"] or not compact]
    if section["per_agency"] and section["agencies"]:
        labels: dict[str, str] = {}
        for question in section["questions"]:
            for answer in question["answers"]:
                if answer.get("agency"):
                    labels[answer["agency"]] = answer.get("agency_label") or answer["agency"]
        header = ["Question", *[labels.get(c, c) for c in section["agencies"]]]
        rows = []
        for question in questions:
            by_agency = {a["agency"]: a for a in question["answers"]}
            rows.append([_question(question, guidance), *[_answer(by_agency.get(c)) for c in section["agencies"]]])
    else:
        header = ["Question", "Answer"]
        rows = [[_question(q, guidance), _answer(q["answers"][0] if q["answers"] else None)] for q in questions]
    if rows:
        out.append(_table(f"Answers: {section['title']}", header, rows, row_headers=True))
    return out


def render_html(
    data: dict[str, Any], *, compact: bool = False, signed_pdf_name: str = "", guidance: Mapping[str, str] | None = None
) -> str:
    """The report as one self-contained, accessible HTML document (UTF-8 text). `guidance`
    (question id -> the template's guidance) is printed under each question it names."""
    report = data["report"]
    parts = [
        *_cover(data),
        *_summary(data),
        *_changes(data),
        "<h2>Answers by section</h2>",
    ]
    if compact:
        parts.append("<p>Compact report: questions that did not apply to this case are left out.</p>")
    for section in data["sections"]:
        parts += _section(section, compact, guidance or {})
    return html_document(
        title=f"LSCP audit report {report['id']}",
        marking=report["marking"],
        content=parts,
        report_id=report["id"],
        signed_pdf_name=signed_pdf_name,
        extra_css=_CSS,
    )
