"""Signing keys and X.509 certificates for auditors, built with `cryptography`.

An auditor's identity is an ECDSA P-256 key with a certificate carrying digitalSignature and
nonRepudiation key usage (pyHanko and poppler both verify P-256; Ed25519 fails in pdfsig). The
certificate is either self-signed, issued by a small partnership root CA (so the QA subgroup
trusts one certificate per partnership), or imported from an organisation's PKCS#12 file.
Everything is exchanged as PEM text so the vault can store it as plain columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from lscp_audit.core.errors import ValidationError

AUDITOR_VALIDITY_DAYS = 3 * 365
CA_VALIDITY_DAYS = 10 * 365


@dataclass(frozen=True)
class SigningMaterial:
    """A private key and its certificate (PEM), plus any issuing certificates (PEM)."""

    private_key_pem: str
    certificate_pem: str
    chain_pem: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateInfo:
    """What the app shows about a certificate."""

    common_name: str
    organisation: str
    title: str
    email: str
    issuer: str
    self_signed: bool
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint_sha256: str
    non_repudiation: bool


def _name(common_name: str, *, organisation: str = "", title: str = "", email: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name), x509.NameAttribute(NameOID.COUNTRY_NAME, "GB")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _check_identity(name: str, role: str, agency: str) -> None:
    problems = [
        f"{label} is required"
        for label, value in (("name", name), ("role", role), ("agency", agency))
        if not value.strip()
    ]
    if problems:
        raise ValidationError(problems)


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, days: int
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _signing_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # nonRepudiation: pyHanko requires it by default
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf(builder: x509.CertificateBuilder, email: str) -> x509.CertificateBuilder:
    builder = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder


def create_self_signed(name: str, role: str, agency: str, email: str = "") -> SigningMaterial:
    """A new P-256 key and a self-signed signing certificate naming the auditor."""
    _check_identity(name, role, agency)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name.strip(), organisation=agency.strip(), title=role.strip(), email=email.strip())
    builder = _leaf(_builder(subject, subject, key.public_key(), AUDITOR_VALIDITY_DAYS), email.strip())
    cert = builder.sign(key, hashes.SHA256())
    return SigningMaterial(_key_pem(key), _cert_pem(cert))


def create_partnership_ca(partnership: str) -> SigningMaterial:
    """A small root CA for a partnership's QA subgroup: it issues auditor certificates."""
    if not partnership.strip():
        raise ValidationError(["partnership name is required"])
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(f"{partnership.strip()} audit signing root", organisation=partnership.strip())
    ca_usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    cert = (
        _builder(subject, subject, key.public_key(), CA_VALIDITY_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(ca_usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    return SigningMaterial(_key_pem(key), _cert_pem(cert))


def issue_auditor_certificate(
    ca: SigningMaterial, name: str, role: str, agency: str, email: str = ""
) -> SigningMaterial:
    """A new auditor key and certificate issued by the partnership root `ca`."""
    _check_identity(name, role, agency)
    ca_key = serialization.load_pem_private_key(ca.private_key_pem.encode("ascii"), password=None)
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode("ascii"))
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValidationError(["the partnership root key must be ECDSA or RSA"])
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name.strip(), organisation=agency.strip(), title=role.strip(), email=email.strip())
    builder = _leaf(_builder(subject, ca_cert.subject, key.public_key(), AUDITOR_VALIDITY_DAYS), email.strip())
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
        critical=False,
    )
    cert = builder.sign(ca_key, hashes.SHA256())
    return SigningMaterial(_key_pem(key), _cert_pem(cert), (ca.certificate_pem,))


def import_pkcs12(data: bytes, password: bytes | None) -> SigningMaterial:
    """Read an organisation-issued PKCS#12 (.p12/.pfx) file into PEM key, certificate and chain."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as exc:
        raise ValidationError(["the PKCS#12 file could not be opened: wrong password or not a PKCS#12 file"]) from exc
    if key is None or cert is None:
        raise ValidationError(["the PKCS#12 file must contain a private key and its certificate"])
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValidationError(["only ECDSA and RSA keys can sign reports"])
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
        raise ValidationError(["RSA keys shorter than 2048 bits are not accepted"])
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningMaterial(pem_key.decode("ascii"), _cert_pem(cert), tuple(_cert_pem(c) for c in extra or ()))


def export_pkcs12(material: SigningMaterial, password: bytes, friendly_name: str = "lscp-audit") -> bytes:
    """A PKCS#12 file holding the key, certificate and chain, encrypted with `password`."""
    key = serialization.load_pem_private_key(material.private_key_pem.encode("ascii"), password=None)
    cert = x509.load_pem_x509_certificate(material.certificate_pem.encode("ascii"))
    chain = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in material.chain_pem]
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,  # type: ignore[arg-type]
        cert,
        chain or None,
        serialization.BestAvailableEncryption(password),
    )


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe_certificate(certificate_pem: str) -> CertificateInfo:
    """The subject fields, validity and SHA-256 fingerprint of a PEM certificate."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        non_repudiation = bool(usage.content_commitment)
    except x509.ExtensionNotFound:
        non_repudiation = False
    return CertificateInfo(
        common_name=_attr(cert.subject, NameOID.COMMON_NAME),
        organisation=_attr(cert.subject, NameOID.ORGANIZATION_NAME),
        title=_attr(cert.subject, NameOID.TITLE),
        email=_attr(cert.subject, NameOID.EMAIL_ADDRESS),
        issuer=_attr(cert.issuer, NameOID.COMMON_NAME),
        self_signed=cert.issuer == cert.subject,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        non_repudiation=non_repudiation,
    )


def split_pem_bundle(text: str) -> list[str]:
    """Split a PEM file that may hold several certificates into one PEM string per certificate."""
    marker = "-----END CERTIFICATE-----"
    parts = [p.strip() + "\n" + marker + "\n" for p in text.split(marker) if "BEGIN CERTIFICATE" in p]
    return [p[p.index("-----BEGIN CERTIFICATE-----") :] for p in parts]
