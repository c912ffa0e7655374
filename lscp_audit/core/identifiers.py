"""Likely personal identifiers in free text: the scanner behind the identifier check.

Case audits must be pseudonymised, yet names, NHS numbers, dates of birth and postcodes slip into
case summaries and then travel in every signed PDF and QA inbox. `find_identifiers` finds the
likely ones in one text; it never changes the text (the auditor corrects it or acknowledges each
hit with a reason, see `core.identifier_check`).

What is found, and how (docs/identifier-check.md has the measured precision and recall):

- **NHS numbers**: ten digits written 3-3-4 (spaces or hyphens optional) whose mod-11 check digit
  is valid; ten digits labelled "NHS number", "NHS no" etc. are found in any grouping and even
  with a wrong check digit (a mistyped number still identifies). "NHS 111" and other short numbers are not.
- **Dates of birth**: a day-month-year date (``03/04/2015``, ``3.4.15``, ``3rd April 2015``,
  ``April 3, 2015``, ``2015-04-03``) or a month and year after a birth cue ("DOB", "D.O.B.",
  "date of birth", "born", "birthday") a few words before it; or a date in brackets straight
  after a capitalised name ("Jayden (03/04/2015)"). Dates of meetings and visits are not found.
- **UK postcodes**: full postcodes in capitals, with or without the space, following the
  Royal Mail format rules (letters that never occur in given positions are excluded), so a
  district alone ("SE15") and role codes such as "ST4" are not found.
- **Phone numbers**: UK numbers with 10 or 11 digits starting 01, 02 or 07 (geographic and
  mobile ranges), also as +44 / 0044 with an optional (0). Service numbers (0300, 0800, 0808,
  116 123, 999, 101, NHS 111) are not a person's and are not found.
- **E-mail addresses**.
- **Names on the partnership's do-not-use list**: whole words, any case, any spacing.

Every pattern runs on RE2 (``google-re2``, as template patterns do: linear time in the text).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

MAX_SCAN_CHARS = 200_000  # far above any answer; the rest of a longer text is not scanned
MAX_NAMES = 2000
MAX_NAME_CHARS = 80


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"


KIND_LABELS: dict[IdentifierKind, str] = {
    IdentifierKind.NHS_NUMBER: "NHS number",
    IdentifierKind.DATE_OF_BIRTH: "Date of birth",
    IdentifierKind.POSTCODE: "Postcode",
    IdentifierKind.PHONE: "Phone number",
    IdentifierKind.EMAIL: "E-mail address",
    IdentifierKind.NAME: "Name on the do-not-use list",
}


@dataclass(frozen=True)
class TextMatch:
    """One likely identifier: its kind, where it is in the text (``text[start:end]``) and, where
    it helps, why it counts (``note``)."""

    kind: IdentifierKind
    start: int
    end: int
    text: str
    note: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# --- patterns -------------------------------------------------------------------------------

_NHS = r"\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b"
_NHS_LABELLED = r"(?i)\bNHS(?:\s*(?:number|num|no)\b\.?|\s*#)?\s*(?:is\s+|was\s+)?[:=.-]?\s*(\d(?:[ -]?\d){9})\b"

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:(?:19|20)\d{2}|\d{2})"
_YEAR4 = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_NAME = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\b{_DAY}[/.-]{_MONTH}[/.-]{_YEAR}\b"
    rf"|\b{_YEAR4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"
    rf"|\b{_DAY}(?i:{_ORD})\s+(?i:of\s+)?{_MONTH_NAME}\.?,?\s+{_YEAR4}\b"
    rf"|\b{_MONTH_NAME}\.?\s+{_DAY}(?i:{_ORD}),?\s+{_YEAR4}\b)"
)
_BIRTH_CUE = r"(?i:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bborn\b|\bbirthday\b)"
_CUE_WORDS = ("dob", "d.o.b", "d o b", "birth", "born")
_DOB_CUED = rf"{_BIRTH_CUE}[^\d\n]{{0,25}}?({_DATE}|\b{_MONTH_NAME}\.?\s+{_YEAR4}\b)"
_DOB_AFTER_NAME = rf"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?\s*\(\s*({_DATE})\s*\)"

# Royal Mail postcode format (the UK government data standard's rules): outward code A9, A99,
# AA9, AA99, A9A or AA9A; inward code a digit and two letters. Q, V and X never come first;
# I, J and Z never second; the letters C, I, K, M, O and V never occur in the inward code.
_AREA1 = "[A-PR-UWYZ]"
_AREA2 = "[A-HK-Y]"
_OUTWARD = rf"(?:{_AREA1}[0-9][0-9]?|{_AREA1}{_AREA2}[0-9][0-9]?|{_AREA1}[0-9][A-HJKPSTUW]|{_AREA1}{_AREA2}[0-9][ABEHMNPRVWXY])"
_POSTCODE = rf"\b(?:{_OUTWARD} ?[0-9][ABD-HJLNP-UW-Z]{{2}}|GIR ?0AA)\b"

_PHONE_NATIONAL = r"(?:\(0\d{2,4}\)|\b0\d{2,4})[ -]?\d{3,4}[ -]?\d{3,4}\b"
_PHONE_INTERNATIONAL = r"(?:\+|\b00)44[ -]?(?:\(0\)[ -]?)?\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b"
_EMAIL = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"


# A cheap first look (nothing to backtrack): texts without digits skip the number patterns.
_ANY_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options=options)


# --- checks ---------------------------------------------------------------------------------


def nhs_check_digit_valid(digits: str) -> bool:
    """True when ten digits form a valid NHS number: weights 10..2 on the first nine digits,
    11 minus the remainder of the sum by 11 is the check digit (11 counts as 0; 10 is never
    valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _personal_phone(text: str) -> bool:
    """A UK geographic (01, 02) or mobile (07) number of the right length."""
    digits = _digits(text)
    if text.lstrip("(").startswith(("+", "00")):
        digits = "0" + digits[(4 if text.startswith("00") else 2) :]  # 0044 / +44 -> 0
        if len(digits) > 11 and digits.startswith("00"):  # +44 (0) 20 ...: the (0) counted twice
            digits = digits[1:]
    return len(digits) in (10, 11) and digits[:2] in ("01", "02", "07")


# --- scanning -------------------------------------------------------------------------------


def _nhs_matches(text: str, lowered: str) -> Iterable[TextMatch]:
    labelled = _compiled(_NHS_LABELLED).finditer(text) if "nhs" in lowered else ()
    for found in labelled:
        digits = _digits(found.group(1))
        valid = nhs_check_digit_valid(digits)
        note = "labelled as an NHS number" + ("" if valid else "; its check digit does not match")
        yield TextMatch(IdentifierKind.NHS_NUMBER, found.start(1), found.end(1), found.group(1), note)
    for found in _compiled(_NHS).finditer(text):
        if nhs_check_digit_valid(_digits(found.group(0))):
            yield TextMatch(IdentifierKind.NHS_NUMBER, found.start(), found.end(), found.group(0), "valid check digit")


def _date_matches(text: str, lowered: str) -> Iterable[TextMatch]:
    patterns = []
    if any(cue in lowered for cue in _CUE_WORDS):
        patterns.append((_DOB_CUED, "after a date-of-birth cue"))
    if "(" in text:
        patterns.append((_DOB_AFTER_NAME, "in brackets after a name"))
    for pattern, note in patterns:
        for found in _compiled(pattern).finditer(text):
            yield TextMatch(IdentifierKind.DATE_OF_BIRTH, found.start(1), found.end(1), found.group(1), note)


def _simple_matches(text: str, digits: bool) -> Iterable[TextMatch]:
    if "@" in text:
        for found in _compiled(_EMAIL).finditer(text):
            yield TextMatch(IdentifierKind.EMAIL, found.start(), found.end(), found.group(0))
    if not digits:
        return
    phones = [_PHONE_NATIONAL] + ([_PHONE_INTERNATIONAL] if "44" in text else [])
    for pattern in phones:
        for found in _compiled(pattern).finditer(text):
            if _personal_phone(found.group(0)):
                yield TextMatch(IdentifierKind.PHONE, found.start(), found.end(), found.group(0))
    for found in _compiled(_POSTCODE).finditer(text):
        yield TextMatch(IdentifierKind.POSTCODE, found.start(), found.end(), found.group(0))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _name_matches(text: str, names: NameList) -> Iterable[TextMatch]:
    program = names.program()
    if program is None:
        return
    for found in program.finditer(text):
        start, end = found.start(), found.end()
        if (start > 0 and _is_word_char(text[start - 1])) or (end < len(text) and _is_word_char(text[end])):
            continue  # part of a longer word ("Ann" in "Joanne")
        yield TextMatch(IdentifierKind.NAME, start, end, found.group(0))


@dataclass(frozen=True)
class NameList:
    """The partnership's do-not-use names (children, family members, addresses' street names...),
    matched as whole words in any case and with any spacing."""

    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, names: Iterable[str]) -> NameList:
        return cls(clean_names(names))

    def program(self) -> Any | None:
        return _name_program(self.names) if self.names else None


def clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Names trimmed, spaces collapsed, blanks and duplicates (any case) dropped, in order."""
    seen: set[str] = set()
    kept = []
    for raw in names:
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())[:MAX_NAME_CHARS]
        if len(name) < 2 or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        kept.append(name)
    return tuple(kept[:MAX_NAMES])


@lru_cache(maxsize=8)
def _name_program(names: tuple[str, ...]) -> Any:
    import re2

    # Longer names first, so "Jayden Smith" is found whole rather than as "Jayden".
    ordered = sorted(names, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re2.escape(part) for part in name.split()) for name in ordered)
    return _compiled(f"(?i)(?:{alternatives})")


_PRIORITY = {
    IdentifierKind.EMAIL: 0,
    IdentifierKind.NHS_NUMBER: 1,
    IdentifierKind.PHONE: 2,
    IdentifierKind.DATE_OF_BIRTH: 3,
    IdentifierKind.POSTCODE: 4,
    IdentifierKind.NAME: 5,
}


def _scannable(text: str) -> str:
    text = text[:MAX_SCAN_CHARS]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: RE2 needs valid UTF-8 ("?" keeps positions)
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _all_matches(text: str, names: NameList) -> list[TextMatch]:
    found: list[TextMatch] = []
    digits = _ANY_DIGIT.search(text) is not None
    if digits:
        lowered = text.lower()
        found += _nhs_matches(text, lowered)
        found += _date_matches(text, lowered)
    found += _simple_matches(text, digits)
    found += _name_matches(text, names)
    return found


def _resolved(found: Iterable[TextMatch]) -> list[TextMatch]:
    """Where two kinds overlap, the more specific one (`_PRIORITY`); in text order."""
    kept: list[TextMatch] = []
    for match in sorted(found, key=lambda m: (_PRIORITY[m.kind], m.start, -m.end)):
        if not any(match.start < k.end and k.start < match.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.end))


def _name_list(names: NameList | Sequence[str]) -> NameList:
    return names if isinstance(names, NameList) else NameList.of(names)


def find_identifiers(text: str, names: NameList | Sequence[str] = ()) -> list[TextMatch]:
    """Every likely identifier in `text`, in the order they occur; where two kinds overlap the
    more specific one is kept (an e-mail address over the name in it, an NHS number over a phone
    number)."""
    if not text or not text.strip():
        return []
    return _resolved(_all_matches(_scannable(text), _name_list(names)))


#: Between texts scanned together: no pattern matches across it (no pattern's whitespace or
#: separator class takes a NUL, and date cues stop at a line end).
_SEPARATOR = "\n\x00\n"


def find_identifiers_in(texts: Sequence[str], names: NameList | Sequence[str] = ()) -> list[list[TextMatch]]:
    """`find_identifiers` for each of `texts` (the same results), scanned in one pass of each
    pattern over the texts joined: a whole audit's hundreds of answers cost a few calls, not
    hundreds."""
    cleaned = [_scannable(t.replace("\x00", " ")) if t else "" for t in texts]
    starts, offset = [], 0
    for text in cleaned:
        starts.append(offset)
        offset += len(text) + len(_SEPARATOR)
    per_text: list[list[TextMatch]] = [[] for _ in cleaned]
    for match in _all_matches(_SEPARATOR.join(cleaned), _name_list(names)):
        index = bisect_right(starts, match.start) - 1
        shift = starts[index]
        per_text[index].append(replace(match, start=match.start - shift, end=match.end - shift))
    return [_resolved(found) for found in per_text]


def masked(text: str) -> str:
    """The matched text with all but its first and last characters hidden (for terminals and
    logs, which outlive the vault's encryption): ``943 476 5919`` -> ``9** *** ***9``."""
    if len(text) <= 2:
        return "*" * len(text)
    return text[0] + "".join("*" if c.isalnum() else c for c in text[1:-1]) + text[-1]
