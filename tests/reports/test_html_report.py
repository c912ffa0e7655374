"""The accessible HTML version of one audit's report: same content as the PDF, semantic markup
(language, one h1, tables with captions and header scopes), marking at top and bottom, no scripts
or external resources, and it says it is not signed."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from lscp_audit.reports.html_report import render_html
from lscp_audit.reports.narrative import narrative
from tests.reports.sample_audit import CANARY, NAMES


class _Outline(HTMLParser):
    """Collects the tags, attributes and text a screen reader would navigate by."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Outline:
    outline = _Outline()
    outline.feed(page)
    outline.close()
    assert not outline.open, f"unclosed tags: {outline.open}"
    return outline


def test_html_is_well_formed_semantic_and_self_contained(report_data: dict[str, Any]) -> None:
    page = render_html(report_data, signed_pdf_name="lscp-audit-report-R-TEST.pdf")
    outline = _parse(page)
    tags = [t for t, _a in outline.tags]
    assert ("html", {"lang": "en-GB"}) in outline.tags
    assert tags.count("h1") == 1 and tags.count("h2") >= 3
    assert "script" not in tags and "img" not in tags and "link" not in tags and "http" not in page
    assert tags.count("table") == tags.count("caption")
    header_cells = [a for t, a in outline.tags if t == "th"]
    assert header_cells and all(a.get("scope") in ("col", "row") for a in header_cells)
    body = _Outline()
    body.feed(page.split("<body>", 1)[1].split("</body>", 1)[0])
    text = " ".join(" ".join(body.text).split())
    assert text.startswith("OFFICIAL-SENSITIVE") and text.endswith("OFFICIAL-SENSITIVE")
    assert "not signed" in text and "lscp-audit-report-R-TEST.pdf" in text
    assert " ".join(narrative(report_data).split()) in text


def test_html_carries_the_report_content(report_data: dict[str, Any]) -> None:
    text = " ".join(" ".join(_parse(render_html(report_data)).text).split())
    assert CANARY in text  # the case reference, as on the PDF cover
    for name in NAMES.values():
        assert name.split()[0] in text
    for entry in report_data["judgements"]["sections"]:
        assert entry["title"] in text and entry["label"] in text  # the chart's text equivalent
    assert "Refresh neglect toolkit training for GP practices" in text
    assert "Warning acknowledged" in text and "The manager confirmed the delay" in text


def test_html_escapes_what_auditors_typed(report_data: dict[str, Any]) -> None:
    import copy

    data = copy.deepcopy(report_data)
    data["key_findings"][0]["text"] = '<script>alert("x")</script> & more'
    page = render_html(data)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; more" in page


def test_compact_html_leaves_out_what_did_not_apply(report_data: dict[str, Any]) -> None:
    full = render_html(report_data)
    compact = render_html(report_data, compact=True)
    assert "Why was no assessment done?" in full and "Why was no assessment done?" not in compact
    assert "Exploitation (not relevant here)" not in compact
