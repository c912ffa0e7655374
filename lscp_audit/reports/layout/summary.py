"""The cover, the summary (a short narrative, overall judgement, chart, grade counts, key findings,
actions) and the change history of an amended revision."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph, Spacer

from lscp_audit.core.report_data import format_date
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.core.templates.scales_builder import report_scale
from lscp_audit.reports.charts import judgement_chart
from lscp_audit.reports.layout.flow import CachedParagraph, grid_table, heading, kept_with_start, key_value_table, para
from lscp_audit.reports.layout.styles import hex_colour, judgement_colour, styles, text
from lscp_audit.reports.narrative import (
    cover_rows,
    finding_title,
    handling_line,
    narrative,
    section_name,
    self_assessment,
)

_STATUS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}
MAX_FINDINGS = 10
FINDING_CHARS = 700


def _shorten(value: str) -> str:
    """Findings in the summary are excerpts; the full text is in the answers by section."""
    if len(value) <= FINDING_CHARS:
        return value
    return value[:FINDING_CHARS].rsplit(" ", 1)[0] + " … (continued in the answers by section)"


def cover(data: dict[str, Any], width: float) -> list[Any]:
    """Template title and version, the partnership (when known), the subject (pseudonymised
    reference, round, period, agencies), who completed it, dates, the report id and the
    protective marking with its handling instruction."""
    template, report = data["template"], data["report"]
    rows = cover_rows(data)
    flow: list[Any] = [Spacer(1, 18), heading_title(template["title"])]
    subtitle = "Agency self-assessment report" if self_assessment(data) else "Audit report"
    if report.get("partnership"):
        subtitle += f" for {report['partnership']}"
    flow.append(para(f"{subtitle} · template version {template['version']}", "subtitle"))
    flow.append(key_value_table(rows, width))
    flow += [
        Spacer(1, 12),
        para(f"Protective marking: {report['marking']}", "marking_left"),
        para(handling_line(report["marking"]), "handling"),
    ]
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
    """The overall judgement in its colour; `overall` may carry the scale's ``levels``."""
    levels = overall.get("levels")
    colour = judgement_colour(str(overall.get("value")), levels if isinstance(levels, list) else None)
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
    options = report_scale(data["judgements"]).options
    counts = data.get("grade_counts", {})
    row = [para(str(counts.get(o.code, 0)), "cell") for o in options]
    return grid_table([o.label for o in options], [row], [width / len(options)] * len(options))


def _short_title(title: str) -> str:
    """ "Standard 1: Senior management commitment" -> "Standard 1" for a narrow column."""
    head, sep, _rest = title.partition(":")
    return head if sep and len(head) <= 24 else title


def _action_link(action: dict[str, Any], standards: bool) -> str:
    """What the action answers: the link chosen (a section or standard, a finding, an agency),
    else the section it was written in (a Section 11 standard by its short title) and agency."""
    if action.get("link") and action.get("link_label"):
        label = str(action["link_label"])
        return _short_title(label) if standards and str(action["link"]).startswith("section:") else label
    title = str(action.get("section_title") or "")
    link = _short_title(title) if standards else title
    if action.get("agency_label"):
        link = f"{link} ({action['agency_label']})" if link else str(action["agency_label"])
    return link


def action_columns(actions: list[dict[str, Any]]) -> bool:
    """Whether the actions table has an Answers column: when any action names what it answers,
    or sits in the section it answers (a Section 11 standard); in a case audit's own "Actions"
    section the column would only repeat "Actions"."""
    return any(
        a.get("link") or (a.get("section_title") and "action" not in str(a.get("section_id", "")).lower())
        for a in actions
    )


NO_MEASURE = "Not given"


def _actions_table(data: dict[str, Any], width: float) -> Any:
    actions = data["actions"]
    standards = self_assessment(data)
    linked = action_columns(actions)
    rows = []
    for a in actions:
        row = [para(a["action"], "cell"), para(str(a.get("measure") or NO_MEASURE), "cell")]
        if linked:
            row.append(para(_action_link(a, standards), "cell"))
        row += [
            para(", ".join(v for v in (a["owner_agency"], a["owner_role"]) if v), "cell"),
            para(format_date(a["due"]), "cell"),
            para(_STATUS.get(a["status"], a["status"]), "cell"),
        ]
        rows.append(row)
    if linked:
        header = ["Action", "Measure of success", "Standard" if standards else "Answers", "Owner", "Due", "Status"]
        widths = [0.23, 0.21, 0.15, 0.15, 0.14, 0.12]  # a date and "In progress" on one line
    else:
        header = ["Action", "Measure of success", "Owner", "Due", "Status"]
        widths = [0.29, 0.26, 0.19, 0.14, 0.12]
    return grid_table(header, rows, [width * w for w in widths])


