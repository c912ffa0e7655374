"""The inbox's printed-judgement check reads as few pages as will do: the page the Summary's
"Overall judgement" bookmark points to; and every page from the first when the report has no
such bookmark or its page does not print the heading (same outcome either way)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import page_text


def _pages_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the pages whose text is extracted, in order."""
    read: list[int] = []
    original = page_text._page_lines

    def counting(document: Any, number: int) -> list[str]:
        read.append(number)
        return original(document, number)

    monkeypatch.setattr(page_text, "_page_lines", counting)
    return read


def _without_outline(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    del writer.root_object["/Outlines"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _bookmark_moved_to_cover(pdf: bytes) -> bytes:
    """Every bookmark pointing at the first page (as a crafted or foreign file might)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    del writer.root_object["/Outlines"]
    writer.add_outline_item(title="Summary", page_number=0)
    writer.add_outline_item(title="Overall judgement", page_number=0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_only_the_summary_page_is_read(
    signed_pdf: Path, report_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = signed_pdf.read_bytes()
    label = report_data["judgements"]["overall"]["label"]
    read = _pages_read(monkeypatch)
    assert page_text.check_overall_judgement(pdf, label).outcome == page_text.MATCH
    summary = read[0]
    assert summary >= 1 and read == [summary]  # the cover and the pages after it are never read
    read.clear()
    wrong = "Outstanding" if label != "Outstanding" else "Inadequate"
    assert page_text.check_overall_judgement(pdf, wrong) == page_text.JudgementCheck(page_text.MISMATCH, label)
    assert read == [summary]


@pytest.mark.parametrize("change", [_without_outline, _bookmark_moved_to_cover], ids=["no outline", "moved"])
def test_without_a_usable_bookmark_pages_are_read_from_the_first(
    change: Any, signed_pdf: Path, report_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    label = report_data["judgements"]["overall"]["label"]
    pdf = change(signed_pdf.read_bytes())
    read = _pages_read(monkeypatch)
    assert page_text.check_overall_judgement(pdf, label).outcome == page_text.MATCH
    assert read[-1] >= 1 and 0 in read and len(read) <= 4
