"""Every signer by fingerprint and role; moderator trust; signed on behalf; the data hash; the
reason when a file is not intact; password messages."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import identity_certs
from lscp_audit.reports.pipeline import build_signed
from lscp_audit.reports.signing import SignerIdentity
from lscp_audit.reports.verification import (
    NO_PASSWORD,
    NOT_A_MODERATOR,
    WRONG_PASSWORD,
    load_trust_certificates,
    verify_pdf,
)
from tests.reports import forgery


def _pem_der(pem: str) -> bytes:
    return bytes(load_trust_certificates([pem])[0].dump())


def test_single_signature_lists_the_auditor_by_fingerprint(signed_pdf: Path, signer: SignerIdentity) -> None:
    result = verify_pdf(signed_pdf)
    (only,) = result.signatures
    der = _pem_der(signer.material.certificate_pem)
    assert only.role == "auditor" and only.certificate_der == der
    assert only.fingerprint == hashlib.sha256(der).hexdigest()
    assert only.problem is None and not only.moderator
    assert result.auditor_name == signer.name and not result.signed_on_behalf
    assert result.intact_reason is None and result.data_problem is None


def test_data_sha256_is_the_hash_of_the_attachment_as_embedded(signed_pdf: Path) -> None:
    from lscp_audit.reports import embedded_data

    result = verify_pdf(signed_pdf)
    assert result.data is not None
    assert result.data_sha256 == hashlib.sha256(embedded_data.encode(result.data)).hexdigest()


def test_countersignature_must_come_from_a_moderator(
    tmp_path: Path, signed_pdf: Path, signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    counter = tmp_path / "counter.pdf"
    counter.write_bytes(forgery.countersign(signed_pdf.read_bytes(), moderator))
    auditor_trust = load_trust_certificates([signer.material.certificate_pem])
    moderator_trust = load_trust_certificates([moderator.material.certificate_pem])

    unchecked = verify_pdf(counter)
    assert unchecked.ok() and [s.role for s in unchecked.signatures] == ["auditor", "countersigner"]
    assert unchecked.signatures[1].signer == moderator.name

    no_moderators = verify_pdf(counter, trust=auditor_trust)
    assert not no_moderators.ok() and no_moderators.trust_problem == NOT_A_MODERATOR
    assert NOT_A_MODERATOR in no_moderators.reasons()
    assert no_moderators.signatures[1].problem == NOT_A_MODERATOR

    # trusted as an ordinary signer is not enough: the countersigner must be a moderator
    as_signer = verify_pdf(counter, trust=[*auditor_trust, *moderator_trust])
    assert not as_signer.ok() and as_signer.signatures[1].trusted and not as_signer.signatures[1].moderator

    checked = verify_pdf(counter, trust=auditor_trust, moderator_trust=moderator_trust)
    assert checked.ok() and checked.trusted and checked.signatures[1].moderator
    assert checked.signatures[1].fingerprint == hashlib.sha256(_pem_der(moderator.material.certificate_pem)).hexdigest()

    # a moderator certificate does not make the auditor's own signature trusted
    swapped = verify_pdf(counter, trust=moderator_trust, moderator_trust=auditor_trust)
    assert not swapped.ok() and not swapped.signatures[0].trusted


def test_signed_on_behalf_when_the_certificate_names_someone_else(tmp_path: Path, report_data: dict[str, Any]) -> None:
    material = identity_certs.create_self_signed("Business Support Officer", "Admin", "Testshire Council")
    signed = build_signed(report_data, SignerIdentity(material, "Business Support Officer", "Admin", "Testshire"))
    path = tmp_path / "behalf.pdf"
    path.write_bytes(signed.pdf)
    result = verify_pdf(path)
    assert result.ok() and result.signed_on_behalf
    assert result.signer == "Business Support Officer" and result.auditor_name == report_data["auditor"]["name"]


def test_intact_reason_for_changed_bytes(tmp_path: Path, signed_pdf: Path) -> None:
    data = bytearray(signed_pdf.read_bytes())
    data[200] ^= 0x01  # inside the first signed part (page content)
    path = tmp_path / "flipped.pdf"
    path.write_bytes(bytes(data))
    result = verify_pdf(path)
    assert not result.intact and result.intact_reason
    assert result.intact_reason in result.reasons()


def test_missing_and_wrong_password_have_different_messages(
    tmp_path: Path, report_data: dict[str, Any], signer: SignerIdentity
) -> None:
    path = tmp_path / "enc.pdf"
    path.write_bytes(build_signed(report_data, signer, password="open sesame 7").pdf)
    assert verify_pdf(path).problem == NO_PASSWORD
    assert verify_pdf(path, password="wrong one").problem == WRONG_PASSWORD
    result = verify_pdf(path, password="open sesame 7")
    assert result.ok() and result.data_sha256 and result.signatures[0].fingerprint


def test_reports_are_frozen_values(signed_pdf: Path) -> None:
    result = verify_pdf(signed_pdf)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.signatures[0].role = "countersigner"  # type: ignore[misc]
