"""PAdES baseline-B signing of a finished report with pyHanko, fully offline.

One call takes the unsigned PDF from the layout and returns the signed bytes:
1. optional AES-256 password encryption, or sealing for recipient certificates (PDF public-key
   encryption, `sealing`), applied first; the password is never stored;
2. the JSON attachment and two signature fields (the auditor's and an empty one for the QA
   moderator's later countersignature) are added over the boxes the layout reserved, each with
   a `/TU` name for screen readers, and the page is given a structure tab order (`/Tabs /S`);
3. a certification signature (DocMDP "form filling", so the QA field can still be signed) is
   applied, with an RFC 3161 timestamp only when a URL is configured (off by default).
Everything happens in memory; nothing touches the disk. The visible stamp is not drawn here:
the layout draws it into the page with the report's embedded fonts (see `stamp`), and the
auditor's widget keeps an empty appearance over it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.reports import embedded_data, sealing
from lscp_audit.reports.identity_certs import SigningMaterial, describe_certificate

if TYPE_CHECKING:
    from lscp_audit.core.report_data import ProtectiveMarking
    from lscp_audit.reports.stamp import StampText

AUDITOR_FIELD = "AuditorSignature"
#: XMP namespace for the report's own metadata (the protective marking); a URN, as nothing is
#: published at an address for it.
XMP_NAMESPACE = "urn:lscp-audit:report:1.0#"
XMP_PREFIX = "lscp"
QA_FIELD = "QAModeratorSignature"
#: Section 11 returns: the agency's senior lead signs here, second, after the person who completed it.
LEAD_FIELD = "SeniorLeadSignature"
LEAD_REASON = "I am the senior lead and I sign off this Section 11 return"
DEFAULT_REASON = "I confirm this audit is complete and accurate"

Box = tuple[float, float, float, float]


class SigningFailed(LscpAuditError):
    """The report could not be signed (bad key, certificate or timestamp server)."""


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs: the key material and the details shown in the stamp."""

    material: SigningMaterial
    name: str
    role: str
    agency: str


@dataclass(frozen=True)
class FieldPlacement:
    """Where the layout reserved the signature boxes (page index from 0, PDF points)."""

    page_index: int
    auditor_box: Box
    qa_box: Box | None = None
    auditor_label: str = "Auditor's digital signature"
    qa_label: str = "QA moderator's countersignature"
    lead_box: Box | None = None  # Section 11: an empty field for the senior lead's second signature
    lead_label: str = "Senior lead's signature (sign-off)"


@dataclass(frozen=True)
class SignOptions:
    reason: str = DEFAULT_REASON
    location: str = ""
    certify: bool = True
    timestamp_url: str | None = None
    password: str | None = None  # AES-256 encryption before signing when set
    # PEM certificates to seal the report for (PDF public-key encryption, AES-256) before signing;
    # the signer's own certificate must be one of them (it opens the file to sign it).
    seal_for: tuple[str, ...] = ()
    data: dict[str, Any] | None = None  # the JSON attachment
    signed_at: dt.datetime | None = None  # the attachment's date; defaults to now
    extra: dict[str, str] = field(default_factory=dict)
    #: The protective marking for the XMP metadata (``marking``, ``classification``,
    #: ``descriptor``) of a document without report data (the report's own is used otherwise).
    marking: dict[str, str] | None = None


def format_stamp_time(when: dt.datetime) -> str:
    """`28 Nov 2026 06:40 UTC` (UK style: day, short month, year)."""
    when = when.astimezone(dt.UTC)
    return f"{when.day} {when:%b %Y %H:%M} UTC"


def identity_stamp(identity: SignerIdentity, signed_at: dt.datetime, reason: str, location: str) -> StampText:
    """The words of the signature stamp the layout draws for `identity` (the PDF viewer shows
    the same in the signature's properties)."""
    from lscp_audit.reports.stamp import StampText

    return StampText(identity.name, identity.role, identity.agency, format_stamp_time(signed_at), reason, location)


def sign_for_qa_subgroup(
    pdf: bytes,
    identity: SignerIdentity,
    placement: dict[str, Any],
    pages: int,
    marking: ProtectiveMarking,
    *,
    reason: str,
    location: str,
    signed_at: dt.datetime,
) -> bytes:
    """Sign a document the QA subgroup prepares (the case discussion pack, the aggregate report)
    in the box its layout reserved (`placement` as the layout reports it; the last page when it
    names none), with an optional countersignature box, and its protective marking in the
    metadata."""
    field_placement = FieldPlacement(
        int(placement.get("page_index", pages - 1)),
        placement.get("auditor", (50.0, 50.0, 290.0, 134.0)),
        placement.get("qa"),
        auditor_label=f"Digital signature of {identity.name} for the QA subgroup",
        qa_label="Countersignature (optional)",
    )
    record = {"marking": marking.text, "classification": marking.classification, "descriptor": marking.descriptor}
    options = SignOptions(reason=reason, location=location, signed_at=signed_at, marking=record)
    return sign_report(pdf, identity, field_placement, options)


