"""The licence of the template text: a checked `licence:` field, CC BY 4.0 on every shipped
template with forms/LICENCE beside them, and the licence shown in `templates show` and reports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates import check_template_text, load_template_file
from lscp_audit.core.templates.licences import KNOWN_LICENCES, licence_display
from lscp_audit.core.templates.validator import template_warnings
from lscp_audit.reports.narrative import cover_rows
from tests.reports.sample_audit import GENERATED_AT, sample_audit, sample_inputs, sample_template

FIXTURE = Path(__file__).parent / "fixtures" / "templates" / "valid_minimal.yaml"


def _with_licence(value: str) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    return text.replace("kind: case_audit\n", f"kind: case_audit\nlicence: {value}\n", 1)


def _line_of_licence(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("licence:"))


@pytest.mark.parametrize("value", ["CC-BY-4.0", "OGL-UK-3.0", "cc-by-4.0", "CC0-1.0"])
def test_known_licence_ids_are_accepted_without_warning(value: str) -> None:
    template, problems = check_template_text(_with_licence(value), "t.yaml")
    assert template is not None and problems == []
    assert template_warnings(template) == []
    assert licence_display(template.licence) == next(
        lic.display for key, lic in KNOWN_LICENCES.items() if key.lower() == value.lower()
    )


def test_misspelt_licence_id_is_an_error_on_its_line_with_a_suggestion() -> None:
    text = _with_licence("CC-BY-4")
    template, problems = check_template_text(text, "t.yaml")
    assert template is None
    assert [str(p) for p in problems] == [
        f"t.yaml:{_line_of_licence(text)}: template licence 'CC-BY-4' is not a licence identifier this app "
        "knows (did you mean 'CC-BY-4.0'?); use one of: CC-BY-4.0, OGL-UK-3.0, CC-BY-SA-4.0, CC0-1.0"
    ]


def test_free_text_licence_of_older_templates_still_loads_with_a_warning() -> None:
    text = _with_licence("Template text is distributed with LSCP Audit under GPL-3.0-or-later.")
    template, problems = check_template_text(text, "t.yaml")
    assert template is not None and problems == []
    (warning,) = template_warnings(template)
    assert warning.line == _line_of_licence(text) and "licence is free text" in warning.message
    assert licence_display(template.licence) == template.licence  # shown as written


def test_every_shipped_template_is_cc_by_and_forms_licence_says_so() -> None:
    for path in sorted(paths.forms_dir().glob("*.yaml")):
        assert load_template_file(path).licence == "CC-BY-4.0", path.name
    licence = " ".join((paths.forms_dir() / "LICENCE").read_text(encoding="utf-8").split())
    assert "Creative Commons Attribution 4.0 International" in licence
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in licence
    assert "Contains audit template text from LSCP Audit" in licence  # the attribution line
    assert "GNU General Public License" in licence  # the code's licence is separate


def test_report_data_and_cover_carry_the_template_licence() -> None:
    template = replace(sample_template(), licence="CC-BY-4.0")
    audit = sample_audit(template)
    data = build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))
    assert data["template"]["licence"] == "CC BY 4.0 (Creative Commons Attribution 4.0 International)"
    assert ("Template text licence", data["template"]["licence"]) in cover_rows(data)
    unlicensed = sample_template()
    bare = build_report_data(audit, unlicensed, generated_at=GENERATED_AT, inputs=sample_inputs(unlicensed, audit))
    assert not any(label == "Template text licence" for label, _value in cover_rows(bare))
