"""The page template: protective marking in the header and footer of every page, the report id,
"Page X of Y", and PDF outline entries for headings.

"Y" is not known until the last page, so every page draws a reference to a form XObject that
the canvas defines just before saving (no second layout pass, and outline entries stay right).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from lscp_audit.reports import fonts
from lscp_audit.reports.layout.styles import MARKING_COLOUR, MUTED, RULE

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
_TOTAL_FORM = "lscpPageTotal"
LANGUAGE = "en-GB"


class TotalPagesCanvas(Canvas):
    """A canvas that fills in the page total (a form XObject) when the document is saved.

    It also starts every page in the embedded font (platypus passes ``initialFontName=None``,
    which reportlab turns into a non-embedded Helvetica on every page), declares the language
    (``/Lang en-GB``) and asks viewers to show the document title rather than the file name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.REGULAR
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 9.5
        kwargs["lang"] = kwargs.get("lang") or LANGUAGE
        super().__init__(*args, **kwargs)
        self.setViewerPreference("DisplayDocTitle", "true")

    def save(self) -> None:
        pages = self.getPageNumber() - (0 if self._code else 1)
        self.beginForm(_TOTAL_FORM)
        self.setFont(fonts.REGULAR, 8)
        self.setFillColorRGB(*MUTED)
        self.drawString(0, 0, str(max(pages, 1)))
        self.endForm()
        super().save()


class ReportDocTemplate(BaseDocTemplate):
    """A4 (portrait unless `pagesize` says otherwise); every page carries the marking, the
    document's name and id (``LSCP audit report`` / ``Report R-…`` unless `header` and
    `id_label` say otherwise) and page numbers."""

    def __init__(
        self,
        output: Any,
        *,
        marking: str,
        report_id: str,
        title: str,
        subject: str,
        pagesize: tuple[float, float] = PAGE_SIZE,
        header: str = "LSCP audit report",
        id_label: str = "Report",
        **kw: Any,
    ) -> None:
        super().__init__(
            output,
            pagesize=pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            subject=subject,
            author="LSCP Audit",
            creator="LSCP Audit",
            **kw,
        )
        self.marking = marking
        self.report_id = report_id
        self.header = header
        self.id_label = id_label
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas: Any, doc: Any) -> None:
        width, height = canvas._pagesize  # this page's size (a page template may turn it landscape)
        canvas.saveState()
        canvas.setFillColorRGB(*MARKING_COLOUR)
        canvas.setFont(fonts.BOLD, 10)
        canvas.drawCentredString(width / 2, height - 12 * mm, self.marking)
        canvas.drawCentredString(width / 2, 9 * mm, self.marking)
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, height - 15 * mm, width - MARGIN_X, height - 15 * mm)
        canvas.line(MARGIN_X, 15 * mm, width - MARGIN_X, 15 * mm)
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawString(MARGIN_X, height - 12 * mm, self.header)
        canvas.drawRightString(width - MARGIN_X, height - 12 * mm, f"{self.id_label} {self.report_id}")
        canvas.drawString(MARGIN_X, 9 * mm, f"{self.id_label} {self.report_id}")
        prefix = f"Page {canvas.getPageNumber()} of "
        x = width - MARGIN_X - 62
        canvas.drawString(x, 9 * mm, prefix)
        canvas.translate(x + canvas.stringWidth(prefix, fonts.REGULAR, 8), 9 * mm)
        canvas.doForm(_TOTAL_FORM)
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        """Headings tagged with `outline` = (title, level) become PDF bookmarks."""
        entry = getattr(flowable, "outline", None)
        if entry is None:
            return
        title, level = entry
        key = f"h{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
