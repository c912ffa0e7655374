"""Value types for signing identities, trusted certificates and imported returns.

Stored in the encrypted vault by ``storage.repositories``; plain frozen dataclasses so services,
reports and the UI can use them without storage. PEM fields are text; ``private_key_pem`` is a
secret and must never be logged or shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SigningIdentity:
    """A person's signing certificate and private key (PEM, possibly encrypted PKCS#8)."""

    id: str
    name: str
    role: str = ""
    agency: str = ""
    email: str = ""
    certificate_pem: str = ""
    private_key_pem: str = field(default="", repr=False)
    created_at: str = ""
    is_default: bool = False


SIGNER_PURPOSE = "signer"
MODERATOR_PURPOSE = "moderator"
#: certificates of the QA subgroup that signed returns may be sealed (encrypted) for, from a partnership pack
RECIPIENT_PURPOSE = "recipient"


@dataclass(frozen=True)
class TrustedCertificate:
    """A certificate the user trusts for verifying signed reports (e.g. another agency's CA).

    `purpose` is ``signer`` (auditors' certificates, partnership roots) or ``moderator``
    (certificates trusted to countersign a report as a QA moderator; a separate list)."""

    id: str
    label: str
    certificate_pem: str
    added_at: str = ""
    purpose: str = SIGNER_PURPOSE


@dataclass(frozen=True)
class ReturnSignature:
    """One signature of an imported return, as checked at import (or at the last re-check).

    `role` is ``auditor`` (the first signature) or ``countersigner``; `fingerprint` is the
    SHA-256 hex of the certificate's DER bytes; `signed_at` is ISO 8601 text or empty."""

    position: int
    field_name: str
    role: str
    signer: str
    organisation: str
    fingerprint: str
    certificate_der: bytes
    signed_at: str
    trusted: bool
    moderator: bool = False
    problem: str = ""


@dataclass(frozen=True)
class ImportedReturn:
    """A signed return in the QA inbox, without its JSON data or PDF (the repository keeps those
    beside it: ``data(id)``, ``pdf(id)``). ``verified`` is ``trusted`` or ``untrusted signer``;
    untrusted returns are the inbox's quarantine. `data_hash` is ``sha256:<hex>`` of the embedded
    data as signed; `signer_fingerprint` is the first (auditor's) signature's fingerprint.
    `judgement_check` is ``match``, ``mismatch``, ``not_found`` or empty (not checked)."""

    id: str
    file_hash: str
    report_id: str
    signer: str = ""
    verified: str = ""
    imported_at: str = ""
    data_hash: str = ""
    revision: int = 1
    audit_id: str = ""
    previous_audit_id: str = ""
    content_hash: str = ""
    signer_fingerprint: str = ""
    auditor_name: str = ""
    signed_on_behalf: bool = False
    template_id: str = ""
    template_title: str = ""
    template_version: str = ""
    kind: str = ""
    subject: str = ""
    signed_at: str = ""
    overall_judgement: str = ""
    overall_label: str = ""
    page_judgement: str = ""
    judgement_check: str = ""
    trust_problem: str = ""
    checked_at: str = ""
    has_pdf: bool = False
    signatures: tuple[ReturnSignature, ...] = ()
    #: The partnership round the return names (report data ``round``), its locality code and
    #: the returning agency's code; "" when the return names none.
    round_id: str = ""
    locality: str = ""
    return_agency: str = ""
