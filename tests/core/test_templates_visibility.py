"""Visibility, required answers, answer validation and warnings over a small template."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lscp_audit import paths
from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.templates import Template, load_template_file, load_template_text
from lscp_audit.core.validation import Severity, validate_answer, validate_value
from lscp_audit.core.visibility import (
    blocking_problems,
    check_answers,
    evaluate_visibility,
    find_missing,
    is_required,
    missing_required,
    visible_questions,
)

TEXT = r"""
format: 1
id: visibility-test
title: Visibility test
version: "1"
kind: case_audit
subject:
  - {id: case_reference, type: short_text, label: Ref, pattern: '^[A-Z]{2}-\d{4}-\d{2}$'}
  - id: agencies
    type: multi_choice
    label: Agencies
    options: [{code: police, label: Police}, {code: health, label: Health}]
sections:
  - id: intro
    title: Intro
    questions:
      - {id: seen, type: yes_no, label: Seen, guidance: g, required: true}
      - {id: why_not, type: long_text, label: Why not, guidance: g, required: true, relevant: "${seen} = 'no'"}
      - {id: detail, type: short_text, label: Detail, guidance: g, relevant: "${why_not} != ''", required_if: "string-length(${why_not}) < 5"}
      - id: count
        type: number
        label: Count
        guidance: g
        constraint: . >= 0 and . <= 10
        constraint_message: Between 0 and 10.
        warning: . < 5
        warning_message: That is a lot.
      - {id: when, type: date, label: When, guidance: g, constraint: . <= today(), constraint_message: Not in the future.}
      - id: kinds
        type: multi_choice
        label: Kinds
        guidance: g
        options: [{code: a, label: A}, {code: b, label: B}]
      - {id: acts, type: actions, label: Actions, guidance: g}
  - id: later
    title: Later
    relevant: "${seen} = 'yes'"
    questions:
      - {id: later_q, type: yes_no, label: Later, guidance: g, required: true}
  - id: agency
    title: Per agency
    repeat: per_agency
    questions:
      - {id: ag_seen, type: yes_no, label: Agency saw, guidance: g, required: true}
      - {id: ag_why, type: long_text, label: Why, guidance: g, required: true, relevant: "${ag_seen} = 'no' and ${seen} = 'yes'"}
