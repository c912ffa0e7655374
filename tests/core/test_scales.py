"""Declared scales, answer polarity and the judgement rules a practitioner would accept (issue 13,
items 1 to 3): the shipped scale library, checker messages with file and line, the issue's
judgement cases on the real shipped templates, and report data that carries scale and polarity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lscp_audit import paths
from lscp_audit.core.audit import JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.judgements import derive_judgements
from lscp_audit.core.templates import Template, check_template_text, load_template_file, load_template_text
from lscp_audit.core.templates.model import Polarity
from lscp_audit.core.templates.scales_builder import library_scales, parse_library, report_scale
from lscp_audit.core.templates.validator import template_warnings

FIXTURES = Path(__file__).parent / "fixtures"
SCALE_FIXTURES = FIXTURES / "scales"
LEGACY = FIXTURES / "legacy"

DA_AGENCIES = [
    "childrens_social_care",
    "early_help",
    "police",
    "health_visiting",
    "school_nursing",
    "gp",
    "hospital",
    "camhs",
]
WNB_AGENCIES = ["gp", "hospital", "community_health", "dental", "health_visiting", "school_nursing"]


def _contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


# -- the shipped scale library ----------------------------------------------------------------


def test_library_ships_the_five_scales_best_first() -> None:
    scales = library_scales()
    assert list(scales) == ["ofsted_4", "ofsted_2025_5", "rag_3", "rag_4", "met_partly_not_met"]
    assert [lv.label for lv in scales["ofsted_4"].levels] == [
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
    ]
    assert scales["ofsted_2025_5"].scores == {
        "exceptional": 5,
        "strong_standard": 4,
        "expected_standard": 3,
        "needs_attention": 2,
        "urgent_improvement": 1,
    }
    assert [lv.code for lv in scales["rag_4"].levels] == ["green", "amber_green", "amber", "red"]
    met = scales["met_partly_not_met"]
    assert met.scores == {"met": 3, "partly_met": 2, "not_met": 1}  # Not applicable is a level, never a score
    assert [o.code for o in met.options][-1] == "not_applicable"
    assert "not_applicable" not in [o.code for o in met.scored_options]


def test_every_level_has_a_text_marker_and_a_readable_colour() -> None:
    for scale in library_scales().values():
        for level in scale.levels:
            assert level.marker and level.descriptor, (scale.id, level.code)
            # Colours are printed as text colour on white: WCAG 1.4.3 asks for 4.5:1.
            assert _contrast_with_white(level.colour) >= 4.5, (scale.id, level.code, level.colour)


@pytest.mark.parametrize("path", sorted(SCALE_FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_library_scale_has_a_passing_template_self_test(path: Path) -> None:
    template, problems = check_template_text(path.read_text(), str(path))
    assert problems == [] and template is not None
    assert template.judgement_rules is not None and template.judgement_rules.scale == path.stem
    assert len(template.self_tests) >= 2


def test_every_library_scale_has_a_self_test_fixture() -> None:
    assert {p.stem for p in SCALE_FIXTURES.glob("*.yaml")} == set(library_scales())


def test_a_self_test_fails_when_the_rule_gives_another_level() -> None:
    path = SCALE_FIXTURES / "ofsted_4.yaml"
    text = path.read_text().replace("expect_judgements: {overall: inadequate}", "expect_judgements: {overall: good}")
    _, problems = check_template_text(text, "ofsted_4.yaml")
    assert [p.message for p in problems] == [
        "self-test 'one theme at the limiting level makes the overall that level' expects overall judgement good, "
        "but the rules give inadequate"
    ]


def test_a_broken_library_file_names_file_line_and_field() -> None:
    text = (
        "format: 1\nscales:\n  - id: bad\n    title: Bad\n    levels:\n"
        "      - {code: a, label: A, marker: A, colour: red}\n"
        "      - {code: b, label: B, marker: TOOLONG, colour: '#000000'}\n"
    )
    with pytest.raises(Exception) as caught:
        parse_library(text, "library.yaml")
    assert str(caught.value).splitlines() == [
        "library.yaml:6: scale 'bad' level 1 colour 'red' must be written #RRGGBB, e.g. '#2e7d32' (in quotes)",
        "library.yaml:7: scale 'bad' level 2 marker 'TOOLONG' must be at most 4 characters (e.g. RI, G, 3)",
    ]


# -- declaring scales and polarity in a template: messages name file, line and field -----------

HEAD = """format: 1
id: scales-test
title: Scales test
version: "1"
kind: case_audit
subject:
  - {id: case_reference, type: short_text, label: Ref, pattern: '^[A-Z]{2}$', pattern_message: Two letters}
