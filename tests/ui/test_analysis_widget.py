"""The QA inbox's Analysis tab over a real vault's inbox (report data from the real builder):
named headers, figures matching counts made here from the specs, filters, suppression off, and
the quarantine left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from lscp_audit.core.analysis import SUPPRESSED
from lscp_audit.core.analysis_tables import POLARITY, QUESTIONS, S11
from lscp_audit.services.analysis_service import AnalysisService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.ui.inbox.analysis_widget import AnalysisWidget
from lscp_audit.ui.inbox_page import InboxPage
from tests.services.analysis_returns import LOCALITIES, case_data, case_spec, s11_data, s11_spec, store
from tests.services.conftest import make_vault

NUMBERS = tuple(range(12))


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Any]:
    opened = make_vault(tmp_path / "qa.lscp")
    for number in NUMBERS:
        spec = case_spec(number)
        store(opened, f"r{number}", case_data(spec), signed_at=spec.signed_at)
    held = case_spec(30)
    store(opened, "held", case_data(held), signed_at=held.signed_at, trusted=False)
    store(opened, "s11", s11_data(s11_spec(0)), signed_at="2026-06-01T10:00:00Z")
    try:
        yield opened
    finally:
        opened.close()


def _rows(widget: AnalysisWidget, name: str) -> list[dict[str, str]]:
    model = widget.views[name].model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{headers[c]: model.index(r, c).data() for c in range(model.columnCount())} for r in range(model.rowCount())]


def test_analysis_tab_shows_the_figures_with_named_headers(qtbot: Any, vault: Any) -> None:
    page = InboxPage(inbox=InboxService(vault), analysis=AnalysisService(vault))
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())][-1] == "Analysis"
    widget = page.analysis
    assert isinstance(widget, AnalysisWidget)
    specs = [case_spec(n) for n in NUMBERS]
    assert widget.summary.text().startswith(f"{len(specs) + 1} trusted return(s)")  # the quarantine never counts
    assert "in quarantine are not counted" in widget.summary.text()
    good = next(r for r in _rows(widget, POLARITY) if r["Question id"] == "rec_wnb")
    yes = sum(s.rec_wnb == "yes" for s in specs)
    assert (yes, len(specs) - yes) == (9, 3)  # the 3 concerns are hidden, so the 9 must be too
    assert (good["n"], good["Good practice"], good["Concern"]) == (str(len(specs)), SUPPRESSED, SUPPRESSED)
    matrix = _rows(widget, S11)
    assert [r["Organisation"] for r in matrix] == [s11_spec(0).organisation]
    assert widget.views[QUESTIONS].accessibleName() == "Answers"

    index = widget.locality.findData(LOCALITIES[1][0])
    widget.locality.setCurrentIndex(index)
    south = [s for s in specs if s.locality == 1]
    assert widget.analysis is not None and widget.analysis.n_returns == len(south)
    answers = [r for r in _rows(widget, QUESTIONS) if r["Question id"] == "rec_chronology"]
    counts = Counter(s.rec_chronology for s in south)
    shown = {r["Code"]: r["Count"] for r in answers}
    assert shown["no"] == (str(counts["no"]) if counts["no"] >= 5 else SUPPRESSED)
    widget.suppress.setChecked(False)
    shown = {r["Code"]: r["Count"] for r in _rows(widget, QUESTIONS) if r["Question id"] == "rec_chronology"}
    assert shown["no"] == str(counts["no"]) and shown["yes"] == str(counts["yes"])
    widget.locality.setCurrentIndex(0)
    good = next(r for r in _rows(widget, POLARITY) if r["Question id"] == "rec_wnb")
    assert (good["Good practice"], good["% good practice"]) == (str(yes), f"{100 * yes / len(specs):.1f}%")
