"""Loading and checking templates: every class of malformed file has an exact message."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.core.errors import TemplateError
from lscp_audit.core.templates import (
    QuestionType,
    TemplateInvalid,
    TemplateKind,
    check_template_file,
    check_template_text,
    content_hash,
    load_template_file,
    load_template_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
SHIPPED = sorted(paths.forms_dir().glob("*.yaml"))

# fixture file -> exact "LINE: message" lines that `templates check` must print for it.
EXPECTED = {
    "bad_yaml.yaml": ["15: is not valid YAML: expected <block end>, but found '<block sequence start>'"],
    "duplicate_key.yaml": ["19: duplicate key: 'label' appears twice in the same block"],
    "wrong_field_type.yaml": ["20: question 'q1' required must be true or false; use required_if for a condition"],
    "unknown_field.yaml": ["25: question 'q2' has unknown field 'relevnt'; did you mean 'relevant'?"],
    "missing_field.yaml": ["21: question 'q2' is missing required field 'label'"],
    "duplicate_id.yaml": ["21: question id 'q1' is already used by a question at line 16"],
    "unknown_question_type.yaml": [
        "22: question 'q2' type 'essay' is not a known question type; use one of: yes_no, single_choice, "
        "multi_choice, grade, rag, short_text, long_text, date, number, actions"
    ],
    "unknown_reference.yaml": ["25: question 'q2' relevant refers to unknown question 'q99'"],
    "bad_expression.yaml": ["25: question 'q2' relevant has unexpected end of expression at character 17"],
    "type_mismatch.yaml": ["25: question 'q2' relevant uses '>' on 'q1' (text); '>' works only on numbers and dates"],
    "unknown_option_code.yaml": [
        "25: question 'q2' relevant compares 'q1' with 'maybe', which is not one of its options "
        "(yes, no, partly, not_known, not_applicable)"
    ],
    "cycle.yaml": ["21: question 'q1' relevant is part of a cycle: q1 -> q2 -> q1"],
    "failing_self_test.yaml": ["13: self-test 'q2 shows after yes' expects 'q2' visible, but it is hidden"],
    "unknown_option_list.yaml": ["18: question 'q1' options refers to unknown option list 'colours'"],
    "unquoted_version.yaml": ["5: template version must be text; put it in quotes, e.g. version: '2026.1'"],
    "missing_case_reference.yaml": ["8: subject field 'case_reference' must be short_text with a pattern"],
    "no_guidance.yaml": ["21: question 'q2' has no guidance; tell the auditor how to answer it"],
    "constraint_without_message.yaml": ["25: question 'q2' has a constraint but no constraint_message"],
    "per_agency_reference.yaml": [
        "37: question 'q2' relevant refers to 'ag1', which is answered once per agency; "
        "only questions in per-agency sections can use it"
    ],
    "judgement_rule_unknown_question.yaml": ["14: overall judgement rule refers to unknown question 'g9'"],
    "not_a_mapping.yaml": ["1: template must be a block of fields (id, title, sections, ...), not a list"],
    "comma_in_flow_label.yaml": [
        "18: question 'q1' option 1 has unknown field 'amber'; text that contains a comma inside { } must be put in quotes"
    ],
}


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.yaml")} - {"valid_minimal.yaml"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_template_gives_exact_message(name: str) -> None:
    path = FIXTURES / name
    template, problems = check_template_file(path)
    assert template is None
    assert [str(p) for p in problems] == [f"{path}:{line}" for line in EXPECTED[name]]


def test_load_raises_template_invalid_with_every_problem() -> None:
    path = FIXTURES / "unknown_reference.yaml"
    with pytest.raises(TemplateInvalid) as caught:
        load_template_file(path)
    error = caught.value
    assert isinstance(error, TemplateError)
    assert error.file == str(path) and error.line == 25
    assert error.detail == "question 'q2' relevant refers to unknown question 'q99'"
    assert str(error) == f"{path}:25: question 'q2' relevant refers to unknown question 'q99'"


def test_several_problems_are_all_reported() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text()
    text = text.replace("        guidance: Explain.\n", "").replace("type: yes_no", "type: yesno")
    _template, problems = check_template_text(text, "t.yaml")
    assert [p.message for p in problems] == [
        "question 'q1' type 'yesno' is not a known question type; use one of: yes_no, single_choice, "
        "multi_choice, grade, rag, short_text, long_text, date, number, actions"
    ]  # structure problems stop the later stages, so messages never cascade


def test_missing_file() -> None:
    assert [str(p) for p in check_template_file("/nonexistent/x.yaml")[1]] == ["/nonexistent/x.yaml: file not found"]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    assert [p.message for p in check_template_file(path)[1]] == ["is not UTF-8 text"]


def test_valid_minimal_template_model() -> None:
    template = load_template_file(FIXTURES / "valid_minimal.yaml")
    assert template.id == "fixture-audit" and template.kind is TemplateKind.CASE_AUDIT
    assert [q.id for q in template.all_questions()] == ["q1", "q2"]
    q1 = template.question("q1")
    assert q1.type is QuestionType.YES_NO and q1.required
    assert [o.code for o in q1.options] == ["yes", "no", "partly", "not_known", "not_applicable"]
    assert q1.option_label("not_known") == "Not known"
    assert template.section_of("q2").id == "s1"
    assert template.question("q2").line_of("relevant") == 25
    with pytest.raises(KeyError):
        template.question("zz")


def test_yaml_yes_no_stay_text_and_dates_stay_iso() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text() + (
        "self_tests:\n  - name: plain yes\n    answers: {q1: yes}\n    expect_hidden: [q2]\n"
        "  - name: plain no\n    answers: {q1: no}\n    expect_visible: [q2]\n"
    )
    template = load_template_text(text, "t.yaml")
    assert template.self_tests[0].answers == {"q1": "yes"}


def test_content_hash_ignores_line_endings_and_bom() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text()
    assert content_hash(text) == content_hash("\ufeff" + text.replace("\n", "\r\n"))
    assert content_hash(text) != content_hash(text + "# changed\n")
    assert content_hash(text).startswith("sha256:") and len(content_hash(text)) == 71


def test_frozen_source_rebuilds_an_equal_template() -> None:
    original = load_template_file(SHIPPED[0])
    again = load_template_text(original.source_text, "frozen", run_tests=False)
    assert again == original
    assert again.content_hash == original.content_hash


def test_model_is_frozen_and_hashable() -> None:
    template = load_template_file(FIXTURES / "valid_minimal.yaml")
    assert {template: 1}[load_template_file(FIXTURES / "valid_minimal.yaml")] == 1
    assert hash(template.question("q1")) == hash(load_template_file(FIXTURES / "valid_minimal.yaml").question("q1"))
    with pytest.raises(AttributeError):
        template.title = "x"  # type: ignore[misc]
    assert replace(template, title="x").title == "x"


def test_shipped_templates_are_all_present() -> None:
    assert {p.stem for p in SHIPPED} == {
        "domestic-abuse-maca",
        "was-not-brought",
        "voice-of-the-child",
        "section-11-self-assessment",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_is_valid_and_self_tests_pass(path: Path) -> None:
    template, problems = check_template_file(path)
    assert problems == []
    assert template is not None and template.self_tests
    assert template.id == path.stem
    for question in template.all_questions():
        assert len(question.guidance) >= 20, question.id  # every question is explained


@pytest.mark.parametrize("path", [p for p in SHIPPED if "section-11" not in p.name], ids=lambda p: p.stem)
def test_case_audits_end_with_findings_learning_judgement_and_actions(path: Path) -> None:
    template = load_template_file(path)
    assert [s.id for s in template.sections[-4:]] == ["findings", "learning", "overall_judgement", "actions"]
    assert template.question("action_plan").type is QuestionType.ACTIONS
    assert template.subject_field("case_reference").pattern == r"^[A-Z]{2,4}-\d{4}-\d{2,6}$"
    assert {f.id for f in template.subject_fields} >= {"agencies", "audit_round", "period_start", "age_band"}
    assert template.judgement_rules is not None and template.judgement_rules.scale == "ofsted_4"


def test_domestic_abuse_template_attributes_the_trademark() -> None:
    template = load_template_file(paths.forms_dir() / "domestic-abuse-maca.yaml")
    assert "Informed by the Safe & Together Model" in template.attribution
    assert "Safe & Together is a trademark of the Safe & Together Institute" in template.attribution
    assert "not endorsed" in template.attribution
    text = (paths.forms_dir() / "domestic-abuse-maca.yaml").read_text()
    assert "Safe and Together" not in text and "(TM)" not in text  # the name is spelt one way
    assert "Safe & Together" not in template.title


def test_section_11_has_eight_standards_and_rag_definitions() -> None:
    template = load_template_file(paths.forms_dir() / "section-11-self-assessment.yaml")
    assert template.kind is TemplateKind.AGENCY_SELF_ASSESSMENT
    standards = [s for s in template.sections if s.id.startswith("s") and s.id[1:].isdigit()]
    assert [s.id for s in standards] == [f"s{n}" for n in range(1, 10)]
    assert standards[-1].relevant  # standard 9 is optional
    rating = template.question("s1_rating")
    assert [o.code for o in rating.options] == ["green", "amber", "red"]
    assert all(o.description for o in rating.options)
    assert {f.id for f in template.subject_fields} >= {"agency", "sector", "lead_officer", "assessment_start"}
    assert template.section("vcs_faith").relevant


def test_oversized_text_is_refused() -> None:
    _template, problems = check_template_text("#" * 2_000_001, "big.yaml")
    assert [str(p) for p in problems] == ["big.yaml: is too large to be a template (2000001 characters)"]


def test_fast_and_python_yaml_loaders_agree() -> None:
    import yaml

    from lscp_audit.core.templates.yaml_source import _LOADERS, _TemplateLoader

    for path in SHIPPED:
        text = path.read_text()
        fast = yaml.load(text, Loader=_LOADERS[0])  # noqa: S506
        slow = yaml.load(text, Loader=_TemplateLoader)  # noqa: S506
        assert fast == slow
        assert fast["sections"][1].key_lines == slow["sections"][1].key_lines


def test_question_type_examples_in_the_docs_are_valid() -> None:
    docs = (paths.forms_dir().parent / "docs" / "templates.md").read_text()
    block = docs.split("## Question types, one example each", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    questions = "\n".join("      " + line if line else "" for line in block.splitlines())
    text = (
        'format: 1\nid: docs-example\ntitle: Docs\nversion: "1"\nkind: agency_self_assessment\n'
        "option_lists:\n"
        "  factor_list: [{code: none, label: None}, {code: housing, label: Housing}]\n"
        "  grades: [{code: good, description: Met expectations.}]\n"
        "  rag_definitions: [{code: green, label: Green, description: Fully met.}]\n"
        "scales: [{use: ofsted_4}]\n"
        "subject:\n  - {id: agency, type: short_text, label: Organisation}\n"
        "sections:\n  - id: s1\n    title: Examples\n    questions:\n"
        "      - {id: offered, type: number, label: Offered, guidance: How many were offered.}\n"
        f"{questions}\n"
    )
    template = load_template_text(text, "docs.yaml")
    assert {q.type for q in template.all_questions()} == set(QuestionType)


def test_anchors_and_aliases_are_refused() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text().replace("title: Fixture audit", "title: &t Fixture audit")
    text = text.replace("title: Section one", "title: *t")
    assert [str(p) for p in check_template_text(text, "alias.yaml")[1]] == [
        "alias.yaml:4: anchors and aliases (& and *) are not allowed in templates"
    ]


def test_self_test_subject_values_are_checked() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text() + (
        "self_tests:\n  - name: bad subject\n    subject: {case_reference: 5, colour: red}\n"
    )
    assert [p.message for p in check_template_text(text, "t.yaml")[1]] == [
        "self-test 'bad subject' subject 'case_reference' must be text",
        "self-test 'bad subject' subject refers to unknown subject field 'colour'",
    ]


def test_self_tests_can_fix_today() -> None:
    text = (FIXTURES / "valid_minimal.yaml").read_text().replace(
        "        relevant: ${q1} = 'no'\n",
        "        relevant: ${q1} = 'no'\n      - id: due\n        type: date\n        label: Due\n        guidance: The due date.\n"
        "      - id: late\n        type: long_text\n        label: Why late\n        guidance: Explain the delay.\n"
        "        relevant: ${due} < today()\n",
    ) + (
        "self_tests:\n"
        "  - {name: overdue, today: '2026-11-28', answers: {due: '2026-11-01'}, expect_visible: [late]}\n"
        "  - {name: not yet due, today: '2026-10-01', answers: {due: '2026-11-01'}, expect_hidden: [late]}\n"
        "  - {name: bad date, today: 'soon'}\n"
    )
    assert [p.message for p in check_template_text(text, "t.yaml")[1]] == [
        "self-test 'bad date' today 'soon' must be a date in the form YYYY-MM-DD"
    ]
    template = load_template_text(text.rsplit("  - {name: bad date", 1)[0], "t.yaml")
    assert template.self_tests[0].today == "2026-11-28"


def test_text_that_is_not_valid_unicode_is_a_problem_with_its_line() -> None:
    template, problems = check_template_text("id: x\ntitle: broken \ud800 here\n", "odd.yaml")
    assert template is None
    assert [(p.line, p.message) for p in problems] == [(2, "contains a character that is not valid Unicode text")]


def test_self_tests_expect_a_warning_or_none() -> None:
    text = (
        (FIXTURES / "valid_minimal.yaml")
        .read_text()
        .replace(
            "        relevant: ${q1} = 'no'\n",
            "        relevant: ${q1} = 'no'\n      - id: misses\n        type: number\n        label: Misses\n"
            "        guidance: How many were missed.\n        warning: . < 3\n        warning_message: Three or more.\n",
        )
    )
    passing = (
        "self_tests:\n"
        "  - {name: three warn, answers: {misses: 3}, expect_warnings: [misses]}\n"
        "  - {name: two do not, answers: {misses: 2}, expect_no_warnings: [misses]}\n"
    )
    assert check_template_text(text + passing, "t.yaml")[1] == []
    failing = (
        "self_tests:\n"
        "  - {name: two warn, answers: {misses: 2}, expect_warnings: [misses]}\n"
        "  - {name: five do not, answers: {misses: 5}, expect_no_warnings: [misses]}\n"
        "  - {name: unanswered, answers: {q1: 'yes'}, expect_warnings: [misses]}\n"
    )
    assert [p.message for p in check_template_text(text + failing, "t.yaml")[1]] == [
        "self-test 'two warn' expects a warning on 'misses', but there is none",
        "self-test 'five do not' expects no warning on 'misses', but it warns",
        "self-test 'unanswered' expect_warnings names 'misses', which the self-test does not answer",
    ]
    template = load_template_text(text + passing, "t.yaml")
    assert template.self_tests[0].expect_warnings == ("misses",)
    assert template.self_tests[1].expect_no_warnings == ("misses",)