"""


def _section(*questions: str) -> str:
    return "sections:\n  - id: theme\n    title: Theme\n    questions:\n" + "".join(questions)


GRADED = "      - {id: g, type: grade, scale: continuum, label: G, guidance: x}\n"
CONTINUUM = """scales:
  - id: continuum
    title: Practice continuum
    levels:
      - {code: proficient, label: Proficient, marker: P, colour: '#1b5e20'}
      - {code: emerging, label: Emerging, marker: E, colour: '#9a5700'}
      - {code: destructive, label: Destructive, marker: D, colour: '#b71c1c'}
"""


def _problems(text: str) -> list[str]:
    return [str(p) for p in check_template_text(text, "t.yaml")[1]]


def test_inline_scale_is_used_by_questions_and_rules() -> None:
    text = HEAD + CONTINUUM + _section(GRADED) + "judgement_rules: {scale: continuum, overall: {method: worst_of}}\n"
    template = load_template_text(text, "t.yaml")
    assert template.question("g").scale == "continuum"
    assert [o.code for o in template.question("g").options] == ["proficient", "emerging", "destructive"]
    assert template.judgement_scale is not None and template.judgement_scale.scores["destructive"] == 1


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        (
            CONTINUUM + _section("      - {id: g, type: grade, scale: continum, label: G, guidance: x}\n"),
            "t.yaml:19: question 'g' scale 'continum' is not declared; declare it under scales: or use one of: "
            "continuum, grade, rag",
        ),
        (
            "scales:\n  - use: ofsted_9\n" + _section(GRADED),
            "t.yaml:9: scale 'ofsted_9' use 'ofsted_9' is not a scale in the shipped library; use one of: "
            "met_partly_not_met, ofsted_2025_5, ofsted_4, rag_3, rag_4",
        ),
        (
            "scales:\n  - id: rag_3\n    title: x\n    levels: [{code: a, label: A, marker: A, colour: '#000000'}]\n"
            + _section(GRADED),
            "t.yaml:9: scale 'rag_3' id 'rag_3' is the name of a shipped scale; write 'use: rag_3' or choose another id",
        ),
        (
            CONTINUUM
            + _section(
                "      - {id: y, type: yes_no, label: Y, guidance: x, polarity: {good: ['yes'], concern: [maybe]}}\n"
            ),
            "t.yaml:19: question 'y' polarity concern names 'maybe', which is not an answer of this question",
        ),
        (
            CONTINUUM
            + _section("      - {id: t, type: short_text, label: T, guidance: x, polarity: {good: ['yes']}}\n"),
            "t.yaml:19: question 't' has a polarity, but a short_text question cannot declare one",
        ),
        (
            CONTINUUM
            + _section(GRADED)
            + "judgement_rules:\n  scale: continuum\n  overall: {method: limiting, limit_at: bad}\n",
            "t.yaml:22: overall judgement rule limit_at 'bad' is not a scored level of the continuum scale",
        ),
        (
            CONTINUUM + _section(GRADED) + "judgement_rules:\n  scale: continuum\n  overall: {method: median}\n",
            "t.yaml:22: overall judgement rule method 'median' is not known; use one of: lowest, average, best_fit, "
            "limiting, worst_of",
        ),
        (
            CONTINUUM
            + _section(GRADED)
            + "judgement_rules:\n  scale: continuum\n  overall: {method: lowest, agency_weight: 2}\n",
            "t.yaml:22: overall judgement rule agency_weight is only used with agencies: combined",
        ),
        (
            CONTINUUM.replace("    title: Practice continuum\n", "    title: Practice continuum\n    graded: false\n")
            + _section(GRADED)
            + "judgement_rules: {scale: continuum, overall: {method: lowest}}\n",
            "t.yaml:21: judgement_rules scale 'continuum' is a narrative scale; judgements need a graded one",
        ),
    ],
)
def test_checker_names_file_line_and_field(fragment: str, expected: str) -> None:
    assert expected in _problems(HEAD + fragment)


def test_narrative_scale_is_answered_but_never_judged() -> None:
    narrative = CONTINUUM.replace(
        "    title: Practice continuum\n", "    title: Practice continuum\n    graded: false\n"
    )
    template = load_template_text(HEAD + narrative + _section(GRADED), "t.yaml")
    scale = template.scale("continuum")
    assert not scale.graded and scale.scores == {} and len(scale.options) == 3
    assert derive_judgements(template, {("g", ""): "emerging"}).all() == []


def test_checker_warns_about_a_yes_no_without_polarity_in_a_graded_section_only() -> None:
    unmarked = "      - {id: y, type: yes_no, label: Y, guidance: x}\n"
    template = load_template_text(HEAD + CONTINUUM + _section(unmarked, GRADED), "t.yaml")
    assert [str(w) for w in template_warnings(template)] == [
        "t.yaml:19: warning: question 'y' is a yes/no question in graded section 'theme' but declares no polarity; "
        "add polarity: {good: [...], concern: [...]} (or neutral)"
    ]
    ungraded = load_template_text(HEAD + _section(unmarked), "t.yaml")
    assert template_warnings(ungraded) == []


def test_shipped_templates_declare_scales_polarity_and_have_no_warnings() -> None:
    for path in sorted(paths.forms_dir().glob("*.yaml")):
        template = load_template_file(path)
        assert template_warnings(template) == [], path.name
        assert template.judgement_scale is not None and template.judgement_scale.source == "library"
        for question in template.all_questions():
            if question.type == "yes_no":
                assert question.polarity, (path.name, question.id)
            if question.type in ("grade", "rag"):
                assert question.scale == template.judgement_scale.id


def test_polarity_says_when_yes_is_a_concern() -> None:
    da = load_template_file(paths.forms_dir() / "domestic-abuse-maca.yaml")
    assert da.question("pp_blame").polarity_of("yes") == Polarity.CONCERN
    assert da.question("pp_blame").polarity_of("no") == Polarity.GOOD
    assert da.question("pp_seen_safely").polarity_of("yes") == Polarity.GOOD
    assert da.question("pp_seen_safely").polarity_of("not_known") == Polarity.NEUTRAL
    votc = load_template_file(paths.forms_dir() / "voice-of-the-child.yaml")
    assert votc.question("vo_family_interpreted").polarity_of("yes") == Polarity.CONCERN


# -- the judgement cases of issue 13 -------------------------------------------------------------


def _da_case() -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """4 of 7 domestic-abuse themes Inadequate, 3 Requires improvement, 8 agencies Good."""
    answers: dict[tuple[str, str], Any] = {
        ("pat_grade", ""): "inadequate",
        ("harm_grade", ""): "inadequate",
        ("pp_grade", ""): "inadequate",
        ("imp_grade", ""): "inadequate",
        ("int_grade", ""): "requires_improvement",
        ("perp_grade", ""): "requires_improvement",
        ("ma_grade", ""): "requires_improvement",
    }
    answers.update({("ag_grade", agency): "good" for agency in DA_AGENCIES})
    return answers, {"agencies": DA_AGENCIES}


def _wnb_case() -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """Every shared Was Not Brought section Inadequate, 6 agencies Good."""
    answers: dict[tuple[str, str], Any] = {
        (q, ""): "inadequate" for q in ("rec_grade", "cur_grade", "fu_grade", "sh_grade")
    }
    answers.update({("ag_grade", agency): "good" for agency in WNB_AGENCIES})
    return answers, {"agencies": WNB_AGENCIES}


def _shipped(name: str) -> Template:
    return load_template_file(paths.forms_dir() / f"{name}.yaml")


def _legacy(name: str) -> Template:
    path = LEGACY / f"{name}-2026.1.yaml"
    return load_template_text(path.read_text(), str(path), run_tests=False)


@pytest.mark.parametrize(("name", "case"), [("domestic-abuse-maca", _da_case), ("was-not-brought", _wnb_case)])
def test_the_old_averaging_rule_let_agencies_outvote_the_themes(name: str, case: Any) -> None:
    answers, subject = case()
    overall = derive_judgements(_legacy(name), answers, subject).overall
    assert overall is not None and overall.value == "requires_improvement"  # what the review found


@pytest.mark.parametrize(("name", "case"), [("domestic-abuse-maca", _da_case), ("was-not-brought", _wnb_case)])
def test_limiting_judgement_gives_inadequate(name: str, case: Any) -> None:
    answers, subject = case()
    overall = derive_judgements(_shipped(name), answers, subject).overall
    assert overall is not None and overall.value == "inadequate" and not overall.override
    assert overall.label == "Inadequate"
    assert overall.explanation.startswith("Limited to Inadequate because")
    assert overall.inputs[-1].source == "agencies" and overall.inputs[-1].value == "good"  # one combined input


def test_auditor_can_override_a_limiting_judgement_only_with_a_rationale() -> None:
    answers, subject = _da_case()
    template = _shipped("domestic-abuse-maca")
    with pytest.raises(ValidationError, match="rationale"):
        derive_judgements(template, answers, subject, [JudgementOverride("overall", "requires_improvement", " ")])
    reason = "The Inadequate themes were all from one short period that has since been put right."
    overall = derive_judgements(
        template, answers, subject, [JudgementOverride("overall", "requires_improvement", reason)]
    ).overall
    assert overall is not None
    assert (overall.value, overall.derived) == ("requires_improvement", "inadequate")
    assert overall.label == "Requires improvement to be good"


def test_agencies_are_one_input_weighted_beside_the_themes() -> None:
    template = _shipped("was-not-brought")
    answers: dict[tuple[str, str], Any] = {
        ("rec_grade", ""): "requires_improvement",
        ("cur_grade", ""): "requires_improvement",
        ("fu_grade", ""): "good",
        ("sh_grade", ""): "requires_improvement",
    }
    answers.update({("ag_grade", agency): "outstanding" for agency in WNB_AGENCIES})
    overall = derive_judgements(template, answers, {"agencies": WNB_AGENCIES}).overall
    # Six Outstanding agencies count once: the best fit of RI, RI, Good, RI and Outstanding is RI.
    assert overall is not None and overall.value == "requires_improvement"


def test_rule_text_is_plain_english_generated_from_the_rule() -> None:
    answers, subject = _da_case()
    judgements = derive_judgements(_shipped("domestic-abuse-maca"), answers, subject)
    assert judgements.overall is not None
    assert judgements.overall.rule_text == (
        "Limiting judgement: if any of the multi-agency section judgements and the agencies' combined judgement is "
        "Inadequate, the overall judgement is Inadequate; the auditor may override this only by writing a rationale. "
        "Otherwise it is the best fit of the multi-agency section judgements and the agencies' combined judgement: "
        "the middle one when they are put in order from worst to best (with an even number, the lower of the two "
        "middle ones), so one outlier neither lifts nor sinks it. The agencies' own section judgements are first "
        "combined into one agencies' judgement (the best fit of the agencies' own section judgements: the middle one "
        "when they are put in order from worst to best (with an even number, the lower of the two middle ones), so "
        "one outlier neither lifts nor sinks it), which counts once beside the multi-agency sections, so the "
        "agencies' own grades cannot outvote the shared findings."
    )
    section = judgements.get("pattern")
    assert section is not None
    assert section.rule_text == "The section's judgement is the lowest (worst) of the graded answers in this section."


def test_judgement_is_provisional_until_every_graded_question_is_answered() -> None:
    template = _shipped("was-not-brought")
    partial = {("rec_grade", ""): "good", ("ag_grade", "gp"): "good"}
    overall = derive_judgements(template, partial, {"agencies": ["gp"]}).overall
    assert overall is not None and overall.provisional
    full = {**partial, **{(q, ""): "good" for q in ("cur_grade", "fu_grade", "sh_grade")}}
    overall = derive_judgements(template, full, {"agencies": ["gp"]}).overall
    assert overall is not None and not overall.provisional and overall.value == "good"


# -- report data carries the scale and polarity ------------------------------------------------


def test_report_scale_reads_levels_from_data_and_falls_back_for_old_data() -> None:
    levels = [
        {"code": "p", "label": "Proficient", "score": 2, "colour": "#1b5e20", "marker": "P", "descriptor": ""},
        {"code": "d", "label": "Destructive", "score": 1, "colour": "#b71c1c", "marker": "D", "descriptor": ""},
    ]
    assert report_scale({"scale": "continuum", "levels": levels}).labels == {"p": "Proficient", "d": "Destructive"}
    assert report_scale({"scale": "rag"}).scores == {"green": 3, "amber": 2, "red": 1}
    assert report_scale({"scale": "ofsted_4"}).labels["requires_improvement"] == "Requires improvement to be good"


def test_a_judgement_offers_the_levels_of_its_own_scale_for_an_override() -> None:
    s11 = _shipped("section-11-self-assessment")
    judgements = derive_judgements(s11, {("s1_rating", ""): "amber"}, {"sector": "health"})
    assert judgements.overall is not None
    assert [o.code for o in judgements.overall.options] == ["green", "amber", "red"]
    assert judgements.overall.derived_label == "Amber"
    answers, subject = _da_case()
    da = derive_judgements(_shipped("domestic-abuse-maca"), answers, subject).overall
    assert da is not None
    assert [o.label for o in da.options][2] == "Requires improvement to be good"
