"""Issue 17, "reports that read well on paper and to a screen reader": full chart labels with the
grade beside every bar, headings never left at the foot of a page, a palette that passes WCAG AA,
a change history that names sections, actions linked to what they answer, one sign-off block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports import charts, stamp
from lscp_audit.reports.layout import builder, page_template, styles
from lscp_audit.reports.pipeline import build_unsigned
from lscp_audit.services.report_service import report_inputs
from tests.reports import pdf_tools
from tests.reports.sample_audit import GENERATED_AT, amended_revision, sample_audit, sample_inputs, sample_template

SHIPPED = sorted(paths.forms_dir().glob("*.yaml"))


def _shipped_data(template_file: Path) -> dict[str, Any]:
    template = load_template_file(template_file)
    audit = completed_audit(template)
    return build_report_data(audit, template, generated_at=GENERATED_AT, inputs=report_inputs(audit, template))


@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_chart_labels_are_whole_and_every_bar_has_its_grade_word(template_file: Path) -> None:
    from reportlab.graphics.shapes import String

    data = _shipped_data(template_file)
    entries = data["judgements"]["sections"]
    assert entries, "the shipped templates all chart section judgements"
    drawing = charts.judgement_chart(data["judgements"], 480)
    strings = [node.text for node in drawing.contents if isinstance(node, String)]
    assert not any("…" in s for s in strings), "a chart line was cut"
    rows = charts.chart_rows(data["judgements"], 480 * charts.LABEL_SHARE)
    for entry, row in zip(entries, rows, strict=True):
        assert " ".join(row.label_lines) == " ".join(charts.entry_label(entry).split())
        assert row.word == entry["label"] and row.word in strings
    assert all(charts.entry_label(e).endswith(f": {e['agency_label']}") for e in entries if e.get("agency_label"))
    assert all(node.fontName.startswith("LscpSans") for node in drawing.contents if isinstance(node, String))


def test_a_long_unbroken_label_is_broken_not_cut() -> None:
    lines = charts.wrap_label("Section " + "x" * 200 + " end", 120)
    assert "".join(lines).replace(" ", "") == ("Section" + "x" * 200 + "end")
    assert len(lines) > 2


def _flow_log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    log: list[tuple[int, Any]] = []
    original = page_template.ReportDocTemplate.afterFlowable

    def record(self: Any, flowable: Any) -> None:
        log.append((self.canv.getPageNumber(), flowable))
        original(self, flowable)

    monkeypatch.setattr(page_template.ReportDocTemplate, "afterFlowable", record)
    return log


def _stranded_headings(log: list[tuple[int, Any]]) -> list[str]:
    """Headings whose content (the first flowable after them that is neither another heading nor
    a section's introduction) starts on a later page."""

    def heading_like(flowable: Any) -> bool:
        return (
            bool(getattr(flowable, "outline", None)) or getattr(getattr(flowable, "style", None), "name", "") == "intro"
        )

    stranded = []
    for index, (page, flowable) in enumerate(log):
        if not getattr(flowable, "outline", None):
            continue
        following = next((p for p, f in log[index + 1 :] if not heading_like(f)), page)
        if following != page:
            stranded.append(f"{flowable.outline[0]!r} at the foot of page {page}")
    return stranded


@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_no_heading_is_the_last_thing_on_a_page(monkeypatch: pytest.MonkeyPatch, template_file: Path) -> None:
    log = _flow_log(monkeypatch)
    for compact in (False, True):
        log.clear()
        build_unsigned(_shipped_data(template_file), compact=compact)
        assert log and not _stranded_headings(log)


def _demo_data(template_file: Path, seed: int) -> dict[str, Any]:
    """Realistic answers from the demo generator (varied lengths and branches)."""
    import random
    from dataclasses import replace

    from lscp_audit.services import demo_content, demo_data

    template = load_template_file(template_file)
    rng = random.Random(seed)
    subject = demo_content.subject_for(rng, template, seed)
    answers = demo_data.generate_answers(rng, template, subject, ("strong", "weak", "mixed")[seed % 3])
    audit = replace(completed_audit(template), subject=subject, answers=tuple(answers))
    return build_report_data(audit, template, generated_at=GENERATED_AT, inputs=report_inputs(audit, template))


@pytest.mark.parametrize("seed", range(1, 5))
@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_no_heading_stranded_with_demo_answers(monkeypatch: pytest.MonkeyPatch, template_file: Path, seed: int) -> None:
    log = _flow_log(monkeypatch)
    build_unsigned(_demo_data(template_file, seed))
    assert log and not _stranded_headings(log)


def test_no_heading_stranded_in_a_long_report(monkeypatch: pytest.MonkeyPatch) -> None:
    log = _flow_log(monkeypatch)
    template = sample_template(extra_sections=3)
    audit = sample_audit(template, long=True)
    data = build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))
    built = build_unsigned(data)
    assert built.page_count > 8 and not _stranded_headings(log)


def test_stranded_heading_detector_can_fail() -> None:
    class Heading:
        outline = ("Actions", 1)

    assert _stranded_headings([(2, Heading()), (3, object())]) == ["'Actions' at the foot of page 2"]
    assert _stranded_headings([(2, Heading()), (2, object())]) == []


