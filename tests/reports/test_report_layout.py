"""The laid-out report, checked with poppler and qpdf: text, marking, page numbers, outline,
compact/full modes, wrapping, repeated table headers, change summary and metadata."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.report_data import build_report_data
from lscp_audit.reports.pipeline import build_unsigned
from tests.reports import pdf_tools
from tests.reports.sample_audit import (
    CANARY,
    GENERATED_AT,
    NAMES,
    amended_revision,
    sample_audit,
    sample_inputs,
    sample_template,
)


def _write(tmp_path: Path, data: dict[str, Any], name: str = "r.pdf", **kw: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(build_unsigned(data, **kw).pdf)
    return path


@pytest.fixture(scope="module")
def full_pdf(tmp_path_factory: pytest.TempPathFactory, report_data: dict[str, Any]) -> Path:
    return _write(tmp_path_factory.mktemp("layout"), report_data)


def test_text_has_answers_and_every_script(full_pdf: Path) -> None:
    text = pdf_tools.pdftotext(full_pdf)
    for name in NAMES.values():
        assert name.split()[0] in text
    for snippet in (
        "Requires improvement",
        "The manager confirmed the delay",
        "Officer spoke to the child",
        "Not recorded.",
    ):
        assert snippet in text
    flowing = " ".join(text.split())  # table cells wrap
    assert "14 Mar 2026" in flowing and "Refresh neglect toolkit training" in flowing


def test_marking_and_page_x_of_y_on_every_page(full_pdf: Path) -> None:
    pages = [p for p in pdf_tools.pdftotext(full_pdf).split("\f") if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in page


def test_marking_can_be_official(tmp_path: Path, report_data: dict[str, Any]) -> None:
    data = {**report_data, "report": {**report_data["report"], "marking": "OFFICIAL"}}
    text = pdf_tools.pdftotext(_write(tmp_path, data))
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text


def test_qpdf_check_passes(full_pdf: Path) -> None:
    result = pdf_tools.qpdf_check(full_pdf)
    assert result.returncode == 0, result.stdout + result.stderr


def _outline_titles(pdf: bytes) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    titles: list[str] = []

    def walk(node: Any) -> None:
        while node is not None:
            node = node.get_object()
            titles.append(str(node["/Title"]))
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    walk(reader.root["/Outlines"]["/First"])
    return titles


def test_outline_has_sections(report_data: dict[str, Any]) -> None:
    titles = _outline_titles(build_unsigned(report_data).pdf)
    for expected in (
        "Cover",
        "Summary",
        "Answers by section",
        "Early help and referral",
        "Each agency's response",
        "Sign-off",
    ):
        assert expected in titles


def test_metadata_and_info_never_carry_the_case_reference(full_pdf: Path) -> None:
    info = pdf_tools.pdfinfo(full_pdf)
    assert "Title:           LSCP audit report" in info
    assert CANARY not in info
    assert CANARY.encode() not in full_pdf.read_bytes()[-4000:]  # trailer / info dictionary area
    assert CANARY in pdf_tools.pdftotext(full_pdf)  # it is on the cover, inside the page content


def test_full_mode_marks_not_applicable_and_compact_leaves_out(tmp_path: Path, report_data: dict[str, Any]) -> None:
    full = pdf_tools.pdftotext(_write(tmp_path, report_data, "full.pdf"))
    compact = pdf_tools.pdftotext(_write(tmp_path, report_data, "compact.pdf", compact=True))
    assert "Why was no assessment done?" in full and "Not applicable" in full
    assert "Exploitation (not relevant here)" in full
    assert "Why was no assessment done?" not in compact
    assert "Exploitation (not relevant here)" not in compact
    assert "Officer spoke to the child" in compact


def test_per_agency_answers_side_by_side(full_pdf: Path) -> None:
    layout = pdf_tools.pdftotext(full_pdf, "-layout")
    header = next(line for line in layout.splitlines() if "Police" in line and "Health (ICB)" in line)
    assert header.index("Police") < header.index("Health (ICB)")


def test_long_answers_and_words_wrap_and_tables_repeat_headers(tmp_path: Path) -> None:
    template = sample_template(extra_sections=2)
    audit = sample_audit(template, long=True)
    data = build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))
    path = _write(tmp_path, data)
    pages = [p for p in pdf_tools.pdftotext(path).split("\f") if p.strip()]
    assert len(pages) > 8
    text = "\n".join(pages)
    assert "Paragraph 59" in text  # the end of the longest answer is there, not cut off
    # Pages that continue the long answer's table start (after the running header) with its header row.
    continued = [p for p in pages[3:-1] if "Question" in p[:120] and "Answer" in p]
    assert len(continued) >= 3, "a table continued on a new page should repeat its header row"
    assert pdf_tools.qpdf_check(path).returncode == 0


def test_long_unbroken_word_stays_inside_the_page(tmp_path: Path, report_data: dict[str, Any]) -> None:
    bbox = pdf_tools.run("pdftotext", "-bbox", str(_write(tmp_path, report_data)), "-").stdout
    xs = [float(part.split('"')[1]) for part in bbox.split("xMax=")[1:]]
    right_margin = 595.27 - 51.0  # A4 width minus 18 mm
    assert xs and max(xs) <= right_margin + 1


def test_change_summary_for_amended_revision(tmp_path: Path, template: Any, audit: Any) -> None:
    amended = amended_revision(audit, "eh_quality", "good", "Late record found")
    data = build_report_data(
        amended, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, amended), previous=audit
    )
    text = pdf_tools.pdftotext(_write(tmp_path, data))
    assert "Changes in this revision" in text
    assert data["amendment"]["previous_report_id"] in text
    assert "Late record found" in text


def test_language_and_title_display_for_assistive_technology(report_data: dict[str, Any]) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(build_unsigned(report_data).pdf))
    assert str(reader.root["/Lang"]) == "en-GB"
    assert reader.root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert "/MarkInfo" not in reader.root  # no structure tree is written, so the file does not claim to be tagged
