"""The report data dict: schema, ids, display values, judgements, modes and change summary."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from lscp_audit.core.audit import Answer
from lscp_audit.core.report_data import (
    SCHEMA_ID,
    SCHEMA_VERSION,
    build_report_data,
    content_hash,
    display_value,
    format_date,
    report_id_for,
)
from lscp_audit.core.templates.model import Option, Question, QuestionType
from tests.reports.sample_audit import CANARY, GENERATED_AT, amended_revision, sample_inputs


def test_schema_header_and_json_compatible(report_data: dict[str, Any]) -> None:
    assert report_data["schema"] == SCHEMA_ID and report_data["schema_version"] == SCHEMA_VERSION
    assert json.loads(json.dumps(report_data)) == report_data
    assert report_data["template"]["id"] == "maca-sample" and report_data["template"]["version"] == "1.2.0"
    assert report_data["report"]["marking"] == "OFFICIAL-SENSITIVE"
    assert report_data["report"]["generated_at"] == "2026-11-28T09:30:00Z"


def test_report_id_is_short_and_stable() -> None:
    rid = report_id_for("a-0001", 1)
    assert rid == report_id_for("a-0001", 1) != report_id_for("a-0001", 2)
    assert rid.startswith("R-") and len(rid) == 11


def test_display_values_use_labels_and_uk_dates() -> None:
    choice = Question("q", QuestionType.MULTI_CHOICE, "Q", options=(Option("a", "Alpha"), Option("b", "Beta")))
    assert display_value(choice, ["a", "b"]) == "Alpha; Beta"
    assert display_value(Question("d", QuestionType.DATE, "D"), "2026-11-28") == "28 Nov 2026"
    assert display_value(Question("t", QuestionType.SHORT_TEXT, "T"), None) == "Not answered"
    assert format_date("2026-03-04T10:00:00Z") == "4 Mar 2026"


def test_hidden_questions_flagged_not_dropped(report_data: dict[str, Any]) -> None:
    questions = {q["id"]: q for s in report_data["sections"] for q in s["questions"]}
    assert questions["eh_hidden"]["relevant"] is False
    assert questions["eh_identified"]["relevant"] is True
    sections = {s["id"]: s for s in report_data["sections"]}
    assert sections["exploitation"]["relevant"] is False
    assert [a["agency"] for a in questions["ar_grade"]["answers"]] == ["police", "health", "csc", "school"]


def test_hidden_answers_carry_no_values_in_either_mode(template: Any, audit: Any) -> None:
    """A stale answer to a question the branching hid is printed in neither mode, so the
    embedded data keeps only the flag: value null, no evidence, no warning."""
    stale = replace(
        audit,
        answers=(
            *audit.answers,
            Answer("eh_hidden", f"stale {CANARY}", evidence=f"stale evidence {CANARY}", warning_reason="stale"),
        ),
    )
    for mode in ("full", "compact"):
        data = build_report_data(
            stale, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, stale), mode=mode
        )
        question = next(q for s in data["sections"] for q in s["questions"] if q["id"] == "eh_hidden")
        assert question["relevant"] is False
        (answer,) = question["answers"]
        assert answer["relevant"] is False and answer["value"] is None
        assert answer["evidence"] == "" and answer["warning_reason"] is None
        assert answer["display"] == "Not applicable"
        assert "stale" not in json.dumps(data["sections"], ensure_ascii=False)
        ex_risk = next(q for s in data["sections"] for q in s["questions"] if q["id"] == "ex_risk")
        assert all(a["value"] is None for a in ex_risk["answers"])


def test_judgements_counts_actions(report_data: dict[str, Any]) -> None:
    overall = report_data["judgements"]["overall"]
    assert overall["value"] == "requires_improvement" and overall["derived"] == "good" and overall["overridden"]
    assert overall["rationale"]
    assert report_data["grade_counts"] == {"outstanding": 1, "good": 1, "requires_improvement": 2, "inadequate": 1}
    assert len(report_data["actions"]) == 2 and report_data["actions"][0]["status"] == "open"
    assert report_data["key_findings"][0]["question_id"] == "key_findings"


def test_change_summary(template: Any, audit: Any) -> None:
    amended = amended_revision(audit, "eh_date", "2026-03-20", "Typo")
    data = build_report_data(
        amended, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, amended), previous=audit
    )
    amendment = data["amendment"]
    assert amendment["previous_report_id"] == report_id_for(audit.id, 1)
    assert amendment["previous_content_hash"] == content_hash(audit)
    assert amendment["changes"] == [
        {
            "key": "eh_date",
            "question_id": "eh_date",
            "agency": None,
            "agency_label": None,
            "section_id": "early_help",
            "section_title": "Early help and referral",
            "label": "Date of the referral",
            "before": "14 Mar 2026",
            "after": "20 Mar 2026",
            "reason": "Typo",
        }
    ]


def test_change_history_names_agency_who_when_and_consequential_judgements(template: Any, audit: Any) -> None:
    amended = amended_revision(audit, "ar_grade", "good", "GP record found")
    amended = replace(
        amended,
        answers=tuple(replace(a, value="good") if a.key == ("ar_grade", "health") else a for a in audit.answers),
        amendment_reasons={"ar_grade@health": "GP record found"},
    )
    inputs = sample_inputs(template, amended)
    before = replace(inputs, derived={**inputs.derived, "agency_response@health": "inadequate", "early_help": "good"})
    after = replace(inputs, derived={**inputs.derived, "agency_response@health": "good", "early_help": "good"})
    data = build_report_data(
        amended, template, generated_at=GENERATED_AT, inputs=after, previous=audit, previous_inputs=before
    )
    amendment = data["amendment"]
    (change,) = amendment["changes"]
    assert change["section_title"] == "Each agency's response" and change["agency_label"] == "Health (ICB)"
    assert change["before"] == "Inadequate" and change["after"] == "Good" and change["reason"] == "GP record found"
    assert amendment["amended_by"]["name"] == amended.auditor.name
    assert amendment["amended_at"] == amended.completed_at
    (moved,) = amendment["judgement_changes"]
    assert moved["scope"] == "agency_response" and moved["agency_label"] == "Health (ICB)"
    assert (moved["before"], moved["after"], moved["overridden"]) == ("Inadequate", "Good", False)


def test_first_revision_has_no_amendment(report_data: dict[str, Any]) -> None:
    assert report_data["amendment"] is None


def test_protective_marking_from_the_gsc_vocabulary() -> None:
    import pytest

    from lscp_audit.core.errors import ValidationError
    from lscp_audit.core.report_data import parse_marking, protective_marking

    assert parse_marking("OFFICIAL-SENSITIVE").text == "OFFICIAL-SENSITIVE"
    assert parse_marking("official").text == "OFFICIAL"
    assert parse_marking("Official Sensitive: personal").text == "OFFICIAL-SENSITIVE PERSONAL"
    assert protective_marking("OFFICIAL-SENSITIVE", "locsen").descriptor == "LOCSEN"
    for bad in ("SECRET", "TOP SECRET", "RESTRICTED", ""):
        with pytest.raises(ValidationError, match="must be OFFICIAL or OFFICIAL-SENSITIVE"):
            parse_marking(bad)
    with pytest.raises(ValidationError, match="descriptor"):
        protective_marking("OFFICIAL", "<script>")


def test_marking_and_its_parts_are_in_the_data(template: Any, audit: Any) -> None:
    data = build_report_data(audit, template, generated_at=GENERATED_AT, marking="OFFICIAL-SENSITIVE PERSONAL")
    report = data["report"]
    assert (report["marking"], report["classification"], report["descriptor"]) == (
        "OFFICIAL-SENSITIVE PERSONAL",
        "OFFICIAL-SENSITIVE",
        "PERSONAL",
    )
