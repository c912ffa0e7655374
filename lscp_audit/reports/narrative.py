"""Plain-text pieces of a report shared by the PDF layout and the accessible HTML version: the
handling instruction for a protective marking and the one-paragraph narrative summary.

Pure functions of the report data dict (no reportlab), so both renderings say the same words.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from lscp_audit.core.report_data import format_date
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.core.templates.scales_builder import report_scale

STATUS_LABELS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}

#: What each protective marking asks of a reader, printed under the marking on the cover.
HANDLING = {
    "OFFICIAL-SENSITIVE": (
        "Handle with care: share only with people who need it to safeguard children or to quality-assure "
        "the partnership's work; store it in an access-controlled system; do not forward it outside the "
        "partnership without the agreement of the partnership's business unit."
    ),
    "OFFICIAL": (
        "Handle in line with your organisation's information-handling policy; it contains information about "
        "agencies' practice."
    ),
}


def handling_line(marking: str) -> str:
    """The handling instruction for `marking` (the first word decides, so a descriptor such as
    ``OFFICIAL-SENSITIVE PERSONAL`` keeps the base marking's instruction)."""
    base = marking.split()[0].upper() if marking.strip() else ""
    return HANDLING.get(base, HANDLING["OFFICIAL-SENSITIVE"])


def self_assessment(data: dict[str, Any]) -> bool:
    return data["template"].get("kind") == "agency_self_assessment"


def cover_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The cover's details, shared by the PDF and the HTML version: the partnership (when known),
    the subject, who completed it, dates, revision, report id and template."""
    template, audit, auditor, report = data["template"], data["audit"], data["auditor"], data["report"]
    rows: list[tuple[str, str]] = []
    if report.get("partnership"):
        rows.append(("Partnership", report["partnership"]))
    rows += [(r["label"], r["value"]) for r in data.get("subject_display", [])]
    if data.get("agencies") and not any(r[0].lower().startswith("agenc") for r in rows):
        rows.append(("Agencies", ", ".join(data["agencies"])))
    rows += [
        (
            "Prepared by" if self_assessment(data) else "Auditor",
            ", ".join(v for v in (auditor["name"], auditor["role"], auditor["agency"]) if v),
        ),
        ("Started", format_date(audit.get("created_at"))),
        ("Completed", format_date(audit.get("completed_at")) or "Not completed"),
        ("Revision", str(audit.get("revision", 1))),
        ("Report id", report["id"]),
        ("Template", f"{template['id']} version {template['version']}"),
    ]
    if template.get("licence"):
        rows.append(("Template text licence", template["licence"]))
    return rows


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def section_name(entry: dict[str, Any]) -> str:
    title = str(entry.get("title", ""))
    # "Single-agency contribution: Hospital trust (outpatients)": agency labels often carry
    # their own brackets, so the agency follows a colon rather than going in brackets.
    return f"{title}: {entry['agency_label']}" if entry.get("agency_label") else title


def finding_title(finding: dict[str, Any]) -> str:
    """What a key finding answers, without its agency (findings of several agencies to the
    same question are grouped under it): "Standard 5: …: Areas for improvement", "What went well"."""
    label = str(finding["label"])
    agency = finding.get("agency_label")
    if agency and label.endswith(f" ({agency})"):
        label = label[: -len(f" ({agency})")]
    return label


def narrative(data: dict[str, Any]) -> str:
    """A one-paragraph summary for a board paper, drawn only from the report's data."""
    judgements = data["judgements"]
    overall = judgements["overall"]
    kind = "self-assessment" if self_assessment(data) else "audit"
    scale = report_scale(judgements)
    labels = scale.labels
    if overall.get("value"):
        parts = [f"The overall judgement of this {kind} is {overall['label']}"]
        if overall.get("overridden") and overall.get("derived"):
            derived = labels.get(str(overall["derived"]), str(overall["derived"]))
            parts[0] += f", set by the auditor where the template's rules gave {derived}"
        parts[0] += "."
    else:
        parts = [f"No overall judgement was derived for this {kind}."]
    sections = [e for e in judgements.get("sections", []) if e.get("value")]
    if sections:
        scores = scale.scores
        counts = Counter(e["label"] for e in sections)
        score_of = {e["label"]: scores.get(str(e["value"]), 0) for e in sections}
        spread = _join([f"{n} {label}" for label, n in sorted(counts.items(), key=lambda i: -score_of[i[0]])])
        parts.append(f"Of {_plural(len(sections), 'section judgement')}, {spread}.")
        lowest = min(scores.get(str(e["value"]), 0) for e in sections)
        highest = max(scores.get(str(e["value"]), 0) for e in sections)
        if lowest < highest:
            weakest = [e for e in sections if scores.get(str(e["value"]), 0) == lowest]
            names = _join([section_name(e) for e in weakest[:4]]) + (" and others" if len(weakest) > 4 else "")
            parts.append(
                f"The weakest {'area is' if len(weakest) == 1 else 'areas are'} {names} ({weakest[0]['label']})."
            )
    actions = data.get("actions") or []
    if actions:
        status = Counter(STATUS_LABELS.get(a["status"], a["status"]).lower() for a in actions)
        due = sorted(a["due"] for a in actions if a.get("due") and a.get("status") != "complete")
        sentence = f"{_plural(len(actions), 'action')} {'is' if len(actions) == 1 else 'are'} recorded ({_join([f'{n} {s}' for s, n in status.items()])})"
        if due:
            sentence += f"; the earliest still open is due {format_date(due[0])}"
        parts.append(sentence + ".")
    else:
        parts.append("No actions are recorded.")
    amendment = data.get("amendment")
    if amendment:
        changed = len(amendment.get("changes") or [])
        parts.append(
            f"This revision amends report {amendment.get('previous_report_id') or 'an earlier revision'} "
            f"({_plural(changed, 'answer')} changed)."
        )
    return " ".join(parts)
