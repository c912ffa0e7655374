"""Attacks on a signed report, built at test time from a real export (no binary fixtures).

Each attack takes the signed PDF's bytes and returns forged bytes. Updates that are valid PDF
are written with pyHanko's `IncrementalPdfFileWriter`; updates that need syntax pyHanko would
never write (a literal-string `/Contents`, an edited `/ByteRange`) are appended or patched as
raw bytes. `countersign` adds a QA countersignature the way the app's moderators would.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lscp_audit.reports import embedded_data
from lscp_audit.reports.signing import AUDITOR_FIELD, QA_FIELD, SignerIdentity, _signer

FORGED_TEXT = "Overall judgement: Good"
Writer = Any


def countersign(data: bytes, identity: SignerIdentity, field: str = QA_FIELD, password: str | None = None) -> bytes:
    """A countersignature in `field` (the empty QA moderator field by default); `password`
    opens an encrypted report."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if password:
        writer.encrypt(password)
    out = signers.PdfSigner(meta, signer=_signer(identity)).sign_pdf(
        writer, existing_fields_only=True, output=io.BytesIO()
    )
    return bytes(out.getvalue())


def incremental(data: bytes, edit: Callable[[Writer], None]) -> bytes:
    """One incremental update written by pyHanko after `edit(writer)`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- reading the signed file -------------------------------------------------------------------


@dataclass(frozen=True)
class SigDict:
    """The auditor's signature dictionary as written: object number and its exact bytes."""

    idnum: int
    generation: int
    start: int  # offset of "N G obj"
    end: int  # offset just after "endobj"
    gap_start: int
    gap_end: int
    byte_range: tuple[int, int, int, int]

    def body(self, data: bytes) -> bytes:
        """The dictionary's bytes between ``N G obj`` and ``endobj``."""
        text = data[self.start : self.end]
        return text[text.index(b"obj") + 3 : text.rindex(b"endobj")]


def _reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _field(root: Any, name: str) -> Any:
    for ref in root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if str(field.get("/T")) == name:
            return field
    raise KeyError(name)


def auditor_sig(data: bytes) -> SigDict:
    reader = _reader(data)
    ref = _field(reader.root, AUDITOR_FIELD).raw_get("/V").reference
    start = reader.xrefs[ref]
    end = data.index(b"endobj", start) + len(b"endobj")
    numbers = tuple(int(n) for n in reader.get_object(ref)["/ByteRange"])
    assert len(numbers) == 4
    return SigDict(ref.idnum, ref.generation, start, end, numbers[1], numbers[2], numbers)  # type: ignore[arg-type]


def _trailer_entries(data: bytes) -> tuple[int, int, int]:
    """(root object number, /Size, last startxref) of the file's newest revision."""
    reader = _reader(data)
    root_ref = reader.trailer.raw_get("/Root").reference
    size = int(reader.trailer["/Size"])
    startxref = int(re.findall(rb"startxref\s+(\d+)\s+%%EOF", data)[-1])
    return root_ref.idnum, size, startxref


def raw_update(data: bytes, objects: dict[tuple[int, int], bytes]) -> bytes:
    """Append one classic incremental update redefining `objects` ((idnum, gen) -> body bytes)."""
    root, size, prev = _trailer_entries(data)
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for (idnum, gen), body in sorted(objects.items()):
        offsets[idnum] = (len(out), gen)
        out += f"{idnum} {gen} obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for idnum, (offset, gen) in sorted(offsets.items()):
        out += f"{idnum} 1\n{offset:010d} {gen:05d} n \n".encode()
    size = max(size, max(offsets) + 1)
    out += f"trailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _literal(value: bytes) -> bytes:
    """A PDF literal string holding `value` byte for byte."""
    escaped = value.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


# -- edits made with pyHanko's incremental writer ----------------------------------------------


def _font_resources() -> Any:
    from pyhanko.pdf_utils import generic

    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    return generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/FX"): font})}
    )


def _text_stream(text: str, x: int = 60, y: int = 400, size: int = 28) -> bytes:
    return f"q 1 1 1 rg {x - 4} {y - 8} 420 {size + 16} re f 0 0 0 rg BT /FX {size} Tf {x} {y} Td ({text}) Tj ET Q".encode()


def _page_index(writer: Writer) -> int:
    """Page 2 (index 1) when there is one: the issue's forgery painted over the judgement there."""
    return 1 if int(writer.root["/Pages"]["/Count"]) > 1 else 0


def overlay_page(writer: Writer, text: str = FORGED_TEXT) -> None:
    """An extra content stream painting `text` over the page."""
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=_text_stream(text))
    writer.add_stream_to_page(_page_index(writer), writer.add_object(stream), resources=_font_resources())


