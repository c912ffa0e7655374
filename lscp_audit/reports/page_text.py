"""Read what a report's pages say, with pypdf, to compare it with the report's embedded data.

A signed report carries its data twice: as printed pages and as the JSON attachment. Both are
signed, so a trusted signer could still sign a file whose pages and data differ. The QA inbox
compares the overall judgement printed under the Summary's "Overall judgement" heading with the
overall judgement in the data, and flags a mismatch (see docs/qa-inbox.md).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HEADING = "overall judgement"
MATCH = "match"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class JudgementCheck:
    """`outcome` is ``match``, ``mismatch`` or ``not_found``; `printed` is the printed words,
    empty when the heading was not found."""

    outcome: str
    printed: str


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _reader(pdf: bytes, password: str | None) -> Any:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    if reader.is_encrypted:
        reader.decrypt(password or "")
    return reader


def _lines_from(reader: Any, first: int = 0, *, max_pages: int = 200) -> Iterator[str]:
    for number in range(first, min(len(reader.pages), max_pages)):
        yield from (reader.pages[number].extract_text() or "").splitlines()


def iter_page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> Iterator[str]:
    """The text lines of the first `max_pages` pages, in reading order as pypdf extracts them,
    one page's text extracted at a time (a reader that stops early pays for no more pages)."""
    return _lines_from(_reader(pdf, password), max_pages=max_pages)


def _bookmarked_page(reader: Any, title: str) -> int | None:
    """The page number of the first bookmark (depth first) whose title is `title`, ignoring case
    and spacing, or None (no outline, or no such bookmark)."""
    wanted = _words(title)
    stack = [list(reader.outline)]
    while stack:
        items = stack.pop()
        for position, item in enumerate(items):
            if isinstance(item, list):
                stack.append(items[position + 1 :])
                stack.append(item)
                break
            if _words(str(getattr(item, "title", "") or "")) == wanted:
                number = reader.get_destination_page_number(item)
                return number if isinstance(number, int) and 0 <= number < len(reader.pages) else None
    return None


def page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> list[str]:
    """The text lines of the first `max_pages` pages, in reading order as pypdf extracts them."""
    return list(iter_page_lines(pdf, password, max_pages=max_pages))


def check_overall_judgement(pdf: bytes, label: str, password: str | None = None) -> JudgementCheck:
    """Compare the words printed under the Summary's "Overall judgement" heading (the first one in
    the report) with `label` (the data's overall judgement label). Later headings of that name
    belong to a template's own section of that title, whose next line is an introduction, not a
    grade, so only the first is read.

    Text extraction is the slow part of importing a return, so as few pages are read as will
    do: the page the report's first "Overall judgement" bookmark (the Summary's) points to, and
    the next one only when the heading ends that page; without that bookmark, or when its page
    does not print the heading, every page from the first until the heading. Raises pypdf's
    errors for a file it cannot read."""
    reader = _reader(pdf, password)
    page = _bookmarked_page(reader, HEADING)
    if page is not None:
        found = _judgement_in(_lines_from(reader, page, max_pages=page + 2), label)
        if found.outcome != NOT_FOUND:
            return found
    return _judgement_in(_lines_from(reader), label)


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
