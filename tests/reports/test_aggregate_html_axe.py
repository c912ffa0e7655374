"""The aggregate report's HTML version checked with axe-core in headless Chromium (Debian's
`chromium`; the test skips, saying so, only when no Chromium is installed). One browser serves
the whole module. A page with known faults proves the check can fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.analysis import AnalysisFilter
from lscp_audit.services.analysis_service import AnalysisService
from tests.reports.headless_chromium import Chromium, axe_source, find_chromium
from tests.services.analysis_returns import ROUNDS, case_data, case_spec, s11_data, s11_spec, store
from tests.services.conftest import make_vault

TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def browser() -> Iterator[tuple[Chromium, str]]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian package chromium); the axe-core check needs it")
    source = axe_source()
    chromium = Chromium.launch(executable)
    try:
        yield chromium, source
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnalysisService]:
    vault = make_vault(tmp_path_factory.mktemp("axe") / "qa.lscp")
    for number in range(24):
        spec = case_spec(number)
        store(vault, f"r{number}", case_data(spec), signed_at=spec.signed_at)
    for number in range(6):
        store(vault, f"s{number}", s11_data(s11_spec(number)), signed_at="2026-06-01T10:00:00Z")
    try:
        yield AnalysisService(vault, clock=lambda: NOW)
    finally:
        vault.close()


def _violations(result: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("suppress", [True, False], ids=["suppressed", "internal"])
def test_aggregate_html_has_no_axe_violations(
    browser: tuple[Chromium, str], service: AnalysisService, tmp_path: Path, suppress: bool
) -> None:
    chromium, source = browser
    analysis = service.analyse()
    comparison = service.compare(AnalysisFilter(), "round", ROUNDS[0][0], ROUNDS[1][0])
    html = tmp_path / "report.html"
    service.export_report(analysis, html=html, suppress=suppress, comparisons=[comparison])
    result = chromium.axe(html, TAGS, source)
    assert result["passes"] > 10  # axe ran its rules
    assert _violations(result) == []


def test_axe_finds_faults_in_a_bad_page(browser: tuple[Chromium, str], tmp_path: Path) -> None:
    chromium, source = browser
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<p style="color:#aaa;background:#fff">Pale text</p><svg role="img" width="10" height="10"></svg>'
        "<table><tr><th>A</th></tr></table></main></body></html>",
        "utf-8",
    )
    found = {v["id"] for v in chromium.axe(page, TAGS, source)["violations"]}
    assert {"html-has-lang", "color-contrast", "svg-img-alt"} <= found


def test_a_returns_html_report_has_no_axe_violations(
    browser: tuple[Chromium, str], report_data: dict[str, Any], tmp_path: Path
) -> None:
    """The accessible HTML version of one audit's report (Sign and export), checked the same way."""
    from lscp_audit.reports.html_report import render_html

    chromium, source = browser
    page = tmp_path / "audit.html"
    page.write_text(render_html(report_data, signed_pdf_name="lscp-audit-report.pdf"), "utf-8")
    result = chromium.axe(page, TAGS, source)
    assert result["passes"] >= 5  # axe ran its rules (fewer apply to this simpler page)
    assert _violations(result) == []
