"""Audits started before scales could be declared keep working: their frozen template (format 1,
``type: grade`` and ``scale: grade``) names the built-in scale, in a real encrypted vault, after
the shipped template moved on to a declared scale and a limiting rule."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from lscp_audit.core.audit import Auditor
from lscp_audit.reports.embedded_data import validate
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault
from tests.services.conftest import FakeClock

LEGACY = Path(__file__).parent / "fixtures" / "legacy" / "was-not-brought-2026.1.yaml"
SHIPPED = Path(__file__).resolve().parents[2] / "forms" / "was-not-brought.yaml"
AGENCIES = ["gp", "hospital", "community_health", "dental", "health_visiting", "school_nursing"]
SUBJECT: dict[str, Any] = {
    "case_reference": "WNB-2026-042",
    "legal_status": "child_in_need",
    "agencies": AGENCIES,
    "audit_round": "2026 round 1",
    "period_start": "2025-04-01",
    "period_end": "2026-03-31",
    "age_band": "age_1_4",
}
#: The current template takes the round and locality from the partnership lists (the shipped
#: profile here: no rounds, one locality).
CURRENT_SUBJECT = {**{k: v for k, v in SUBJECT.items() if k != "audit_round"}, "locality": "partnership_area"}


def _service(vault: Vault, forms: Path) -> AuditService:
    catalogue = TemplateService(shipped_dir=forms, user_dir=forms / "no-user-templates")
    return AuditService(VaultAuditStore(vault), catalogue, actor="tester", clock=FakeClock())


def test_an_audit_frozen_with_the_old_template_format_reopens_and_reports(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(LEGACY, forms / "was-not-brought.yaml")
    key_bytes = RawKey.generate().bytes()  # closing a vault wipes its key object
    path = tmp_path / "vault.lscp"
    vault = Vault.create(path, RawKey(key_bytes), vault_id="legacy-vault", memory_security=False)
    try:
        service = _service(vault, forms)
        record = service.new_audit("was-not-brought", SUBJECT, auditor=Auditor("A. Auditor", "Named nurse", "Health"))
        audit_id = str(record.id)
        for question in ("rec_grade", "cur_grade", "fu_grade", "sh_grade"):
            service.save_answer(audit_id, question, "inadequate")
        for agency in AGENCIES:
            service.save_answer(audit_id, "ag_grade", "good", agency=agency)
    finally:
        vault.close()

    # The app is updated: the shipped template now declares ofsted_4 and a limiting rule.
    shutil.copy(SHIPPED, forms / "was-not-brought.yaml")
    vault = Vault.open(path, RawKey(key_bytes), memory_security=False)
    try:
        service = _service(vault, forms)
        opened = service.open_audit(audit_id)
        assert opened.template.version == "2026.1"
        assert opened.template.judgement_rules is not None and opened.template.judgement_rules.scale == "grade"
        assert opened.template.question("rec_grade").scale == "grade"
        overall = service.judgements(audit_id).overall
        # The frozen rule still decides this audit (an average that the agencies outvote), so a
        # signed report of it says tomorrow what it said yesterday.
        assert overall is not None and overall.value == "requires_improvement"
        assert overall.label == "Requires improvement"
        assert overall.rule_text.startswith("The overall judgement is the average of the section judgements")
        data = ReportService(vault, actor="tester").report_data(audit_id)
        validate(data)
        assert data["judgements"]["scale"] == "grade"
        assert [level["code"] for level in data["judgements"]["levels"]] == [
            "outstanding",
            "good",
            "requires_improvement",
            "inadequate",
        ]
        assert data["judgements"]["overall"]["label"] == "Requires improvement"
        assert data["grade_counts"] == {"outstanding": 0, "good": 6, "requires_improvement": 0, "inadequate": 4}

        # A new audit of the same case uses the new template and its limiting rule.
        fresh = service.new_audit(
            "was-not-brought", CURRENT_SUBJECT, auditor=Auditor("A. Auditor", "Named nurse", "Health")
        )
        for question in ("rec_grade", "cur_grade", "fu_grade", "sh_grade"):
            service.save_answer(str(fresh.id), question, "inadequate")
        for agency in AGENCIES:
            service.save_answer(str(fresh.id), "ag_grade", "good", agency=agency)
        new_overall = service.judgements(str(fresh.id)).overall
        assert new_overall is not None and new_overall.value == "inadequate"
        new_data = ReportService(vault, actor="tester").report_data(str(fresh.id))
        validate(new_data)
        assert new_data["judgements"]["scale"] == "ofsted_4"
        assert new_data["judgements"]["overall"]["rule"].startswith("Limiting judgement:")
        rec_wnb = next(q for s in new_data["sections"] for q in s["questions"] if q["id"] == "rec_wnb")
        assert rec_wnb["polarity"] == {
            "good": ["yes"],
            "concern": ["no"],
            "neutral": ["partly", "not_known", "not_applicable"],
        }
    finally:
        vault.close()
