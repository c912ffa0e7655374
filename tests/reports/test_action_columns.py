"""SMART actions in the report: the measure of success and what each action answers, in the
report data (older actions read with defaults), the PDF's actions table (read back with
pdftotext, nothing cut) and the accessible HTML version."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from lscp_audit.core.report_data import build_report_data
from lscp_audit.reports.html_report import render_html
from lscp_audit.reports.pipeline import build_unsigned
from tests.reports import pdf_tools
from tests.reports.sample_audit import GENERATED_AT, sample_audit, sample_inputs

MEASURE = "Nine in ten GP practices use the toolkit in the next audit of twenty cases"


def with_linked_actions(audit: Any) -> Any:
    answers = []
    for answer in audit.answers:
        if answer.question_id == "actions":
            first, second = answer.value
            answer = dataclasses.replace(
                answer,
                value=[
                    {**first, "measure": MEASURE, "link": "question:key_findings"},
                    {**second, "owner_agency": "The partnership itself", "link": "agency:health"},
                ],
            )
        answers.append(answer)
    return dataclasses.replace(audit, answers=tuple(answers))


def test_report_data_says_what_each_action_answers_and_old_actions_read_with_defaults(template: Any) -> None:
    old = sample_audit(template)
    data = build_report_data(old, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, old))
    first = data["actions"][0]
    assert (first["measure"], first["link"]) == ("", "")
    assert first["link_label"] == first["section_title"]  # its own section
    new = with_linked_actions(old)
    data = build_report_data(new, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, new))
    first, second = data["actions"]
    assert first["measure"] == MEASURE and first["link_label"].startswith("Finding: ")
    assert second["link_label"] == "Agency: Health (ICB)" and second["owner_agency"] == "The partnership itself"


def test_pdf_and_html_actions_tables_show_measure_and_answers_in_full(template: Any, tmp_path: Path) -> None:
    audit = with_linked_actions(sample_audit(template))
    data = build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(bytes(build_unsigned(data).pdf))
    text = pdf_tools.pdftotext(pdf)
    flowing = " ".join(text.split())
    assert "Action Measure of success Answers Owner Due Status" in flowing
    assert MEASURE in flowing and "Not given" in flowing
    assert "Agency: Health (ICB)" in flowing and "The partnership itself" in flowing
    assert "31 Mar 2027" in text and "…" not in text.split("Actions")[-1].split("Answers by section")[0]
    page = render_html(data)
    assert '<th scope="col">Measure of success</th>' in page and MEASURE in page and "Agency: Health (ICB)" in page
