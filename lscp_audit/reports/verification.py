"""Verify signed report PDFs, offline, and say plainly what was found.

Per file: is it signed; is every signature intact (the signed bytes unchanged) and
cryptographically valid; does the last signature cover the whole file (nothing appended after
signing) and did earlier signatures only see permitted changes (a QA countersignature); who
signed and when; is each signer trusted (a chain to one of the given certificates) and is each
countersigner a moderator (a chain to one of the moderator certificates); and what the embedded
report data says, validated against its published schema. Trust is only ever judged against the
certificates passed in, never the operating system's TLS list (security.md §5.1).

Two layers check integrity (defence in depth):
* `byte_ranges` does the byte arithmetic itself: each `/ByteRange` is ``[0 a b c]``, the gap is
  exactly the hex form of that signature's `/Contents`, the dictionary in force is the signed
  one, ranges nest in file order and the last one ends at the end of the file. pyHanko 0.38
  decides "covers the entire file" from lengths alone, which a redefined signature dictionary
  with a padded literal `/Contents` satisfies (issue 9).
* pyHanko validates the CMS signature, the digest over the byte ranges, the certificate chain,
  and runs its difference analysis (DocMDP) for signatures followed by later revisions.
A signature is accepted only when both agree. Nothing here raises for a bad file: every failure,
including `RecursionError` and `MemoryError` from hostile structure, becomes a result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lscp_audit.reports import byte_ranges, embedded_data, sealing

AUDITOR = "auditor"
COUNTERSIGNER = "countersigner"
SENIOR_LEAD = "senior_lead"  # Section 11: the agency's senior lead's second signature (a signer, not a moderator)
NOT_A_MODERATOR = "the countersignature is not from a moderator"
NOT_TRUSTED = "the signer is not trusted"
NO_PASSWORD = "the PDF is password-protected and no password was given"
WRONG_PASSWORD = "the password given does not open this PDF"
CHANGED_BYTES = "the signed bytes were changed after signing (the digest does not match)"
INVALID_SIGNATURE = "the signature is not cryptographically valid"
FORBIDDEN_CHANGE = "changed after signing in a way the certification forbids"
DATA_CHANGED = "the report data differs from the data the auditor signed"
REMOVED = "a signature was removed or replaced after signing"
CHANGED_SINCE_AUDITOR = "the file was changed after the auditor signed, beyond the later signatures"
CHANGED_SINCE_LEAD = "the file was changed after the senior lead signed, beyond the QA countersignature"
NOT_CERTIFIED = f"the first signature does not certify the report as LSCP Audit's auditor signature does: {REMOVED}"


@dataclass(frozen=True)
class SignatureReport:
    """One signature in a file. `role` is ``auditor`` for the first signature in file order,
    ``senior_lead`` for a Section 11 senior lead's second signature (its own field) and
    ``countersigner`` for the QA moderator's; `fingerprint` is the SHA-256 of the signer certificate's
    DER (lowercase hex); `moderator` says a countersignature chains to a moderator certificate;
    `problem` is why this signature fails, in plain English, or None."""

    field_name: str
    signer: str
    signer_organisation: str
    signing_time: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    whole_file: bool
    changes_permitted: bool
    certifying: bool
    timestamped: bool
    fingerprint: str = ""
    certificate_der: bytes = b""
    role: str = AUDITOR
    moderator: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class VerificationResult:
    """The verdict for one file. `ok()` is what the CLI's exit code follows.

    `intact_reason` says why `intact` is False. `data` is the embedded report data only when it
    matches its schema (else `data_problem` says why); `data_sha256` is the SHA-256 of the
    attachment's bytes as embedded (what was signed), whatever they hold.
    """

    path: str
    signed: bool = False
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    trust_checked: bool = False
    encrypted: bool = False
    signatures: tuple[SignatureReport, ...] = ()
    data: dict[str, Any] | None = None
    problem: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    intact_reason: str | None = None
    data_sha256: str | None = None
    data_problem: str | None = None
    auditor_name: str = ""
    moderators_checked: bool = False
    sealed: bool = False  # encrypted for recipient certificates (not a password)
    sealed_for: tuple[str, ...] = ()  # the recipients, when no key here opens it

    def ok(self) -> bool:
        """Signed, intact and wholly covered; when trust was checked, every signer trusted and
        every countersigner a moderator."""
        base = self.problem is None and self.signed and self.intact and self.whole_file
        return base and (not self.trust_checked or self.trust_problem is None)

    @property
    def trust_problem(self) -> str | None:
        """Why trust fails (not trusted, or a countersignature not from a moderator), or None."""
        if not self.trust_checked:
            return None
        for report in self.signatures:
            if report.role == COUNTERSIGNER and not report.moderator:
                return NOT_A_MODERATOR
        if not self.trusted:
            return NOT_TRUSTED
        return None

    def reasons(self) -> list[str]:
        """Every reason the file is not ok, in plain English (empty when it is ok)."""
        reasons = [r for r in (self.problem, self.intact_reason) if r]
        if self.signed and self.problem is None and not self.whole_file and self.intact:
            reasons.append("content was added after the last signature (it does not cover the whole file)")
        if self.signed and self.problem is None and self.trust_problem:
            reasons.append(self.trust_problem)
        return reasons

    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signing_time(self) -> dt.datetime | None:
        return self.signatures[0].signing_time if self.signatures else None

    @property
    def signed_on_behalf(self) -> bool:
        """The auditor's signer (certificate name) is not the auditor named in the data."""
        return bool(self.signatures and self.auditor_name) and self.signer.strip() != self.auditor_name.strip()

    def data_field(self, key: str) -> str:
        value = (self.data or {}).get(key)
        return "" if value is None else str(value)


