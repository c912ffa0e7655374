"""Signed reports checked independently (poppler pdfsig, qpdf) and by our verifier: validity,
whole-file coverage, tamper detection, trust, encryption, countersignature, embedded data."""

from __future__ import annotations

import datetime as dt
import io
import socket
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import embedded_data, identity_certs
from lscp_audit.reports.pipeline import build_signed
from lscp_audit.reports.signing import QA_FIELD, SignerIdentity
from lscp_audit.reports.verification import load_trust_certificates, verify_pdf
from tests.reports import pdf_tools
from tests.reports.sample_audit import CANARY


def _signed_range(data: bytes) -> tuple[int, int]:
    """The first signed byte range's [start, end) from /ByteRange."""
    start = data.index(b"/ByteRange")
    numbers = data[start : start + 80].split(b"[", 1)[1].split(b"]", 1)[0].split()
    return int(numbers[0]), int(numbers[1])


def test_pdfsig_reports_valid_and_total_document_signed(signed_pdf: Path) -> None:
    text = pdf_tools.pdfsig(signed_pdf)
    assert "Signature is Valid." in text
    assert "Total document signed" in text
    assert "ETSI.CAdES.detached" in text
    assert "Signature Field Name: AuditorSignature" in text
    assert f"Signature Field Name: {QA_FIELD}" in text  # empty countersignature field is ready


def test_qpdf_check_passes_on_signed_pdf(signed_pdf: Path) -> None:
    assert pdf_tools.qpdf_check(signed_pdf).returncode == 0


def test_verifier_accepts_signed_pdf_and_reads_embedded_data(signed_pdf: Path, report_data: dict[str, Any]) -> None:
    result = verify_pdf(signed_pdf)
    assert result.ok() and result.signed and result.intact and result.whole_file
    assert not result.trust_checked and not result.trusted
    assert result.signer.startswith("Zofia")
    assert result.signing_time is not None
    assert result.data == report_data  # the JSON attachment round-trips exactly
    assert result.signatures[0].certifying


def test_embedded_json_is_listed_by_pdfdetach(signed_pdf: Path) -> None:
    listing = pdf_tools.run("pdfdetach", "-list", str(signed_pdf)).stdout
    assert embedded_data.ATTACHMENT_NAME in listing


def test_trusted_only_with_the_right_certificate(signed_pdf: Path, signer: SignerIdentity) -> None:
    own = load_trust_certificates([signer.material.certificate_pem])
    assert verify_pdf(signed_pdf, trust=own).trusted
    other = identity_certs.create_self_signed("Somebody Else", "QA lead", "Elsewhere LSCP")
    result = verify_pdf(signed_pdf, trust=load_trust_certificates([other.certificate_pem]))
    assert result.intact and result.whole_file
    assert result.trust_checked and not result.trusted and not result.ok()


def test_byte_flipped_inside_signed_range_is_detected(tmp_path: Path, signed_pdf: Path) -> None:
    data = bytearray(signed_pdf.read_bytes())
    start, length = _signed_range(bytes(data))
    target = data.index(b"stream", start + length // 3) + 40  # inside a content stream, well within the range
    data[target] ^= 0x01
    tampered = tmp_path / "flipped.pdf"
    tampered.write_bytes(bytes(data))
    result = verify_pdf(tampered)
    assert not result.ok() and not result.intact
    text = pdf_tools.pdfsig(tampered)
    assert "Signature is Valid." not in text  # pdfsig exits 0 here, so only the text counts


def _append_page_content(data: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 400 Td (ALTERED AFTER SIGNING) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_incremental_update_after_signing_is_detected(tmp_path: Path, signed_pdf: Path) -> None:
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(_append_page_content(signed_pdf.read_bytes()))
    result = verify_pdf(altered)
    assert result.signed and not result.whole_file and not result.ok()
    assert "Not total document signed" in pdf_tools.pdfsig(altered)


def _add_annotation(data: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
            generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (50, 50, 80, 80)]),
            generic.pdf_name("/Contents"): generic.pdf_string("Answer was really 'good'"),
        }
    )
    annots = page.get("/Annots", generic.ArrayObject())
    annots = annots.get_object() if hasattr(annots, "get_object") else annots
    annots.append(writer.add_object(annot))
    page["/Annots"] = annots
    writer.update_container(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_annotation_added_after_signing_is_detected(tmp_path: Path, signed_pdf: Path) -> None:
    annotated = tmp_path / "annotated.pdf"
    annotated.write_bytes(_add_annotation(signed_pdf.read_bytes()))
    result = verify_pdf(annotated)
    assert result.signed and not result.ok()
    assert "Not total document signed" in pdf_tools.pdfsig(annotated)


def test_qa_countersignature_keeps_both_valid(tmp_path: Path, signed_pdf: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from lscp_audit.reports.signing import _signer

    qa_material = identity_certs.create_self_signed("Moderator Nowak", "QA chair", "Testshire LSCP")
    qa = SignerIdentity(qa_material, "Moderator Nowak", "QA chair", "Testshire LSCP")
    meta = signers.PdfSignatureMetadata(
        field_name=QA_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    out = signers.PdfSigner(meta, signer=_signer(qa)).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed_pdf.read_bytes())), existing_fields_only=True, output=io.BytesIO()
    )
    counter = tmp_path / "countersigned.pdf"
    counter.write_bytes(out.getvalue())
    result = verify_pdf(counter)
    assert len(result.signatures) == 2 and result.ok()
    assert pdf_tools.pdfsig(counter).count("Signature is Valid.") == 2


