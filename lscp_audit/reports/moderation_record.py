"""Signed moderation records: a QA moderator's outcome for one return, as a CMS file of its own.

A record is canonical JSON (UTF-8, sorted keys) carried as the encapsulated content of a CMS
``SignedData`` (RFC 5652) made by pyHanko with the moderator's key: SHA-256, the signer's
certificate and chain inside, a signed ``signingTime``. The file is the DER bytes
(``.lscpmod``); ``openssl cms -verify -inform DER`` reads it too.

`check_record` never raises for a bad file: it returns a `RecordCheck` whose `problem` says, in
plain words, why the record is refused. Besides pyHanko's verdict on the CMS signature
(digest, signature, certificate chain to the moderator certificates given, key usage), it checks
itself (defence in depth):

* the structure: one signer, encapsulated content of type ``data``, the digest algorithm SHA-256;
* that the signed ``messageDigest`` attribute is the SHA-256 of the content it carries;
* that the chain ends at one of the moderator certificates given (not merely at a signer one);
* that the JSON is within size and nesting limits and matches the published JSON Schema
  (``schemas/moderation-record-v1.schema.json``);
* that the moderator named in the record is the certificate's subject.

Whether the record belongs to a return (report id, content hash, data hash, scale codes) is the
caller's check: see `services.moderation_service`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.reports.signing import SignerIdentity, _signer

SCHEMA = "lscp-audit/moderation-record"
SCHEMA_VERSION = 1
FILE_SUFFIX = ".lscpmod"
MAX_RECORD_BYTES = 1024 * 1024  # a record with a rationale for every Section 11 standard is a few kB
MAX_DEPTH = 16
AGREE = "agree"
MODERATED = "moderated"

NOT_CMS = "the file is not a signed moderation record (no CMS signed data could be read)"
CHANGED = "the moderation record was changed after it was signed (the digest does not match)"
INVALID = "the moderation record's signature is not cryptographically valid"
NOT_MODERATOR = "is not trusted as a QA moderator in this vault"


class ModerationRecordError(LscpAuditError):
    """A moderation record could not be made (bad key or certificate)."""


@dataclass(frozen=True)
class RecordCheck:
    """What `check_record` found. `record` is the JSON only when the signature and schema are
    good; `problem` is None only when the record may be used."""

    problem: str | None
    record: dict[str, Any] | None = None
    signer: str = ""
    organisation: str = ""
    fingerprint: str = ""  # SHA-256 of the signer certificate's DER, lowercase hex
    certificate_der: bytes = b""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.record is not None


def canonical_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_record(record: dict[str, Any], identity: SignerIdentity) -> bytes:
    """The DER bytes of a CMS SignedData carrying `record` (checked against the schema first)."""
    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    problem = schema_problem(record)
    if problem:
        raise ModerationRecordError(f"the moderation record is not complete: {problem}")
    content = cms.ContentInfo({"content_type": "data", "content": canonical_json(record)})
    signer = _signer(identity)
    attrs = PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC))
    try:
        signed = asyncio.run(
            signer.async_sign_general_data(content, "sha256", detached=False, signed_attr_settings=attrs)
        )
    except (ValueError, TypeError) as exc:
        raise ModerationRecordError(f"the moderation record could not be signed ({type(exc).__name__})") from exc
    return bytes(signed.dump())


@cache
def _schema() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("lscp_audit.reports").joinpath("schemas/moderation-record-v1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_problem(record: Any) -> str | None:
    """Where `record` fails the moderation record schema, or None."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(record))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    return f"{where}: {error.message}"


def check_record(blob: bytes, moderator_trust: list[Any]) -> RecordCheck:
    """Check a moderation record file's bytes against the moderator certificates given
    (asn1crypto certificates). Never raises for a bad file."""
    from lscp_audit.reports.verification import quiet_pyhanko_logs

    quiet_pyhanko_logs()
    if len(blob) > MAX_RECORD_BYTES:
        return RecordCheck(f"the file is larger than a moderation record can be ({len(blob)} bytes)")
    try:
        return _check(blob, moderator_trust)
    except RecursionError:
        return RecordCheck("the moderation record is nested too deeply to read")
    except Exception as exc:  # a hostile file's library failure is a verdict, not a crash
        return RecordCheck(f"the moderation record could not be checked ({type(exc).__name__})")


