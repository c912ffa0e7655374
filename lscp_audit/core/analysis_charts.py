"""The analysis charts as plain data, shared by the aggregate report (PDF and HTML) and the app.

A `Chart` is a horizontal bar chart on a 0-100% scale: groups (a question, a section, a template
or a group of returns) of bars, each bar named (`label`), with its length in percent (`value`,
None for a hidden or missing figure: no bar is drawn) and its value label (`text`, such as
``12 of 30 (40.0%)`` or ``fewer than 5``). `chart_sentences` is the chart in words, its text
equivalent for screen readers. Colours are RGB tuples from 0 to 1; the words always say the same.
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[float, float, float]
GREY: Colour = (0.38, 0.38, 0.42)


@dataclass(frozen=True)
class Bar:
    """One bar: `label` names it (a level, answer or group), `value` is its length in percent
    (None: no bar, for a hidden or missing figure) and `text` its value label."""

    label: str
    value: float | None
    text: str
    colour: Colour = GREY


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart on a 0-100% scale: a group of bars per question, section or group.
    `description` says in one sentence what the bars show (the chart's alternative text)."""

    title: str
    description: str
    groups: tuple[BarGroup, ...]


def chart_sentences(chart: Chart) -> list[str]:
    """The chart in words, one sentence per group (its text equivalent where no table follows)."""
    return [f"{g.label}: " + "; ".join(f"{b.label} {b.text}" for b in g.bars) + "." for g in chart.groups]
