"""The section judgements chart (reportlab graphics): one horizontal bar per section (or per
section and agency), its length the judgement's score and its colour the judgement's colour.

Every label is printed in full (wrapped over as many lines as it needs, never cut) and the
judgement is written beside its bar, so the chart reads without colour and its page text is
its own text equivalent ("Recording … Requires improvement") for screen readers and
`pdftotext`. All text is in the report's embedded face (the drawing's initial font too, so no
non-embedded Helvetica is referenced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lscp_audit.core.templates.scales_builder import report_scale
from lscp_audit.reports import fonts
from lscp_audit.reports.layout.styles import INK, MUTED, RULE, judgement_colour, rgb
from lscp_audit.reports.narrative import section_name

LABEL_SIZE = 8.5
LABEL_LEADING = 10.5
WORD_SIZE = 8.5
KEY_SIZE = 8.0
BAR_HEIGHT = 11.0
ROW_GAP = 5.0
LABEL_SHARE = 0.42  # of the drawing's width
GAP = 8.0


@dataclass(frozen=True)
class ChartRow:
    label_lines: tuple[str, ...]
    score: int
    word: str
    colour: tuple[float, float, float]

    @property
    def height(self) -> float:
        return max(BAR_HEIGHT, LABEL_LEADING * len(self.label_lines)) + ROW_GAP


def entry_label(entry: dict[str, Any]) -> str:
    """The section title, with the agency for per-agency sections, in full."""
    return section_name(entry)


def wrap_label(text: str, width: float, font: str = fonts.REGULAR, size: float = LABEL_SIZE) -> list[str]:
    """Break `text` into lines of at most `width` points; a word longer than the width is
    broken between characters. Nothing is left out."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fonts.register_fonts()
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word
        while stringWidth(current, font, size) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and stringWidth(current[:cut], font, size) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines or [""]


def chart_rows(judgements: dict[str, Any], label_width: float) -> list[ChartRow]:
    scale = report_scale(judgements)
    scores = scale.scores
    labels = scale.labels
    levels = judgements.get("levels")
    rows = []
    for entry in judgements.get("sections") or []:
        value = str(entry.get("value"))
        word = labels.get(value) or str(entry.get("label") or "Not derived")
        rows.append(
            ChartRow(
                tuple(wrap_label(entry_label(entry), label_width)),
                scores.get(value, 0),
                word,
                judgement_colour(value, levels if isinstance(levels, list) else None),
            )
        )
    return rows


def _text(
    x: float, y: float, text: str, size: float, *, bold: bool = False, colour: Any = INK, anchor: str = "start"
) -> Any:
    """One line of a chart's text in the report's faces (DejaVu: every script in a name shows)."""
    from reportlab.graphics.shapes import String

    font = fonts.BOLD if bold else fonts.REGULAR
    return String(x, y, text, fontName=font, fontSize=size, fillColor=rgb(colour), textAnchor=anchor)


def judgement_chart(judgements: dict[str, Any], width: float) -> Any:
    """A Drawing of the section judgements, or None when there are none to chart."""
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.pdfbase.pdfmetrics import stringWidth

    scale = report_scale(judgements)
    scores = scale.scores
    top = max(scores.values())
    label_width = width * LABEL_SHARE
    rows = chart_rows(judgements, label_width)
    if not rows:
        return None
    word_width = max(stringWidth(r.word, fonts.BOLD, WORD_SIZE) for r in rows) + 6
    bar_left = label_width + GAP
    unit = (width - bar_left - word_width) / top
    key_height = 16.0
    height = sum(r.height for r in rows) + key_height
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR  # the renderer's starting font (default: Helvetica)
    drawing.initialFontSize = LABEL_SIZE
    for score in range(1, top + 1):
        x = bar_left + unit * score
        drawing.add(Line(x, key_height, x, height, strokeColor=rgb(RULE), strokeWidth=0.5, strokeDashArray=(1, 2)))
    drawing.add(Line(bar_left, key_height, bar_left, height, strokeColor=rgb(MUTED), strokeWidth=0.8))
    y = height
    for row in rows:
        y -= row.height
        block = row.height - ROW_GAP
        bar_y = y + ROW_GAP / 2 + (block - BAR_HEIGHT) / 2
        for index, line in enumerate(row.label_lines):
            text_y = y + ROW_GAP / 2 + block - LABEL_LEADING * (index + 1) + 2.5
            drawing.add(_text(label_width, text_y, line, LABEL_SIZE, anchor="end"))
        length = unit * row.score
        if length:
            drawing.add(Rect(bar_left, bar_y, length, BAR_HEIGHT, fillColor=rgb(row.colour), strokeColor=None))
        drawing.add(_text(bar_left + length + 4, bar_y + 2.5, row.word, WORD_SIZE, bold=True))
    order = sorted(scores.items(), key=lambda item: item[1])
    key = "Bar length: " + ", ".join(f"{scale.labels.get(code, code)} {score}" for code, score in order)
    drawing.add(_text(0, 3, key, KEY_SIZE, colour=MUTED))
    return drawing


