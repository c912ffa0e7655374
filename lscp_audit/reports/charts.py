"""The section judgements chart (reportlab graphics): one horizontal bar per section (or per
section and agency), its length the judgement's score and its colour the judgement's colour."""

from __future__ import annotations

from typing import Any

from lscp_audit.core.templates.scales import SCALE_LABELS, SCALE_SCORES
from lscp_audit.reports import fonts
from lscp_audit.reports.layout.styles import JUDGEMENT_COLOURS, MUTED, rgb

BAR_HEIGHT = 16
LABEL_WIDTH = 190


def _label(entry: dict[str, Any], limit: int = 38) -> str:
    title = str(entry.get("title", ""))
    if entry.get("agency_label"):
        title = f"{title} ({entry['agency_label']})"
    return title if len(title) <= limit else title[: limit - 1] + "…"


def judgement_chart(judgements: dict[str, Any], width: float) -> Any:
    """A Drawing of the section judgements, or None when there are none to chart."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing

    sections = judgements.get("sections") or []
    if not sections:
        return None
    scale = str(judgements.get("scale", "grade"))
    scores = SCALE_SCORES.get(scale, SCALE_SCORES["grade"])
    top = max(scores.values())
    # Bars are drawn bottom-up, so reverse to read top-down like the section list.
    ordered = list(reversed(sections))
    height = BAR_HEIGHT * len(ordered) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH, 28
    chart.width, chart.height = width - LABEL_WIDTH - 30, BAR_HEIGHT * len(ordered)
    chart.data = [[scores.get(str(e.get("value")), 0) for e in ordered]]
    chart.barWidth = BAR_HEIGHT * 0.7
    chart.groupSpacing = BAR_HEIGHT * 0.3
    chart.categoryAxis.categoryNames = [_label(e) for e in ordered]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, 1
    labels = {v: SCALE_LABELS.get(scale, {}).get(k, k) for k, v in scores.items()}
    chart.valueAxis.labelTextFormat = lambda v: labels.get(int(v), "")
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.angle = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = rgb(MUTED)
    chart.valueAxis.gridStrokeDashArray = (1, 2)
    chart.bars.strokeColor = None
    for index, entry in enumerate(ordered):
        colour = JUDGEMENT_COLOURS.get(str(entry.get("value")), MUTED)
        chart.bars[(0, index)].fillColor = rgb(colour)
    drawing.add(chart)
    return drawing
