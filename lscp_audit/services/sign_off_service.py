"""SignOffService: the senior lead's second signature on a Section 11 return (Qt-free).

A Section 11 self-assessment is signed twice. Whoever completed it exports it (the first,
certifying signature, `ReportService.export`); the agency's senior lead then signs the empty
senior lead field of that PDF with their own identity, as an incremental update
(`reports.signing.sign_as_senior_lead`). Both signatures cover the whole document as it was when
each was made, and `verify` shows and checks both. The QA moderator's countersignature, if any,
comes after the senior lead's.

`sign_off` checks the PDF first (intact, wholly covered, a Section 11 return, not yet signed
off, not yet countersigned), signs, checks the result again with the same verifier, and only
then writes it atomically. The input file is never changed. `preview` reads and checks a file
for the app's sign-off dialog: what the return is, who signed it first, and why it cannot be
signed off (when it cannot).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.reports.signing import LEAD_REASON, SigningFailed, sign_as_senior_lead
from lscp_audit.reports.verification import (
    AUDITOR,
    COUNTERSIGNER,
    SENIOR_LEAD,
    SignatureReport,
    VerificationResult,
    verify_pdf_bytes,
)
from lscp_audit.services.file_saving import save_file
from lscp_audit.services.identity_service import IdentityInfo, IdentityService

log = logging.getLogger(__name__)
SELF_ASSESSMENT_KIND = "agency_self_assessment"
MAX_PDF_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SignOffResult:
    path: Path
    report_id: str
    completed_by: str  # who signed first (the certificate's name)
    senior_lead: str  # who signed second
    #: Every signature of the written file as it was checked after signing (first, then the senior lead's).
    signatures: tuple[SignatureReport, ...] = ()


@dataclass(frozen=True)
class SignOffPreview:
    """A return as the sign-off dialog shows it before signing: `problems` is empty when the
    senior lead can sign it off; `signatures` are the signatures it holds now."""

    path: Path
    report_id: str
    template_title: str
    organisation: str
    signatures: tuple[SignatureReport, ...]
    problems: tuple[str, ...]

    @property
    def can_sign_off(self) -> bool:
        return not self.problems


def _text(data: Any, *keys: str) -> str:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return "" if data is None else str(data)


def _read(source: Path) -> bytes:
    try:
        if source.stat().st_size > MAX_PDF_BYTES:
            raise ValidationError([f"{source.name} is too large to be a report"])
        return source.read_bytes()
    except OSError as exc:
        raise LscpAuditError(f"cannot read {source} ({exc.strerror or type(exc).__name__})") from exc


class SignOffService:
    def __init__(self, vault: Any) -> None:
        self.identities = IdentityService(vault)

    def identities_to_sign_with(self) -> list[IdentityInfo]:
        """This vault's signing identities, the default first (who may sign off here)."""
        default = self.identities.default()
        found = self.identities.list_identities()
        return sorted(found, key=lambda i: (default is None or i.id != default.id, i.name.casefold()))

    def preview(self, source: Path | str, *, password: str | None = None) -> SignOffPreview:
        """Read and check the return at `source` without signing: what it is, its signatures and
        every reason it cannot be signed off. Raises `LscpAuditError` when it cannot be read."""
        source = Path(source)
        pdf = _read(source)
        result = verify_pdf_bytes(pdf, password=password)
        data = result.data or {}
        return SignOffPreview(
            path=source,
            report_id=_text(data, "report", "id"),
            template_title=_text(data, "template", "title") or _text(data, "template", "id"),
            organisation=_text(data, "subject", "agency")
            or _text(data, "round", "agency_label")
            or _text(data, "auditor", "agency"),
            signatures=result.signatures,
            problems=tuple(self._problems(result)),
        )

    def check(self, pdf: bytes, *, password: str | None = None) -> list[str]:
        """Why this PDF cannot be signed off by a senior lead (empty when it can)."""
        return self._problems(verify_pdf_bytes(pdf, password=password))

    @staticmethod
    def _problems(result: VerificationResult) -> list[str]:
        if not result.ok():
            return [f"the return cannot be signed off: {reason}" for reason in result.reasons()]
        problems = []
        kind = str(((result.data or {}).get("template") or {}).get("kind") or "")
        if kind != SELF_ASSESSMENT_KIND:
            problems.append("only a Section 11 self-assessment is signed off by a senior lead")
        roles = [s.role for s in result.signatures]
        if SENIOR_LEAD in roles:
            problems.append("the senior lead has already signed this return")
        if COUNTERSIGNER in roles:
            problems.append("the QA moderator has already countersigned it; the senior lead signs before that")
        return problems

    def sign_off(
        self,
        source: Path | str,
        destination: Path | str,
        *,
        identity_id: str | None = None,
        password: str | None = None,
        reason: str = LEAD_REASON,
        location: str = "",
        role: str | None = None,
    ) -> SignOffResult:
        """Sign the return at `source` as its senior lead with this vault's identity (the default
        or `identity_id`) and write the result to `destination`. `role` replaces the identity's
        role in the signature's stamp (for example ``Chief Nurse, for the board``). Raises
        `ValidationError` with every reason it cannot be signed off, `SigningFailed` when signing
        fails."""
        source, destination = Path(source), Path(destination)
        pdf = _read(source)
        problems = self.check(pdf, password=password)
        if destination.resolve() == source.resolve():
            problems.append("write the signed-off return to a new file, not over the one being signed")
        if problems:
            raise ValidationError(problems)
        signer = self.identities.signer(identity_id)
        if role is not None and role.strip():
            signer = replace(signer, role=role.strip())
        signed = sign_as_senior_lead(pdf, signer, reason=reason, location=location, password=password)
        after = verify_pdf_bytes(signed, password=password)
        if not after.ok() or [s.role for s in after.signatures][-1] != SENIOR_LEAD:
            raise SigningFailed(
                "the signed-off return did not verify; nothing was written: " + "; ".join(after.reasons())
            )
        save_file(destination, signed, "the signed-off return")
        report_id = str(((after.data or {}).get("report") or {}).get("id") or "")
        log.info("report %s signed off by its senior lead", report_id)
        return SignOffResult(
            destination, report_id, after.signatures[0].signer, after.signatures[-1].signer, after.signatures
        )


__all__ = [
    "AUDITOR",
    "COUNTERSIGNER",
    "SENIOR_LEAD",
    "SignOffPreview",
    "SignOffResult",
    "SignOffService",
    "SignatureReport",
]