# -- the aggregate report's bar charts ---------------------------------------------------------

GROUP_SIZE = 8.5
BAR_LABEL_SIZE = 8.0
VALUE_SIZE = 8.0
AGG_BAR_HEIGHT = 9.0
AGG_BAR_GAP = 3.0
GROUP_GAP = 7.0
SCALE_HEIGHT = 14.0
CHUNK_HEIGHT = 420.0  # points: a chart taller than this is drawn in several pieces, so pages can break


def _group_height(lines: list[str], bar_lines: list[list[str]]) -> float:
    bars = sum(max(AGG_BAR_HEIGHT, LABEL_LEADING * len(b)) + AGG_BAR_GAP for b in bar_lines)
    return LABEL_LEADING * len(lines) + 1 + bars + GROUP_GAP


def _grid(drawing: Any, ticks: list[tuple[float, int]], low: float, high: float) -> None:
    """The scale's lines from `low` to `high` (beside the bars; never through a group's name)."""
    from reportlab.graphics.shapes import Line

    for x, tick in ticks:
        colour, dash = (rgb(MUTED), None) if tick == 0 else (rgb(RULE), (1, 2))
        drawing.add(Line(x, low, x, high, strokeColor=colour, strokeWidth=0.5, strokeDashArray=dash))


def bar_chart_drawings(chart: Any, width: float) -> list[Any]:
    """Drawings of an aggregate `Chart` (`aggregate_content.Chart`): each group's label over its
    bars, each bar named on its left and its value label ("12 of 30 (40.0%)", or "fewer than 5"
    with no bar) on its right, on a 0-100% scale with grid lines. Long charts come in pieces of
    at most `CHUNK_HEIGHT` points, each with its own scale, so a page can break between them.
    Every word is page text, so `pdftotext` and screen readers get the figures."""
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fonts.register_fonts()
    bar_labels = [b.label for g in chart.groups for b in g.bars]
    values = [b.text for g in chart.groups for b in g.bars]
    if not bar_labels:
        return []
    label_width = min(width * 0.34, max(stringWidth(t, fonts.REGULAR, BAR_LABEL_SIZE) for t in bar_labels) + 4)
    value_width = max(stringWidth(t, fonts.BOLD, VALUE_SIZE) for t in values) + 6
    bar_left = label_width + GAP
    span = max(40.0, width - bar_left - value_width)
    pieces: list[list[tuple[list[str], list[list[str]], Any]]] = [[]]
    used = 0.0
    for group in chart.groups:
        lines = wrap_label(group.label, width, fonts.BOLD, GROUP_SIZE)
        bar_lines = [wrap_label(b.label, label_width, fonts.REGULAR, BAR_LABEL_SIZE) for b in group.bars]
        height = _group_height(lines, bar_lines)
        if pieces[-1] and used + height > CHUNK_HEIGHT:
            pieces.append([])
            used = 0.0
        pieces[-1].append((lines, bar_lines, group))
        used += height
    drawings = []
    for piece in pieces:
        heights = [_group_height(lines, bar_lines) for lines, bar_lines, _group in piece]
        total = sum(heights) + SCALE_HEIGHT
        drawing = Drawing(width, total)
        drawing.initialFontName = fonts.REGULAR
        drawing.initialFontSize = BAR_LABEL_SIZE
        ticks = [(bar_left + span * tick / 100, tick) for tick in (0, 25, 50, 75, 100)]

        for x, tick in ticks:
            drawing.add(_text(x, 3, f"{tick}%", KEY_SIZE, colour=MUTED, anchor="middle"))
        y = total
        for (lines, bar_lines, group), height in zip(piece, heights, strict=True):
            top = y
            for index, line in enumerate(lines):
                drawing.add(_text(0, top - LABEL_LEADING * (index + 1) + 2.5, line, GROUP_SIZE, bold=True))
            cursor = top - LABEL_LEADING * len(lines) - 1
            _grid(drawing, ticks, top - height, cursor)
            for bar, label_lines in zip(group.bars, bar_lines, strict=True):
                block = max(AGG_BAR_HEIGHT, LABEL_LEADING * len(label_lines))
                bar_y = cursor - block + (block - AGG_BAR_HEIGHT) / 2
                for index, line in enumerate(label_lines):
                    text_y = cursor - LABEL_LEADING * (index + 1) + 3
                    drawing.add(_text(label_width, text_y, line, BAR_LABEL_SIZE, anchor="end"))
                length = span * (bar.value or 0) / 100 if bar.value is not None else 0.0
                if length > 0:
                    drawing.add(
                        Rect(bar_left, bar_y, length, AGG_BAR_HEIGHT, fillColor=rgb(bar.colour), strokeColor=None)
                    )
                drawing.add(_text(bar_left + length + 4, bar_y + 1.5, bar.text, VALUE_SIZE, bold=True))
                cursor -= block + AGG_BAR_GAP
            y -= height
        drawings.append(drawing)
    return drawings