def _key_findings(data: dict[str, Any]) -> list[Any]:
    """Findings grouped by question: the question once, then each agency's answer under it."""
    findings = data.get("key_findings") or []
    if not findings:
        return []
    flow: list[Any] = [heading("Key findings", 1)]
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for finding in findings[:MAX_FINDINGS]:
        title = finding_title(finding)
        if groups and groups[-1][0] == title:
            groups[-1][1].append(finding)
        else:
            groups.append((title, [finding]))
    for title, items in groups:
        flow.append(para(title, "finding_head"))
        for finding in items:
            body = text(_shorten(finding["text"]))
            if finding.get("agency_label"):
                body = f"<b>{text(finding['agency_label'])}:</b> {body}"
            flow.append(CachedParagraph(body, styles()["body"]))
        flow.append(Spacer(1, 4))
    note = "The full answers are in the answers by section."
    if len(findings) > MAX_FINDINGS:
        note = f"{len(findings) - MAX_FINDINGS} more findings and the full answers are in the answers by section."
    flow.append(para(note, "small"))
    return flow


def summary(data: dict[str, Any], width: float) -> list[Any]:
    judgements = data["judgements"]
    flow: list[Any] = [heading("Summary"), para(narrative(data)), Spacer(1, 4)]
    flow += [
        heading("Overall judgement", 1),
        *_judgement_block({**judgements["overall"], "levels": judgements.get("levels")}),
    ]
    chart = judgement_chart(judgements, width)
    if chart is not None:
        flow += [heading("Section judgements", 1), chart]
        flow += [
            para(f"{section_name(e)}: rationale: {e['rationale']}", "small")
            for e in judgements["sections"]
            if e.get("rationale")
        ]
    flow += [heading("Answers by grade", 1), _counts_table(data, width)]
    flow += _key_findings(data)
    actions = _actions_table(data, width) if data.get("actions") else para("No actions were recorded.", "small")
    return flow + kept_with_start([heading("Actions", 1)], [actions])


def _who_when(amendment: dict[str, Any]) -> str:
    who = amendment.get("amended_by") or {}
    name = ", ".join(v for v in (who.get("name"), who.get("role"), who.get("agency")) if v)
    when = format_date(amendment.get("amended_at"))
    if name and when:
        return f"Amended by {name}; completed {when}."
    if name:
        return f"Amended by {name}."
    return f"Completed {when}." if when else ""


def changes(data: dict[str, Any], width: float) -> list[Any]:
    amendment = data.get("amendment")
    if not amendment:
        return []
    flow: list[Any] = [heading("Changes in this revision")]
    flow.append(para(f"Previous report: {amendment.get('previous_report_id') or 'not available'}"))
    if _who_when(amendment):
        flow.append(para(_who_when(amendment)))
    flow.append(para(f"Previous content hash: {amendment.get('previous_content_hash') or 'not available'}", "small"))
    flow.append(Spacer(1, 6))
    rows = [
        [
            para(c.get("section_title") or "", "cell"),
            CachedParagraph(
                text(c["label"])
                + (f"<br/><i>{text(c.get('agency_label') or c['agency'])}</i>" if c.get("agency") else ""),
                styles()["cell"],
            ),
            para(c["before"], "cell"),
            para(c["after"], "cell"),
            para(c["reason"] or "No reason given", "cell"),
        ]
        for c in amendment.get("changes", [])
    ]
    if rows:
        table = grid_table(
            ["Section", "Question", "Before", "After", "Reason"],
            rows,
            [width * 0.19, width * 0.27, width * 0.14, width * 0.14, width * 0.26],
        )
        flow = kept_with_start(flow, [table])
    else:
        flow.append(para("No answers changed.", "small"))
    moved = amendment.get("judgement_changes") or []
    if moved:
        lead = [
            heading("Judgements that changed", 1),
            para("Judgements that moved because of the changed answers, or that the auditor set.", "intro"),
        ]
        judgement_rows = [
            [
                para(section_name(j), "cell"),
                para(j["before"], "cell"),
                para(j["after"], "cell"),
                para(
                    f"Set by the auditor: {j['rationale']}"
                    if j.get("overridden")
                    else "Follows from the changed answers",
                    "cell",
                ),
            ]
            for j in moved
        ]
        table = grid_table(
            ["Judgement", "Before", "After", "Why"],
            judgement_rows,
            [width * 0.34, width * 0.17, width * 0.17, width * 0.32],
        )
        flow += kept_with_start(lead, [table])
    return flow
