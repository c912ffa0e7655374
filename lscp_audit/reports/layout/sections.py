"""The body: each section's questions with answers, evidence and acknowledged warnings.

Per-agency sections show the agencies side by side (at most `AGENCIES_PER_TABLE` columns per
table, so columns stay readable). In compact mode questions that are not relevant are left out;
in full mode they are shown as "Not applicable".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Paragraph, Spacer

from lscp_audit.core.report_data import CARRIED_FORWARD, NOT_APPLICABLE
from lscp_audit.reports.layout.flow import CachedParagraph, grid_table, heading, kept_with_start, para
from lscp_audit.reports.layout.styles import WARNING_FILL, hex_colour, styles, text

AGENCIES_PER_TABLE = 3


def _warning(answer: dict[str, Any]) -> Paragraph:
    message = answer.get("warning_message") or "A warning was shown"
    body = f"<b>Warning acknowledged:</b> {text(message)}<br/><b>Reason:</b> {text(answer['warning_reason'])}"
    style = styles()["cell"].clone("warn", backColor=hex_colour(WARNING_FILL), borderPadding=2)
    return CachedParagraph(body, style)


def answer_cell(answer: dict[str, Any] | None) -> list[Any]:
    """The flowables for one answer: value, evidence and any acknowledged warning."""
    if answer is None or not answer.get("relevant", True):
        return [para(NOT_APPLICABLE, "cell_muted")]
    cell: list[Any] = [para(answer["display"], "cell")]
    if answer.get("carried_forward"):
        cell.append(
            CachedParagraph(
                f"<b>{CARRIED_FORWARD}</b>",
                styles()["cell"].clone("carried", backColor=hex_colour(WARNING_FILL), borderPadding=2),
            )
        )
    if answer.get("evidence"):
        cell.append(CachedParagraph(f"<i>Evidence:</i> {text(answer['evidence'])}", styles()["cell"]))
    if answer.get("warning_reason"):
        cell += [Spacer(1, 2), _warning(answer)]
    return cell


def _shown(question: dict[str, Any], compact: bool) -> bool:
    return question["relevant"] or not compact


def _plain_table(section: dict[str, Any], compact: bool, width: float) -> Any:
    rows = []
    for question in section["questions"]:
        if not _shown(question, compact):
            continue
        answer = question["answers"][0] if question["answers"] else None
        rows.append([para(question["label"], "question"), answer_cell(answer)])
    if not rows:
        return None
    return grid_table(["Question", "Answer"], rows, [width * 0.4, width * 0.6])


def _agency_tables(section: dict[str, Any], compact: bool, width: float) -> list[Any]:
    agencies = section["agencies"]
    labels = _agency_labels(section)
    tables: list[Any] = []
    for group in _groups(agencies):
        column = width * 0.7 / len(group)
        rows = []
        for question in section["questions"]:
            if not _shown(question, compact):
                continue
            by_agency = {a["agency"]: a for a in question["answers"]}
            rows.append([para(question["label"], "question"), *[answer_cell(by_agency.get(code)) for code in group]])
        if rows:
            tables += [
                grid_table(
                    ["Question", *[labels.get(c, c) for c in group]], rows, [width * 0.3] + [column] * len(group)
                ),
                Spacer(1, 6),
            ]
    return tables


def _groups(agencies: list[str]) -> list[list[str]]:
    """Split agencies into balanced groups of at most AGENCIES_PER_TABLE (4 -> 2 + 2)."""
    count = -(-len(agencies) // AGENCIES_PER_TABLE)
    size = -(-len(agencies) // count)
    return [agencies[i : i + size] for i in range(0, len(agencies), size)]


def _agency_labels(section: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for question in section["questions"]:
        for answer in question["answers"]:
            if answer.get("agency"):
                labels[answer["agency"]] = answer.get("agency_label") or answer["agency"]
    return labels


def section_content(section: dict[str, Any], *, compact: bool, width: float) -> list[Any]:
    """A section's description and answers table(s), without its heading."""
    flow: list[Any] = []
    if section.get("description"):
        flow.append(para(section["description"], "intro"))  # kept with the table, like the heading
    if not section["relevant"]:
        return [*flow, para("This section was not applicable to this case.", "cell_muted")]
    if section["per_agency"] and section["agencies"]:
        return flow + _agency_tables(section, compact, width)
    table = _plain_table(section, compact, width)
    return [*flow, table] if table is not None else flow


def section_flow(section: dict[str, Any], *, compact: bool, width: float, lead: list[Any] | None = None) -> list[Any]:
    """Flowables for one section, or [] when compact mode leaves it out. `lead` goes before the
    section's heading and is kept with it (the part's heading before the first section)."""
    if compact and not section["relevant"]:
        return []
    heads = [*(lead or []), heading(section["title"], 1)]
    return kept_with_start(heads, section_content(section, compact=compact, width=width))


def body(
    data: dict[str, Any],
    *,
    compact: bool,
    width: float,
    skip: Callable[[dict[str, Any]], bool] = lambda _section: False,
) -> list[Any]:
    """The "Answers by section" part: every section except those `skip` picks out (printed elsewhere)."""
    lead: list[Any] = [heading("Answers by section")]
    if compact:
        lead.append(para("Compact report: questions that did not apply to this case are left out.", "small"))
    flow: list[Any] = []
    for section in data["sections"]:
        if not skip(section):
            part = section_flow(section, compact=compact, width=width, lead=lead if not flow else None)
            flow += part
    return flow or lead