def load_trust_certificates(pem_texts: Sequence[str]) -> list[Any]:
    """Parse PEM certificates (each text may hold several) into asn1crypto certificates."""
    from asn1crypto import pem, x509

    certs = []
    for text in pem_texts:
        for _type, _headers, der in pem.unarmor(text.encode("ascii"), multiple=True):
            certs.append(x509.Certificate.load(der))
    return certs


def quiet_pyhanko_logs() -> None:
    """pyHanko logs expected trust failures (with tracebacks naming the signer) as warnings;
    give its loggers a null handler so they never reach stderr through logging's last resort."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def verify_pdf_bytes(
    data: bytes,
    *,
    path: str = "",
    trust: Sequence[Any] = (),
    password: str | None = None,
    moderator_trust: Sequence[Any] = (),
    keys: Sequence[sealing.DecryptionKey] = (),
    known_pems: Sequence[str] = (),
) -> VerificationResult:
    """Verify one PDF held in memory. `trust` and `moderator_trust` hold asn1crypto certificates
    (see `load_trust_certificates`): signers must chain to `trust`, countersigners to
    `moderator_trust`. A password-protected PDF opens with `password`; a sealed one with any of
    `keys` that is a recipient (otherwise the problem names its recipients, using `known_pems`
    to put names and fingerprints to them). Never raises for a bad file."""
    quiet_pyhanko_logs()
    try:
        return _verify(data, path, trust, password, moderator_trust, keys, known_pems)
    except RecursionError:
        return VerificationResult(path, problem="the PDF is nested too deeply to read (RecursionError)")
    except MemoryError:
        return VerificationResult(path, problem="the PDF needs too much memory to read (MemoryError)")
    except Exception as exc:  # any other library failure on a hostile file is a verdict, not a crash
        return VerificationResult(path, problem=f"the PDF could not be checked ({type(exc).__name__})")


def verify_pdf(
    path: Path | str,
    *,
    trust: Sequence[Any] = (),
    password: str | None = None,
    moderator_trust: Sequence[Any] = (),
    keys: Sequence[sealing.DecryptionKey] = (),
    known_pems: Sequence[str] = (),
) -> VerificationResult:
    """Verify the PDF file at `path` (see `verify_pdf_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return VerificationResult(str(path), problem=f"cannot read the file ({exc.strerror or type(exc).__name__})")
    except MemoryError:
        return VerificationResult(str(path), problem="the file is too large to read")
    return verify_pdf_bytes(
        data,
        path=str(path),
        trust=trust,
        password=password,
        moderator_trust=moderator_trust,
        keys=keys,
        known_pems=known_pems,
    )


@dataclass(frozen=True)
class _Roots:
    """The validation context's trust roots and which of them are moderator certificates."""

    certs: tuple[Any, ...]
    signer_ders: frozenset[bytes]
    moderator_ders: frozenset[bytes]

    @classmethod
    def of(cls, trust: Sequence[Any], moderator_trust: Sequence[Any]) -> _Roots:
        unique: dict[bytes, Any] = {}
        for cert in [*trust, *moderator_trust]:
            unique.setdefault(cert.dump(), cert)
        return cls(
            tuple(unique.values()),
            frozenset(c.dump() for c in trust),
            frozenset(c.dump() for c in moderator_trust),
        )


def _verify(
    data: bytes,
    path: str,
    trust: Sequence[Any],
    password: str | None,
    moderator_trust: Sequence[Any],
    keys: Sequence[sealing.DecryptionKey] = (),
    known_pems: Sequence[str] = (),
) -> VerificationResult:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = bool(reader.encrypted)
        sealed = encrypted and sealing.is_sealed(reader)
        if sealed:
            if sealing.open_sealed(reader, keys) is None:
                recipients = sealing.recipients_of(reader)
                return VerificationResult(
                    path,
                    encrypted=True,
                    sealed=True,
                    sealed_for=tuple(str(d) for d in sealing.describe_recipients(recipients, known_pems)),
                    problem=sealing.sealed_message(recipients, known_pems),
                )
        elif encrypted:
            if not password:
                return VerificationResult(path, encrypted=True, problem=NO_PASSWORD)
            if not _decrypt(reader, password):
                return VerificationResult(path, encrypted=True, problem=WRONG_PASSWORD)
        fields = [(str(name or ""), field) for name, _value, field in enumerate_sig_fields(reader, filled_status=True)]
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        return VerificationResult(path, problem=f"not a readable PDF ({type(exc).__name__})")
    raw, parsed, data_problem = _data(reader)
    common: dict[str, Any] = {
        "encrypted": encrypted,
        "sealed": sealed,
        "data": parsed,
        "data_sha256": hashlib.sha256(raw).hexdigest() if raw is not None else None,
        "data_problem": data_problem,
        "auditor_name": str(parsed["auditor"]["name"]) if parsed else "",
    }
    if not fields:
        return VerificationResult(path, problem=_removed_signature(reader) or "the PDF has no signature", **common)
    if reader.xrefs.hybrid_xrefs_present:
        return VerificationResult(
            path, problem="the PDF uses hybrid cross-reference sections, which LSCP Audit never writes", **common
        )
    ranges = byte_ranges.check_signatures(data, reader, [field for _name, field in fields])
    order = sorted(range(len(fields)), key=lambda i: _file_position(ranges.ranges[i], i))
    roots = _Roots.of(trust, moderator_trust)
    trust_checked = bool(roots.certs)
    embedded: dict[int, Any] = {}
    reports = []
    for number, index in enumerate(order):
        name, sig_field = fields[index]
        role = _role(number, name)
        try:
            embedded[index] = EmbeddedPdfSignature(reader, sig_field, name)
        except Exception as exc:  # unreadable /Contents, CMS or /ByteRange
            problem = ranges.problems[index] or f"the signature cannot be read ({type(exc).__name__})"
            reports.append(_broken(name, role, problem))
            continue
        reports.append(_check_signature(embedded[index], roots, role, ranges.problems[index], trust_checked))
    notes = ranges.notes
    last = reports[-1]
    intact_reason = _intact_reason(reports) or _structure_problem(reader, reports)
    if intact_reason is None and len(reports) > 1:
        intact_reason = _data_changed_since(reader, embedded[order[0]], raw) or _changed_since(
            reader, [embedded[i] for i in order]
        )
    return VerificationResult(
        path=path,
        signed=True,
        intact=intact_reason is None,
        whole_file=ranges.whole_file and (last.whole_file or (bool(ranges.tail_note) and last.changes_permitted)),
        trusted=trust_checked and all(r.trusted for r in reports),
        trust_checked=trust_checked,
        moderators_checked=bool(moderator_trust),
        signatures=tuple(reports),
        notes=notes,
        intact_reason=intact_reason,
        **common,
    )


def _role(number: int, field_name: str) -> str:
    from lscp_audit.reports.signing import LEAD_FIELD

    if number == 0:
        return AUDITOR
    return SENIOR_LEAD if field_name == LEAD_FIELD else COUNTERSIGNER


def _structure_problem(reader: Any, reports: Sequence[SignatureReport]) -> str | None:
    """LSCP Audit's first signature always certifies the report; later signatures sit only in the
    senior lead's field (Section 11, signed before any QA countersignature) and the QA
    moderator's field, one each; and every signature an earlier revision held is still in force:
    otherwise a signature was removed, replaced or added where none belongs."""
    if not reports[0].certifying:
        return NOT_CERTIFIED
    if any(r.certifying for r in reports[1:]):
        return "a countersignature claims to certify the report; only the auditor's signature does"
    from lscp_audit.reports.signing import LEAD_FIELD, QA_FIELD

    later = [r.field_name for r in reports[1:]]
    stray = [name for name in later if name not in (QA_FIELD, LEAD_FIELD)]
    if stray or len(later) != len(set(later)):
        return f"a countersignature is outside the QA moderator's field ({', '.join(stray) or 'a second one'})"
    if LEAD_FIELD in later and QA_FIELD in later and later.index(LEAD_FIELD) > later.index(QA_FIELD):
        return "the senior lead signed after the QA moderator's countersignature; the senior lead signs first"
    return _removed_signature(reader)


def _signature_values(handler: Any) -> dict[str, Any]:
    """Field name -> the reference of its signature value, for every signed field."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import enumerate_sig_fields

    values = {}
    for name, value, _field in enumerate_sig_fields(handler, filled_status=True):
        values[str(name)] = value.reference if isinstance(value, generic.IndirectObject) else None
    return values


def _removed_signature(reader: Any) -> str | None:
    """Every signature any earlier revision holds is still in force, unchanged, in the file."""
    final = _signature_values(reader)
    for revision in range(reader.xrefs.total_revisions - 1):
        for name, ref in _signature_values(reader.get_historical_resolver(revision)).items():
            if ref is None or final.get(name) != ref:
                return f"the signature in field {name} of an earlier revision is not in the final file: {REMOVED}"
    return None


def _broken(name: str, role: str, problem: str) -> SignatureReport:
    return SignatureReport(
        name, "", "", None, False, False, False, False, False, False, False, role=role, problem=problem
    )


def _file_position(signed: byte_ranges.SignedRange | None, index: int) -> tuple[int, int]:
    return (signed.gap_start if signed is not None else 1 << 62, index)


def _intact_reason(reports: Sequence[SignatureReport]) -> str | None:
    for report in reports:
        if report.problem and report.problem.startswith(byte_ranges.MISMATCH):
            return report.problem
    for report in reports:
        if report.problem and not (report.intact or report.valid):
            return report.problem
    for report in reports:
        if not report.intact:
            return CHANGED_BYTES
        if not report.valid:
            return INVALID_SIGNATURE
        if not report.changes_permitted:
            return FORBIDDEN_CHANGE
    return None


def _data_changed_since(reader: Any, auditor_sig: Any, raw: bytes | None) -> str | None:
    """With a countersignature, the data in the final file must be the data the auditor signed
    (an independent check beside pyHanko's difference analysis)."""
    try:
        signed = embedded_data.read_attachment(reader.get_historical_resolver(auditor_sig.signed_revision))
    except embedded_data.ReportDataError:
        return DATA_CHANGED
    return None if signed == raw else DATA_CHANGED


def _changed_since(reader: Any, signatures: Sequence[Any]) -> str | None:
    """With later signatures, nothing may have changed since each signed revision except the
    fields signed after it gaining their signature (independently of pyHanko's difference
    analysis): after the auditor's, the senior lead's and the QA moderator's fields; after the
    senior lead's, only the QA moderator's."""
    from lscp_audit.reports.revision_changes import forbidden_changes

    for number, signature in enumerate(signatures[:-1]):
        later = {str(s.field_name) for s in signatures[number + 1 :]}
        changes = forbidden_changes(reader, signature.signed_revision, later)
        if changes:
            since = CHANGED_SINCE_AUDITOR if number == 0 else CHANGED_SINCE_LEAD
            return f"{since}: {changes[0]}"
    return None


def _decrypt(reader: Any, password: str) -> bool:
    from pyhanko.pdf_utils.crypt import AuthStatus

    try:
        return bool(reader.decrypt(password).status != AuthStatus.FAILED)
    except Exception:  # pyHanko raises its own error types for a wrong password
        return False


def _data(reader: Any) -> tuple[bytes | None, dict[str, Any] | None, str | None]:
    """(attachment bytes as embedded, schema-valid data, why the data is unusable)."""
    try:
        raw = embedded_data.read_attachment(reader)
    except embedded_data.ReportDataError as exc:
        return None, None, str(exc)
    if raw is None:
        return None, None, "the PDF holds no LSCP Audit report data"
    try:
        return raw, embedded_data.parse(raw), None
    except embedded_data.ReportDataError as exc:
        return raw, None, str(exc)


def _check_signature(
    sig: Any, roots: _Roots, role: str, range_problem: str | None, trust_checked: bool
) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    name = str(sig.field_name or "")
    context = ValidationContext(trust_roots=list(roots.certs), allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context, key_usage_settings=usage)
    except Exception:  # malformed CMS or byte ranges: treat as broken, not as a crash
        return _broken(name, role, range_problem or INVALID_SIGNATURE)
    cert = status.signing_cert
    der = cert.dump() if cert is not None else b""
    anchor = _anchor_der(status)
    trusted = bool(trust_checked and status.trusted and anchor is not None)
    if role in (AUDITOR, SENIOR_LEAD):
        trusted = trusted and anchor in roots.signer_ders
    moderator = role == COUNTERSIGNER and trusted and anchor in roots.moderator_ders
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    changes_permitted = range_problem is None and (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE or bool(status.docmdp_ok)
    )
    problem: str | None = range_problem
    if problem is None and not (status.intact and status.valid):
        problem = CHANGED_BYTES if not status.intact else INVALID_SIGNATURE
    elif problem is None and not changes_permitted:
        problem = FORBIDDEN_CHANGE
    elif problem is None and trust_checked and role == COUNTERSIGNER and not moderator:
        problem = NOT_A_MODERATOR
    elif problem is None and trust_checked and not trusted:
        problem = NOT_TRUSTED
    return SignatureReport(
        field_name=name,
        signer=_subject(cert, "common_name"),
        signer_organisation=_subject(cert, "organization_name"),
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact) and range_problem is None,
        valid=bool(status.valid),
        trusted=trusted,
        whole_file=whole and range_problem is None,
        changes_permitted=changes_permitted,
        certifying=sig.sig_object.get("/Reference") is not None and _is_certification(sig),
        timestamped=status.timestamp_validity is not None,
        fingerprint=hashlib.sha256(der).hexdigest() if der else "",
        certificate_der=der,
        role=role,
        moderator=moderator,
        problem=problem,
    )


def _anchor_der(status: Any) -> bytes | None:
    """The DER of the trust root the signer's chain ends at, when a chain was found."""
    try:
        path = status.validation_path
        return bytes(path.first.dump()) if path is not None and path.first is not None else None
    except Exception:
        return None


def _is_certification(sig: Any) -> bool:
    try:
        return sig.docmdp_level is not None
    except Exception:
        return False


def _subject(cert: Any, key: str) -> str:
    try:
        return str(cert.subject.native.get(key, ""))
    except Exception:
        return ""