def forged_json(data: bytes) -> bytes:
    """The report's JSON with the overall judgement changed to "good"."""
    reader = _reader(data)
    raw = embedded_data.read_attachment(reader)
    assert raw is not None
    value = json.loads(raw)
    value["judgements"]["overall"].update(value="good", label="Good", overridden=False)
    return embedded_data.encode(value)


def _filespec(writer: Writer) -> Any:
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    return names[1].get_object()


def replace_json(writer: Writer, payload: bytes) -> None:
    """Redefine the attachment's stream object (same object number) with `payload`."""
    from pyhanko.pdf_utils.embed import EmbeddedFileObject

    ref = _filespec(writer)["/EF"].raw_get("/F").reference
    stream = EmbeddedFileObject.from_file_data(writer, data=payload, mime_type=embedded_data.MIME_TYPE)
    writer.objects[(ref.generation, ref.idnum)] = stream


def repoint_json(writer: Writer, payload: bytes) -> None:
    """Point the file specification at a new stream holding `payload`."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import EmbeddedFileObject

    spec = _filespec(writer)
    stream = EmbeddedFileObject.from_file_data(writer, data=payload, mime_type=embedded_data.MIME_TYPE)
    ef = spec["/EF"]
    ef[generic.pdf_name("/F")] = writer.add_object(stream)
    ef[generic.pdf_name("/UF")] = ef[generic.pdf_name("/F")]
    writer.update_container(ef)


def _appearance(writer: Writer, text: str, box: tuple[int, int, int, int]) -> Any:
    from pyhanko.pdf_utils import generic

    width, height = box[2] - box[0], box[3] - box[1]
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, width, height)]),
            generic.pdf_name("/Resources"): _font_resources(),
        },
        stream_data=_text_stream(text, 6, 10, 18),
    )
    return generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(stream)})


def _rect(box: tuple[int, int, int, int]) -> Any:
    from pyhanko.pdf_utils import generic

    return generic.ArrayObject([generic.NumberObject(n) for n in box])


def freetext_overlay(writer: Writer) -> None:
    """A FreeText annotation (with an appearance, so every viewer shows it) over the page."""
    from pyhanko.pdf_utils import generic

    box = (50, 380, 470, 440)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(_page_index(writer))
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
            generic.pdf_name("/Rect"): _rect(box),
            generic.pdf_name("/Contents"): generic.pdf_string(FORGED_TEXT),
            generic.pdf_name("/DA"): generic.pdf_string("/Helv 18 Tf 0 g"),
            generic.pdf_name("/AP"): _appearance(writer, FORGED_TEXT, box),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annot))


def new_page(writer: Writer) -> None:
    """A whole new page at the end."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject

    contents = writer.add_object(generic.StreamObject(stream_data=_text_stream("Addendum: " + FORGED_TEXT)))
    writer.insert_page(PageObject(contents, (0, 0, 595, 842), _font_resources()))


def new_signature_field(writer: Writer, name: str = "Overlay") -> None:
    """A new visible (unsigned) signature field whose appearance paints over the judgement."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    box = (50, 380, 470, 440)
    append_signature_field(writer, SigFieldSpec(name, on_page=_page_index(writer), box=box))
    field = _field(writer.root, name)
    field[generic.pdf_name("/AP")] = _appearance(writer, FORGED_TEXT, box)
    writer.update_container(field)


def move_qa_rect(writer: Writer) -> None:
    """Move the QA moderator box over the judgement (so its stamp would cover it)."""
    from pyhanko.pdf_utils import generic

    field = _field(writer.root, QA_FIELD)
    field[generic.pdf_name("/Rect")] = _rect((50, 380, 470, 440))
    writer.update_container(field)


def remove_signature(writer: Writer) -> None:
    """Empty the auditor's signature field."""
    field = _field(writer.root, AUDITOR_FIELD)
    del field["/V"]
    writer.update_container(field)


# -- attacks -----------------------------------------------------------------------------------


def literal_contents_override(data: bytes) -> bytes:
    """The issue 9 forgery: forged page and JSON in an update, then the auditor's signature
    object redefined with the same /ByteRange and CMS bytes, /Contents as a padded binary
    literal string so that len1 + len2 + 2 * len(Contents) + 2 equals the new file length."""
    sig = auditor_sig(data)
    payload = forged_json(data)
    forged = incremental(data, lambda w: (overlay_page(w), replace_json(w, payload)))
    body = sig.body(data)
    hex_start = body.index(b"/Contents") + len(b"/Contents")
    hex_open = body.index(b"<", hex_start)
    hex_close = body.index(b">", hex_open)
    cms = bytes.fromhex(body[hex_open + 1 : hex_close].decode()).rstrip(b"\x00")
    _, len1, start2, len2 = sig.byte_range
    padding = 0
    for _ in range(50):
        contents = cms + b"\x00" * padding
        new_body = body[:hex_open] + _literal(contents) + body[hex_close + 1 :]
        result = raw_update(forged, {(sig.idnum, sig.generation): new_body})
        missing = len(result) - (len1 + len2 + 2 * len(contents) + 2)
        if missing == 0:
            return result
        padding += max(missing, -padding)
        if padding < 0:
            break
    raise AssertionError("could not pad /Contents to the file length")


