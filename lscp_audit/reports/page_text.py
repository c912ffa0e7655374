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


def iter_page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> Iterator[str]:
    """The text lines of the first `max_pages` pages, in reading order as pypdf extracts them,
    one page's text extracted at a time (a reader that stops early pays for no more pages)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    if reader.is_encrypted:
        reader.decrypt(password or "")
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            break
        yield from (page.extract_text() or "").splitlines()


def page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> list[str]:
    """The text lines of the first `max_pages` pages, in reading order as pypdf extracts them."""
    return list(iter_page_lines(pdf, password, max_pages=max_pages))


def check_overall_judgement(pdf: bytes, label: str, password: str | None = None) -> JudgementCheck:
    """Compare the words printed under the Summary's "Overall judgement" heading (the first one in
    the report) with `label` (the data's overall judgement label). Later headings of that name
    belong to a template's own section of that title, whose next line is an introduction, not a
    grade, so only the first is read, and pages after it are not read at all (text extraction
    is the slow part of importing a return). Raises pypdf's errors for a file it cannot read."""
    lines = iter_page_lines(pdf, password)
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
