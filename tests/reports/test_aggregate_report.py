"""The aggregate partnership report (PDF and HTML) from a real vault's inbox: report data built by
the real builder from the shipped templates, stored as imported returns. Expected figures are
computed here from the specs the returns were made from, or from the stored data, never from the
analysis code; the PDF is read back with pdftotext, checked with pdfsig, qpdf and the app's own
verifier, and tampered with; the HTML is parsed with the standard library's parser."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.analysis import SUPPRESSED, AnalysisFilter
from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.reports.verification import load_trust_certificates, verify_pdf
from lscp_audit.services.analysis_service import AnalysisService
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.records_service import RecordsService
from tests.reports import pdf_tools
from tests.services.analysis_returns import ROUNDS, CaseSpec, case_data, case_spec, s11_data, s11_spec, store
from tests.services.conftest import make_vault

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
WNB = "Was each missed appointment recorded as Was Not Brought, not Did Not Attend?"
#: Round A has 5 "yes" answers to rec_wnb of 14; round B has 4 of 14 (the suppression boundary).
ROUND_A, ROUND_B = ROUNDS[0][0], ROUNDS[1][0]


def _specs() -> list[CaseSpec]:
    specs = []
    for index in range(28):
        base = case_spec(index)
        in_b = index >= 14
        yes = (index - 14 if in_b else index) < (4 if in_b else 5)
        specs.append(replace(base, round=1 if in_b else 0, rec_wnb="yes" if yes else "no"))
    return specs


class _Vault:
    def __init__(self, path: Path) -> None:
        self.vault = make_vault(path)
        self.specs = _specs()
        self.data: dict[str, dict[str, Any]] = {}
        for spec in self.specs:
            data = case_data(spec)
            store(self.vault, f"ret-{spec.number:03d}", data, signed_at=spec.signed_at)
            self.data[f"ret-{spec.number:03d}"] = data
        for number in range(3):
            data = s11_data(s11_spec(number))
            store(self.vault, f"s11-{number}", data, signed_at="2026-06-01T10:00:00Z")
            self.data[f"s11-{number}"] = data
        held = replace(case_spec(90), rec_wnb="yes")
        store(self.vault, "held", case_data(held), signed_at=held.signed_at, trusted=False)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Vault]:
    made = _Vault(tmp_path_factory.mktemp("aggregate") / "qa.lscp")
    IdentityService(made.vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
    try:
        yield made
    finally:
        made.vault.close()


def _service(inbox: _Vault, records: bool = False) -> AnalysisService:
    log = RecordsService(_Service(inbox.vault), "tester") if records else None
    return AnalysisService(inbox.vault, records=log, clock=lambda: NOW)


class _Service:
    """What RecordsService needs of a vault service: the vault."""

    def __init__(self, vault: Any) -> None:
        self.vault = vault


class _Text(HTMLParser):
    """The HTML's text, and each table as (caption, header row, rows) of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._caption: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._head: list[str] = []
        self._rows: list[list[str]] = []
        self._in_head = False
        self._in_caption = False
        self.scopes: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = str(found.get("lang"))
        if tag == "table":
            self._caption, self._head, self._rows = "", [], []
        elif tag == "caption":
            self._caption, self._in_caption = "", True
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.scopes.append(str(found.get("scope")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head:
                self._head = self._row
            else:
                self._rows.append(self._row)
            self._row = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append((self._caption or "", self._head, self._rows))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self._caption = (self._caption or "") + data

    def table(self, caption_start: str) -> tuple[list[str], list[list[str]]]:
        for caption, head, rows in self.tables:
            if caption.strip().startswith(caption_start):
                return head, rows
        raise AssertionError(f"no table captioned {caption_start!r}")


def _html(path: Path) -> _Text:
    parsed = _Text()
    parsed.feed(path.read_text("utf-8"))
    return parsed


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_figures_in_pdf_and_html_match_the_returns(inbox: _Vault, tmp_path: Path) -> None:
    service = _service(inbox, records=True)
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought"))
    comparison = service.compare(AnalysisFilter(template_id="was-not-brought"), "round", ROUND_A, ROUND_B)
    pdf, html = tmp_path / "analysis.pdf", tmp_path / "analysis.html"
    steps: list[int] = []
    result = service.export_report(
        analysis, pdf=pdf, html=html, comparisons=[comparison], progress=lambda p, _s: steps.append(p)
    )
    assert steps[-1] == 100 and result.signer == "Priya Shah" and result.page_count >= 3
    n = len(inbox.specs)
    good = sum(s.rec_wnb == "yes" for s in inbox.specs)
    text = _flat(pdf_tools.pdftotext(pdf))
    page = _html(html)
    html_text = _flat(" ".join(page.text))
    # The good practice chart's value labels and its table, in both versions.
    label = f"{good} of {n} ({100 * good / n:.1f}%)"
    concern = f"{n - good} of {n} ({100 * (n - good) / n:.1f}%)"
    assert label in text and concern in text and label in html_text and concern in html_text
    head, rows = page.table("Good practice and concern: Was Not Brought")
    assert head == ["Question", "n", "Good practice", "% good practice", "Concern", "% concern"]
    row = next(r for r in rows if r[0] == WNB)
    assert row == [WNB, str(n), str(good), f"{100 * good / n:.1f}%", str(n - good), f"{100 * (n - good) / n:.1f}%"]
    # Overall judgements, counted from the stored data itself.
    overall = Counter(
        d["judgements"]["overall"]["label"] for d in inbox.data.values() if d["template"]["id"] == "was-not-brought"
    )
    _head, rows = page.table("Overall judgements: count")
    shown = {r[1]: r[2] for r in rows}
    for level, count in overall.items():
        expected = SUPPRESSED if 0 < count < 5 else str(count)
        assert shown[level] == expected, level
        if count >= 5:
            assert f"{count} of {n} ({100 * count / n:.1f}%)" in text
    # The comparison of the two rounds, with each group's n.
    title_a, title_b = ROUNDS[0][1], ROUNDS[1][1]  # the rounds as people read them, not their ids
    assert f"{title_a} (n = 14)" in text and f"{title_b} (n = 14)" in text
    _head, rows = page.table(f"A is {title_a}")
    compared = next(r for r in rows if r[0] == WNB and r[1] == "Good practice")
    assert compared[2:5] == ["5", "14", "35.7%"]
    assert compared[5:8] == [SUPPRESSED, "14", SUPPRESSED]  # 4 of 14: hidden, and so is the difference
    assert compared[8] == SUPPRESSED
    # Breakdown by round: both rounds' returns, with n.
    assert "By round" in text and f"{ROUNDS[0][1]} (n = 14)" in text
    # The same report id in both, the HTML naming the signed PDF; no case references anywhere.
    assert result.report_id in text and result.report_id in html_text and pdf.name in html_text
    for spec in inbox.specs:
        reference = f"WNB-2026-{spec.number:03d}"
        assert reference not in text and reference not in html_text
    assert "Return 1: the health visitor" not in text  # findings are counted, never quoted
    # Recorded in the export log, with the report id and marking.
    logged = [r for r in inbox.vault.export_log.list() if r.report_id == result.report_id]
    assert {r.file_name for r in logged} == {str(pdf), str(html)}
    assert all(r.kind.value == "analysis" and r.marking == "OFFICIAL-SENSITIVE" for r in logged)


def _good_practice_row(html: Path) -> list[str]:
    _head, rows = _html(html).table("Good practice and concern: Was Not Brought")
    return next(r for r in rows if r[0] == WNB)


def test_suppression_boundary_four_and_five(inbox: _Vault, tmp_path: Path) -> None:
    """Round A: 5 good practice of 14 is shown. Round B: 4 of 14 is hidden, and so is the 10
    beside it (otherwise 14 - 10 would give the 4 away); without suppression both show."""
    service = _service(inbox)
    for round_id, expected in (
        (ROUND_A, ["14", "5", "35.7%", "9", "64.3%"]),
        (ROUND_B, ["14", SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED]),
    ):
        analysis = service.analyse(AnalysisFilter(template_id="was-not-brought", rounds=(round_id,)))
        pdf, html = tmp_path / f"{round_id}.pdf", tmp_path / f"{round_id}.html"
        service.export_report(analysis, pdf=pdf, html=html)
        assert _good_practice_row(html)[1:] == expected, round_id
        text = _flat(pdf_tools.pdftotext(pdf))
        if round_id == ROUND_A:
            assert "5 of 14 (35.7%)" in text and "9 of 14 (64.3%)" in text
        else:
            assert "4 of 14" not in text and "10 of 14" not in text
            assert f"Good practice {SUPPRESSED}" in text and f"Concern {SUPPRESSED}" in text
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought", rounds=(ROUND_B,)))
    html = tmp_path / "internal.html"
    service.export_report(analysis, html=html, suppress=False)
    assert _good_practice_row(html)[1:] == ["14", "4", "28.6%", "10", "71.4%"]
    assert "Small-number suppression is OFF" in html.read_text("utf-8")


def test_small_group_shows_no_levels_and_no_n(inbox: _Vault, tmp_path: Path) -> None:
    """Three Section 11 returns: n is fewer than 5, so neither the levels nor the n show."""
    service = _service(inbox)
    analysis = service.analyse(AnalysisFilter(template_id="section-11-self-assessment"))
    html = tmp_path / "s11.html"
    service.export_report(analysis, html=html)
    text = html.read_text("utf-8")
    assert "of 3" not in text and "n = 3" not in text and "n = fewer than 5" in text
    _head, rows = _html(html).table("Section 11: each organisation")
    assert len(rows) == 3 and all(r[3].split(";")[0] in {"Green", "Amber", "Red"} for r in rows)


def test_signature_verifies_and_a_changed_byte_fails(inbox: _Vault, tmp_path: Path) -> None:
    service = _service(inbox)
    analysis = service.analyse()
    pdf = tmp_path / "signed.pdf"
    result = service.export_report(analysis, pdf=pdf, marking="OFFICIAL", descriptor="PERSONAL")
    assert result.marking == "OFFICIAL PERSONAL" and result.html is None
    trust = load_trust_certificates([IdentityService(inbox.vault).export_certificate_pem()])
    checked = verify_pdf(pdf, trust=trust)
    assert checked.ok() and checked.trusted and checked.intact and checked.whole_file, checked.reasons()
    assert checked.signer == "Priya Shah" and checked.data is None  # a report, not a return
    signed = pdf_tools.pdfsig(pdf)
    assert "Signature is Valid." in signed and "Total document signed" in signed
    assert pdf_tools.qpdf_check(pdf).returncode == 0
    text = pdf_tools.pdftotext(pdf)
    assert text.count("OFFICIAL PERSONAL") >= 2 and "Page 1 of" in text
    info = pdf_tools.pdfinfo(pdf)
    assert "Partnership analysis report" in info
    blob = bytearray(pdf.read_bytes())
    at = blob.index(b"stream", len(blob) // 4) + 20  # inside a page's compressed content
    blob[at] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(blob))
    again = verify_pdf(tampered, trust=trust)
    assert not again.ok() and not again.intact
    assert "Signature is Valid." not in pdf_tools.pdfsig(tampered)


def test_refusals_leave_nothing_behind(inbox: _Vault, tmp_path: Path) -> None:
    service = _service(inbox)
    analysis = service.analyse()
    with pytest.raises(ValidationError):
        service.export_report(analysis)  # neither file
    with pytest.raises(ValidationError):
        service.export_report(analysis, html=tmp_path / "a.html", marking="SECRET")
    with pytest.raises(ValidationError):
        service.export_report(analysis, html=tmp_path / "a.html", descriptor="PERSONAL DATA 123")
    assert not (tmp_path / "a.html").exists()
    other = make_vault(tmp_path / "empty.lscp")
    try:
        with pytest.raises(NotFound):
            AnalysisService(other).export_report(analysis, pdf=tmp_path / "b.pdf")  # no identity to sign with
    finally:
        other.close()
    assert not (tmp_path / "b.pdf").exists()


def test_html_is_semantic(inbox: _Vault, tmp_path: Path) -> None:
    service = _service(inbox)
    html = tmp_path / "all.html"
    service.export_report(service.analyse(), html=html)
    text = html.read_text("utf-8")
    page = _html(html)
    assert page.lang == "en-GB" and text.count("<h1>") == 1
    assert set(page.scopes) <= {"col", "row"} and page.scopes
    assert text.count("<table>") == text.count("<caption>")
    charts = text.count('<svg role="img"')
    assert charts >= 3 and charts == text.count("<title id=") == text.count("<desc id=")
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_section11_matrix_shows_the_change_since_the_previous_round(tmp_path: Path) -> None:
    """The same organisation's returns in two rounds: Standard 1 went from Red to Green, Standard 2
    stayed Amber; the matrix says so in words (and shades by the rating that counts)."""
    from tests.services.analysis_returns import S11Spec

    vault = make_vault(tmp_path / "s11.lscp")
    try:
        for number, (round_id, end, s1) in enumerate((("s11-2025", "2025-03-31", "red"), ("s11-2026", "2026-03-31", "green"))):  # fmt: skip
            ratings = {f"s{i}": "amber" for i in range(1, 9)} | {"s1": s1}
            data = s11_data(S11Spec(number, "City Police", ratings))
            data["round"] = {"id": round_id, "title": f"Section 11 {end[:4]}", "period_end": end}
            data["report"] = {**data["report"], "id": f"R-S11-{number}"}
            data["audit"] = {**data["audit"], "id": f"s11-audit-{number}"}
            store(vault, f"s11-{number}", data, signed_at=f"{end}T10:00:00Z")
        service = AnalysisService(vault, clock=lambda: NOW)
        html, pdf = tmp_path / "s11.html", tmp_path / "s11.pdf"
        IdentityService(vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
        service.export_report(service.analyse(), pdf=pdf, html=html)
        head, rows = _html(html).table("Section 11: each organisation")
        assert head[:3] == ["Organisation", "Round", "Moderation"]
        latest = next(r for r in rows if r[1].startswith("Section 11 2026"))
        assert "change since Section 11 2025" in latest[1] and latest[2] == "Not moderated"
        assert latest[3] == "Green; ↑ improved from Red"
        assert latest[4] == "Amber; = same as Amber"
        first = next(r for r in rows if r[1] == "Section 11 2025")
        assert first[3] == "Red"  # no earlier round: no change to show
        text = _flat(pdf_tools.pdftotext(pdf))
        assert "↑ improved from Red" in text and "= same as Amber" in text
    finally:
        vault.close()


def test_action_register_counts_latest_status_and_updates(tmp_path: Path) -> None:
    """15 returns, one action each: Police's five are all open in their returns; after the QA
    subgroup records four as complete, the report counts each by its latest status, with small
    counts hidden."""
    from tests.services.analysis_returns import AGENCIES, STATUSES

    vault = make_vault(tmp_path / "actions.lscp")
    try:
        specs = [case_spec(n) for n in range(15)]
        for spec in specs:
            store(vault, f"r{spec.number}", case_data(spec), signed_at=spec.signed_at)
        police = [s for s in specs if s.agency == AGENCIES[0]]
        assert len(police) == 5 and {STATUSES.index(s.action_status) for s in police} == {0}  # all open
        service = AnalysisService(vault, clock=lambda: NOW)
        for spec in police[:4]:
            service.record_action_update(f"r{spec.number}", 1, status="complete", as_of="2026-11-20")
        service.refresh()
        html = tmp_path / "actions.html"
        service.export_report(service.analyse(), html=html, suppress=False)
        head, rows = _html(html).table("Actions by agency and latest status")
        row = dict(zip(head, next(r for r in rows if r[0] == AGENCIES[0]), strict=True))
        assert (row["Open"], row["Complete"], row["All actions"], row["With progress updates"]) == ("1", "4", "5", "4")
        service.export_report(service.analyse(), html=html)  # suppression on: 1 and 4 are hidden
        head, rows = _html(html).table("Actions by agency and latest status")
        row = dict(zip(head, next(r for r in rows if r[0] == AGENCIES[0]), strict=True))
        assert (row["Open"], row["Complete"], row["All actions"]) == (SUPPRESSED, SUPPRESSED, "5")
        assert row["With progress updates"] == SUPPRESSED
        assert "with progress updates recorded by the QA subgroup: fewer than 5" in _flat(html.read_text("utf-8"))
    finally:
        vault.close()


def test_case_references_only_when_asked(inbox: _Vault, tmp_path: Path) -> None:
    service = _service(inbox)
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought"))
    pdf, html = tmp_path / "internal.pdf", tmp_path / "internal.html"
    service.export_report(analysis, pdf=pdf, html=html, case_references=True)
    text, page = _flat(pdf_tools.pdftotext(pdf)), _html(html)
    head, rows = page.table("The returns counted, with their case references")
    assert head[:2] == ["Report id", "Case reference"] and len(rows) == len(inbox.specs)
    expected = {f"WNB-2026-{s.number:03d}" for s in inbox.specs}
    assert {r[1] for r in rows} == expected
    assert all(reference in text for reference in expected)
    assert "do not publish this report" in text and "do not publish this report" in _flat(" ".join(page.text))