def test_every_colour_pair_meets_wcag_aa() -> None:
    pairs = {f"{name} judgement on white": (colour, styles.WHITE) for name, colour in styles.JUDGEMENT_COLOURS.items()}
    pairs.update(
        {
            "body text on white": (styles.INK, styles.WHITE),
            "muted text on white": (styles.MUTED, styles.WHITE),
            "marking on white": (styles.MARKING_COLOUR, styles.WHITE),
            "table header text": (styles.INK, styles.HEADER_FILL),
            "acknowledged warning": (styles.INK, styles.WARNING_FILL),
            "signature stamp": (stamp.STAMP_INK, stamp.STAMP_FILL),
        }
    )
    failing = {k: round(styles.contrast_ratio(*v), 2) for k, v in pairs.items() if styles.contrast_ratio(*v) < 4.5}
    assert not failing, failing
    assert styles.contrast_ratio((0.93, 0.62, 0.15), styles.WHITE) < 4.5  # the old amber: the check can fail


def test_change_history_names_section_agency_who_and_when(tmp_path: Path, template: Any, audit: Any) -> None:
    amended = amended_revision(audit, "eh_quality", "good", "Late record found")
    data = build_report_data(
        amended,
        template,
        generated_at=GENERATED_AT,
        inputs=sample_inputs(template, amended),
        previous=audit,
        previous_inputs=sample_inputs(template, audit),
    )
    path = tmp_path / "amended.pdf"
    path.write_bytes(build_unsigned(data).pdf)
    text = " ".join(pdf_tools.pdftotext(path).split())
    history = text[text.index("Changes in this revision") : text.index("Answers by section")]
    assert "Early help and referral" in history  # the row names its section
    assert "Quality of the early help assessment" in history and "Late record found" in history
    assert f"Amended by {amended.auditor.name}" in history and "27 Nov 2026" in history


def test_actions_name_the_standard_they_answer(tmp_path: Path) -> None:
    template_file = next(p for p in SHIPPED if "section-11" in p.stem)
    data = _shipped_data(template_file)
    assert data["actions"] and all(a["section_title"].startswith("Standard") for a in data["actions"])
    path = tmp_path / "s11.pdf"
    path.write_bytes(build_unsigned(data).pdf)
    layout = pdf_tools.pdftotext(path, "-layout")
    header = next(line for line in layout.splitlines() if "Action" in line and "Standard" in line and "Owner" in line)
    assert header.index("Action") < header.index("Standard") < header.index("Owner")
    text = pdf_tools.pdftotext(path)
    assert text.count("Sign-off") == 1  # one sign-off block, the template's own sign-off printed inside it
    assert "Signed for the organisation" in text and "\nAuditor\n" not in text


def test_summary_has_a_narrative_paragraph(report_data: dict[str, Any]) -> None:
    from lscp_audit.reports.narrative import narrative

    text = narrative(report_data)
    assert text.startswith("The overall judgement of this audit is Requires improvement, set by the auditor")
    assert "Of 5 section judgements" in text and "The weakest area is" in text
    assert "2 actions are recorded (1 open and 1 in progress); the earliest still open is due 15 Jan 2027." in text
    assert "rules gave Good." in text
    underived = {
        **report_data,
        "judgements": {**report_data["judgements"], "overall": {"value": None, "label": "Not derived"}},
    }
    assert narrative(underived).startswith("No overall judgement was derived for this audit.")


def test_preview_without_signer_shows_an_empty_box(report_data: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "preview.pdf"
    path.write_bytes(build_unsigned(report_data).pdf)
    assert "The digital signature is added on export." in pdf_tools.pdftotext(path)
    assert builder.DOCUMENT_TITLE in pdf_tools.pdfinfo(path)


def test_key_findings_keep_their_standard_and_group_agencies() -> None:
    from lscp_audit.reports.narrative import finding_title

    s11 = {"label": "Standard 5: Training: Areas for improvement", "agency_label": None}
    per_agency = {"label": "Single-agency contribution: What went well (Police)", "agency_label": "Police"}
    assert finding_title(s11) == "Standard 5: Training: Areas for improvement"
    assert finding_title(per_agency) == "Single-agency contribution: What went well"


def _lowest_text(pdf: Path) -> list[float]:
    """For each page, how far down the body text reaches, as a share of the page height."""
    import re

    bbox = pdf_tools.run("pdftotext", "-bbox", str(pdf), "-").stdout
    shares = []
    for page in bbox.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        body = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if 60 < float(y) < height - 50]
        shares.append(max(body) / height if body else 0.0)
    return shares


@pytest.mark.parametrize("seed", range(1, 3))
@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_no_near_empty_pages(tmp_path: Path, template_file: Path, seed: int) -> None:
    """Only the cover forces a page break; every page between it and the last is well filled."""
    path = tmp_path / "r.pdf"
    path.write_bytes(build_unsigned(_demo_data(template_file, seed)).pdf)
    shares = _lowest_text(path)
    assert len(shares) >= 3
    thin = {number: round(share, 2) for number, share in enumerate(shares[1:-1], start=2) if share < 0.6}
    assert not thin, f"pages filled less than 60% of their height: {thin}"


@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_printed_overall_judgement_matches_the_data_for_every_shipped_template(template_file: Path) -> None:
    """The inbox's page-versus-data check must not flag a genuine report, including templates that
    have a section of their own titled "Overall judgement" (its first line is an introduction)."""
    from lscp_audit.reports import page_text

    data = _demo_data(template_file, 1)
    label = data["judgements"]["overall"]["label"]
    pdf = build_unsigned(data).pdf
    assert page_text.check_overall_judgement(pdf, label).outcome == page_text.MATCH
    other = "Outstanding" if label != "Outstanding" else "Inadequate"
    assert page_text.check_overall_judgement(pdf, other).outcome == page_text.MISMATCH
