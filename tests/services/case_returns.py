"""Real signed returns for one case from three agencies (and one for another case), made by an
auditor's vault with one signing identity per agency, for the return view and case view tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from lscp_audit.core.audit import Answer, Auditor
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ExportOptions, ReportService
from tests.reports.sample_audit import CANARY, NAMES, make_vault, stored_audit, yaml_template

OTHER_CASE = "CASE-other1"
#: (audit id, auditor name, agency, early-help grade, key finding) for the three agencies' returns.
AGENCY_RETURNS = (
    ("a-0101", NAMES["polish"], "Police", "good", "Police shared the domestic abuse notification within a day."),
    ("a-0102", NAMES["turkish"], "Health (ICB)", "inadequate", "The GP record did not note the child's voice."),
    ("a-0103", NAMES["greek"], "Children's social care", "requires_improvement", "The plan named no outcomes."),
)


@dataclass(frozen=True)
class CaseReturns:
    """Signed PDFs (one per agency, in `AGENCY_RETURNS` order, plus `other` for another case),
    every signer's certificate PEM and the agency returns' report ids."""

    pdfs: tuple[Path, ...]
    other: Path
    pems: tuple[str, ...]
    report_ids: tuple[str, ...]


def _answers(grade: str, finding: str, base: tuple[Answer, ...]) -> tuple[Answer, ...]:
    changed = []
    for answer in base:
        if answer.question_id == "eh_quality":
            answer = replace(answer, value=grade, warning_reason=None if grade == "good" else answer.warning_reason)
        elif answer.question_id == "key_findings":
            answer = replace(answer, value=finding)
        changed.append(answer)
    return tuple(changed)


def make_case_returns(folder: Path) -> CaseReturns:
    vault = make_vault(folder / "agencies.lscp")
    try:
        template = yaml_template()
        base = stored_audit(template)
        identities = IdentityService(vault)
        reports = ReportService(vault, actor="test")
        pdfs: list[Path] = []
        pems: list[str] = []
        report_ids: list[str] = []
        for audit_id, name, agency, grade, finding in AGENCY_RETURNS:
            audit = replace(
                base,
                id=audit_id,
                auditor=Auditor(name, "Safeguarding lead", agency),
                answers=_answers(grade, finding, base.answers),
            )
            vault.audits.create(audit, "test", template_title=template.title)
            identity = identities.create(name, "Safeguarding lead", agency, make_default=False)
            exported = reports.export(audit_id, folder / f"{audit_id}.pdf", ExportOptions(identity_id=identity.id))
            pdfs.append(exported.path)
            report_ids.append(exported.report_id)
            pems.append(identities.export_certificate_pem(identity.id))
        other = replace(base, id="a-0199", subject={**base.subject, "case_reference": OTHER_CASE})
        vault.audits.create(other, "test", template_title=template.title)
        other_pdf = reports.export("a-0199", folder / "other.pdf", ExportOptions(identity_id=identity.id)).path
        return CaseReturns(tuple(pdfs), other_pdf, tuple(pems), tuple(report_ids))
    finally:
        vault.close()


__all__ = ["AGENCY_RETURNS", "CANARY", "OTHER_CASE", "CaseReturns", "make_case_returns"]
