"""Independent checks that each signature's `/ByteRange` describes the file we were given.

pyHanko (0.38) decides that a signature "covers the entire file" from arithmetic alone
(``len1 + len2 + 2 * len(Contents) + 2 == file size``) and then skips its modification analysis.
A file whose signature dictionary is redefined in a later incremental update, with `/Contents`
written as a padded literal string, passes that arithmetic while its pages and data are forged.
So these checks do the byte arithmetic and the comparison themselves, with pyHanko's reader only
used to find the objects:

* `/ByteRange` is a direct array ``[0 a b c]`` of four integers with ``0 < a < b <= b + c <= size``;
* ``data[a:b]`` is exactly ``<`` + hex digits + ``>`` and decodes to the signature's `/Contents`;
* the signature dictionary the final cross-reference section resolves is the one written in the
  signed range, right before that hex string (``... /Contents <hex>``), and no later revision
  redefines it;
* the signed range ends exactly at the end of a revision (``startxref N %%EOF``), and N is that
  revision's cross-reference offset;
* successive signatures' ranges nest in file order (each begins after the previous one ends);
* the last range ends at the end of the file, or only whitespace follows, which is named.

A failure is reported as ``the signature's byte range does not match the file`` plus the detail.
Everything here reads bytes already in memory; nothing is decoded or decompressed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MISMATCH = "the signature's byte range does not match the file"
PADDING_NOTE = (
    "the zero padding after a signature inside its /Contents was changed; the padding is not covered by "
    "the signature, so what was signed is unchanged, but this file's bytes differ from the one signed"
)
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_HEX_GAP = re.compile(rb"<[0-9A-Fa-f]*>")
_CONTENTS_KEY_AT_END = re.compile(rb"/Contents[\x00\t\n\x0c\r ]*\Z")
_EOF_AT_END = re.compile(rb"startxref[\x00\t\n\x0c\r ]+(\d{1,20})[\x00\t\n\x0c\r ]+%%EOF(?:\r\n|\r|\n)?\Z")
_WHITESPACE_NAMES = {0: "NUL", 9: "tab", 10: "LF", 12: "FF", 13: "CR", 32: "space"}


class ByteRangeMismatch(Exception):
    """One signature's byte range does not describe this file; `str()` is the plain reason."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{MISMATCH}: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class SignedRange:
    """Where one signature's signed bytes lie: ``[0, gap_start)`` and ``[gap_end, end)``."""

    gap_start: int
    gap_end: int
    end: int
    revision: int  # index of the revision the range ends with (0 = the oldest)
    padding_changed: bool = False  # non-zero bytes after the CMS object inside /Contents


@dataclass(frozen=True)
class RangeReport:
    """The outcome for all signatures of a file, in the order given.

    `problems[i]` is None or the mismatch message for signature i; `ranges[i]` is its range
    when it could be read. `whole_file` says the last signature (in file order) ends at the
    end of the file or before a whitespace-only tail, which `tail_note` then names.
    """

    problems: tuple[str | None, ...]
    ranges: tuple[SignedRange | None, ...]
    whole_file: bool
    tail_note: str | None = None
    unsigned_tail: int = 0  # bytes after the last signed byte (0 when whole_file and no tail)

    @property
    def notes(self) -> tuple[str, ...]:
        """Plain remarks about bytes no signature covers (they do not make the file fail)."""
        notes = [self.tail_note] if self.tail_note else []
        if any(r is not None and r.padding_changed for r in self.ranges):
            notes.append(PADDING_NOTE)
        return tuple(notes)

    @property
    def ok(self) -> bool:
        return all(p is None for p in self.problems)


