"""The PDF of a subject access disclosure pack (from `core.disclosure.build_pack`'s data), in the
reports' house style: marking on every page, "Page X of Y", bookmarks, embedded fonts.

Items flagged for review carry the word "Review" and the reason beside them (never colour alone).
A return's full signed report data is long and nested: the PDF lists its key facts and says that
the data itself is in the JSON file of the same pack.
"""

from __future__ import annotations

import io
import json
from typing import Any

from reportlab.platypus import Spacer

from lscp_audit.core.report_data import format_date
from lscp_audit.reports.layout.flow import grid_table, heading, key_value_table, para
from lscp_audit.reports.layout.page_template import ReportDocTemplate, TotalPagesCanvas

MARKING = "OFFICIAL-SENSITIVE PERSONAL"
MAX_CELL_CHARS = 4000


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, indent=None)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + " [continues in the JSON file]"


def _review(flags: list[str]) -> Any:
    return para("Review: " + "; ".join(flags) if flags else "", "cell")


def _date(value: str) -> str:
    return format_date(value) if value else "—"


def render_disclosure_pdf(pack: dict[str, Any], pack_id: str) -> bytes:
    head = pack["disclosure_pack"]
    out = io.BytesIO()
    doc = ReportDocTemplate(
        out,
        marking=MARKING,
        report_id=pack_id,
        title=f"Disclosure pack {pack_id}",
        subject="Subject access: everything held about one case reference",
        header="LSCP Audit disclosure pack",
        id_label="Pack",
    )
    width = doc.width
    story: list[Any] = [
        para("Subject access disclosure pack", "title"),
        para("For the data protection officer's review before anything is disclosed", "subtitle"),
        key_value_table(
            [
                ("Case reference", head["case_reference"]),
                ("Also searched for", ", ".join(head["also_searched_for"]) or "—"),
                ("Produced", _date(head["generated_at"])),
                ("Produced by", head["generated_by"]),
                ("Audits", str(head["counts"]["audits"])),
                ("Imported returns", str(head["counts"]["imported_returns"])),
                ("QA moderation records", str(head["counts"].get("moderation_records", 0))),
                ("Exports recorded", str(head["counts"]["exports"])),
                ("Legal holds", str(head["counts"]["legal_holds"])),
                ("Items marked for review", str(head["counts"]["items_to_review"])),
            ],
            width,
        ),
        Spacer(1, 8),
        para(head["notice"]),
    ]
    story.append(heading("Audits"))
    if not pack["audits"]:
        story.append(para("No audit in this vault has this case reference or mentions the terms searched for."))
    for audit in pack["audits"]:
        title = audit["title"] or audit["template"]["title"] or audit["template"]["id"]
        story.append(heading(f"{title} (revision {audit['revision']})", 1))
        story.append(
            key_value_table(
                [
                    ("Found by", audit["found_by"]),
                    ("Template", f"{audit['template']['title'] or audit['template']['id']} {audit['template']['version']}"),
                    ("Status", audit["status"]),
                    ("Started", _date(audit["created_at"])),
                    ("Completed", _date(audit["completed_at"])),
                    ("Auditor", f"{audit['auditor']['name']} ({audit['auditor']['role']}, {audit['auditor']['agency']}) — Review: {audit['auditor']['review'][0]}"),
                    ("Case details", _value(audit["subject"])),
                ],
                width,
            )
        )  # fmt: skip
        rows = [
            [para(a["question"], "cell"), para(a["agency"] or "—", "cell"), para(_value(a["value"]), "cell"),
             para(_value(a["evidence"]), "cell"), _review(a["review"])]
            for a in audit["answers"]
        ]  # fmt: skip
        if rows:
            story.append(Spacer(1, 6))
            story.append(
                grid_table(
                    ["Question", "Agency", "Answer", "Evidence", "Review"],
                    rows,
                    [width * 0.26, width * 0.1, width * 0.22, width * 0.22, width * 0.2],
                )
            )
        history = [
            [para(_date(h["at"]), "cell"), para(h["who"], "cell"), para(h["field"], "cell"),
             para(_value(h["old"]), "cell"), para(_value(h["new"]), "cell")]
            for h in audit["history"]
        ]  # fmt: skip
        if history:
            story.append(para(f"Change history ({len(history)} entries; every entry names who made it: review)", "h2"))
            story.append(
                grid_table(
                    ["When", "Who", "What changed", "Before", "After"],
                    history,
                    [width * 0.13, width * 0.17, width * 0.2, width * 0.25, width * 0.25],
                )
            )
    story.append(heading("Imported returns (QA inbox)"))
    if not pack["imported_returns"]:
        story.append(para("No return in this vault's QA inbox has this case reference or mentions the terms."))
    for ret in pack["imported_returns"]:
        story.append(heading(f"Return {ret['report_id']} (revision {ret['revision']})", 1))
        story.append(
            key_value_table(
                [
                    ("Found by", ret["found_by"]),
                    ("Template", f"{ret['template']['title'] or ret['template']['id']} {ret['template']['version']}"),
                    ("Signed by", f"{ret['signed_by']['name']} — Review: {ret['signed_by']['review'][0]}"),
                    ("Signed", _date(ret["signed_at"])),
                    ("Imported", _date(ret["imported_at"])),
                    ("Signature check", ret["verified"]),
                    ("Overall judgement", ret["overall_judgement"] or "—"),
                    ("Report data", "In the JSON file of this pack (Review: " + ret["review"][0] + ")"),
                ],
                width,
            )
        )
        updates = ret.get("action_updates") or []
        if updates:
            story.append(para(f"Progress updates recorded on this return's actions ({len(updates)}):"))
            story.append(
                grid_table(
                    ["As at", "Action", "Status", "Note", "Reported and recorded by"],
                    [
                        [
                            para(_date(u["as_of"]), "cell"),
                            para(f"{u['action_number']}. {_value(u['action'])}", "cell"),
                            para(u["status"], "cell"),
                            para(_value(u["note"]), "cell"),
                            para(", ".join(p for p in (u["reported_by"], u["recorded_by"]) if p) or "—", "cell"),
                        ]
                        for u in updates
                    ],
                    [width * 0.13, width * 0.27, width * 0.12, width * 0.3, width * 0.18],
                )
            )
            story.append(para("Review: " + "; ".join(updates[0]["review"])))
        moderation = ret.get("moderation") or []
        for record in moderation:
            who = record["moderator"]
            detail = ", ".join(p for p in (who["role"], who["agency"]) if p)
            outcome = "Agreed" if record["outcome"] == "agree" else "Moderated"
            story.append(
                para(
                    f"QA moderation: {outcome} by {who['name']}{f' ({detail})' if detail else ''} on "
                    f"{_date(record['moderated_at'])}. {record['verification']}."
                )
            )
            story.append(para(f"Rationale: {_value(record['rationale'])}"))
            if record["judgements"]:
                story.append(
                    grid_table(
                        ["Judgement", "Self-rating", "Moderated rating", "Rationale"],
                        [
                            [
                                para(j["title"], "cell"),
                                para(_value(j.get("self_rating_label") or j["self_rating"]), "cell"),
                                para(_value(j.get("moderated_label") or j["moderated"]), "cell"),
                                para(_value(j["rationale"]), "cell"),
                            ]
                            for j in record["judgements"]
                        ],
                        [width * 0.25, width * 0.15, width * 0.15, width * 0.45],
                    )
                )
            story.append(para("Review: " + "; ".join(record["review"])))
    story.append(heading("Where copies went (export log)"))
    if pack["exports"]:
        story.append(
            grid_table(
                ["When", "What", "File", "Protection", "By"],
                [
                    [para(_date(e["exported_at"]), "cell"), para(e["what"], "cell"), para(e["file"], "cell"),
                     para(e["protection"], "cell"), para(e["by"], "cell")]
                    for e in pack["exports"]
                ],
                [width * 0.13, width * 0.2, width * 0.37, width * 0.15, width * 0.15],
            )
        )  # fmt: skip
    else:
        story.append(para("No export of these records is recorded."))
    story.append(heading("Legal holds"))
    if pack["legal_holds"]:
        story.append(
            grid_table(
                ["On", "Target", "Reason", "Placed", "Released"],
                [
                    [para(h["on"], "cell"), para(h["target"], "cell"), para(h["reason"], "cell"),
                     para(f"{_date(h['placed_at'])} by {h['placed_by']}", "cell"),
                     para(_date(h["released_at"]) if h["released_at"] else "Active", "cell")]
                    for h in pack["legal_holds"]
                ],
                [width * 0.15, width * 0.2, width * 0.3, width * 0.2, width * 0.15],
            )
        )  # fmt: skip
    else:
        story.append(para("No legal hold covers these records."))
    doc.build(story, canvasmaker=TotalPagesCanvas)
    return out.getvalue()