def redefine_sig(
    data: bytes, change: Callable[[bytes], bytes], before: Callable[[bytes], bytes] | None = None
) -> bytes:
    """An update (after the optional `before` forgery) redefining the auditor's signature
    dictionary with `change(body)`."""
    sig = auditor_sig(data)
    body = change(sig.body(data))
    base = before(data) if before else data
    return raw_update(base, {(sig.idnum, sig.generation): body})


def _set_byte_range(body: bytes, numbers: str) -> bytes:
    return re.sub(rb"/ByteRange\s*\[[^\]]*\]", b"/ByteRange [" + numbers.encode() + b"]", body, count=1)


def byte_range_stretched(data: bytes) -> bytes:
    """Forged page, then the signature redefined with a /ByteRange reaching the new end of file."""
    sig = auditor_sig(data)
    forged = incremental(data, overlay_page)
    _, len1, start2, _ = sig.byte_range
    guess = len(forged)
    for _ in range(10):
        body = _set_byte_range(sig.body(data), f"0 {len1} {start2} {guess - start2}")
        result = raw_update(forged, {(sig.idnum, sig.generation): body})
        if len(result) == guess:
            return result
        guess = len(result)
    raise AssertionError("could not stretch the byte range")


def byte_range_not_from_zero(data: bytes) -> bytes:
    sig = auditor_sig(data)
    _, len1, start2, len2 = sig.byte_range
    return redefine_sig(data, lambda b: _set_byte_range(b, f"1 {len1 - 1} {start2} {len2}"))


def byte_range_zero(data: bytes) -> bytes:
    return redefine_sig(data, lambda b: _set_byte_range(b, "0 0 0 0"))


def byte_range_patched_in_place(data: bytes) -> bytes:
    """A forged page appended and the original /ByteRange digits edited in place (its padding
    spaces leave room) to cover it: the signed bytes change, so the digest must fail."""
    sig = auditor_sig(data)
    forged = incremental(data, overlay_page)
    _, len1, start2, _ = sig.byte_range
    old = re.search(rb"/ByteRange\s*\[[^\]]*\][ ]*", forged[sig.start : sig.end])
    assert old is not None
    new = f"/ByteRange [0 {len1} {start2} {len(forged) - start2}]".encode().ljust(len(old.group(0)))
    at = sig.start + old.start()
    return forged[:at] + new + forged[at + len(new) :]


def empty_contents(data: bytes) -> bytes:
    return redefine_sig(data, lambda b: re.sub(rb"/Contents\s*<[0-9A-Fa-f]*>", b"/Contents <>", b, count=1))


def padding_digit_changed(data: bytes) -> bytes:
    """One hex digit of the zero padding at the end of /Contents changed: not covered by the
    signature, but the CMS object (and so what was signed) is unchanged."""
    sig = auditor_sig(data)
    at = sig.gap_end - 2  # the last hex digit before ">"
    assert data[at : at + 1] == b"0"
    return data[:at] + b"7" + data[at + 1 :]


ATTACKS: dict[str, Callable[[bytes], bytes]] = {
    "literal_contents_override": literal_contents_override,
    "byte_range_stretched": byte_range_stretched,
    "byte_range_patched_in_place": byte_range_patched_in_place,
    "byte_range_not_from_zero": byte_range_not_from_zero,
    "byte_range_zero": byte_range_zero,
    "empty_contents": empty_contents,
    "signature_removed": lambda d: incremental(d, remove_signature),
    "new_page": lambda d: incremental(d, new_page),
    "freetext_overlay": lambda d: incremental(d, freetext_overlay),
    "json_replaced": lambda d: incremental(d, lambda w: replace_json(w, forged_json(d))),
    "json_repointed": lambda d: incremental(d, lambda w: repoint_json(w, forged_json(d))),
    "new_signature_field": lambda d: incremental(d, new_signature_field),
    "qa_rect_moved": lambda d: incremental(d, move_qa_rect),
}
"""Every forgery that must fail verification (alone and followed by any countersignature)."""