def _signer(identity: SignerIdentity) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def load(pem: str) -> Any:
        der = x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(der)

    key = load_private_key_from_pemder_data(identity.material.private_key_pem.encode("ascii"), passphrase=None)
    registry = SimpleCertificateStore.from_certs([load(p) for p in identity.material.chain_pem])
    return SimpleSigner(signing_cert=load(identity.material.certificate_pem), signing_key=key, cert_registry=registry)


def pyhanko_signer(identity: SignerIdentity) -> Any:
    """A pyHanko `SimpleSigner` for `identity` (key, certificate and issuing certificates), for
    signing anything other than a report (partnership packs)."""
    return _signer(identity)


def _prepare(pdf: bytes, identity: SignerIdentity, placement: FieldPlacement, options: SignOptions) -> Any:
    """A writer holding the report plus attachment and fields, encrypted or sealed when asked."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    if options.password and options.seal_for:
        raise SigningFailed("a report is either password-protected or sealed for recipients, not both")
    if not options.password and not options.seal_for:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        _add_parts(writer, placement, options)
        return writer
    fresh = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    if options.seal_for:
        # Sealed: the new (encrypted) document is signed as it is written, in one revision; no
        # second parse of the whole file. The signer must be a recipient (the service sees to it).
        sealing.seal_writer(fresh, options.seal_for)
        sealing.check_signer_is_recipient(identity.material.certificate_pem, options.seal_for)
        _add_parts(fresh, placement, options)
        return fresh
    fresh.encrypt(options.password, options.password)
    _add_parts(fresh, placement, options)
    buf = io.BytesIO()
    fresh.write(buf)
    writer = IncrementalPdfFileWriter(buf)
    writer.encrypt(options.password)
    return writer


def _add_parts(writer: Any, placement: FieldPlacement, options: SignOptions) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    if options.data is not None:
        embedded_data.attach(writer, options.data, options.signed_at)
        _record_marking(writer, options.data.get("report") or {})
    elif options.marking:
        _record_marking(writer, options.marking)
    append_signature_field(
        writer, SigFieldSpec(AUDITOR_FIELD, on_page=placement.page_index, box=_int_box(placement.auditor_box))
    )
    if placement.lead_box:
        lead_box = _int_box(placement.lead_box)
        append_signature_field(writer, SigFieldSpec(LEAD_FIELD, on_page=placement.page_index, box=lead_box))
    qa_box = _int_box(placement.qa_box) if placement.qa_box else None
    append_signature_field(writer, SigFieldSpec(QA_FIELD, on_page=placement.page_index, box=qa_box))
    labels = {AUDITOR_FIELD: placement.auditor_label, QA_FIELD: placement.qa_label, LEAD_FIELD: placement.lead_label}
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field_dict = ref.get_object()
        label = labels.get(str(field_dict.get("/T", "")))
        if label:
            field_dict["/TU"] = generic.TextStringObject(label)
            writer.mark_update(ref)
    page_ref, _resources = writer.find_page_for_modification(placement.page_index)
    page_ref.get_object()["/Tabs"] = generic.NameObject("/S")
    writer.mark_update(page_ref)


def _record_marking(writer: Any, report: dict[str, Any]) -> None:
    """The protective marking (and its parts) in the XMP metadata, so document management
    systems can read it without opening the pages."""
    from pyhanko.pdf_utils.metadata import model, xmp_xml

    if not report.get("marking"):
        return
    if model.NS.get(XMP_PREFIX) != XMP_NAMESPACE:  # a readable prefix rather than "ns0"
        model.NS[XMP_PREFIX] = XMP_NAMESPACE
        xmp_xml.register_namespaces()
    fields = [
        (model.ExpandedName(XMP_NAMESPACE, "ProtectiveMarking"), model.XmpValue(str(report["marking"]))),
        (model.ExpandedName(XMP_NAMESPACE, "Classification"), model.XmpValue(str(report.get("classification", "")))),
    ]
    if report.get("descriptor"):
        fields.append((model.ExpandedName(XMP_NAMESPACE, "Descriptor"), model.XmpValue(str(report["descriptor"]))))
    writer.document_meta.xmp_extra.append(model.XmpStructure.of(*fields))


def _int_box(box: Box) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    return (round(x1), round(y1), round(x2), round(y2))


def _key_usage(identity: SignerIdentity) -> set[str]:
    info = describe_certificate(identity.material.certificate_pem)
    return {"non_repudiation"} if info.non_repudiation else {"digital_signature"}


def sign_report(pdf: bytes, identity: SignerIdentity, placement: FieldPlacement, options: SignOptions) -> bytes:
    """Sign the report `pdf` and return the signed PDF bytes.

    Raises `SigningFailed` with a plain message when pyHanko rejects the key, certificate or
    timestamp server; the message never carries report content.
    """
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import NoOpStampStyle

    meta = signers.PdfSignatureMetadata(
        field_name=AUDITOR_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=options.reason,
        location=options.location or None,
        name=identity.name,
        certify=options.certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        signer_key_usage=_key_usage(identity),
    )
    timestamper = timestamps.HTTPTimeStamper(options.timestamp_url) if options.timestamp_url else None
    try:
        writer = _prepare(pdf, identity, placement, options)
        # The stamp is already on the page (drawn by the layout); the widget keeps its empty appearance.
        pdf_signer = signers.PdfSigner(
            meta, signer=_signer(identity), timestamper=timestamper, stamp_style=NoOpStampStyle()
        )
        out = pdf_signer.sign_pdf(writer, existing_fields_only=True, output=io.BytesIO())
    except (ValueError, OSError) as exc:
        raise SigningFailed(f"the report could not be signed ({type(exc).__name__})") from exc
    except Exception as exc:  # pyHanko raises its own SigningError / certvalidator errors
        if type(exc).__module__.startswith(("pyhanko", "pyhanko_certvalidator", "aiohttp")):
            raise SigningFailed(f"the report could not be signed: {exc}") from exc
        raise
    return bytes(out.getvalue())


def _lead_stamp_pdf(identity: SignerIdentity, signed_at: dt.datetime, reason: str, location: str, box: Box) -> bytes:
    """A one-page PDF the size of the senior lead's box holding the same stamp the layout draws
    for the first signer (the report's DejaVu faces, so every script in a name shows)."""
    from reportlab.pdfgen.canvas import Canvas

    from lscp_audit.reports import fonts
    from lscp_audit.reports.stamp import draw_stamp

    fonts.register_fonts()
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(width, height), pageCompression=1)
    draw_stamp(canvas, identity_stamp(identity, signed_at, reason, location), width, height)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _lead_stamp_style(stamp_pdf: bytes) -> Any:
    """A pyHanko stamp style whose appearance is the first page of `stamp_pdf` (in memory)."""
    import binascii
    import uuid

    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class _ImportedStamp(PdfContent):
        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(stamp_pdf)), page_ix=0)
            name = b"/Stamp" + binascii.hexlify(uuid.uuid4().bytes[:6])
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return bytes(name + b" Do")

    fill = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MIN,
        margins=layout.Margins.uniform(0),
        inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
    )
    return StaticStampStyle(background=_ImportedStamp(), background_opacity=1.0, border_width=0, background_layout=fill)


