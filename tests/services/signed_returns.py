"""Distinct signed returns for inbox tests: `count` audits of the sample template in one
auditor's vault, each exported and signed for real (about 0.15 s each)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ExportOptions, ReportService
from tests.reports.sample_audit import NAMES, make_vault, stored_audit, yaml_template


@dataclasses.dataclass(frozen=True)
class SignedReturns:
    files: list[Path]  # one signed return per audit, all by the default identity
    other_signer: Path  # audit 0 signed by a second identity (for quarantine or conflicts)
    pem: str  # the default identity's certificate
    other_pem: str


def make_signed_returns(folder: Path, count: int) -> SignedReturns:
    vault = make_vault(folder / "auditor.lscp")
    try:
        template = yaml_template()
        base = stored_audit(template)
        for n in range(count):
            vault.audits.create(dataclasses.replace(base, id=f"a-{n:04d}"), "test", template_title="Neglect audit")
        identities = IdentityService(vault)
        other = identities.create(NAMES["turkish"], "Designated nurse", "Health (ICB)", make_default=False)
        identities.create(NAMES["polish"], "DSL", "Testshire Council", make_default=True)
        reports = ReportService(vault, actor="test")
        files = [reports.export(f"a-{n:04d}", folder / f"return-{n:02d}.pdf").path for n in range(count)]
        options: Any = ExportOptions(identity_id=other.id)
        other_signer = reports.export("a-0000", folder / "other-signer.pdf", options).path
        return SignedReturns(
            files,
            other_signer,
            identities.export_certificate_pem(),
            identities.export_certificate_pem(other.id),
        )
    finally:
        vault.close()
