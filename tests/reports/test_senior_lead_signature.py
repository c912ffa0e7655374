"""Section 11 dual signature: whoever completed the return signs (certifying), then the agency's
senior lead signs its own field as a second, incremental signature; the QA moderator may then
countersign. Real exports of the shipped Section 11 template, real signatures, pdfsig and qpdf as
independent checks, and forgeries built at test time around the second signature."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports import identity_certs
from lscp_audit.reports.pipeline import build_signed
from lscp_audit.reports.revision_changes import forbidden_changes
from lscp_audit.reports.signing import LEAD_FIELD, SignerIdentity, SigningFailed, sign_as_senior_lead
from lscp_audit.reports.verification import (
    AUDITOR,
    COUNTERSIGNER,
    SENIOR_LEAD,
    load_trust_certificates,
    verify_pdf_bytes,
)
from lscp_audit.services.report_service import report_inputs
from tests.reports import forgery, pdf_tools

S11 = paths.forms_dir() / "section-11-self-assessment.yaml"


@pytest.fixture(scope="module")
def lead() -> SignerIdentity:
    material = identity_certs.create_self_signed("Ngozi Adeyemi-Łukasz", "Chief Nurse", "Testshire NHS Trust")
    return SignerIdentity(material, "Ngozi Adeyemi-Łukasz", "Chief Nurse", "Testshire NHS Trust")


@pytest.fixture(scope="module")
def s11_pdf(signer: SignerIdentity) -> bytes:
    template = load_template_file(S11)
    audit = completed_audit(template)
    data = build_report_data(
        audit, template, generated_at=dt.datetime.now(dt.UTC), inputs=report_inputs(audit, template)
    )
    data["subject"]["lead_officer"] = "Chief Nurse"
    return build_signed(data, signer, compact=True).pdf


@pytest.fixture(scope="module")
def lead_signed(s11_pdf: bytes, lead: SignerIdentity) -> bytes:
    return sign_as_senior_lead(s11_pdf, lead)


def _trust(*identities: SignerIdentity) -> list[Any]:
    return load_trust_certificates([i.material.certificate_pem for i in identities])


def _write(tmp_path: Path, data: bytes, name: str = "s11.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_export_reserves_an_empty_senior_lead_field_and_says_so(s11_pdf: bytes, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(s11_pdf))
    empty = [name for name, _v, _f in enumerate_sig_fields(reader, filled_status=False)]
    assert empty == [LEAD_FIELD, "QAModeratorSignature"] or sorted(empty) == sorted(
        [LEAD_FIELD, "QAModeratorSignature"]
    )
    text = " ".join(pdf_tools.pdftotext(_write(tmp_path, s11_pdf)).split())
    assert "Senior lead (second signature): Chief Nurse" in text
    assert "and then by the organisation's senior lead as a second signature" in text
    result = verify_pdf_bytes(s11_pdf)
    assert result.ok() and [s.role for s in result.signatures] == [AUDITOR]


def test_both_signatures_shown_and_verified(
    lead_signed: bytes, signer: SignerIdentity, lead: SignerIdentity, tmp_path: Path
) -> None:
    result = verify_pdf_bytes(lead_signed, trust=_trust(signer, lead))
    assert result.ok(), result.reasons()
    completer, second = result.signatures
    assert (completer.role, second.role) == (AUDITOR, SENIOR_LEAD)
    assert completer.signer == signer.name and second.signer == lead.name and second.field_name == LEAD_FIELD
    assert completer.trusted and second.trusted and not second.certifying and second.whole_file
    path = _write(tmp_path, lead_signed)
    sig = pdf_tools.pdfsig(path)
    assert sig.count("Signature is Valid.") == 2 and "Total document signed" in sig
    assert lead.name in sig and signer.name in sig
    assert pdf_tools.qpdf_check(path).returncode == 0
    # The senior lead's stamp is the widget's appearance (the signed page cannot change).
    assert "Senior lead's sign-off" in " ".join(pdf_tools.pdftotext(path).split()) or b"/AP" in lead_signed


def test_then_the_qa_moderator_countersigns(
    lead_signed: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity, tmp_path: Path
) -> None:
    counter = forgery.countersign(lead_signed, moderator)
    result = verify_pdf_bytes(counter, trust=_trust(signer, lead), moderator_trust=_trust(moderator))
    assert result.ok(), result.reasons()
    assert [s.role for s in result.signatures] == [AUDITOR, SENIOR_LEAD, COUNTERSIGNER]
    assert result.signatures[2].moderator and not result.signatures[1].moderator
    path = _write(tmp_path, counter)
    assert pdf_tools.pdfsig(path).count("Signature is Valid.") == 3
    assert pdf_tools.qpdf_check(path).returncode == 0


def test_senior_lead_must_be_trusted_as_a_signer(
    lead_signed: bytes, signer: SignerIdentity, lead: SignerIdentity
) -> None:
    alone = verify_pdf_bytes(lead_signed, trust=_trust(signer))
    assert not alone.ok() and "the signer is not trusted" in alone.reasons()
    assert alone.signatures[0].trusted and not alone.signatures[1].trusted
    as_moderator = verify_pdf_bytes(lead_signed, trust=_trust(signer), moderator_trust=_trust(lead))
    assert not as_moderator.ok() and not as_moderator.signatures[1].trusted


def test_sign_off_is_refused_twice_and_on_other_reports(
    lead_signed: bytes, lead: SignerIdentity, signed_pdf: Path
) -> None:
    with pytest.raises(SigningFailed, match="already signed"):
        sign_as_senior_lead(lead_signed, lead)
    with pytest.raises(SigningFailed, match="no senior lead signature field"):
        sign_as_senior_lead(signed_pdf.read_bytes(), lead)


# -- forgeries around the second signature ------------------------------------------------------------


def _move_lead_rect(writer: Any) -> None:
    from pyhanko.pdf_utils import generic

    field = forgery._field(writer.root, LEAD_FIELD)
    field[generic.pdf_name("/Rect")] = forgery._rect((50, 380, 470, 440))
    writer.update_container(field)


def _fake_lead_appearance(writer: Any) -> None:
    """A stamp painted into the senior lead's box with no signature behind it."""
    from pyhanko.pdf_utils import generic

    field = forgery._field(writer.root, LEAD_FIELD)
    field[generic.pdf_name("/AP")] = forgery._appearance(writer, "Signed by the Chief Executive", (0, 0, 200, 80))
    writer.update_container(field)