def _field_box(handler: Any, name: str) -> Box:
    for ref in handler.root["/AcroForm"]["/Fields"]:
        field_dict = ref.get_object()
        if str(field_dict.get("/T", "")) == name and "/Rect" in field_dict:
            x1, y1, x2, y2 = (float(v) for v in field_dict["/Rect"])
            return (x1, y1, x2, y2)
    raise SigningFailed("the report has no senior lead signature field (only Section 11 returns have one)")


def sign_as_senior_lead(
    pdf: bytes, identity: SignerIdentity, *, reason: str = LEAD_REASON, location: str = "", password: str | None = None
) -> bytes:
    """Sign a Section 11 return's senior lead field, as an incremental update after the signature
    of the person who completed it (an approval signature, not a certification; the certification's
    "form filling" permission allows it). Raises `SigningFailed` when the PDF has no empty senior
    lead field or pyHanko refuses the key or certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signed_at = dt.datetime.now(dt.UTC)
    meta = signers.PdfSignatureMetadata(
        field_name=LEAD_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        name=identity.name,
        signer_key_usage=_key_usage(identity),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if writer.prev.encrypted:
            if not password:
                raise SigningFailed("the report is password-protected: give its password to sign it off")
            writer.encrypt(password)
        empty = list(fields.enumerate_sig_fields(writer.prev, filled_status=False, with_name=LEAD_FIELD))
        signed = list(fields.enumerate_sig_fields(writer.prev, filled_status=True, with_name=LEAD_FIELD))
        if not empty and not signed:
            raise SigningFailed("the report has no senior lead signature field (only Section 11 returns have one)")
        if signed:
            raise SigningFailed("the senior lead has already signed this report")
        stamp = _lead_stamp_pdf(identity, signed_at, reason, location, _field_box(writer.prev, LEAD_FIELD))
        pdf_signer = signers.PdfSigner(meta, signer=_signer(identity), stamp_style=_lead_stamp_style(stamp))
        out = pdf_signer.sign_pdf(writer, existing_fields_only=True, output=io.BytesIO())
    except SigningFailed:
        raise
    except (ValueError, OSError) as exc:
        raise SigningFailed(f"the report could not be signed off ({type(exc).__name__})") from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("pyhanko", "pyhanko_certvalidator")):
            raise SigningFailed(f"the report could not be signed off: {exc}") from exc
        raise
    return bytes(out.getvalue())
