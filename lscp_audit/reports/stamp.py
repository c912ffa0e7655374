"""The visible signature stamp, drawn into the report's own page content by the layout.

The stamp is drawn with the report's embedded DejaVu faces on the same canvas as the pages, so
its glyphs join the report's font subsets (an earlier design imported a separately drawn PDF
as the widget appearance, which embedded a second copy of every face: about a third of each
file). The signature widget itself gets an empty appearance; the page content under it is
covered by the signature like every other page.

The stamp says who signed ("Signed by"), when, where (the location given at export) and why,
and, when the signer is not the auditor named on the cover, on whose behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lscp_audit.reports import fonts

STAMP_FILL = (0.93, 0.96, 0.93)
STAMP_BORDER = (0.18, 0.45, 0.25)
STAMP_INK = (0.10, 0.10, 0.10)
PADDING = 6.0


@dataclass(frozen=True)
class StampText:
    """The details shown in the visible signature."""

    name: str
    role: str
    agency: str
    signed_at: str  # already formatted, e.g. "28 Nov 2026 06:40 UTC"
    reason: str
    location: str = ""
    on_behalf_of: str = ""  # the auditor named on the cover, when someone else signs


def same_person(signer: str, auditor: str) -> bool:
    """True when the two names are the same apart from case and spacing."""
    return " ".join(signer.split()).casefold() == " ".join(auditor.split()).casefold()


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with "…" so it fits `width` points (the stamp's last resort)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break `text` at spaces into at most `max_lines` lines of `width` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, font, size) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [fit(line, font, size, width) for line in lines]


def stamp_lines(text: StampText, width: float) -> list[tuple[str, float, str]]:
    """(font, size, line) for each line of the stamp, wrapped to `width` points."""
    inner = width - 2 * PADDING
    lines: list[tuple[str, float, str]] = [
        (fonts.BOLD, 7.5, "Signed by"),
        (fonts.BOLD, 9.5, fit(text.name, fonts.BOLD, 9.5, inner)),
    ]
    detail = ", ".join(v for v in (text.role, text.agency) if v)
    lines += [(fonts.REGULAR, 8, line) for line in wrap(detail, fonts.REGULAR, 8, inner, 2)]
    if text.on_behalf_of:
        lines += [(fonts.BOLD, 8, line) for line in wrap(f"on behalf of {text.on_behalf_of}", fonts.BOLD, 8, inner, 2)]
    lines.append((fonts.REGULAR, 8, f"Date: {text.signed_at}"))
    if text.location:
        lines.append((fonts.REGULAR, 8, fit(f"Location: {text.location}", fonts.REGULAR, 8, inner)))
    lines += [(fonts.ITALIC, 7.5, line) for line in wrap(f"Reason: {text.reason}", fonts.ITALIC, 7.5, inner, 2)]
    return lines


LINE_GAP = 2.6


def stamp_height(text: StampText, width: float) -> float:
    """The height the stamp needs at `width` points."""
    return sum(size + LINE_GAP for _font, size, _line in stamp_lines(text, width)) + 2 * PADDING + 2


def draw_stamp(canvas: Any, text: StampText, width: float, height: float) -> None:
    """Draw the stamp with its lower left corner at the canvas origin."""
    canvas.saveState()
    canvas.setFillColorRGB(*STAMP_FILL)
    canvas.setStrokeColorRGB(*STAMP_BORDER)
    canvas.setLineWidth(1.2)
    canvas.rect(0.6, 0.6, width - 1.2, height - 1.2, stroke=1, fill=1)
    canvas.setFillColorRGB(*STAMP_INK)
    y = height - PADDING
    for font, size, line in stamp_lines(text, width):
        y -= size
        if y < PADDING / 2:
            break
        canvas.setFont(font, size)
        canvas.drawString(PADDING, y, line)
        y -= LINE_GAP
    canvas.restoreState()
