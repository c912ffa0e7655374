"""Sealed reports: PDF public-key encryption (``/Adobe.PubSec``, ``adbe.pkcs7.s5``, AES-256) for a
set of recipient certificates, done by pyHanko's `PubKeySecurityHandler`, and opening sealed PDFs
with a private key held in the vault.

A sealed report can be opened by whoever holds the private key of one of its recipients and by
no one else; no password travels anywhere. The file key is wrapped for each recipient in a CMS
EnvelopedData (RSA key transport or ECDH key agreement, as pyHanko does it). Recipients are named
inside the file only by the issuer and serial number of their certificate (nothing else about
them, or about the report, is readable without a key); `recipients_of` lists those, and
`describe_recipients` turns them into names and fingerprints using the certificates the vault
knows.

Key usage: pyHanko asks for ``keyEncipherment``; our identities' P-256 keys carry
``keyAgreement`` (ECDH is key agreement), and older identities only their signing bits, so we
check key usage here (`check_recipient`) and tell pyHanko not to: a certificate is refused only
when it says it may *only* sign certificates or CRLs.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lscp_audit.core.errors import LscpAuditError

SEALED_FOR = "this report is sealed for"


class SealingFailed(LscpAuditError):
    """A report could not be sealed (a recipient certificate that cannot receive it)."""


@dataclass(frozen=True)
class DecryptionKey:
    """A private key (PKCS#8 PEM) and its certificate (PEM) from the vault, to open sealed PDFs."""

    certificate_pem: str
    private_key_pem: str = field(repr=False)
    label: str = ""


@dataclass(frozen=True)
class RecipientId:
    """A recipient as a sealed PDF names it: its certificate's issuer and serial number."""

    issuer: str
    serial: int
    issuer_der: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class RecipientDescription:
    """A recipient for people: the certificate's name and SHA-256 fingerprint when the vault
    knows it, else who issued it and its serial number."""

    name: str
    fingerprint: str = ""

    def __str__(self) -> str:
        return f"{self.name} (SHA-256 {self.fingerprint})" if self.fingerprint else self.name


def _asn1_cert(pem: str) -> Any:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509

    _type, _headers, der = asn1_pem.unarmor(pem.encode("ascii"))
    return x509.Certificate.load(der)


def check_recipient(pem: str) -> Any:
    """The asn1crypto certificate for `pem`, or `SealingFailed` when it cannot be a recipient."""
    try:
        cert = _asn1_cert(pem)
        algorithm = cert.public_key["algorithm"]["algorithm"].native
        usage = cert.key_usage_value
    except Exception as exc:  # malformed PEM/DER
        raise SealingFailed("a recipient certificate could not be read") from exc
    name = cert.subject.human_friendly
    if algorithm not in ("rsa", "ec"):
        raise SealingFailed(
            f"the certificate of {name} has a {algorithm} key; reports can be sealed for RSA and EC keys"
        )
    if usage is not None:
        bits = set(usage.native)
        if bits and bits <= {"key_cert_sign", "crl_sign"}:
            raise SealingFailed(f"the certificate of {name} is a certification authority's, not a person's")
    return cert


def seal_writer(writer: Any, recipient_pems: Sequence[str]) -> None:
    """Mark a new pyHanko `PdfFileWriter` to be written sealed for `recipient_pems` (AES-256)."""
    from pyhanko.pdf_utils.crypt.pubkey import RecipientEncryptionPolicy

    if not recipient_pems:
        raise SealingFailed("a sealed report needs at least one recipient")
    certs = [check_recipient(p) for p in recipient_pems]
    try:
        # pdf_mac off: Acrobat does not read ISO 32004 MACs yet, and the signature covers the
        # whole file anyway.
        writer.encrypt_pubkey(certs, policy=RecipientEncryptionPolicy(ignore_key_usage=True), pdf_mac=False)
    except (ValueError, NotImplementedError) as exc:
        raise SealingFailed(f"the report could not be sealed: {exc}") from exc


def check_signer_is_recipient(signer_pem: str, recipient_pems: Sequence[str]) -> None:
    """The signer's own certificate must be among the recipients (they can reopen what they sent)."""
    own = _asn1_cert(signer_pem).dump()
    if all(_asn1_cert(p).dump() != own for p in recipient_pems):
        raise SealingFailed("the signer's own certificate must be one of the recipients of a sealed report")


def credential(key: DecryptionKey) -> Any:
    """A pyHanko envelope key decrypter for `key`."""
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.pdf_utils.crypt.pubkey import SimpleEnvelopeKeyDecrypter

    private = load_private_key_from_pemder_data(key.private_key_pem.encode("ascii"), passphrase=None)
    return SimpleEnvelopeKeyDecrypter(cert=_asn1_cert(key.certificate_pem), private_key=private)


def is_sealed(reader: Any) -> bool:
    """True when a pyHanko reader's file uses public-key (certificate) encryption."""
    from pyhanko.pdf_utils.crypt.pubkey import PubKeySecurityHandler

    try:
        return bool(reader.encrypted) and isinstance(reader.security_handler, PubKeySecurityHandler)
    except Exception:
        return False


def open_sealed(reader: Any, keys: Sequence[DecryptionKey]) -> DecryptionKey | None:
    """Decrypt a sealed file's reader with the first of `keys` that is a recipient; None if none is."""
    from pyhanko.pdf_utils.crypt import AuthStatus

    wanted = {(r.issuer_der, r.serial) for r in recipients_of(reader)}
    for key in keys:
        try:
            cert = _asn1_cert(key.certificate_pem)
            if wanted and (cert.issuer.dump(), cert.serial_number) not in wanted:
                continue
            if reader.decrypt_pubkey(credential(key)).status != AuthStatus.FAILED:
                return key
        except Exception:  # a key that is not a recipient, or a damaged envelope
            continue
    return None


def recipients_of(reader: Any) -> list[RecipientId]:
    """The recipients named in a sealed file's envelopes (issuer and serial of each certificate)."""
    found: list[RecipientId] = []
    try:
        handler = reader.security_handler
        filters = [handler.get_stream_filter(), handler.get_string_filter(), handler.get_embedded_file_filter()]
    except Exception:
        return found
    seen: set[tuple[bytes, int]] = set()
    for crypt_filter in filters:
        for envelope in getattr(crypt_filter, "recipients", None) or []:
            try:
                infos = envelope["content"]["recipient_infos"]
            except Exception:
                continue
            for info in infos:
                for rid in _rids(info):
                    key = (rid.issuer_der, rid.serial)
                    if key not in seen:
                        seen.add(key)
                        found.append(rid)
    return found


def _rids(info: Any) -> list[RecipientId]:
    try:
        chosen = info.chosen
        if info.name == "ktri":
            ids = [chosen["rid"]]
        elif info.name == "kari":
            ids = [k["rid"] for k in chosen["recipient_encrypted_keys"]]
        else:
            return []
        result = []
        for rid in ids:
            if rid.name not in ("issuer_and_serial_number",):
                continue
            value = rid.chosen
            result.append(
                RecipientId(value["issuer"].human_friendly, int(value["serial_number"].native), value["issuer"].dump())
            )
        return result
    except Exception:
        return []


def describe_recipients(recipients: Sequence[RecipientId], known_pems: Sequence[str]) -> list[RecipientDescription]:
    """Names and fingerprints for `recipients`, from the certificates in `known_pems`."""
    known: dict[tuple[bytes, int], Any] = {}
    for pem in known_pems:
        try:
            cert = _asn1_cert(pem)
        except Exception:
            continue
        known[(cert.issuer.dump(), cert.serial_number)] = cert
    described = []
    for rid in recipients:
        cert = known.get((rid.issuer_der, rid.serial))
        if cert is None:
            described.append(RecipientDescription(f"a certificate issued by {rid.issuer}, serial {rid.serial:x}"))
            continue
        name = cert.subject.native.get("common_name", "") or cert.subject.human_friendly
        described.append(RecipientDescription(str(name), hashlib.sha256(cert.dump()).hexdigest()))
    return described


def sealed_message(recipients: Sequence[RecipientId], known_pems: Sequence[str]) -> str:
    """``this report is sealed for: A (SHA-256 …), B (…)`` and that no key in the vault opens it."""
    described = describe_recipients(recipients, known_pems)
    names = "; ".join(str(d) for d in described) or "recipients it does not name"
    return f"{SEALED_FOR}: {names}. No private key in this vault belongs to one of them."


def open_copy(pdf: bytes, keys: Sequence[DecryptionKey]) -> bytes | None:
    """An unencrypted in-memory copy of sealed `pdf` opened with one of `keys`, or None."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if not is_sealed(reader) or open_sealed(reader, keys) is None:
        return None
    return decrypted_copy(reader)


def decrypted_copy(reader: Any) -> bytes:
    """An unencrypted in-memory copy of an opened (decrypted) reader's document, for reading its
    page text with tools that do not support certificate encryption. Never written to disk."""
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    out = io.BytesIO()
    copy_into_new_writer(reader).write(out)
    return out.getvalue()
