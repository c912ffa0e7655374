"""The worked example in docs/templates.md is real: the XLSForm its tables describe is written
with openpyxl, converted as the docs show, and the final template passes the checker with its
self-tests (the limiting judgement among them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lscp_audit.core.judgements import derive_judgements
from lscp_audit.core.templates import check_template_text
from lscp_audit.core.templates.validator import template_warnings
from lscp_audit.services.xlsform_import import convert_xlsform
from tests.conftest import REPO_ROOT
from tests.xlsforms import write_xlsform

DOC = (REPO_ROOT / "docs" / "templates.md").read_text(encoding="utf-8")


def _table(sheet: str) -> list[list[object]]:
    """The markdown table after ``<!-- xlsform-sheet: NAME -->``, as rows (empty cells None)."""
    block = DOC.split(f"<!-- xlsform-sheet: {sheet} -->\n", 1)[1]
    rows = []
    for number, line in enumerate(block.splitlines()):
        if not line.startswith("|"):
            if number:
                break
            continue
        if set(line) <= {"|", "-"}:
            continue
        rows.append([cell.strip() or None for cell in line.strip().strip("|").split("|")])
    return rows


def _fenced(marker: str) -> str:
    block = DOC.split(f"<!-- {marker} -->\n", 1)[1]
    return block.split("```", 2)[1].split("\n", 1)[1]


def test_docs_xlsform_converts_as_shown(tmp_path: Path) -> None:
    form = write_xlsform(tmp_path / "neglect-home.xlsx", _table("survey"), _table("choices"), _table("settings"))
    result = subprocess.run(
        [sys.executable, "-m", "lscp_audit", "templates", "import-xlsform", form.name],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shown = _fenced("xlsform-output").split("\n", 1)[1]  # without the "$ command" line
    assert result.stdout == shown
    conversion = convert_xlsform(form)
    final, problems = check_template_text(_fenced("worked-example-template"), "neglect-home.yaml")
    assert problems == [] and final is not None
    assert len(final.self_tests) == 3
    # the hand edits kept every converted question as it came
    assert [q.id for q in final.all_questions()] == [q.id for q in conversion.template.all_questions()]
    for question in conversion.template.all_questions():
        edited = final.question(question.id)
        assert (edited.type, edited.label, edited.relevant, edited.constraint) == (
            question.type,
            question.label,
            question.relevant,
            question.constraint,
        )
    judgements = derive_judgements(final, {("home_grade", ""): "inadequate", ("voice_grade", ""): "good"}, {}, ())
    assert judgements.overall is not None and judgements.overall.derived == "inadequate"
    rule = judgements.overall.rule_text
    assert rule.startswith("Limiting judgement: if any of the section judgements is Inadequate, the overall")
    assert "each agency" not in rule  # the template has no per-agency section
    # the warning the docs quote is the checker's own, at the line of the converted file
    first = str(template_warnings(conversion.template)[0]).replace(str(form.with_suffix(".yaml").name), "")
    assert first.startswith(":41: warning: question 'seen_home'")
    assert " ".join(f"neglect-home.yaml{first}".split())[:120] in " ".join(DOC.replace("`", "").split())