def _signed_data(blob: bytes) -> Any:
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(blob, strict=True)
        if info["content_type"].native != "signed_data":
            return None
        signed = info["content"]
        signed.native  # parse everything now, so damage shows here  # noqa: B018
    except (ValueError, TypeError, KeyError):
        return None
    return signed


def _check(blob: bytes, moderator_trust: list[Any]) -> RecordCheck:
    from pyhanko.sign.validation.generic_cms import async_validate_cms_signature, extract_self_reported_ts
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    signed = _signed_data(blob)
    if signed is None:
        return RecordCheck(NOT_CMS)
    infos = signed["signer_infos"]
    if len(infos) != 1:
        return RecordCheck(f"a moderation record has one signer; this file has {len(infos)}")
    info = infos[0]
    eci = signed["encap_content_info"]
    if eci["content_type"].native != "data" or eci["content"].native is None:
        return RecordCheck("the file carries no moderation record (no signed content inside)")
    content = bytes(eci["content"].native)
    if info["digest_algorithm"]["algorithm"].native != "sha256":
        return RecordCheck("the moderation record is not signed with SHA-256")
    own = _own_digest_problem(info, content)
    context = ValidationContext(trust_roots=list(moderator_trust), allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    status = asyncio.run(async_validate_cms_signature(signed, validation_context=context, key_usage_settings=usage))
    cert = status.signing_cert
    der = bytes(cert.dump())
    found = RecordCheck(
        problem=None,
        signer=_subject(cert, "common_name"),
        organisation=_subject(cert, "organization_name"),
        fingerprint=hashlib.sha256(der).hexdigest(),
        certificate_der=der,
        signed_at=extract_self_reported_ts(info),
    )
    if own or not status.intact:
        return replace(found, problem=own or CHANGED)
    if not status.valid:
        return replace(found, problem=INVALID)
    anchor = _anchor(status)
    moderator_ders = {c.dump() for c in moderator_trust}
    if not (status.trusted and anchor is not None and anchor in moderator_ders):
        who = found.signer or "of the record"
        return replace(found, problem=f"the signer {who} (SHA-256 {found.fingerprint[:16]}…) {NOT_MODERATOR}")
    record, problem = _parse(content)
    if problem or record is None:
        return replace(found, problem=problem or "the moderation record could not be read")
    named = str(record["moderator"]["name"]).strip()
    if named != found.signer.strip():
        return replace(
            found, problem=f"the record names the moderator {named!r} but was signed by {found.signer!r}; it is refused"
        )
    return replace(found, record=record)


def _own_digest_problem(info: Any, content: bytes) -> str | None:
    """Our own check that the signed messageDigest is the SHA-256 of the content carried."""
    attrs = info["signed_attrs"]
    if not attrs or attrs.native is None:
        return "the moderation record's signature has no signed attributes"
    digests = [a["values"] for a in attrs if a["type"].native == "message_digest"]
    types = [a["values"] for a in attrs if a["type"].native == "content_type"]
    if len(digests) != 1 or len(digests[0]) != 1 or len(types) != 1 or types[0][0].native != "data":
        return "the moderation record's signed attributes are not as LSCP Audit writes them"
    if bytes(digests[0][0].native) != hashlib.sha256(content).digest():
        return CHANGED
    return None


def _parse(content: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        record = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "the signed content is not a moderation record (not JSON)"
    if _depth(record) > MAX_DEPTH:
        return None, "the moderation record is nested too deeply"
    problem = schema_problem(record)
    if problem:
        return None, f"the signed content is not a valid moderation record ({problem})"
    return record, None


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _anchor(status: Any) -> bytes | None:
    try:
        path = status.validation_path
        return bytes(path.first.dump()) if path is not None and path.first is not None else None
    except Exception:
        return None


def _subject(cert: Any, key: str) -> str:
    try:
        return str(cert.subject.native.get(key, ""))
    except Exception:
        return ""
