"""Verify signed report PDFs with pyHanko, offline, and say plainly what was found.

Per file: is it signed; is every signature intact (the signed bytes unchanged) and
cryptographically valid; does the last signature cover the whole file (nothing appended after
signing) and did earlier signatures only see permitted changes (a QA countersignature); who
signed and when; is the signer trusted (a chain to one of the given certificates); and what the
embedded report data says (template id/version, report id). Trust is only ever judged against
the certificates passed in, never the operating system's TLS list (security.md §5.1).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lscp_audit.reports import embedded_data


@dataclass(frozen=True)
class SignatureReport:
    """One signature in a file."""

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


@dataclass(frozen=True)
class VerificationResult:
    """The verdict for one file. `ok(trust_given)` is what the CLI's exit code follows."""

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

    def ok(self) -> bool:
        """Signed, intact and wholly covered, and trusted when trust certificates were given."""
        base = self.problem is None and self.signed and self.intact and self.whole_file
        return base and (self.trusted or not self.trust_checked)

    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signing_time(self) -> dt.datetime | None:
        return self.signatures[0].signing_time if self.signatures else None

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
    data: bytes, *, path: str = "", trust: Sequence[Any] = (), password: str | None = None
) -> VerificationResult:
    """Verify one PDF held in memory. `trust` holds asn1crypto certificates (see above)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    quiet_pyhanko_logs()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = bool(reader.encrypted)
        if encrypted:
            if not password or not _decrypt(reader, password):
                return VerificationResult(
                    path, encrypted=True, problem="the PDF is password-protected; give its password"
                )
        sigs = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        return VerificationResult(path, problem=f"not a readable PDF ({type(exc).__name__})")
    if not sigs:
        return VerificationResult(path, encrypted=encrypted, data=_data(reader), problem="the PDF has no signature")
    reports = tuple(_check_signature(sig, trust) for sig in sigs)
    last = reports[-1]
    return VerificationResult(
        path=path,
        signed=True,
        intact=all(r.intact and r.valid and r.changes_permitted for r in reports),
        whole_file=last.whole_file,
        trusted=bool(trust) and all(r.trusted for r in reports),
        trust_checked=bool(trust),
        encrypted=encrypted,
        signatures=reports,
        data=_data(reader),
    )


def verify_pdf(path: Path | str, *, trust: Sequence[Any] = (), password: str | None = None) -> VerificationResult:
    """Verify the PDF file at `path` (see `verify_pdf_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return VerificationResult(str(path), problem=f"cannot read the file ({exc.strerror or type(exc).__name__})")
    return verify_pdf_bytes(data, path=str(path), trust=trust, password=password)


def _decrypt(reader: Any, password: str) -> bool:
    from pyhanko.pdf_utils.crypt import AuthStatus

    try:
        return bool(reader.decrypt(password).status != AuthStatus.FAILED)
    except Exception:  # pyHanko raises its own error types for a wrong password
        return False


def _data(reader: Any) -> dict[str, Any] | None:
    try:
        return embedded_data.extract(reader)
    except Exception:  # a damaged attachment must not hide the signature verdict
        return None


def _check_signature(sig: Any, trust: Sequence[Any]) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(trust), allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context, key_usage_settings=usage)
    except Exception:  # malformed CMS or byte ranges: treat as broken, not as a crash
        return SignatureReport(sig.field_name or "", "", "", None, False, False, False, False, False, False, False)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureReport(
        field_name=str(sig.field_name or ""),
        signer=_subject(status.signing_cert, "common_name"),
        signer_organisation=_subject(status.signing_cert, "organization_name"),
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(trust) and bool(status.trusted),
        whole_file=whole,
        changes_permitted=whole or bool(status.docmdp_ok),
        certifying=sig.sig_object.get("/Reference") is not None and _is_certification(sig),
        timestamped=status.timestamp_validity is not None,
    )


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
