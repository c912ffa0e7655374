"""Small flowable helpers shared by the report pages: headings with outline entries, wrapped
tables that split across pages with repeated headers, and the signature slot."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from lscp_audit.reports import fonts
from lscp_audit.reports.layout.styles import HEADER_FILL, MUTED, RULE, rgb, styles, text
from lscp_audit.reports.stamp import StampText, draw_stamp, stamp_height

_WRAP_STATE = ("width", "height", "blPara", "_width_max")
# A table sets its cells' font even when they hold paragraphs; reportlab's default is a
# non-embedded Helvetica, so every table names the report's embedded face instead.
CELL_FONT = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5)]


class CachedParagraph(Paragraph):
    """A Paragraph that remembers its line breaks for a given width.

    Tables wrap every cell again each time they split across a page, so a long answer in a long
    section was broken into lines many times over; the result depends only on the width."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        cached = getattr(self, "_wrapped", None)
        if cached is not None and cached[0] == availWidth:
            self.__dict__.update(cached[2])
            return cached[1]
        size = super().wrap(availWidth, availHeight)
        state = {k: self.__dict__[k] for k in _WRAP_STATE if k in self.__dict__}
        self._wrapped = (availWidth, size, state)
        return size


def heading(title: str, level: int = 0) -> Paragraph:
    """An h1 (level 0) or h2 (level 1) paragraph that also becomes a PDF bookmark."""
    para = Paragraph(text(title), styles()["h1" if level == 0 else "h2"])
    para.outline = (title, level)
    return para


def para(value: object, style: str = "body") -> Paragraph:
    return CachedParagraph(text(value), styles()[style])


class ReportTable(Table):
    """A Table that splits a tall row across pages where it overflows, instead of first moving
    it below a repeated header on the same page (reportlab's default tries row splits first)."""

    TALL_ROW = 180.0

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 (reportlab API)
        self._calc(availWidth, availHeight)
        first_unfit = self._getFirstPossibleSplitRowPosition(availHeight)
        heights = self._rowHeights
        if first_unfit >= len(heights):
            return list(super().split(availWidth, availHeight))
        tall = heights[first_unfit] > self.TALL_ROW
        if first_unfit <= self.repeatRows and not tall:
            return []  # only the header would fit here: move the table on rather than split a short row
        if first_unfit > 0 and tall:
            result = self._splitRows(availHeight, doInRowSplit=1)
            if result:
                return list(result)
        return list(super().split(availWidth, availHeight))


class KeepWithStart(Flowable):
    """Headings (and an introduction) kept with the *start* of what follows them.

    reportlab's keep-with-next keeps a heading with the whole next flowable, so a long table
    under a heading jumped whole to the next page and left the page before half empty. This
    keeps the lead flowables with the table's header row and first row only (or the first lines
    of a tall row, which `ReportTable` splits inside): when that much fits the table starts
    here and continues overleaf; otherwise everything moves to the next page together."""

    MIN_TALL_ROW = 60.0

    def __init__(self, lead: list[Any], body: Flowable) -> None:
        super().__init__()
        for flowable in lead:
            flowable.keepWithNext = 0  # this flowable does the keeping (the style's flag would wrap it all)
        self.lead = lead
        self.body = body

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        return availWidth, 0xFFFFFF  # never drawn itself: always split into its parts

    def _start_height(self, width: float, height: float) -> float:
        body = self.body
        _w, full = body.wrap(width, height)
        if isinstance(body, Table):
            rows = list(getattr(body, "_rowHeights", []) or [])
            if len(rows) >= 2:
                first = rows[1] if rows[1] <= ReportTable.TALL_ROW else self.MIN_TALL_ROW
                return float(rows[0] + first)
        return float(min(full, 3 * self.MIN_TALL_ROW))

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 (reportlab API)
        need = 0.0
        for flowable in self.lead:
            need += flowable.wrap(availWidth, availHeight)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        need += self._start_height(availWidth, availHeight)
        frame = getattr(self, "_frame", None)
        if need <= availHeight or getattr(frame, "_atTop", False):
            return [*self.lead, self.body]
        return []  # nothing of it here: the frame moves it, whole, to the next page


def kept_with_start(lead: list[Any], content: list[Any]) -> list[Any]:
    """`lead` (headings) and any introduction kept with the start of the first table in `content`."""
    intro = [f for f in content[:1] if getattr(getattr(f, "style", None), "name", "") == "intro"]
    rest = content[len(intro) :]
    if rest and isinstance(rest[0], Table):
        return [KeepWithStart([*lead, *intro], rest[0]), *rest[1:]]
    return [*lead, *content]