def test_partnership_root_makes_auditor_trusted(tmp_path: Path, report_data: dict[str, Any]) -> None:
    root = identity_certs.create_partnership_ca("Testshire LSCP")
    issued = identity_certs.issue_auditor_certificate(root, "Ayşe Yılmaz", "Social worker", "Testshire Council")
    signed = build_signed(report_data, SignerIdentity(issued, "Ayşe Yılmaz", "Social worker", "Testshire Council"))
    path = tmp_path / "ca.pdf"
    path.write_bytes(signed.pdf)
    result = verify_pdf(path, trust=load_trust_certificates([root.certificate_pem]))
    assert result.ok() and result.trusted


def test_encrypted_export_needs_the_password(
    tmp_path: Path, report_data: dict[str, Any], signer: SignerIdentity
) -> None:
    signed = build_signed(report_data, signer, password="correct horse 42")
    path = tmp_path / "enc.pdf"
    path.write_bytes(signed.pdf)
    shown = pdf_tools.run("qpdf", "--password=correct horse 42", "--show-encryption", str(path)).stdout
    assert "R = 6" in shown
    assert pdf_tools.run("pdftotext", str(path), "-").returncode != 0
    assert CANARY not in pdf_tools.pdfinfo(path)
    assert verify_pdf(path).problem is not None
    result = verify_pdf(path, password="correct horse 42")
    assert result.ok() and result.encrypted and result.data is not None
    text = pdf_tools.pdfsig(path, "-upw", "correct horse 42")
    assert "Signature is Valid." in text and "Total document signed" in text


