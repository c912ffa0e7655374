"""The shipped font family and its licence, and that reports embed it."""

from __future__ import annotations

from pathlib import Path

from lscp_audit import paths
from lscp_audit.reports import fonts
from lscp_audit.reports.pipeline import build_unsigned
from tests.reports import pdf_tools


def test_fonts_and_licence_are_shipped() -> None:
    for face in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC):
        assert fonts.font_path(face).stat().st_size > 100_000
    licence = paths.resource("fonts/LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence


def test_report_embeds_subset_fonts(tmp_path: Path, report_data: dict) -> None:  # type: ignore[type-arg]
    path = tmp_path / "r.pdf"
    path.write_bytes(build_unsigned(report_data).pdf)
    listing = pdf_tools.run("pdffonts", str(path)).stdout
    rows = [line.split() for line in listing.splitlines() if "DejaVuSans" in line]
    assert len(rows) >= 2
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows)  # embedded, subset
