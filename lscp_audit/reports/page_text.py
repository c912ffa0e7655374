"""Read what a report's pages say, with PDFium (`pypdfium2`), to compare it with the report's
embedded data.

A signed report carries its data twice: as printed pages and as the JSON attachment. Both are
signed, so a trusted signer could still sign a file whose pages and data differ. The QA inbox
compares the overall judgement printed under the Summary's "Overall judgement" heading with the
overall judgement in the data, and flags a mismatch (see docs/qa-inbox.md).

PDFium is the PDF engine of Chromium, fuzzed continuously; it extracts a page's text about eight
times faster than pypdf did (1.7 ms against 13 ms for a return's Summary page), which is most of
what importing a return costs. It is a native library and not thread-safe, so every call into
it here holds one lock. The inbox reads page text only from a file whose signatures have been
checked (intact, covering the whole file), and for big imports in worker processes (a crash
there rejects only that file; see `lscp_audit.services.parallel`).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HEADING = "overall judgement"
MATCH = "match"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
MAX_BOOKMARKS = 2_000  # bookmarks looked at for the Summary's heading (a report has a few dozen)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time in a process


class PageTextError(ValueError):
    """The PDF cannot be opened for its page text (damaged, or the password does not open it)."""


@dataclass(frozen=True)
class JudgementCheck:
    """`outcome` is ``match``, ``mismatch`` or ``not_found``; `printed` is the printed words,
    empty when the heading was not found."""

    outcome: str
    printed: str


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _open(pdf: bytes, password: str | None) -> Any:
    """A PDFium document of `pdf` (the caller holds `_PDFIUM` and closes it)."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(pdf, password=password or None)
    except pdfium.PdfiumError as exc:
        raise PageTextError(f"the pages cannot be read ({exc})") from exc


def _page_lines(document: Any, number: int) -> list[str]:
    """The text lines of page `number` (0-based), in PDFium's reading order."""
    page = document[number]
    try:
        text_page = page.get_textpage()
        try:
            text = str(text_page.get_text_range())
        finally:
            text_page.close()
    finally:
        page.close()
    return text.splitlines()


def _lines_from(document: Any, first: int = 0, *, max_pages: int = 200) -> Iterator[str]:
    for number in range(first, min(len(document), max_pages)):
        yield from _page_lines(document, number)


def page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> list[str]:
    """The text lines of the first `max_pages` pages, in reading order as PDFium extracts them.
    Raises `PageTextError` for a file PDFium cannot open."""
    with _PDFIUM:
        document = _open(pdf, password)
        try:
            return list(_lines_from(document, max_pages=max_pages))
        finally:
            document.close()


def _bookmarked_page(document: Any, title: str) -> int | None:
    """The page number of the first bookmark (depth first) whose title is `title`, ignoring case
    and spacing, or None (no outline, no such bookmark among the first `MAX_BOOKMARKS`, or it
    points nowhere in the document)."""
    wanted = _words(title)
    for bookmark in itertools.islice(document.get_toc(), MAX_BOOKMARKS):
        if _words(str(bookmark.get_title() or "")) != wanted:
            continue
        destination = bookmark.get_dest()
        number = destination.get_index() if destination is not None else None
        return number if isinstance(number, int) and 0 <= number < len(document) else None
    return None


def check_overall_judgement(pdf: bytes, label: str, password: str | None = None) -> JudgementCheck:
    """Compare the words printed under the Summary's "Overall judgement" heading (the first one in
    the report) with `label` (the data's overall judgement label). Later headings of that name
    belong to a template's own section of that title, whose next line is an introduction, not a
    grade, so only the first is read.

    As few pages are read as will do: the page the report's first "Overall judgement" bookmark
    (the Summary's) points to, and the next one only when the heading ends that page; without
    that bookmark, or when its page does not print the heading, every page from the first until
    the heading. Raises `PageTextError` for a file PDFium cannot open."""
    with _PDFIUM:
        document = _open(pdf, password)
        try:
            page = _bookmarked_page(document, HEADING)
            if page is not None:
                found = _judgement_in(_lines_from(document, page, max_pages=page + 2), label)
                if found.outcome != NOT_FOUND:
                    return found
            return _judgement_in(_lines_from(document), label)
        finally:
            document.close()


def _judgement_in(lines: Iterator[str], label: str) -> JudgementCheck:
    expected = _words(label)
    for line in lines:
        if _words(line) != HEADING:
            continue
        after = list(itertools.islice(lines, 2))  # a long label may wrap onto a second line
        if expected and _words(" ".join(after)).startswith(expected):
            return JudgementCheck(MATCH, label)
        printed = after[0].strip() if after else ""
        return JudgementCheck(MISMATCH, printed or "(nothing)")
    return JudgementCheck(NOT_FOUND, "")
