"""Signing keys and certificates: profile (key usage, curve), partnership root, PKCS#12."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12

from lscp_audit.core.errors import ValidationError
from lscp_audit.reports import identity_certs as certs


def _cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def test_self_signed_profile() -> None:
    material = certs.create_self_signed("Nguyễn Thị Thảo", "Designated nurse", "Health (ICB)", "t@example.org")
    cert = _cert(material.certificate_pem)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]
    info = certs.describe_certificate(material.certificate_pem)
    assert info.common_name == "Nguyễn Thị Thảo" and info.self_signed and info.non_repudiation
    assert "PRIVATE KEY" in material.private_key_pem and "ENCRYPTED" not in material.private_key_pem


def test_required_fields() -> None:
    with pytest.raises(ValidationError):
        certs.create_self_signed("", "Role", "Agency")


def test_partnership_root_issues_auditor_certificates() -> None:
    root = certs.create_partnership_ca("Testshire LSCP")
    auditor = certs.issue_auditor_certificate(root, "Ayşe Yılmaz", "Social worker", "Council")
    leaf, ca = _cert(auditor.certificate_pem), _cert(root.certificate_pem)
    assert leaf.issuer == ca.subject and auditor.chain_pem == (root.certificate_pem,)
    leaf.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_pkcs12_round_trip_and_wrong_password() -> None:
    root = certs.create_partnership_ca("Testshire LSCP")
    issued = certs.issue_auditor_certificate(root, "Дмитрий Соколов", "Police sergeant", "Police")
    blob = certs.export_pkcs12(issued, b"s3cret-pass")
    back = certs.import_pkcs12(blob, b"s3cret-pass")
    assert back.certificate_pem == issued.certificate_pem and back.chain_pem == (root.certificate_pem,)
    with pytest.raises(ValidationError):
        certs.import_pkcs12(blob, b"wrong")


def test_pkcs12_with_unsupported_key_is_refused() -> None:
    import datetime as dt

    from cryptography.hazmat.primitives import serialization

    key = ed25519.Ed25519PrivateKey.generate()  # pdfsig cannot verify Ed25519 (products.md §8.8)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Ed")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1)).sign(key, None)
    )  # fmt: skip
    blob = pkcs12.serialize_key_and_certificates(b"ed", key, cert, None, serialization.BestAvailableEncryption(b"pw"))
    with pytest.raises(ValidationError):
        certs.import_pkcs12(blob, b"pw")


def test_split_pem_bundle() -> None:
    a = certs.create_self_signed("A", "R", "G").certificate_pem
    b = certs.create_self_signed("B", "R", "G").certificate_pem
    assert certs.split_pem_bundle(a + b) == [a, b]
