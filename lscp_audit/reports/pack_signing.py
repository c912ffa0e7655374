"""Sign and verify a partnership pack's manifest: a detached CMS (PKCS#7) SignedData made and
validated by pyHanko, offline.

`sign_manifest` signs the manifest's exact bytes with the partnership identity (its certificate
and any issuing certificates go into the CMS). `verify_manifest` checks a signature over the
manifest bytes and finds the partnership root the signer chains to:

* with a **pinned root** (a vault that installed a pack before) the chain must end at that root
  and nowhere else;
* on **first use** (nothing pinned) the chain is built to a self-signed certificate carried in the
  signature itself, whose fingerprint the user then confirms (trust on first use).

Besides pyHanko's verdict (CMS structure, digest, signature, certificate path, key usage) this
module checks for itself that the signature is detached with exactly one signer, uses SHA-2, and
that its signed message digest is the digest of the manifest bytes given, so the bytes that are
installed are the bytes that were signed. Every failure becomes `PackError` with a plain reason.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.pack_format import PackError
from lscp_audit.reports.signing import SignerIdentity, pyhanko_signer
from lscp_audit.reports.verification import load_trust_certificates, quiet_pyhanko_logs

DIGESTS = ("sha256", "sha384", "sha512")
MALFORMED = "the pack's signature is malformed (not a detached CMS signature of the manifest)"
CHANGED = "the pack's manifest was changed after it was signed (the signed digest does not match)"
INVALID = "the pack's signature is not cryptographically valid"


@dataclass(frozen=True)
class PackSigner:
    """Who signed a pack and which root their certificate chains to (DER bytes and SHA-256 hex)."""

    name: str
    organisation: str
    fingerprint: str
    certificate_der: bytes
    root_name: str
    root_fingerprint: str
    root_der: bytes

    @property
    def self_signed(self) -> bool:
        return self.fingerprint == self.root_fingerprint


def sign_manifest(manifest: bytes, identity: SignerIdentity) -> bytes:
    """A detached CMS signature (DER) over `manifest`, by `identity`."""
    signer = pyhanko_signer(identity)
    try:
        content_info = asyncio.run(signer.async_sign_general_data(manifest, "sha256", detached=True))
    except Exception as exc:  # pyHanko / cryptography errors for a bad key or certificate
        raise PackError(f"the pack could not be signed: {type(exc).__name__}: {exc}") from exc
    return bytes(content_info.dump())


def certificate_der(pem: str) -> bytes:
    certs = load_trust_certificates([pem])
    if len(certs) != 1:
        raise PackError("expected exactly one certificate")
    return bytes(certs[0].dump())


def verify_manifest(manifest: bytes, signature: bytes, pinned_root_pem: str | None) -> PackSigner:
    """Check `signature` over `manifest`; return the signer and root, or raise `PackError`."""
    quiet_pyhanko_logs()
    signed_data = _signed_data(signature)
    _check_digest(manifest, signed_data)
    certs = _embedded_certificates(signed_data)
    signer_cert, others = certs
    if pinned_root_pem is not None:
        roots = load_trust_certificates([pinned_root_pem])
    else:
        roots = [c for c in [signer_cert, *others] if _self_issued(c)]
        if not roots:
            raise PackError(
                "the pack's signing certificate does not chain to a root certificate carried in the pack, so "
                "there is no partnership root to confirm"
            )
    status = _validate(manifest, signed_data, roots, others)
    if not status.intact:
        raise PackError(CHANGED)
    if not status.valid:
        raise PackError(INVALID)
    root = _root(status)
    if not status.trusted or root is None:
        if pinned_root_pem is not None:
            raise PackError(_foreign_reason(signer_cert, others, pinned_root_pem))
        raise PackError(
            "the pack's signing certificate could not be validated up to its root (expired, not yet valid, "
            "wrong key usage or a broken chain)"
        )
    root_der = bytes(root.dump())
    if pinned_root_pem is not None and root_der != certificate_der(pinned_root_pem):
        raise PackError(_foreign_reason(signer_cert, others, pinned_root_pem))
    signer_der = bytes(signer_cert.dump())
    return PackSigner(
        name=_subject(signer_cert, "common_name"),
        organisation=_subject(signer_cert, "organization_name"),
        fingerprint=hashlib.sha256(signer_der).hexdigest(),
        certificate_der=signer_der,
        root_name=_subject(root, "common_name"),
        root_fingerprint=hashlib.sha256(root_der).hexdigest(),
        root_der=root_der,
    )


def _signed_data(signature: bytes) -> Any:
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].native != "signed_data":
            raise PackError(MALFORMED)
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        if encap["content_type"].native != "data" or encap["content"].native is not None:
            raise PackError("the pack's signature carries content of its own; only a detached signature is accepted")
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise PackError(f"the pack's signature has {len(signer_infos)} signers; exactly one is expected")
        signed_data.native  # noqa: B018 - parse every field now, so a malformed one fails here
    except PackError:
        raise
    except Exception:  # asn1crypto raises ValueError/TypeError/... on malformed DER
        raise PackError(MALFORMED) from None
    return signed_data


def _check_digest(manifest: bytes, signed_data: Any) -> None:
    """Our own check that the signed message digest is the digest of these manifest bytes."""
    signer_info = signed_data["signer_infos"][0]
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    if algorithm not in DIGESTS:
        raise PackError(f"the pack's signature uses the digest {algorithm}; only SHA-2 digests are accepted")
    attrs = signer_info["signed_attrs"]
    if not attrs or attrs.native is None:
        raise PackError(MALFORMED)
    digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    types = [a["values"][0].native for a in attrs if a["type"].native == "content_type"]
    if len(digests) != 1 or types != ["data"]:
        raise PackError(MALFORMED)
    if digests[0] != hashlib.new(algorithm, manifest).digest():
        raise PackError(CHANGED)


def _embedded_certificates(signed_data: Any) -> tuple[Any, list[Any]]:
    from pyhanko.sign.general import extract_certificate_info

    try:
        info = extract_certificate_info(signed_data)
    except Exception:
        raise PackError("the pack's signature does not carry its signer's certificate") from None
    if info.signer_cert is None:
        raise PackError("the pack's signature does not carry its signer's certificate")
    return info.signer_cert, list(info.other_certs)


def _self_issued(cert: Any) -> bool:
    try:
        return bool(cert.subject == cert.issuer)
    except Exception:
        return False


def _validate(manifest: bytes, signed_data: Any, roots: list[Any], others: list[Any]) -> Any:
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=roots, other_certs=others, allow_fetching=False, revocation_mode="soft-fail"
    )
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    try:
        return asyncio.run(
            async_validate_detached_cms(
                manifest, signed_data, signer_validation_context=context, key_usage_settings=usage
            )
        )
    except Exception:  # malformed signer info or algorithm parameters
        raise PackError(INVALID) from None


def _root(status: Any) -> Any:
    try:
        path = status.validation_path
        return path.first if path is not None else None
    except Exception:
        return None


def _foreign_reason(signer_cert: Any, others: list[Any], pinned_root_pem: str) -> str:
    pinned = hashlib.sha256(certificate_der(pinned_root_pem)).hexdigest()
    own = [c for c in [signer_cert, *others] if _self_issued(c)]
    theirs = f" (its own root's fingerprint is {own[0].sha256.hex()})" if own else ""
    return (
        f"the pack was not signed under this vault's partnership root: it comes from a different partnership "
        f"or identity{theirs}; this vault accepts packs only from the root with fingerprint {pinned}"
    )


def _subject(cert: Any, key: str) -> str:
    try:
        return str(cert.subject.native.get(key, ""))
    except Exception:
        return ""