def test_signing_and_verifying_need_no_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, report_data: dict[str, Any], signer: SignerIdentity
) -> None:
    def refuse(*_args: Any, **_kw: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    signed = build_signed(report_data, signer, signed_at=dt.datetime.now(dt.UTC))
    path = tmp_path / "offline.pdf"
    path.write_bytes(signed.pdf)
    assert verify_pdf(path, trust=load_trust_certificates([signer.material.certificate_pem])).ok()


def test_unsigned_and_unreadable_files_fail_cleanly(tmp_path: Path, report_data: dict[str, Any]) -> None:
    from lscp_audit.reports.pipeline import build_unsigned

    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(build_unsigned(report_data).pdf)
    assert verify_pdf(unsigned).problem == "the PDF has no signature"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert not verify_pdf(junk).ok()
    assert not verify_pdf(tmp_path / "missing.pdf").ok()


def _dummy_tsa() -> Any:
    """An in-process RFC 3161 time-stamping authority (pyHanko's test client), no network."""
    import datetime as dt_

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the dummy TSA is RSA-only
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt_.datetime.now(dt_.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt_.timedelta(hours=1))
        .not_valid_after(now + dt_.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
    )


def test_timestamp_url_adds_an_rfc3161_timestamp(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, report_data: dict[str, Any], signer: SignerIdentity
) -> None:
    from pyhanko.sign import timestamps

    tsa = _dummy_tsa()
    urls: list[str] = []

    def fake_http_timestamper(url: str, *_args: Any, **_kw: Any) -> Any:
        urls.append(url)
        return tsa

    monkeypatch.setattr(timestamps, "HTTPTimeStamper", fake_http_timestamper)
    signed = build_signed(report_data, signer, timestamp_url="https://tsa.example.org/tsr")
    path = tmp_path / "ts.pdf"
    path.write_bytes(signed.pdf)
    result = verify_pdf(path)
    assert urls == ["https://tsa.example.org/tsr"]
    assert result.ok() and result.signatures[0].timestamped


def test_no_timestamp_by_default(signed_pdf: Path) -> None:
    assert not verify_pdf(signed_pdf).signatures[0].timestamped


def _fields(pdf: bytes) -> dict[str, Any]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    return {str(f.get_object()["/T"]): f.get_object() for f in reader.root["/AcroForm"]["/Fields"]}


def test_stamp_says_who_signed_on_whose_behalf_where_and_sits_under_the_widget(
    tmp_path: Path, report_data: dict[str, Any]
) -> None:
    """Someone other than the cover's auditor signs: the stamp (page text, in the report's own
    fonts) says "Signed by", "on behalf of" the auditor and the export location, and the
    signature widget (named for screen readers) lies over it."""
    material = identity_certs.create_self_signed("Ayşe Yılmaz", "Business manager", "Testshire LSCP")
    other = SignerIdentity(material, "Ayşe Yılmaz", "Business manager", "Testshire LSCP")
    signed = build_signed(report_data, other, location="Testshire, UK")
    path = tmp_path / "behalf.pdf"
    path.write_bytes(signed.pdf)
    last = " ".join(pdf_tools.pdftotext(path).split("\f")[signed.page_count - 1].split())
    auditor = report_data["auditor"]["name"]
    for expected in (
        "Signed by Ayşe Yılmaz",
        f"on behalf of {auditor}",
        "Location: Testshire, UK",
        "Signed on behalf of the auditor",
        f"signed digitally by Ayşe Yılmaz, on behalf of {auditor} (the auditor named on the cover)",
    ):
        assert expected in last
    fields = _fields(signed.pdf)
    assert str(fields["AuditorSignature"]["/TU"]) == f"Digital signature of Ayşe Yılmaz on behalf of {auditor}"
    assert str(fields[QA_FIELD]["/TU"]) == "QA moderator's countersignature"
    page = fields["AuditorSignature"]["/P"].get_object()
    assert page["/Tabs"] == "/S"
    x1, y1, x2, y2 = (float(v) for v in fields["AuditorSignature"]["/Rect"])
    bbox = pdf_tools.run(
        "pdftotext", "-bbox", "-f", str(signed.page_count), "-l", str(signed.page_count), str(path), "-"
    ).stdout
    page_height = float(page["/MediaBox"][3])
    inside = []
    for line in bbox.splitlines():
        if ">Ayşe<" in line:
            attrs = dict(part.split('="') for part in line.strip().removeprefix("<word ").split('">')[0].split('" '))
            x, y = float(attrs["xMin"]), page_height - float(attrs["yMax"])
            inside.append(x1 <= x <= x2 and y1 <= y <= y2)
    assert any(inside), "the stamp's signer name should lie inside the signature widget"


def test_stamp_has_no_on_behalf_line_when_the_auditor_signs(signed_pdf: Path) -> None:
    text = " ".join(pdf_tools.pdftotext(signed_pdf).split())
    assert "Signed by Zofia" in text and "on behalf of" not in text


@pytest.mark.parametrize("password", [None, "correct horse 42"], ids=["plain", "encrypted"])
def test_marking_is_in_the_xmp_metadata(
    tmp_path: Path, template: Any, audit: Any, signer: SignerIdentity, password: str | None
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from lscp_audit.core.report_data import build_report_data
    from tests.reports.sample_audit import GENERATED_AT

    data = build_report_data(audit, template, generated_at=GENERATED_AT, marking="OFFICIAL-SENSITIVE PERSONAL")
    pdf = build_signed(data, signer, password=password).pdf
    reader = PdfFileReader(io.BytesIO(pdf))
    if password:
        reader.decrypt(password)
    xmp = reader.root["/Metadata"].get_object().data.decode("utf-8")
    assert 'lscp:ProtectiveMarking="OFFICIAL-SENSITIVE PERSONAL"' in xmp
    assert 'lscp:Classification="OFFICIAL-SENSITIVE"' in xmp and 'lscp:Descriptor="PERSONAL"' in xmp
    path = tmp_path / "marked.pdf"
    path.write_bytes(pdf)
    extra = ("-upw", password) if password else ()
    assert "Signature is Valid." in pdf_tools.pdfsig(path, *extra)