def grid_table(header: list[str], rows: list[list[Any]], widths: list[float], *, head_style: Any = None) -> Table:
    """A table with a shaded header row repeated on every page; tall rows split inside."""
    head = [Paragraph(text(h), head_style or styles()["cell_head"]) for h in header]
    table = ReportTable([head, *rows], colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("BACKGROUND", (0, 0), (-1, 0), rgb(HEADER_FILL)),
                ("GRID", (0, 0), (-1, -1), 0.4, rgb(RULE)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def key_value_table(rows: list[tuple[str, str]], width: float) -> Table:
    """Label/value pairs (the cover's details), labels bold on the left."""
    data = [[Paragraph(text(k), styles()["cell_head"]), Paragraph(text(v), styles()["cell"])] for k, v in rows]
    table = Table(data, colWidths=[width * 0.32, width * 0.68], splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, rgb(RULE)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


class SignatureSlot(Flowable):
    """Reserves the signer's and the QA moderator's signature boxes side by side, draws the
    signer's stamp (when known) with the report's own fonts, and records where the boxes landed
    (page index, PDF coordinates) in `placement` for the signer.

    With `lead_caption` (Section 11 returns) a third box is reserved for the senior lead's second
    signature: the signer's and the senior lead's boxes side by side, the QA moderator's below."""

    MIN_HEIGHT = 84.0
    CAPTION = 14.0
    ROW_GAP = 10.0

    def __init__(
        self,
        width: float,
        placement: dict[str, Any],
        stamp: StampText | None = None,
        captions: tuple[str, str] = ("Auditor", "QA moderator (countersignature)"),
        lead_caption: str | None = None,
    ) -> None:
        super().__init__()
        self.box_width = min(240.0, (width - 20) / 2)
        self.total_width = width
        self.placement = placement
        self.stamp = stamp
        self.captions = captions
        self.lead_caption = lead_caption
        self.box_height = self.MIN_HEIGHT

    @property
    def _top(self) -> float:
        """Where the upper row starts (0 when there is one row)."""
        return self.box_height + self.CAPTION + self.ROW_GAP if self.lead_caption else 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # The frame's padding makes the available width a little less than the page's text width.
        self.total_width = min(self.total_width, avail_width)
        self.box_width = min(240.0, (self.total_width - 20) / 2)
        if self.stamp is not None:
            self.box_height = max(self.MIN_HEIGHT, stamp_height(self.stamp, self.box_width))
        return self.total_width, self._top + self.box_height + self.CAPTION

    def _boxes(self) -> dict[str, tuple[float, float]]:
        """Each box's lower-left corner relative to the flowable."""
        right = self.box_width + 20
        if self.lead_caption:
            return {"auditor": (0.0, self._top), "lead": (right, self._top), "qa": (0.0, 0.0)}
        return {"auditor": (0.0, 0.0), "qa": (right, 0.0)}

    def draw(self) -> None:
        canvas = self.canv
        boxes = self._boxes()
        captions = {"auditor": self.captions[0], "qa": self.captions[1], "lead": self.lead_caption or ""}
        canvas.saveState()
        canvas.setStrokeColorRGB(*RULE)
        canvas.setDash(2, 2)
        for name, (bx, by) in boxes.items():
            if name != "auditor" or self.stamp is None:
                canvas.rect(bx, by, self.box_width, self.box_height)
        canvas.setDash()
        canvas.setFont(fonts.REGULAR, 8)
        canvas.setFillColorRGB(*MUTED)
        for name, (bx, by) in boxes.items():
            canvas.drawString(bx, by + self.box_height + 4, captions[name])
        ax, ay = boxes["auditor"]
        if self.stamp is None:
            canvas.drawString(ax + 6, ay + self.box_height - 14, "The digital signature is added on export.")
        if "lead" in boxes:
            lx, ly = boxes["lead"]
            canvas.drawString(lx + 6, ly + self.box_height - 14, "Signed here after export, as a second")
            canvas.drawString(lx + 6, ly + self.box_height - 24, "signature (lscp-audit sign-off).")
        canvas.restoreState()
        if self.stamp is not None:
            canvas.saveState()
            canvas.translate(ax, ay)
            draw_stamp(canvas, self.stamp, self.box_width, self.box_height)
            canvas.restoreState()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 (reportlab API)
        page_index = canvas.getPageNumber() - 1
        found = {
            name: (x + bx, y + by, x + bx + self.box_width, y + by + self.box_height)
            for name, (bx, by) in self._boxes().items()
        }
        self.placement.update(page_index=page_index, **found)
        super().drawOn(canvas, x, y, _sW)
