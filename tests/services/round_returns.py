"""Real signed returns for a partnership round, made the way an agency makes them: a vault with
the test profile installed (as from a partnership pack), audits started "for round s11-2026",
completed and exported (signed). Police (north) and the youth club are signed by the auditor the
QA vault will trust; the GP return (north) by a signer it does not trust."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from lscp_audit.core.audit import Auditor
from lscp_audit.core.partnership import PartnershipProfile, parse_profile_text
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.report_service import ExportOptions, ReportService
from lscp_audit.services.template_service import TemplateService
from tests.services.conftest import make_vault

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "partnership"
TEMPLATE_FILES = ("round-case-audit.yaml", "round-agency-return.yaml")


def test_profile() -> PartnershipProfile:
    return parse_profile_text((FIXTURES / "profile.yaml").read_text(encoding="utf-8"), "profile.yaml")


test_profile.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def round_templates(folder: Path) -> TemplateService:
    """The two round fixture templates as a template folder of their own."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        shutil.copy(FIXTURES / name, folder / name)
    return TemplateService(shipped_dir=folder, user_dir=folder / "user")


def audit_service(vault: object, templates: TemplateService) -> AuditService:
    return AuditService(
        VaultAuditStore(vault), templates, actor="tester", partnership=PartnershipService(vault, templates).profile
    )


@dataclass(frozen=True)
class RoundReturns:
    files: dict[str, Path]  # agency code -> signed PDF
    trusted_pem: str  # the certificate the QA vault trusts (police and youth club returns)


def make_round_returns(folder: Path) -> RoundReturns:
    vault = make_vault(folder / "agency.lscp")
    try:
        PartnershipService(vault).install_profile(test_profile())
        audits = audit_service(vault, round_templates(folder / "forms"))
        identities = IdentityService(vault)
        other = identities.create("Dr Una Known", "GP lead", "Testshire GPs", make_default=False)
        identities.create("Pat Auditor", "Safeguarding lead", "Testshire Police", make_default=True)
        reports = ReportService(vault, actor="tester")
        files: dict[str, Path] = {}
        for agency, locality, identity in (
            ("police", "north", None),
            ("youth_club", "", None),
            ("gp", "north", other.id),
        ):
            subject = {"agency": agency, **({"locality": locality} if locality else {})}
            record = audits.new_audit("test-round-return", subject, auditor=Auditor("Pat Auditor"), round_id="s11-2026")
            audits.save_answer(record.id, "s1_rag", "green")
            audits.complete(record.id)
            options = ExportOptions(identity_id=identity)
            files[agency] = reports.export(record.id, folder / f"{agency}.pdf", options).path
        return RoundReturns(files, identities.export_certificate_pem())
    finally:
        vault.close()