def _signed_revisions(data: bytes) -> list[int]:
    return sorted(s.signed_revision for s in forgery._reader(data).embedded_signatures)


def _verdict(data: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity) -> Any:
    return verify_pdf_bytes(data, trust=_trust(signer, lead), moderator_trust=_trust(moderator))


@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        ("freetext_overlay", "changed after the auditor signed"),
        ("new_page", "changed after the auditor signed"),
        ("json_replaced", "report data differs"),
        ("new_signature_field", "changed after the auditor signed"),
    ],
)
def test_forgery_before_the_senior_lead_signs_fails(
    attack: str, expected: str, s11_pdf: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: Any
) -> None:
    forged = sign_as_senior_lead(forgery.ATTACKS[attack](s11_pdf), lead)
    result = _verdict(forged, signer, lead, moderator)
    assert not result.ok() and not result.intact
    assert any(expected in r or "certification forbids" in r for r in result.reasons()), result.reasons()


def test_forgery_lead_box_moved_before_signing_fails(
    s11_pdf: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity
) -> None:
    forged = sign_as_senior_lead(forgery.incremental(s11_pdf, _move_lead_rect), lead)
    result = _verdict(forged, signer, lead, moderator)
    assert not result.ok() and not result.intact
    # Our own check names it too, independently of pyHanko's difference analysis.
    revisions = _signed_revisions(forged)
    changes = forbidden_changes(forgery._reader(forged), revisions[0], {LEAD_FIELD})
    assert changes and "the senior lead's field was changed beyond its signature" in changes[0]


def test_forgery_appearance_without_signature_fails(
    s11_pdf: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity
) -> None:
    painted = forgery.incremental(s11_pdf, _fake_lead_appearance)
    alone = _verdict(painted, signer, lead, moderator)
    assert not alone.ok()  # content after the last signature
    covered = forgery.countersign(painted, moderator)  # then a trusted QA countersignature over it
    result = _verdict(covered, signer, lead, moderator)
    assert not result.ok(), "a painted senior lead stamp must not pass under a countersignature"
    reader = forgery._reader(covered)
    auditor = min(reader.embedded_signatures, key=lambda s: s.signed_revision)
    changes = forbidden_changes(reader, auditor.signed_revision, {"QAModeratorSignature"})
    assert changes and "object" in changes[0]
    changes = forbidden_changes(reader, auditor.signed_revision, {"QAModeratorSignature", LEAD_FIELD})
    assert changes and "the senior lead's field was given an appearance without a signature" in changes[0]


def test_forgery_lead_appearance_swapped_after_signing_fails(
    lead_signed: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity
) -> None:
    swapped = forgery.countersign(forgery.incremental(lead_signed, _fake_lead_appearance), moderator)
    result = _verdict(swapped, signer, lead, moderator)
    assert not result.ok() and not result.intact
    # Our own check: after the senior lead's revision only the QA field may change.
    revisions = _signed_revisions(swapped)
    reader = forgery._reader(swapped)
    assert forbidden_changes(reader, revisions[1], {"QAModeratorSignature"})[0].endswith("that was signed was changed")
    assert (
        forbidden_changes(
            forgery._reader(forgery.countersign(lead_signed, moderator)), revisions[1], {"QAModeratorSignature"}
        )
        == []
    )


def test_forgery_qa_before_lead_fails(
    s11_pdf: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity
) -> None:
    reversed_order = sign_as_senior_lead(forgery.countersign(s11_pdf, moderator), lead)
    result = _verdict(reversed_order, signer, lead, moderator)
    assert not result.ok()
    assert any("the senior lead signs first" in r for r in result.reasons()), result.reasons()


def test_forgery_lead_signature_in_another_field_fails(
    s11_pdf: bytes, signer: SignerIdentity, lead: SignerIdentity, moderator: SignerIdentity
) -> None:
    # A senior lead's signature placed in the QA moderator's field is a countersignature, and
    # the lead's certificate is no moderator's.
    misplaced = forgery.countersign(s11_pdf, lead)
    result = _verdict(misplaced, signer, lead, moderator)
    assert not result.ok() and "the countersignature is not from a moderator" in result.reasons()
