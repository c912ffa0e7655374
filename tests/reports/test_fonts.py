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


def _pdffonts_rows(path: Path) -> list[list[str]]:
    listing = pdf_tools.run("pdffonts", str(path)).stdout.splitlines()
    assert listing[1].startswith("---"), listing
    return [line.split() for line in listing[2:] if line.strip()]


def test_every_font_in_a_signed_report_is_embedded_once(signed_pdf: Path) -> None:
    """No non-embedded Helvetica (reportlab's default for the page preamble, tables and charts)
    and the signature stamp reuses the report's faces rather than embedding a second copy."""
    rows = _pdffonts_rows(signed_pdf)
    assert rows
    for row in rows:
        assert row[-5:-3] == ["yes", "yes"], f"font not embedded as a subset: {' '.join(row)}"
    names = [row[0].split("+", 1)[-1] for row in rows]
    assert "Helvetica" not in names
    assert len(names) == len(set(names)), f"a face is embedded more than once: {names}"


def test_report_embeds_subset_fonts(tmp_path: Path, report_data: dict) -> None:  # type: ignore[type-arg]
    path = tmp_path / "r.pdf"
    path.write_bytes(build_unsigned(report_data).pdf)
    rows = _pdffonts_rows(path)
    assert len(rows) >= 2 and all("DejaVuSans" in row[0] for row in rows)
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows)  # embedded, subset
