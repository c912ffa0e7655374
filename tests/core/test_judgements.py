"""Judgement rules: derivation, caps, per-agency sections, visibility and overrides."""

from __future__ import annotations

import pytest

from lscp_audit import paths
from lscp_audit.core.audit import Answer, AuditRecord, JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.judgements import (
    JudgementInput,
    derive,
    derive_judgements,
    describe_rule,
    judgements_for_record,
    validate_override,
)
from lscp_audit.core.templates import (
    Cap,
    JudgementMethod,
    JudgementRule,
    Template,
    load_template_file,
    load_template_text,
)

TEXT = r"""
format: 1
id: judgement-test
title: Judgement test
version: "1"
kind: case_audit
subject:
  - {id: case_reference, type: short_text, label: Ref, pattern: '^[A-Z]{2}-\d{4}-\d{2}$'}
  - {id: agencies, type: multi_choice, label: Agencies, options: [{code: police, label: Police}, {code: health, label: Health}]}
sections:
  - id: one
    title: One
    questions:
      - {id: gate, type: yes_no, label: Gate, guidance: g}
      - {id: g1, type: grade, label: G1, guidance: g}
      - {id: g2, type: grade, label: G2, guidance: g, relevant: "${gate} != 'no'"}
  - id: two
    title: Two
    questions:
      - {id: g3, type: grade, label: G3, guidance: g}
  - id: notes
    title: Notes
    questions:
      - {id: text, type: long_text, label: Notes, guidance: g}
  - id: agency
    title: Agency
    repeat: per_agency
    questions:
      - {id: ag, type: grade, label: Agency grade, guidance: g}
judgement_rules:
  scale: grade
  section: {method: lowest}
  sections:
    two: {method: average, rounding: nearest}
  overall:
    method: average
    from: sections
    caps: [{if_any: inadequate, at_most: requires_improvement}]
"""


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template_text(TEXT, "judgements.yaml")


def inputs(*codes: str) -> list[JudgementInput]:
    return [JudgementInput(f"q{i}", None, c) for i, c in enumerate(codes)]


@pytest.mark.parametrize(
    ("rule", "codes", "expected"),
    [
        (
            JudgementRule(JudgementMethod.LOWEST),
            ["good", "outstanding", "requires_improvement"],
            "requires_improvement",
        ),
        (JudgementRule(JudgementMethod.AVERAGE), ["good", "outstanding"], "good"),  # 3.5 rounds down
        (
            JudgementRule(JudgementMethod.AVERAGE, rounding="nearest"),
            ["good", "outstanding"],
            "good",
        ),  # half rounds down
        (
            JudgementRule(JudgementMethod.AVERAGE, rounding="nearest"),
            ["good", "outstanding", "outstanding"],
            "outstanding",
        ),
        (
            JudgementRule(JudgementMethod.AVERAGE, caps=(Cap("inadequate", "requires_improvement"),)),
            ["outstanding", "outstanding", "outstanding", "inadequate"],
            "requires_improvement",
        ),
        (JudgementRule(JudgementMethod.LOWEST), [], None),
    ],
)
def test_derive(rule: JudgementRule, codes: list[str], expected: str | None) -> None:
    assert derive(rule, "grade", inputs(*codes))[0] == expected


def test_derive_explains_itself() -> None:
    rule = JudgementRule(JudgementMethod.AVERAGE, caps=(Cap("inadequate", "requires_improvement"),))
    value, why = derive(rule, "grade", inputs("outstanding", "outstanding", "inadequate"))
    assert value == "requires_improvement"
    assert why == "Average of 3 is 3.00, giving Good. Limited to Requires improvement because one is Inadequate."
    assert derive(JudgementRule(), "rag", inputs("green", "red"))[1] == "Lowest of 2: Red."


def test_describe_rule() -> None:
    rule = JudgementRule(JudgementMethod.AVERAGE, caps=(Cap("inadequate", "requires_improvement"),))
    assert describe_rule(rule, "grade", "section judgements") == (
        "The judgement is the average of the section judgements (Outstanding 4, Good 3, Requires improvement 2, "
        "Inadequate 1), rounded down. If any is Inadequate, it can be no better than Requires improvement."
    )
    # The rule text is always generated from the rule: a stale hand-written description cannot
    # contradict what the engine does.
    assert (
        describe_rule(JudgementRule(description="Own words."), "grade", "x")
        == "The judgement is the lowest (worst) of the x."
    )


