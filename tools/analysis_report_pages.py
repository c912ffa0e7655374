"""Pictures of the partnership analysis for docs/screenshots/ (fictitious data only).

Builds the benchmark's inbox (1,000 trusted returns across the four shipped templates, two
rounds, three localities; `bench/bench_analysis.py`) in a temporary vault, then
- writes the signed PDF report with a comparison of the two rounds and renders its cover and the
  first page of chosen parts with pdftoppm (poppler-utils) as ``analysis-report-*.png``;
- shows the app's Analysis tab on the same returns (offscreen, 1280x720, the two rounds compared)
  and saves its charts and its Section 11 matrix as ``analysis-app-*.png``.

    python tools/analysis_report_pages.py OUTPUT_DIR
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: (file name, text on the page to render, pages after it); the cover is page 1.
PAGES = (
    ("analysis-report-cover", None, 0),
    ("analysis-report-judgements", "Overall judgements", 0),
    ("analysis-report-comparison", "Comparison of rounds", 0),
    ("analysis-report-section11", "Section 11 matrix", 0),  # on landscape pages of its own
)


def page_of(pdf: Path, heading: str) -> int:
    """The first page whose text starts a line with `heading`."""
    count = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if any(line.strip().startswith(heading) for line in text.splitlines()):
            return number
    raise SystemExit(f"no page starts {heading!r}")


def app_pictures(service: object, out: Path, first: str, second: str) -> None:
    """The Analysis tab on these returns: its charts with the two rounds compared, and the
    Section 11 matrix."""
    from PySide6.QtWidgets import QApplication

    from lscp_audit.ui import ops
    from lscp_audit.ui.inbox.analysis_widget import AnalysisWidget

    app = QApplication.instance() or QApplication([])
    ops.set_synchronous(True)
    widget = AnalysisWidget(service)  # type: ignore[arg-type]
    widget.resize(1280, 720)
    widget.show()
    widget.compare_by.setCurrentIndex(widget.compare_by.findData("round"))
    widget.compare_a.setCurrentIndex(widget.compare_a.findData(first))
    widget.compare_b.setCurrentIndex(widget.compare_b.findData(second))
    for name, tab in (
        ("analysis-app-charts", widget.charts),
        ("analysis-app-section11", widget.views["Section 11 matrix"]),
    ):  # noqa: E501
        widget.tabs.setCurrentWidget(tab)
        for _ in range(20):
            app.processEvents()
        widget.grab().save(str(out / f"{name}.png"))
        print(f"  {out / name}.png")
    widget.close()


def main(out: Path) -> int:
    from bench.bench_analysis import _fill
    from lscp_audit.core.analysis import AnalysisFilter
    from lscp_audit.services.analysis_service import AnalysisService
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.storage.engine import RawKey
    from lscp_audit.storage.vault import Vault
    from tests.services.analysis_returns import ROUNDS

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        vault = Vault.create(Path(folder) / "pages.lscp", RawKey.generate(), vault_id="pages", memory_security=False)
        try:
            _fill(vault)
            IdentityService(vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
            service = AnalysisService(vault, clock=lambda: dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))
            rounds = service.compare(AnalysisFilter(), "round", ROUNDS[0][0], ROUNDS[1][0])
            pdf = Path(folder) / "report.pdf"
            service.export_report(service.analyse(), pdf=pdf, comparisons=[rounds])
            app_pictures(service, out, ROUNDS[0][0], ROUNDS[1][0])
        finally:
            vault.close()
        for name, heading, after in PAGES:
            number = 1 if heading is None else page_of(pdf, heading) + after
            target = out / name
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-singlefile",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    str(pdf),
                    str(target),
                ],  # noqa: E501
                check=True,
            )
            print(f"  {target}.png (page {number})")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