"""
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template_text(TEXT, "visibility.yaml")


def keys(answers: dict[str, Any]) -> dict[tuple[str, str], Any]:
    result = {}
    for key, value in answers.items():
        qid, _, agency = key.partition("@")
        result[(qid, agency)] = value
    return result


def test_relevant_and_section_relevant(template: Template) -> None:
    vis = evaluate_visibility(template, keys({"seen": "no"}), today=TODAY)
    assert vis.is_visible("why_not") and not vis.is_visible("later_q")
    assert not vis.section_visible("later")
    vis = evaluate_visibility(template, keys({"seen": "yes"}), today=TODAY)
    assert not vis.is_visible("why_not") and vis.is_visible("later_q")


def test_hidden_answers_read_as_empty_downstream(template: Template) -> None:
    # why_not is answered but hidden (seen = yes), so detail, which depends on it, is hidden too.
    vis = evaluate_visibility(template, keys({"seen": "yes", "why_not": "stale text"}), today=TODAY)
    assert not vis.is_visible("detail")
    vis = evaluate_visibility(template, keys({"seen": "no", "why_not": "stale text"}), today=TODAY)
    assert vis.is_visible("detail")


def test_per_agency_sections_use_the_same_agencys_answers(template: Template) -> None:
    answers = keys({"seen": "yes", "ag_seen@police": "no", "ag_seen@health": "yes"})
    vis = evaluate_visibility(template, answers, {"agencies": ["police", "health"]}, today=TODAY)
    assert vis.is_visible("ag_why", "police") and not vis.is_visible("ag_why", "health")
    assert vis.is_visible("ag_seen", "health") and not vis.is_visible("ag_seen")
    assert [q.id for q in visible_questions(template, answers, "police", {"agencies": ["police"]})] == [
        "ag_seen",
        "ag_why",
    ]
    assert "ag_seen" not in [q.id for q in visible_questions(template, answers)]


def test_answer_objects_are_accepted(template: Template) -> None:
    answers = {("seen", ""): Answer("seen", "no")}
    assert [q.id for q in visible_questions(template, answers)][:2] == ["seen", "why_not"]


def test_missing_required_and_required_if(template: Template) -> None:
    missing = find_missing(template, keys({"seen": "no", "why_not": "abc"}), {"agencies": ["police"]}, TODAY)
    assert [(p.question_id, p.agency) for p in missing] == [("detail", None), ("ag_seen", "police")]
    vis = evaluate_visibility(template, keys({"seen": "no", "why_not": "long enough"}), today=TODAY)
    assert not is_required(template, "detail", vis)


def test_missing_required_for_a_record(template: Template) -> None:
    record = AuditRecord(
        id="a1",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject={"agencies": ["health"]},
        answers=(Answer("seen", "yes"), Answer("ag_seen", "yes", agency="health")),
    )
    assert [(p.question_id, p.agency, p.message) for p in missing_required(template, record, TODAY)] == [
        ("later_q", None, "needs an answer")
    ]


@pytest.mark.parametrize(
    ("qid", "value", "problems"),
    [
        ("seen", "yes", []),
        ("seen", "maybe", ["must be one of: yes, no, partly, not_known, not_applicable"]),
        ("kinds", ["a", "b"], []),
        ("kinds", ["a", "z"], ["has unknown option 'z'; choose from: a, b"]),
        ("kinds", ["a", "a"], ["lists the same option twice"]),
        ("kinds", "a", ["must be a list of option codes"]),
        ("detail", "one line", []),
        ("detail", "two\nlines", ["must be one line of at most 200 characters"]),
        ("why_not", 5, ["must be text"]),
        ("when", "2026-02-30", ["must be a date in the form YYYY-MM-DD"]),
        ("count", True, ["must be a number"]),
        ("count", float("nan"), ["must be a number"]),
        ("count", None, []),
        (
            "acts",
            [
                {
                    "action": "Train staff",
                    "owner_agency": "police",
                    "owner_role": "DI",
                    "due": "2027-01-31",
                    "status": "open",
                }
            ],
            [],
        ),
        (
            "acts",
            [{"action": "", "owner_agency": "police", "owner_role": "DI", "due": "soon", "status": "late"}],
            [
                "action 1 needs action",
                "action 1 needs a due date in the form YYYY-MM-DD",
                "action 1 status must be one of: open, in_progress, complete",
            ],
        ),
        (
            "acts",
            [{"action": "x", "colour": "red"}],
            ["action 1 must have only the fields action, owner_agency, owner_role, due, status, measure, link"],
        ),
    ],
)
def test_validate_value(template: Template, qid: str, value: Any, problems: list[str]) -> None:
    assert validate_value(template.question(qid), value) == problems


def test_constraint_and_warning(template: Template) -> None:
    assert validate_answer(template, "count", 3) == []
    [hard] = validate_answer(template, "count", 11)
    assert (hard.kind, hard.severity, hard.message) == ("constraint", Severity.ERROR, "Between 0 and 10.")
    [soft] = validate_answer(template, "count", 7)
    assert (soft.kind, soft.severity, soft.message, soft.acknowledged) == (
        "warning",
        Severity.WARNING,
        "That is a lot.",
        False,
    )
    [acked] = validate_answer(template, "count", 7, warning_reason="Large sibling group")
    assert acked.acknowledged
    [future] = validate_answer(template, "when", "2027-01-01", today=TODAY)
    assert future.message == "Not in the future."


def test_check_answers_and_blocking(template: Template) -> None:
    answers = {
        ("seen", ""): Answer("seen", "yes"),
        ("later_q", ""): Answer("later_q", "no"),
        ("count", ""): Answer("count", 7, warning_reason="Explained"),
        ("when", ""): Answer("when", "2030-01-01"),
    }
    problems = check_answers(template, answers, {}, TODAY)
    assert [(p.question_id, p.kind, p.acknowledged) for p in problems] == [
        ("count", "warning", True),
        ("when", "constraint", False),
    ]
    assert [p.question_id for p in blocking_problems(problems)] == ["when"]


def test_validate_subject() -> None:
    from lscp_audit.core.validation import validate_subject

    template = load_template_file(paths.forms_dir() / "domestic-abuse-maca.yaml")
    good = {
        "case_reference": "DA-2026-014",
        "agencies": ["police"],
        "locality": "partnership_area",
        "period_start": "2025-07-01",
        "period_end": "2026-06-30",
        "age_band": "age_5_9",
        "legal_status": "child_in_need",
    }
    assert validate_subject(template, good) == {}
    bad = {**good, "case_reference": "Jane Smith 01/02/2015", "agencies": ["fire"], "age_band": None}
    assert validate_subject(template, bad) == {
        "case_reference": ["Use capital letters, the year and a case number, for example DA-2026-014."],
        "agencies": ["has unknown option 'fire'; choose from: " + ", ".join(o.code for o in template.agency_options)],
        "age_band": ["needs an answer"],
    }


# Properties of visibility over a shipped template with random answers.
_DA = load_template_file(paths.forms_dir() / "domestic-abuse-maca.yaml")
_AGENCIES = ["police", "school"]


def _value(question_type: str) -> st.SearchStrategy[Any]:
    return {
        "yes_no": st.sampled_from(["yes", "no", "partly", "not_known", "not_applicable"]),
        "grade": st.sampled_from(["outstanding", "good", "requires_improvement", "inadequate"]),
    }.get(question_type, st.sampled_from(["", "x"]))


def _answers_strategy() -> st.SearchStrategy[dict[tuple[str, str], Any]]:
    entries = {}
    for section in _DA.sections:
        for question in section.questions:
            if question.type in ("single_choice", "multi_choice"):
                codes = [o.code for o in question.options]
                strategy: st.SearchStrategy[Any] = (
                    st.sampled_from(codes)
                    if question.type == "single_choice"
                    else st.lists(st.sampled_from(codes), max_size=2, unique=True)
                )
            else:
                strategy = _value(question.type.value)
            for agency in _AGENCIES if section.per_agency else [""]:
                entries[(question.id, agency)] = strategy
    return st.fixed_dictionaries({}, optional=entries)


@settings(max_examples=60, deadline=None)
@given(_answers_strategy())
def test_hidden_answers_never_change_visibility(answers: dict[tuple[str, str], Any]) -> None:
    subject = {"agencies": _AGENCIES}
    first = evaluate_visibility(_DA, answers, subject, TODAY)
    visible_only = {k: v for k, v in answers.items() if (k[0], k[1]) in first.questions}
    assert evaluate_visibility(_DA, visible_only, subject, TODAY).questions == first.questions
    reordered = dict(reversed(list(answers.items())))
    assert evaluate_visibility(_DA, reordered, subject, TODAY).questions == first.questions


@settings(max_examples=60, deadline=None)
@given(_answers_strategy())
def test_missing_answers_are_visible_required_and_empty(answers: dict[tuple[str, str], Any]) -> None:
    subject = {"agencies": _AGENCIES}
    vis = evaluate_visibility(_DA, answers, subject, TODAY)
    for problem in find_missing(_DA, answers, subject, TODAY):
        key = (problem.question_id, problem.agency or "")
        assert key in vis.questions and answers.get(key) in (None, "", [])
