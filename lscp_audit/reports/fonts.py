"""The embedded TrueType font family used by every PDF report.

DejaVu Sans (shipped in ``resources/fonts`` with its licence) covers Latin Extended (Polish,
Turkish, Vietnamese), Greek and Cyrillic, so names and answers render as typed. reportlab
embeds a subset of each face used. Registration is cached: it runs once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lscp_audit import paths

REGULAR = "LscpSans"
BOLD = "LscpSans-Bold"
ITALIC = "LscpSans-Oblique"
BOLD_ITALIC = "LscpSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
FAMILY = REGULAR


def font_path(face: str = REGULAR) -> Path:
    """Path of the shipped TrueType file for `face` (one of the module's face names)."""
    return paths.resource(f"fonts/{_FILES[face]}")


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the family with reportlab (once) and return the family name for styles."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for face, _file in _FILES.items():
        pdfmetrics.registerFont(TTFont(face, str(font_path(face))))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    return FAMILY
