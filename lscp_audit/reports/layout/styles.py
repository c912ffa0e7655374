"""Paragraph styles, colours and text helpers for the report (DejaVu Sans throughout)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from lscp_audit.reports import fonts

INK = (0.10, 0.10, 0.12)
MUTED = (0.38, 0.38, 0.42)
RULE = (0.75, 0.77, 0.80)
HEADER_FILL = (0.90, 0.92, 0.95)
WARNING_FILL = (1.0, 0.96, 0.85)
MARKING_COLOUR = (0.55, 0.05, 0.05)

# Judgement colours are used for text (the overall judgement) and for chart bars, so each has a
# contrast of at least 4.5:1 against white (WCAG 1.4.3); the words are always printed as well.
JUDGEMENT_COLOURS: dict[str, tuple[float, float, float]] = {
    "outstanding": (0.05, 0.36, 0.20),
    "good": (0.15, 0.47, 0.21),
    "requires_improvement": (0.60, 0.34, 0.0),
    "inadequate": (0.72, 0.12, 0.10),
    "green": (0.15, 0.47, 0.21),
    "amber": (0.60, 0.34, 0.0),
    "red": (0.72, 0.12, 0.10),
}
WHITE = (1.0, 1.0, 1.0)


def judgement_colour(code: str, levels: list[dict[str, Any]] | None = None) -> tuple[float, float, float]:
    """The colour of judgement `code`: the fixed colour for the built-in codes, else the colour
    the scale's level declares (report data ``judgements.levels``), else muted grey."""
    if code in JUDGEMENT_COLOURS:
        return JUDGEMENT_COLOURS[code]
    for level in levels or []:
        colour = str(level.get("colour") or "") if level.get("code") == code else ""
        if len(colour) == 7 and colour.startswith("#"):
            try:
                return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
            except ValueError:
                break
    return MUTED


AA_CONTRAST = 4.5


def relative_luminance(colour: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with components 0..1."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else float(((value + 0.055) / 1.055) ** 2.4)

    red, green, blue = (channel(v) for v in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio (1 to 21) between two colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rgb(value: tuple[float, float, float]) -> Any:
    from reportlab.lib.colors import Color

    return Color(*value)


def hex_colour(value: tuple[float, float, float]) -> str:
    """``#rrggbb`` for a colour tuple (for Paragraph markup)."""
    red, green, blue = (int(c * 255) for c in value)
    return f"#{red:02x}{green:02x}{blue:02x}"


def text(value: object) -> str:
    """Escape user text for a Paragraph and keep its line breaks."""
    raw = "" if value is None else str(value)
    return escape(raw).replace("\r\n", "\n").replace("\n", "<br/>")


@lru_cache(maxsize=1)
def styles() -> dict[str, Any]:
    """The named ParagraphStyles used across the report."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    family = fonts.register_fonts()
    base = ParagraphStyle("base", fontName=family, fontSize=9.5, leading=12.5, textColor=rgb(INK), splitLongWords=1)

    def make(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "small": make("small", fontSize=8, leading=10, textColor=rgb(MUTED)),
        "cell": make("cell", fontSize=8.5, leading=11),
        "cell_muted": make("cell_muted", fontSize=8.5, leading=11, textColor=rgb(MUTED), fontName=fonts.ITALIC),
        "cell_head": make("cell_head", fontSize=8.5, leading=11, fontName=fonts.BOLD),
        "question": make("question", fontSize=9, leading=11.5, fontName=fonts.BOLD),
        "finding_head": make("finding_head", fontSize=9, leading=11.5, fontName=fonts.BOLD, keepWithNext=1),
        "title": make("title", fontSize=22, leading=27, fontName=fonts.BOLD, spaceAfter=6),
        "subtitle": make("subtitle", fontSize=12, leading=15, textColor=rgb(MUTED), spaceAfter=14),
        # Headings are kept with what follows, so none is left alone at the foot of a page.
        "h1": make("h1", fontSize=15, leading=19, fontName=fonts.BOLD, spaceBefore=6, spaceAfter=8, keepWithNext=1),
        "h2": make(
            "h2", fontSize=11.5, leading=14.5, fontName=fonts.BOLD, spaceBefore=10, spaceAfter=5, keepWithNext=1
        ),
        "judgement": make("judgement", fontSize=16, leading=20, fontName=fonts.BOLD, spaceAfter=4),
        "marking": make("marking", fontSize=10, leading=12, fontName=fonts.BOLD, alignment=TA_CENTER),
        "handling": make("handling", fontSize=9, leading=12),
        "intro": make("intro", fontSize=8, leading=10, textColor=rgb(MUTED), keepWithNext=1),
        "marking_left": make(
            "marking_left", fontSize=10, leading=13, fontName=fonts.BOLD, textColor=rgb(MARKING_COLOUR), spaceAfter=2
        ),
    }
