"""SignOffService: the senior lead's second signature on a Section 11 return (Qt-free).

A Section 11 self-assessment is signed twice. Whoever completed it exports it (the first,
certifying signature, `ReportService.export`); the agency's senior lead then signs the empty
senior lead field of that PDF with their own identity, as an incremental update
(`reports.signing.sign_as_senior_lead`). Both signatures cover the whole document as it was when
each was made, and `verify` shows and checks both. The QA moderator's countersignature, if any,
comes after the senior lead's.

`sign_off` checks the PDF first (intact, wholly covered, a Section 11 return, not yet signed
off, not yet countersigned), signs, checks the result again with the same verifier, and only
then writes it atomically. The input file is never changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.reports.signing import LEAD_REASON, SigningFailed, sign_as_senior_lead
from lscp_audit.reports.verification import COUNTERSIGNER, SENIOR_LEAD, verify_pdf_bytes
from lscp_audit.services.identity_service import IdentityService

log = logging.getLogger(__name__)
SELF_ASSESSMENT_KIND = "agency_self_assessment"
MAX_PDF_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SignOffResult:
    path: Path
    report_id: str
    completed_by: str  # who signed first (the certificate's name)
    senior_lead: str  # who signed second


class SignOffService:
    def __init__(self, vault: Any) -> None:
        self.identities = IdentityService(vault)

    def check(self, pdf: bytes, *, password: str | None = None) -> list[str]:
        """Why this PDF cannot be signed off by a senior lead (empty when it can)."""
        result = verify_pdf_bytes(pdf, password=password)
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
    ) -> SignOffResult:
        """Sign the return at `source` as its senior lead with this vault's identity (the default
        or `identity_id`) and write the result to `destination`. Raises `ValidationError` with
        every reason it cannot be signed off, `SigningFailed` when signing fails."""
        source, destination = Path(source), Path(destination)
        try:
            if source.stat().st_size > MAX_PDF_BYTES:
                raise ValidationError([f"{source.name} is too large to be a report"])
            pdf = source.read_bytes()
        except OSError as exc:
            raise LscpAuditError(f"cannot read {source} ({exc.strerror or type(exc).__name__})") from exc
        problems = self.check(pdf, password=password)
        if problems:
            raise ValidationError(problems)
        signer = self.identities.signer(identity_id)
        signed = sign_as_senior_lead(pdf, signer, reason=reason, location=location, password=password)
        after = verify_pdf_bytes(signed, password=password)
        if not after.ok() or [s.role for s in after.signatures][-1] != SENIOR_LEAD:
            raise SigningFailed(
                "the signed-off return did not verify; nothing was written: " + "; ".join(after.reasons())
            )
        if destination.resolve() == source.resolve():
            raise ValidationError(["write the signed-off return to a new file, not over the one being signed"])
        atomic_write_bytes(destination, signed)
        report_id = str(((after.data or {}).get("report") or {}).get("id") or "")
        log.info("report %s signed off by its senior lead", report_id)
        return SignOffResult(destination, report_id, after.signatures[0].signer, after.signatures[-1].signer)
