"""The cover, the summary (overall judgement, chart, grade counts, key findings, actions) and
the change summary of an amended revision."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph, Spacer

from lscp_audit.core.report_data import format_date
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS, GRADE_OPTIONS, RAG_OPTIONS
from lscp_audit.reports.charts import judgement_chart
from lscp_audit.reports.layout.flow import grid_table, heading, key_value_table, para
from lscp_audit.reports.layout.styles import JUDGEMENT_COLOURS, MUTED, hex_colour, styles, text

_STATUS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
MAX_FINDINGS = 10
FINDING_CHARS = 700


def _shorten(value: str) -> str:
    """Findings in the summary are excerpts; the full text is in the answers by section."""
    if len(value) <= FINDING_CHARS:
        return value
    return value[:FINDING_CHARS].rsplit(" ", 1)[0] + " … (continued in the answers by section)"


def cover(data: dict[str, Any], width: float) -> list[Any]:
    """Template title and version, the subject (pseudonymised reference, round, period,
    agencies), the auditor, dates, the report id and the protective marking."""
    template, audit, auditor, report = data["template"], data["audit"], data["auditor"], data["report"]
    rows = [(r["label"], r["value"]) for r in data.get("subject_display", [])]
    if data.get("agencies") and not any(r[0].lower().startswith("agenc") for r in rows):
        rows.append(("Agencies", ", ".join(data["agencies"])))
    rows += [
        ("Auditor", ", ".join(v for v in (auditor["name"], auditor["role"], auditor["agency"]) if v)),
        ("Started", format_date(audit.get("created_at"))),
        ("Completed", format_date(audit.get("completed_at")) or "Not completed"),
        ("Revision", str(audit.get("revision", 1))),
        ("Report id", report["id"]),
        ("Template", f"{template['id']} version {template['version']}"),
        ("Protective marking", report["marking"]),
    ]
    flow: list[Any] = [
        Spacer(1, 18),
        heading_title(template["title"]),
        para(f"Audit report · template version {template['version']}", "subtitle"),
    ]
    flow.append(key_value_table(rows, width))
    if data.get("amendment"):
        previous = data["amendment"].get("previous_report_id") or "an earlier revision"
        flow += [
            Spacer(1, 10),
            para(f"This revision amends report {previous}. The changes are listed after the summary."),
        ]
    return flow


def heading_title(title: str) -> Paragraph:
    para_ = Paragraph(text(title), styles()["title"])
    para_.outline = ("Cover", 0)
    return para_


def _judgement_block(overall: dict[str, Any]) -> list[Any]:
    colour = JUDGEMENT_COLOURS.get(str(overall.get("value")), MUTED)
    flow: list[Any] = [
        Paragraph(f'<font color="{hex_colour(colour)}">{text(overall["label"])}</font>', styles()["judgement"])
    ]
    if overall.get("overridden"):
        derived = overall.get("derived") or "not derived"
        flow.append(para(f"Set by the auditor (the rules gave: {str(derived).replace('_', ' ')}).", "small"))
    if overall.get("rationale"):
        flow.append(para(f"Rationale: {overall['rationale']}"))
    if overall.get("rule"):
        flow.append(para(overall["rule"], "small"))
    return flow


def _counts_table(data: dict[str, Any], width: float) -> Any:
    scale = data["judgements"].get("scale", "grade")
    options = GRADE_OPTIONS if scale == "grade" else RAG_OPTIONS
    counts = data.get("grade_counts", {})
    row = [para(str(counts.get(o.code, 0)), "cell") for o in options]
    return grid_table([o.label for o in options], [row], [width / len(options)] * len(options))


def _actions_table(actions: list[dict[str, Any]], width: float) -> Any:
    rows = [
        [
            para(a["action"], "cell"),
            para(", ".join(v for v in (a["owner_agency"], a["owner_role"]) if v), "cell"),
            para(format_date(a["due"]), "cell"),
            para(_STATUS.get(a["status"], a["status"]), "cell"),
        ]
        for a in actions
    ]
    return grid_table(
        ["Action", "Owner", "Due", "Status"], rows, [width * 0.5, width * 0.25, width * 0.12, width * 0.13]
    )


def summary(data: dict[str, Any], width: float) -> list[Any]:
    judgements = data["judgements"]
    flow: list[Any] = [heading("Summary"), heading("Overall judgement", 1), *_judgement_block(judgements["overall"])]
    chart = judgement_chart(judgements, width)
    if chart is not None:
        flow += [heading("Section judgements", 1), chart]
        flow += [
            para(f"{e['title']}: rationale: {e['rationale']}", "small")
            for e in judgements["sections"]
            if e.get("rationale")
        ]
    flow += [heading("Answers by grade", 1), _counts_table(data, width)]
    if data.get("key_findings"):
        flow.append(heading("Key findings", 1))
        for finding in data["key_findings"][:MAX_FINDINGS]:
            flow += [para(finding["label"], "question"), para(_shorten(finding["text"])), Spacer(1, 4)]
        if len(data["key_findings"]) > MAX_FINDINGS:
            flow.append(para("More findings are in the answers by section.", "small"))
    flow.append(heading("Actions", 1))
    flow.append(
        _actions_table(data["actions"], width) if data.get("actions") else para("No actions were recorded.", "small")
    )
    return flow


def changes(data: dict[str, Any], width: float) -> list[Any]:
    amendment = data.get("amendment")
    if not amendment:
        return []
    flow: list[Any] = [heading("Changes in this revision")]
    flow.append(para(f"Previous report: {amendment.get('previous_report_id') or 'not available'}"))
    flow.append(para(f"Previous content hash: {amendment.get('previous_content_hash') or 'not available'}", "small"))
    flow.append(Spacer(1, 6))
    rows = [
        [
            para(c["label"] + (f" ({c['agency']})" if c.get("agency") else ""), "cell"),
            para(c["before"], "cell"),
            para(c["after"], "cell"),
            para(c["reason"] or "No reason given", "cell"),
        ]
        for c in amendment.get("changes", [])
    ]
    if rows:
        flow.append(
            grid_table(
                ["Question", "Before", "After", "Reason"], rows, [width * 0.3, width * 0.2, width * 0.2, width * 0.3]
            )
        )
    else:
        flow.append(para("No answers changed.", "small"))
    return flow