def check_signatures(data: bytes, reader: Any, sig_fields: Sequence[Any]) -> RangeReport:
    """Check every signature whose field dictionary is in `sig_fields` (pyHanko objects read from
    `data` by `reader`, a pyHanko `PdfFileReader`). Never raises for a malformed file."""
    problems: list[str | None] = []
    ranges: list[SignedRange | None] = []
    for sig_field in sig_fields:
        try:
            ranges.append(signed_range(data, reader, sig_field))
            problems.append(None)
        except ByteRangeMismatch as exc:
            ranges.append(None)
            problems.append(str(exc))
        except (RecursionError, MemoryError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            ranges.append(None)
            problems.append(f"{MISMATCH}: the signature dictionary cannot be read ({type(exc).__name__})")
    _check_nesting(ranges, problems)
    known = [r for r in ranges if r is not None]
    if not known or any(p is not None for p in problems):
        return RangeReport(tuple(problems), tuple(ranges), whole_file=False)
    last_end = max(r.end for r in known)
    tail = data[last_end:]
    if not tail:
        return RangeReport(tuple(problems), tuple(ranges), whole_file=True)
    if tail.strip(PDF_WHITESPACE):
        return RangeReport(tuple(problems), tuple(ranges), whole_file=False, unsigned_tail=len(tail))
    return RangeReport(
        tuple(problems), tuple(ranges), whole_file=True, tail_note=describe_whitespace_tail(tail), unsigned_tail=0
    )


def describe_whitespace_tail(tail: bytes) -> str:
    """``the file ends with 2 unsigned bytes of whitespace (CR, LF) after the last signature``."""
    names = [_WHITESPACE_NAMES.get(b, f"0x{b:02x}") for b in tail[:8]]
    more = ", …" if len(tail) > 8 else ""
    plural = "byte" if len(tail) == 1 else "bytes"
    return (
        f"the file ends with {len(tail)} unsigned {plural} of whitespace ({', '.join(names)}{more}) "
        "after the last signature; whitespace there changes nothing in the document"
    )


def signed_range(data: bytes, reader: Any, sig_field: Any) -> SignedRange:
    """The checked range of one signature; raises `ByteRangeMismatch` with the reason."""
    from pyhanko.pdf_utils import generic

    if isinstance(sig_field, generic.IndirectObject):
        sig_field = sig_field.get_object()
    holder = sig_field.raw_get("/V")
    if not isinstance(holder, generic.IndirectObject):
        raise ByteRangeMismatch("the signature dictionary is not an indirect object")
    ref = holder.reference
    sig = holder.get_object()
    if not isinstance(sig, generic.DictionaryObject):
        raise ByteRangeMismatch("the signature value is not a dictionary")
    gap_start, gap_end, end = _byte_range(sig, len(data))
    gap = data[gap_start:gap_end]
    if not _HEX_GAP.fullmatch(gap) or len(gap) % 2:
        raise ByteRangeMismatch("the bytes between the two signed parts are not one hexadecimal string")
    contents = sig.raw_get("/Contents", decrypt=generic.EncryptedObjAccess.RAW)
    if not isinstance(contents, generic.ByteStringObject | generic.TextStringObject):
        raise ByteRangeMismatch("/Contents is not a string")
    if bytes.fromhex(gap[1:-1].decode("ascii")) != contents.original_bytes:
        raise ByteRangeMismatch("/Contents differs from the hexadecimal string between the signed parts")
    revision = _signed_revision(data, reader, end)
    _check_definition(data, reader, ref, gap_start, revision)
    return SignedRange(gap_start, gap_end, end, revision, _padding_changed(contents.original_bytes))


def _padding_changed(contents: bytes) -> bool:
    """Whether the bytes after the DER-encoded CMS object are not all zero. Signers reserve room
    and pad with zeros; the padding is not covered by the signature, so a change there leaves
    the signed content as it was (poppler's pdfsig then says "Not total document signed")."""
    from asn1crypto import parser

    try:
        _cls, _method, _tag, header, content, _trailer = parser.parse(contents)
    except ValueError:
        return False  # pyHanko reports an unreadable CMS object itself
    return bool(contents[len(header) + len(content) :].strip(b"\x00"))


def _byte_range(sig: Any, size: int) -> tuple[int, int, int]:
    from pyhanko.pdf_utils import generic

    value = sig.raw_get("/ByteRange")
    if not isinstance(value, generic.ArrayObject) or len(value) != 4:
        raise ByteRangeMismatch("/ByteRange is not a direct array of four numbers")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise ByteRangeMismatch("/ByteRange holds something other than integers")
    first, length1, start2, length2 = (int(n) for n in value)
    if first != 0:
        raise ByteRangeMismatch(f"the signed bytes start at offset {first}, not at the start of the file")
    if not (0 < length1 < start2 and length2 >= 0 and start2 + length2 <= size):
        raise ByteRangeMismatch(f"/ByteRange [0 {length1} {start2} {length2}] does not fit a file of {size} bytes")
    return length1, start2, start2 + length2


def _signed_revision(data: bytes, reader: Any, end: int) -> int:
    """The revision whose `%%EOF` ends the signed range (every earlier one lies inside it)."""
    xrefs = reader.xrefs
    match = _EOF_AT_END.search(data, max(0, end - 64), end)
    if match is None:
        raise ByteRangeMismatch("the signed bytes do not end with the end of a revision (startxref … %%EOF)")
    startxref = int(match.group(1))
    revision = None
    for number in range(xrefs.total_revisions):
        info = xrefs.get_xref_container_info(number)
        if info.end_location <= end:
            revision = number
        elif info.start_location < end:
            raise ByteRangeMismatch("a cross-reference section straddles the end of the signed bytes")
    if revision is None or xrefs.get_startxref_for_revision(revision) != startxref:
        raise ByteRangeMismatch("the signed bytes end with a startxref that is not the signed revision's")
    return revision


def _check_definition(data: bytes, reader: Any, ref: Any, gap_start: int, revision: int) -> None:
    """The signature dictionary in force is the one written just before the hex string."""
    xrefs = reader.xrefs
    offset = xrefs[ref]
    if not isinstance(offset, int) or isinstance(offset, bool) or offset >= gap_start:
        raise ByteRangeMismatch("the signature dictionary in force is not the one inside the signed bytes")
    if xrefs.get_last_change(ref) > revision or xrefs.get_historical_ref(ref, revision) != offset:
        raise ByteRangeMismatch("the signature dictionary was redefined after it was signed")
    head = data[offset:gap_start]
    if not head.startswith(f"{ref.idnum} {ref.generation} obj".encode("ascii")) or b"endobj" in head:
        raise ByteRangeMismatch("the signature dictionary in force is not the one inside the signed bytes")
    if not _CONTENTS_KEY_AT_END.search(head):
        raise ByteRangeMismatch("the hexadecimal string between the signed parts is not the dictionary's /Contents")


def _check_nesting(ranges: list[SignedRange | None], problems: list[str | None]) -> None:
    """In file order, each signature's hex string starts after the previous range ended."""
    order = sorted((r.gap_start, i) for i, r in enumerate(ranges) if r is not None)
    previous: SignedRange | None = None
    for _start, index in order:
        current = ranges[index]
        assert current is not None
        if previous is not None and (current.gap_start < previous.end or current.revision <= previous.revision):
            problems[index] = f"{MISMATCH}: it overlaps an earlier signature's signed bytes instead of enclosing them"
        previous = current
