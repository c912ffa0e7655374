"""Value types for signing identities, trusted certificates and imported returns.

Stored in the encrypted vault by ``storage.repositories``; plain frozen dataclasses so services,
reports and the UI can use them without storage. PEM fields are text; ``private_key_pem`` is a
secret and must never be logged or shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class TrustedCertificate:
    """A certificate the user trusts for verifying signed reports (e.g. another agency's CA)."""

    id: str
    label: str
    certificate_pem: str
    added_at: str = ""


@dataclass(frozen=True)
class ImportedReturn:
    """A signed return imported into the QA inbox. ``verified`` is a status word such as ``valid``."""

    id: str
    file_hash: str
    report_id: str
    audit: dict[str, Any]
    signer: str = ""
    verified: str = ""
    imported_at: str = ""
