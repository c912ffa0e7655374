"""Read what a report's pages say, with pypdf, to compare it with the report's embedded data.

A signed report carries its data twice: as printed pages and as the JSON attachment. Both are
signed, so a trusted signer could still sign a file whose pages and data differ. The QA inbox
compares the overall judgement printed under the Summary's "Overall judgement" heading with the
overall judgement in the data, and flags a mismatch (see docs/qa-inbox.md).
"""

from __future__ import annotations

import io
import re
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


def page_lines(pdf: bytes, password: str | None = None, *, max_pages: int = 200) -> list[str]:
    """The text lines of the first `max_pages` pages, in reading order as pypdf extracts them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    if reader.is_encrypted:
        reader.decrypt(password or "")
    lines: list[str] = []
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            break
        lines += (page.extract_text() or "").splitlines()
    return lines


def check_overall_judgement(pdf: bytes, label: str, password: str | None = None) -> JudgementCheck:
    """Compare the words printed under the Summary's "Overall judgement" heading (the first one in
    the report) with `label` (the data's overall judgement label). Later headings of that name
    belong to a template's own section of that title, whose next line is an introduction, not a
    grade, so only the first is read. Raises pypdf's errors for a file it cannot read."""
    lines = page_lines(pdf, password)
    expected = _words(label)
    for number, line in enumerate(lines):
        if _words(line) != HEADING:
            continue
        following = " ".join(lines[number + 1 : number + 3])  # a long label may wrap onto a second line
        if expected and _words(following).startswith(expected):
            return JudgementCheck(MATCH, label)
        printed = lines[number + 1].strip() if number + 1 < len(lines) else ""
        return JudgementCheck(MISMATCH, printed or "(nothing)")
    return JudgementCheck(NOT_FOUND, "")
