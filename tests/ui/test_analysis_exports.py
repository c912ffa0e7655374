"""The Analysis tab in the real main window on a real vault's inbox (report data from the real
builder): the charts' value labels, the period filter and the round comparison, counted here from
the specs; then each export button writes its file (file dialogs answered as a user would, the
work done by the real services), read back with openpyxl, csv, pdfsig, pdftotext and the HTML
text, and recorded in the export log."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from lscp_audit.core.analysis import SUPPRESSED
from lscp_audit.core.analysis_tables import COMPARISON
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.inbox.analysis_widget import AnalysisWidget
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.shell import build_main_window
from tests.reports import pdf_tools
from tests.services.analysis_returns import ROUNDS, CaseSpec, case_data, case_spec, s11_data, s11_spec, store

NUMBERS = tuple(range(16))


@pytest.fixture
def specs(vault_service: VaultService) -> list[CaseSpec]:
    made = [case_spec(n) for n in NUMBERS]
    vault = vault_service.vault
    for spec in made:
        store(vault, f"r{spec.number}", case_data(spec), signed_at=spec.signed_at)
    store(vault, "s11", s11_data(s11_spec(0)), signed_at="2026-06-01T10:00:00Z")
    IdentityService(vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
    return made


@pytest.fixture
def window(qtbot: QtBot, vault_service: VaultService, specs: list[CaseSpec]) -> Iterator[MainWindow]:
    main = build_main_window()
    qtbot.addWidget(main)
    main.shell.install(vault_service)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    yield main


def _analysis(window: MainWindow) -> AnalysisWidget:
    window.show_area("inbox")
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.analysis, AnalysisWidget)
    page.tabs.setCurrentWidget(page.analysis)
    return page.analysis


def _cells(widget: AnalysisWidget, name: str) -> list[dict[str, str]]:
    model = widget.views[name].model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{headers[c]: model.index(r, c).data() for c in range(model.columnCount())} for r in range(model.rowCount())]


def test_charts_period_filter_and_round_comparison(window: MainWindow, specs: list[CaseSpec]) -> None:
    widget = _analysis(window)
    widget.tabs.setCurrentWidget(widget.charts)
    widget.template.setCurrentIndex(widget.template.findData("was-not-brought"))
    yes = sum(s.rec_wnb == "yes" for s in specs)
    assert (yes, len(specs)) == (12, 16)  # 4 concerns: hidden, and the 12 beside them too
    titles = [view.chart.title for view in widget.charts.charts]
    assert any(t.startswith("Good practice and concern") for t in titles)
    good = next(v for v in widget.charts.charts if v.chart.title.startswith("Good practice and concern"))
    assert good.values[:2] == [SUPPRESSED, SUPPRESSED]
    assert good.plot.accessibleName() == good.chart.title and "fewer than 5" in good.plot.accessibleDescription()
    widget.suppress.setChecked(False)
    good = next(v for v in widget.charts.charts if v.chart.title.startswith("Good practice and concern"))
    assert good.values[:2] == [f"12 of 16 ({100 * 12 / 16:.1f}%)", f"4 of 16 ({100 * 4 / 16:.1f}%)"]
    assert "12 of 16 (75.0%)" in good.plot.accessibleDescription()

    # The period filter: only returns signed from 1 Jun 2026 to 30 Sep 2026.
    widget.date_from.setText("1 Jun 2026")
    widget.date_from.editingFinished.emit()
    widget.date_to.setText("2026-09-30")
    widget.date_to.editingFinished.emit()
    inside = [s for s in specs if "2026-06-01" <= s.signed_at[:10] <= "2026-09-30"]
    assert widget.analysis is not None and widget.analysis.n_returns == len(inside) > 0
    assert "signed 2026-06-01 to 2026-09-30" in widget.summary.text()
    widget.date_from.setText("")
    widget.date_from.editingFinished.emit()
    widget.date_to.setText("")
    widget.date_to.editingFinished.emit()
    assert widget.analysis is not None and widget.analysis.n_returns == len(specs)

    # Two rounds side by side, each with its n.
    widget.compare_by.setCurrentIndex(widget.compare_by.findData("round"))
    assert widget.compare_a.isEnabled() and widget.compare_a.count() == 1 + len(ROUNDS)
    widget.compare_a.setCurrentIndex(widget.compare_a.findData(ROUNDS[0][0]))
    widget.compare_b.setCurrentIndex(widget.compare_b.findData(ROUNDS[1][0]))
    assert widget.comparison is not None
    first = [s for s in specs if s.round == 0]
    second = [s for s in specs if s.round == 1]
    rows = [r for r in _cells(widget, COMPARISON) if r["Answer"] == "Good practice"]
    wnb = next(r for r in rows if r["Question or judgement"].startswith("Was each missed appointment"))
    a_yes = sum(s.rec_wnb == "yes" for s in first)
    b_yes = sum(s.rec_wnb == "yes" for s in second)
    assert wnb[f"{ROUNDS[0][0]}: count"] == str(a_yes) and wnb[f"{ROUNDS[0][0]}: n"] == str(len(first))
    assert wnb[f"{ROUNDS[1][0]}: count"] == str(b_yes) and wnb[f"{ROUNDS[1][0]}: n"] == str(len(second))
    compared = next(v for v in widget.charts.charts if v.chart.title.startswith("Comparison of rounds"))
    assert f"{ROUNDS[0][1]} (n = {len(first)})" in compared.plot.accessibleDescription()


def test_export_buttons_write_the_files(
    window: MainWindow,
    specs: list[CaseSpec],
    vault_service: VaultService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import load_workbook

    widget = _analysis(window)
    widget.marking.setCurrentText("OFFICIAL")
    widget.descriptor.setCurrentText("PERSONAL")
    targets = {kind: tmp_path / f"analysis.{kind}" for kind in ("xlsx", "csv", "pdf", "html")}
    for kind, target in targets.items():
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, t=target, **_k: (str(t), ""))
        widget.export_buttons[kind].click()
        assert target.exists(), kind
        assert widget.status.text().startswith(f"Saved {target.name}"), widget.status.text()
        assert all(b.isEnabled() for b in widget.export_buttons.values())
    book = load_workbook(targets["xlsx"])
    assert len(list(book["Returns"].iter_rows(min_row=3))) == len(specs) + 1
    with targets["csv"].open(encoding="utf-8", newline="") as handle:
        answers = [r for r in csv.DictReader(handle) if r["Question id"] == "rec_wnb"]
    assert len(answers) == len(specs)
    signed = pdf_tools.pdfsig(targets["pdf"])
    assert "Signature is Valid." in signed and "Priya Shah" in signed
    text = pdf_tools.pdftotext(targets["pdf"])
    assert "OFFICIAL PERSONAL" in text and "Partnership analysis report" in text
    page = targets["html"].read_text("utf-8")
    assert '<html lang="en-GB">' in page and "Protective marking: OFFICIAL PERSONAL" in page
    logged = {Path(r.file_name).name for r in vault_service.vault.export_log.list()}
    assert {t.name for t in targets.values()} <= logged

    # A bad descriptor is refused with the reason; nothing is written.
    widget.descriptor.setCurrentText("NOT OK 1")
    bad = tmp_path / "bad.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(bad), ""))
    widget.export_buttons["html"].click()
    assert not bad.exists() and widget.status.text().startswith("Not saved:") and "descriptor" in widget.status.text()
    # Cancelling the file dialog writes nothing and changes nothing.
    before, written = widget.status.text(), targets["xlsx"].stat().st_mtime_ns
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    widget.export_buttons["xlsx"].click()
    assert widget.status.text() == before and targets["xlsx"].stat().st_mtime_ns == written
