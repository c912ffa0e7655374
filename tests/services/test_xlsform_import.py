"""XLSForm import: real workbooks written with openpyxl, converted through pyxform, and the
result checked by the real template checker and evaluated by the real engine."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lscp_audit.core.templates import QuestionType, Template, TemplateKind, check_template_file
from lscp_audit.core.visibility import evaluate_visibility
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.xlsform_import import NO_GUIDANCE, XlsformError, convert_xlsform
from tests.xlsforms import UNSUPPORTED_ROWS, YES_NO, medium_form, small_form, unsupported_form, write_xlsform


def _visible(template: Template, answers: dict[str, object]) -> set[str]:
    result = evaluate_visibility(template, {(k, ""): v for k, v in answers.items()}, {})
    return {qid for qid, _agency in result.questions}


def test_small_form_maps_every_supported_construct(tmp_path: Path) -> None:
    conversion = convert_xlsform(small_form(tmp_path / "small.xlsx"))
    template = conversion.template
    assert conversion.unmapped == ()
    assert (template.id, template.title, template.version) == ("home-visits", "Home visits audit", "2024.1")
    assert template.kind is TemplateKind.CASE_AUDIT and template.subject_fields[0].id == "case_reference"
    assert [(s.id, s.title) for s in template.sections] == [("referral", "The referral"), ("risk", "Risk")]
    types = {q.id: q.type for q in template.all_questions()}
    assert types == {
        "seen": QuestionType.YES_NO,
        "why_not": QuestionType.LONG_TEXT,
        "referral_date": QuestionType.DATE,
        "visits": QuestionType.NUMBER,
        "factors": QuestionType.MULTI_CHOICE,
        "level": QuestionType.SINGLE_CHOICE,
        "score": QuestionType.NUMBER,
    }
    seen, visits, level = template.question("seen"), template.question("visits"), template.question("level")
    assert seen.required and seen.guidance == "Yes if the records show a visit."
    assert [(o.code, o.label) for o in seen.options] == [("yes", "Yes"), ("no", "No")]
    assert [(o.code, o.label) for o in level.options] == [("low", "Low"), ("high", "High")]
    assert visits.constraint == "int(.) = . and (. >= 0)"
    assert visits.constraint_message == "Cannot be negative. Enter a whole number."
    assert template.question("score").relevant == "not(${level} = 'low') and ${visits} > 1"
    assert template.section("risk").relevant == "${seen} = 'yes'"
    assert template.section("risk").description == "Answer from the risk assessments on file."
    # the conditions work in the engine as they did in the form
    assert "why_not" in _visible(template, {"seen": "no"}) and "why_not" not in _visible(template, {"seen": "yes"})
    shown = _visible(template, {"seen": "yes", "factors": ["dv"], "level": "high", "visits": 2})
    assert {"level", "score"} <= shown
    assert "score" not in _visible(template, {"seen": "yes", "factors": ["dv"], "level": "low", "visits": 2})


def test_written_file_passes_the_real_checker(tmp_path: Path) -> None:
    service = TemplateService(tmp_path / "shipped", tmp_path / "user")
    conversion = service.convert_xlsform(small_form(tmp_path / "small.xlsx"))
    target = service.save_conversion(conversion, tmp_path / "out" / "home.yaml")
    template, problems = check_template_file(target)
    assert problems == [] and template is not None and template.content_hash == conversion.template.content_hash
    with pytest.raises(Exception, match="already exists"):
        service.save_conversion(conversion, target)
    info = service.import_template_text(conversion.text, target)
    assert info.id == "home-visits" and service.get("home-visits").title == "Home visits audit"


def test_medium_form_of_100_questions(tmp_path: Path) -> None:
    path = medium_form(tmp_path / "medium.xlsx")
    started = time.perf_counter()
    conversion = convert_xlsform(path)
    elapsed = time.perf_counter() - started
    template = conversion.template
    assert conversion.question_count == 100
    assert elapsed < 10, f"conversion took {elapsed:.1f} s"
    # only the second language is not carried; English labels, not Welsh
    assert [str(u) for u in conversion.unmapped] == [
        "survey sheet, row 1: labels and hints in 'Cymraeg (cy)': only one language is imported: 'English (en)'"
    ]
    assert template.question("g0_q0").label == "Question 1.1"
    # a nested group is its own section; the outer group goes on after it
    titles = [s.title for s in template.sections]
    assert titles[2:5] == ["Theme 3", "Theme 4: Inner checks", "Theme 4"]
    inner = next(s for s in template.sections if s.title == "Theme 4: Inner checks")
    assert inner.relevant == "${g2_q0} != 'no'"
    # a list with exactly the Ofsted codes becomes a grade on the library scale
    grade = template.question("g0_grade")
    assert grade.type is QuestionType.GRADE and grade.scale == "ofsted_4"
    assert grade.option_label("requires_improvement") == "Requires improvement to be good"
    # numeric choice codes compared without quotes (XLSForm habit) are quoted for the template
    assert template.question("g0_q8").relevant == "${g0_q1} = '2' or selected(${g0_q2}, 'police')"
    assert "g0_q8" in _visible(template, {"g0_q0": "yes", "g0_q1": "2"})
    assert "g0_q8" not in _visible(template, {"g0_q0": "yes", "g0_q1": "3"})
    assert template.question("g0_q3").constraint == "int(.) = . and (. >= 0 and . <= 50)"


def test_every_unsupported_construct_is_listed_with_sheet_and_row(tmp_path: Path) -> None:
    conversion = convert_xlsform(unsupported_form(tmp_path / "awkward.xlsx"))
    listed = [str(u) for u in conversion.unmapped]
    for row, what in UNSUPPORTED_ROWS.items():
        assert any(line.startswith(f"survey sheet, row {row}: {what}") for line in listed), (row, what, listed)
    for expected in (
        "survey sheet, row 2: select_one yn 'seen' default \"yes\": default answers are not supported",
        "survey sheet, row 2: select_one yn 'seen' appearance \"minimal\": display hints have no equivalent",
        "survey sheet, row 2: select_one yn 'seen' choice_filter \"county = 'x'\": choice filters are not supported",
        "survey sheet, row 2: select_one yn 'seen' required_message \"Please answer\":",
        "survey sheet, row 1: labels and hints in 'Français (fr)': only one language is imported",
        "choices sheet, row 1: column 'county':",
        "notes sheet, row 1: sheet 'notes': only the survey, choices and settings sheets are imported",
        "settings sheet, row 2: setting instance_name \"concat('x', ${seen})\":",
        "survey sheet, row 9: relevant of 'later': ${total} > 2: not translated (refers to 'total' (row 3), "
        "which was not imported); left out, so it is always shown",
        "survey sheet, row 11: relevant of 'fancy': jr:choice-name(${seen}, '${seen}') = 'Yes': not translated "
        "(uses jr:choice-name(), which the template language does not have)",
    ):
        assert any(line.startswith(expected) for line in listed), (expected, listed)
    template = conversion.template
    ids = {q.id for q in template.all_questions()}
    # imported: what maps (the repeat's questions once, the dashed name renamed); not: the rest
    assert ids == {"seen", "visit_no", "later", "other", "fancy", "q_dash", "shown"}
    assert template.question("later").relevant is None
    assert "Be careful" in template.section("visits").description
    # the file says what was not converted at its top, so the list travels with it
    header = conversion.text.split("\nformat: 1\n")[0]
    assert all(f"row {row}:" in header for row in UNSUPPORTED_ROWS)


def test_question_without_hint_gets_guidance_to_write_and_is_listed(tmp_path: Path) -> None:
    path = write_xlsform(
        tmp_path / "bare.xlsx",
        [["type", "name", "label"], ["select_one yn", "q1", "Seen?"]],
        [["list_name", "name", "label"], *YES_NO],
    )
    conversion = convert_xlsform(path, TemplateKind.AGENCY_SELF_ASSESSMENT)
    assert conversion.template.question("q1").guidance == NO_GUIDANCE
    assert conversion.template.subject_fields[0].id == "agency"
    assert [str(u) for u in conversion.unmapped] == [
        "survey sheet, row 2: select_one yn 'q1': has no hint; every template question needs guidance, "
        "so write how to answer it in the template"
    ]
    assert conversion.template.id == "bare"  # no settings sheet: the file name


def test_missing_survey_sheet_is_a_clear_error(tmp_path: Path) -> None:
    path = write_xlsform(
        tmp_path / "nosurvey.xlsx",
        None,
        [["list_name", "name", "label"], *YES_NO],
        [["form_title"], ["No survey"]],
    )
    with pytest.raises(XlsformError) as caught:
        convert_xlsform(path)
    assert caught.value.problems == [
        "nosurvey.xlsx: has no 'survey' sheet (its sheets: 'choices', 'settings'); an XLSForm lists its questions there"
    ]


def test_unknown_list_name_names_sheet_and_row_of_each(tmp_path: Path) -> None:
    path = write_xlsform(
        tmp_path / "lists.xlsx",
        [
            ["type", "name", "label", "hint"],
            ["select_one yn", "q1", "One", "h"],
            ["select_one colours", "q2", "Two", "h"],
            ["select_multiple shapes", "q3", "Three", "h"],
        ],
        [["list_name", "name", "label"], *YES_NO],
    )
    with pytest.raises(XlsformError) as caught:
        convert_xlsform(path)
    assert caught.value.problems == [
        "lists.xlsx: survey sheet, row 3: select_one colours names the choice list 'colours', which is not on "
        "the choices sheet (its lists: 'yn')",
        "lists.xlsx: survey sheet, row 4: select_multiple shapes names the choice list 'shapes', which is not on "
        "the choices sheet (its lists: 'yn')",
    ]


def test_unknown_type_is_listed_and_other_malformed_files_are_refused(tmp_path: Path) -> None:
    unknown_type = write_xlsform(
        tmp_path / "types.xlsx", [["type", "name", "label", "hint"], ["text", "a", "A", "h"], ["sparkle", "b", "B"]]
    )
    assert [str(u) for u in convert_xlsform(unknown_type).unmapped] == [
        "survey sheet, row 3: sparkle 'b': not imported: 'sparkle' is not an XLSForm question type (is it misspelt?)"
    ]
    unclosed = write_xlsform(
        tmp_path / "unclosed.xlsx", [["type", "name", "label"], ["begin group", "g", "G"], ["text", "a", "A"]]
    )
    with pytest.raises(XlsformError) as caught:
        convert_xlsform(unclosed)  # pyxform's own check of the form
    assert caught.value.problems == [
        "unclosed.xlsx: survey sheet, row 2: Unmatched 'begin_group'. No matching 'end_group' was found for the name 'g'."
    ]
    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_text("just text", encoding="utf-8")
    with pytest.raises(XlsformError, match=r"notes\.xlsx: "):
        convert_xlsform(not_a_workbook)
    with pytest.raises(XlsformError, match="file not found"):
        convert_xlsform(tmp_path / "absent.xlsx")


def test_a_form_with_nothing_convertible_says_why(tmp_path: Path) -> None:
    empty = write_xlsform(tmp_path / "empty.xlsx", [["type", "name", "label"]])
    with pytest.raises(XlsformError) as caught:
        convert_xlsform(empty)
    assert caught.value.problems == ["empty.xlsx: survey sheet: has no question that can be converted"]
    only = write_xlsform(
        tmp_path / "only.xlsx",
        [["type", "name", "label", "calculation"], ["calculate", "c", None, "1"], ["geopoint", "g", "Where"]],
    )
    with pytest.raises(XlsformError) as caught:
        convert_xlsform(only)
    assert caught.value.problems == [
        "only.xlsx: survey sheet: has no question that can be converted",
        "only.xlsx: survey sheet, row 2: calculate 'c': not imported: calculations are not supported; "
        "conditions that use it are listed too",
        "only.xlsx: survey sheet, row 3: geopoint 'g': not imported: locations are not recorded in audits",
    ]
