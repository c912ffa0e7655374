"""IdentityService: signing identities and trusted certificates, over one unlocked vault.

An auditor creates an identity (a new ECDSA P-256 key and a self-signed certificate, or one
issued by the partnership root when a CA is given) or imports an organisation's PKCS#12 file.
The private key is stored only in the encrypted vault (``identities`` table); the certificate
(with any issuing certificates after it, PEM) can be exported for the QA subgroup to trust.

The partnership root helpers (`create_partnership_root`, `issue_auditor_pkcs12`) need no vault:
the QA subgroup runs them once and hands each auditor a PKCS#12 file to import.
Logs carry identity ids only, never names or keys.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.identity import RECIPIENT_PURPOSE, SIGNER_PURPOSE, SigningIdentity, TrustedCertificate
from lscp_audit.reports import identity_certs as certs
from lscp_audit.reports.sealing import DecryptionKey
from lscp_audit.reports.signing import SignerIdentity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityInfo:
    """What the app shows about an identity (no private key)."""

    id: str
    name: str
    role: str
    agency: str
    email: str
    is_default: bool
    fingerprint_sha256: str
    issuer: str
    self_signed: bool
    not_after: str  # ISO date


def _utc_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _info(identity: SigningIdentity) -> IdentityInfo:
    leaf = certs.split_pem_bundle(identity.certificate_pem)[0]
    details = certs.describe_certificate(leaf)
    return IdentityInfo(
        id=identity.id,
        name=identity.name,
        role=identity.role,
        agency=identity.agency,
        email=identity.email,
        is_default=identity.is_default,
        fingerprint_sha256=details.fingerprint_sha256,
        issuer=details.issuer,
        self_signed=details.self_signed,
        not_after=details.not_after.date().isoformat(),
    )


def _bundle(material: certs.SigningMaterial) -> str:
    return "".join([material.certificate_pem, *material.chain_pem])


class IdentityService:
    """Signing identities in the vault (``vault.identities``, ``vault.trusted_certs``)."""

    def __init__(self, vault: Any, *, clock: Callable[[], str] = _utc_now) -> None:
        self._vault = vault
        self._clock = clock

    def create(
        self,
        name: str,
        role: str,
        agency: str,
        email: str = "",
        *,
        issuer: certs.SigningMaterial | None = None,
        make_default: bool = True,
    ) -> IdentityInfo:
        """Generate a key and certificate (self-signed, or issued by the partnership root)."""
        if issuer is None:
            material = certs.create_self_signed(name, role, agency, email)
        else:
            material = certs.issue_auditor_certificate(issuer, name, role, agency, email)
        return self._store(material, name.strip(), role.strip(), agency.strip(), email.strip(), make_default)

    def import_pkcs12(self, data: bytes, password: bytes | None, *, make_default: bool = True) -> IdentityInfo:
        """Import an organisation-issued PKCS#12 file; name, role and agency come from it."""
        material = certs.import_pkcs12(data, password)
        details = certs.describe_certificate(material.certificate_pem)
        return self._store(
            material, details.common_name, details.title, details.organisation, details.email, make_default
        )

    def _store(
        self, material: certs.SigningMaterial, name: str, role: str, agency: str, email: str, make_default: bool
    ) -> IdentityInfo:
        first = not self._vault.identities.list()
        identity = SigningIdentity(
            id=uuid.uuid4().hex,
            name=name,
            role=role,
            agency=agency,
            email=email,
            certificate_pem=_bundle(material),
            private_key_pem=material.private_key_pem,
            created_at=self._clock(),
            is_default=make_default or first,
        )
        stored = self._vault.identities.add(identity)
        log.info("signing identity %s stored", stored.id)
        return _info(stored)

    def list_identities(self) -> list[IdentityInfo]:
        return [_info(i) for i in self._vault.identities.list()]

    def default(self) -> IdentityInfo | None:
        found = self._vault.identities.default()
        return _info(found) if found else None

    def set_default(self, identity_id: str) -> None:
        self._vault.identities.set_default(identity_id)

    def _get(self, identity_id: str | None) -> SigningIdentity:
        if identity_id:
            found: SigningIdentity = self._vault.identities.get(identity_id)
            return found
        default = self._vault.identities.default()
        if default is None:
            raise NotFound(
                "No signing identity is set up. Create one first (lscp-audit identity create) or import a PKCS#12 file."
            )
        return default

    def export_certificate_pem(self, identity_id: str | None = None) -> str:
        """The identity's certificate followed by any issuing certificates (PEM, no key)."""
        return self._get(identity_id).certificate_pem

    def export_pkcs12(self, password: bytes, identity_id: str | None = None) -> bytes:
        """The identity's key, certificate and chain as a PKCS#12 file encrypted with `password`
        (for a PDF reader such as Adobe Acrobat to open reports sealed for it). The key leaves
        the vault only inside this file."""
        identity = self._get(identity_id)
        pems = certs.split_pem_bundle(identity.certificate_pem)
        if not pems or not identity.private_key_pem:
            raise ValidationError(["the signing identity has no certificate or key"])
        material = certs.SigningMaterial(identity.private_key_pem, pems[0], tuple(pems[1:]))
        log.info("signing identity %s exported as PKCS#12", identity.id)
        return certs.export_pkcs12(material, password, identity.name or "lscp-audit")

    def signer(self, identity_id: str | None = None) -> SignerIdentity:
        """The key material and stamp details the reports layer signs with."""
        identity = self._get(identity_id)
        pems = certs.split_pem_bundle(identity.certificate_pem)
        if not pems or not identity.private_key_pem:
            raise ValidationError(["the signing identity has no certificate or key"])
        material = certs.SigningMaterial(identity.private_key_pem, pems[0], tuple(pems[1:]))
        return SignerIdentity(material, identity.name, identity.role, identity.agency)

    def trust_certificate(
        self, pem_text: str, label: str = "", *, purpose: str = SIGNER_PURPOSE
    ) -> list[TrustedCertificate]:
        """Add each certificate in `pem_text` to the vault's trusted certificates, as signers or
        (``purpose="moderator"``) as QA moderators."""
        added = []
        for pem in certs.split_pem_bundle(pem_text):
            details = certs.describe_certificate(pem)
            cert = TrustedCertificate(
                id=uuid.uuid4().hex, label=label or details.common_name, certificate_pem=pem, purpose=purpose
            )
            added.append(self._vault.trusted_certs.add(cert))
        if not added:
            raise ValidationError(["no certificate was found in the file"])
        return added

    def decryption_keys(self) -> list[DecryptionKey]:
        """Every identity's certificate and private key, to open reports sealed for any of them
        (old identities included, so old returns still open)."""
        keys = []
        for identity in self._vault.identities.list():
            pems = certs.split_pem_bundle(identity.certificate_pem)
            if pems and identity.private_key_pem:
                keys.append(DecryptionKey(pems[0], identity.private_key_pem, identity.name))
        return keys

    def recipients(self) -> list[TrustedCertificate]:
        """Certificates reports may be sealed for (the QA subgroup's, from partnership packs)."""
        found: list[TrustedCertificate] = self._vault.trusted_certs.list(RECIPIENT_PURPOSE)
        return found

    def known_certificate_pems(self) -> list[str]:
        """Every certificate this vault knows (own identities and every trust list), to put names
        and fingerprints to the recipients of a sealed report."""
        pems = [p for i in self._vault.identities.list() for p in certs.split_pem_bundle(i.certificate_pem)]
        return pems + [c.certificate_pem for c in self._vault.trusted_certs.list()]

    def trusted_pems(self, purpose: str = SIGNER_PURPOSE) -> list[str]:
        """The PEM certificates trusted for `purpose` (``signer`` by default, or ``moderator``)."""
        return [c.certificate_pem for c in self._vault.trusted_certs.list(purpose)]


@dataclass(frozen=True)
class PartnershipRoot:
    """A new partnership root as files: its PKCS#12 (key and certificate) and its certificate PEM."""

    pkcs12: bytes
    certificate_pem: str


def create_partnership_root(partnership: str, password: bytes) -> PartnershipRoot:
    """A new partnership root (key and certificate) for the QA subgroup, as a password-protected PKCS#12."""
    material = certs.create_partnership_ca(partnership)
    return PartnershipRoot(certs.export_pkcs12(material, password, "partnership-root"), material.certificate_pem)


def issue_auditor_pkcs12(
    root_pkcs12: bytes, root_password: bytes | None, name: str, role: str, agency: str, email: str, password: bytes
) -> bytes:
    """A PKCS#12 file with a new auditor key and a certificate issued by the partnership root."""
    root = certs.import_pkcs12(root_pkcs12, root_password)
    return certs.export_pkcs12(certs.issue_auditor_certificate(root, name, role, agency, email), password)
