"""The visible signature stamp: a small one-page PDF drawn with reportlab in the report's font.

pyHanko's own text stamps need optional font extras for non-Latin-1 text, so the stamp is drawn
here (DejaVu, embedded) and pyHanko imports the page as the signature widget's appearance.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from lscp_audit.reports import fonts


@dataclass(frozen=True)
class StampText:
    """The lines shown in the visible signature."""

    name: str
    role: str
    agency: str
    signed_at: str  # already formatted, e.g. "28 Nov 2026 06:40 UTC"
    reason: str


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def render_stamp_pdf(text: StampText, width: float, height: float) -> bytes:
    """A PDF page of exactly `width` x `height` points showing the signature details."""
    from reportlab.pdfgen.canvas import Canvas

    fonts.register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(width, height), invariant=1)
    canvas.setFillColorRGB(0.93, 0.96, 0.93)
    canvas.setStrokeColorRGB(0.18, 0.45, 0.25)
    canvas.setLineWidth(1.2)
    canvas.rect(0.6, 0.6, width - 1.2, height - 1.2, stroke=1, fill=1)
    _draw_lines(canvas, text, width, height)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _draw_lines(canvas: Any, text: StampText, width: float, height: float) -> None:
    inner = width - 12
    lines = [
        (fonts.BOLD, 7.5, "Digitally signed by"),
        (fonts.BOLD, 9.5, text.name),
        (fonts.REGULAR, 8, text.role),
        (fonts.REGULAR, 8, text.agency),
        (fonts.REGULAR, 8, f"Date: {text.signed_at}"),
        (fonts.ITALIC, 7.5, f"Reason: {text.reason}"),
    ]
    y = height - 14
    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    for font, size, line in lines:
        if y < 4:
            break
        canvas.setFont(font, size)
        canvas.drawString(6, y, _fit(line, font, size, inner))
        y -= size + 3.5


def stamp_style(pdf: bytes) -> Any:
    """A pyHanko `StaticStampStyle` whose appearance is page 1 of `pdf` (held in memory)."""
    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.pdf_utils.layout import AxisAlignment, BoxConstraints, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class _InMemoryPage(ImportedPdfPage):
        """ImportedPdfPage reads a file; this reads bytes, so nothing touches the disk."""

        def render(self) -> bytes:
            import binascii
            import uuid

            writer = self._ensure_writer
            xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), page_ix=0)
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return bytes(name + b" Do")

    fill = SimpleBoxLayoutRule(
        x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(0)
    )
    return StaticStampStyle(
        background=_InMemoryPage("<memory>"), border_width=0, background_opacity=1.0, background_layout=fill
    )
