"""`lscp-audit templates ...` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "core" / "fixtures" / "templates"
SHIPPED = sorted(str(p) for p in paths.forms_dir().glob("*.yaml"))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_check_shipped_templates_exit_zero() -> None:
    result = run_cli("templates", "check", *SHIPPED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok (") == 4
    assert "self-tests passed" in result.stdout


def test_check_reports_every_error_as_file_line_message() -> None:
    bad = [str(FIXTURES / "unknown_reference.yaml"), str(FIXTURES / "cycle.yaml")]
    result = run_cli("templates", "check", *bad, str(FIXTURES / "valid_minimal.yaml"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"{bad[0]}:25: question 'q2' relevant refers to unknown question 'q99'",
        f"{bad[1]}:21: question 'q1' relevant is part of a cycle: q1 -> q2 -> q1",
    ]
    assert lines[2].endswith("valid_minimal.yaml: ok (fixture-audit 1, 2 questions, 0 self-tests passed)")


def test_check_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "check", "/nope/missing.yaml"]) == 1
    assert capsys.readouterr().out == "/nope/missing.yaml: file not found\n"


def test_list_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "list"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["ID", "VERSION", "KIND", "SOURCE", "TITLE"]
    assert "section-11-self-assessment" in table
    assert main(["templates", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {
        "domestic-abuse-maca",
        "was-not-brought",
        "voice-of-the-child",
        "section-11-self-assessment",
    }
    assert set(rows[0]) == {"id", "title", "version", "kind", "source"}


def test_show_outline_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "show", "domestic-abuse-maca"]) == 0
    outline = capsys.readouterr().out
    assert "Single-agency contribution [one per agency]" in outline
    assert "Attribution: Informed by the Safe & Together Model" in outline
    assert main(["templates", "show", "was-not-brought", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "was-not-brought" and data["kind"] == "case_audit"
    question = data["sections"][1]["questions"][0]
    assert question["id"] == "rec_wnb" and question["options"][0] == {"code": "yes", "label": "Yes"}
    assert data["judgement_rules"]["overall"]["method"] == "limiting"
    assert data["judgement_rules"]["overall"]["agencies"] == "combined"
    assert data["scales"][0]["id"] == "ofsted_4" and data["scales"][0]["levels"][2]["marker"] == "RI"
    assert question["polarity"] == {"yes": "good", "no": "concern"}
    assert data["self_tests"][0]["name"] == "repeated cancellations prompt the disguised compliance question"
    assert data["self_tests"][0]["answers"]["appt_offered"] == 6


def test_show_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "show", "nope"]) == 1
    assert capsys.readouterr().err == "lscp-audit: error: there is no template with id 'nope'\n"


def test_import_then_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "import", str(FIXTURES / "valid_minimal.yaml")]) == 0
    assert capsys.readouterr().out.startswith(
        f"Imported template 'fixture-audit' version 1 into {paths.user_templates_dir()}"
    )
    assert main(["templates", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {
        "id": "fixture-audit",
        "title": "Fixture audit",
        "version": "1",
        "kind": "case_audit",
        "source": "user",
    } in rows


def test_import_invalid_prints_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "no_guidance.yaml"
    assert main(["templates", "import", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"lscp-audit: error: {path}:21: question 'q2' has no guidance; tell the auditor how to answer it\n"
    )


def test_import_xlsform_writes_a_template_that_passes_check(tmp_path: Path) -> None:
    from tests.xlsforms import small_form

    form = small_form(tmp_path / "home visits.xlsx")
    result = run_cli("templates", "import-xlsform", str(form))
    assert result.returncode == 0, result.stdout + result.stderr
    target = tmp_path / "home visits.yaml"
    assert result.stdout.splitlines()[:2] == [
        f"Converted home visits.xlsx: 7 questions in 2 sections, written to {target} (passes templates check).",
        "Everything in the form was converted.",
    ]
    checked = run_cli("templates", "check", str(target))
    assert checked.returncode == 0 and checked.stdout.endswith(
        "ok (home-visits 2024.1, 7 questions, 0 self-tests passed)\n"
    )
    again = run_cli("templates", "import-xlsform", str(form))
    assert again.returncode == 1 and f"{target}: already exists" in again.stderr
    assert run_cli("templates", "import-xlsform", str(form), "--force").returncode == 0


def test_import_xlsform_lists_what_it_could_not_convert(tmp_path: Path) -> None:
    from tests.xlsforms import UNSUPPORTED_ROWS, unsupported_form

    form = unsupported_form(tmp_path / "awkward.xlsx")
    out = tmp_path / "out" / "awkward-template.yaml"
    result = run_cli("templates", "import-xlsform", str(form), "--out", str(out), "--kind", "agency_self_assessment")
    assert result.returncode == 0, result.stderr
    assert "Not converted, or converted differently (" in result.stdout
    for row, what in UNSUPPORTED_ROWS.items():
        assert f"  survey sheet, row {row}: {what}" in result.stdout
    assert run_cli("templates", "check", str(out)).returncode == 0


def test_import_xlsform_refuses_a_malformed_form_naming_sheet_and_row(tmp_path: Path) -> None:
    from tests.xlsforms import YES_NO, write_xlsform

    form = write_xlsform(
        tmp_path / "lists.xlsx",
        [["type", "name", "label"], ["select_one colours", "q1", "Colour"]],
        [["list_name", "name", "label"], *YES_NO],
    )
    result = run_cli("templates", "import-xlsform", str(form))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "lscp-audit: error: lists.xlsx: survey sheet, row 2: select_one colours names the choice list 'colours', "
        "which is not on the choices sheet (its lists: 'yn')\n"
    )
    assert not (tmp_path / "lists.yaml").exists()