def test_sections_agencies_and_overall(template: Template) -> None:
    answers = {
        ("g1", ""): "good",
        ("g2", ""): "requires_improvement",
        ("g3", ""): "outstanding",
        ("ag", "police"): "good",
        ("ag", "health"): "outstanding",
    }
    result = derive_judgements(template, answers, {"agencies": ["police", "health"]})
    by_key = {k: j.value for k, j in result.by_key().items()}
    assert by_key == {
        "one": "requires_improvement",
        "two": "outstanding",
        "agency@police": "good",
        "agency@health": "outstanding",
        "overall": "good",  # (2 + 4 + 3 + 4) / 4 = 3.25
    }
    overall = result.overall
    assert overall is not None and overall.label == "Good"
    assert [i.source for i in overall.inputs] == ["one", "two", "agency", "agency"]
    assert "notes" not in by_key  # sections without graded questions have no judgement


def test_hidden_grades_do_not_count(template: Template) -> None:
    answers = {("gate", ""): "no", ("g1", ""): "good", ("g2", ""): "inadequate"}
    one = derive_judgements(template, answers).get("one")
    assert one is not None and one.value == "good" and [i.source for i in one.inputs] == ["g1"]


def test_nothing_graded_yet(template: Template) -> None:
    result = derive_judgements(template, {})
    assert result.overall is not None and result.overall.value is None
    assert result.overall.explanation == "Nothing has been graded yet."


def test_override_keeps_the_derived_value(template: Template) -> None:
    answers = {("g1", ""): "good", ("g3", ""): "good"}
    override = JudgementOverride("overall", "requires_improvement", "Drift for six months not visible in grades.")
    result = derive_judgements(template, answers, overrides=[override])
    assert result.overall is not None
    assert (result.overall.derived, result.overall.value) == ("good", "requires_improvement")
    assert result.overall.override == override and result.overall.derived_label == "Good"


@pytest.mark.parametrize(
    ("override", "problems"),
    [
        (JudgementOverride("overall", "good", "  "), ["an overridden judgement needs a rationale explaining why"]),
        (JudgementOverride("three", "good", "why"), ["there is no section 'three' to override"]),
        (JudgementOverride("overall", "green", "why"), ["'green' is not a judgement on the grade scale"]),
        (JudgementOverride("agency", "good", "why"), ["'agency' is judged per agency, so name the agency"]),
        (
            JudgementOverride("overall", "good", "why", agency="police"),
            ["'overall' is not judged per agency, so do not name an agency"],
        ),
    ],
)
def test_invalid_overrides_are_refused(template: Template, override: JudgementOverride, problems: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_override(template, override)
    assert caught.value.problems == problems
    with pytest.raises(ValidationError):
        derive_judgements(template, {}, overrides=[override])


def test_judgements_for_record(template: Template) -> None:
    record = AuditRecord(
        id="a",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject={"agencies": ["police"]},
        answers=(Answer("g1", "inadequate"), Answer("ag", "good", agency="police")),
        overrides=(JudgementOverride("agency", "requires_improvement", "Late referral", agency="police"),),
    )
    result = judgements_for_record(template, record)
    agency = result.get("agency", "police")
    assert agency is not None and agency.value == "requires_improvement" and agency.derived == "good"
    assert result.overall is not None and result.overall.value == "inadequate"  # (1 + 2) / 2 = 1.5 rounds down


def test_section_11_overall_is_red_if_any_standard_is_red_and_otherwise_the_best_fit() -> None:
    template = load_template_file(paths.forms_dir() / "section-11-self-assessment.yaml")
    assert "moderation" not in {s.id for s in template.sections}  # moderation is the QA side's now
    answers = {("sc_include_voice", ""): "no"}
    answers.update({(f"s{n}_rating", ""): "green" for n in range(1, 9)})
    answers[("s2_rating", "")] = "amber"
    result = derive_judgements(template, answers, {"sector": "health"})
    assert result.overall is not None and result.overall.value == "green"  # one Amber among Greens
    assert result.overall.rule_text.startswith("Limiting judgement")
    answers[("s5_rating", "")] = "red"
    result = derive_judgements(template, answers, {"sector": "health"})
    assert result.overall is not None and result.overall.value == "red"
