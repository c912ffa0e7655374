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


# -- files PDFium must survive (the page text is read only after the signatures check out, but a
# -- signer can sign anything) --------------------------------------------------------------------


def _with_outline(pdf: bytes, shape: str) -> bytes:
    """The report with its outline replaced by a hostile one."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    del writer.root_object["/Outlines"]
    if shape == "many":
        for number in range(3000):
            writer.add_outline_item(title=f"Heading {number}", page_number=0)
        writer.add_outline_item(title="Overall judgement", page_number=1)
    elif shape == "cycle":
        first = writer.add_outline_item(title="Summary", page_number=0)
        second = writer.add_outline_item(title="Findings", page_number=0)
        second.get_object()[NameObject("/Next")] = first  # the list loops back on itself
    elif shape == "nowhere":
        item = writer.add_outline_item(title="Overall judgement", page_number=0)
        page = DictionaryObject({NameObject("/Type"): NameObject("/Page")})  # a page not in the document
        item.get_object()[NameObject("/Dest")] = ArrayObject(
            [writer._add_object(page), NameObject("/XYZ"), NumberObject(0), NumberObject(0), NumberObject(0)]
        )
        item.get_object()[NameObject("/Title")] = TextStringObject("Overall judgement")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("shape", ["many", "cycle", "nowhere"])
def test_a_hostile_outline_still_finds_the_printed_judgement(
    shape: str, signed_pdf: Path, report_data: dict[str, Any]
) -> None:
    """Thousands of bookmarks (only the first 2,000 are looked at, then every page is read), a
    bookmark list that loops, a bookmark to a page the document lacks: the check ends, and
    finds the judgement on the pages."""
    import time

    label = report_data["judgements"]["overall"]["label"]
    pdf = _with_outline(signed_pdf.read_bytes(), shape)
    start = time.perf_counter()
    assert page_text.check_overall_judgement(pdf, label).outcome == page_text.MATCH
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    "damage",
    [lambda pdf: pdf[: len(pdf) // 3], lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 40, lambda pdf: b""],
    ids=["truncated", "garbage", "empty"],
)
def test_a_file_pdfium_cannot_open_raises_a_plain_error(damage: Any, signed_pdf: Path) -> None:
    with pytest.raises(page_text.PageTextError, match="the pages cannot be read"):
        page_text.check_overall_judgement(damage(signed_pdf.read_bytes()), "Good")


def test_a_password_protected_report_is_read_with_its_password(signed_pdf: Path, report_data: dict[str, Any]) -> None:
    from pypdf import PdfReader, PdfWriter

    label = report_data["judgements"]["overall"]["label"]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(signed_pdf.read_bytes())))
    writer.encrypt("long enough pw", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(page_text.PageTextError):
        page_text.check_overall_judgement(out.getvalue(), label)  # no password
    with pytest.raises(page_text.PageTextError):
        page_text.check_overall_judgement(out.getvalue(), label, "wrong password")
    assert page_text.check_overall_judgement(out.getvalue(), label, "long enough pw").outcome == page_text.MATCH
