"""Judgements on screen come from the template's declared scale: its labels, colours and text
markers in the editor, on the review page and in the audits list (a 5-point Ofsted and a Met /
Partly met scale here), and a draft's judgements say "Provisional" until every graded question
they depend on is answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.audits.audits_page import AuditsPage
from lscp_audit.ui.audits.table_model import COL_JUDGEMENT, AuditRole
from lscp_audit.ui.editor.editor_page import EditorPage
from tests.ui.test_editor_reading import shown_page

SCALES = Path(__file__).resolve().parent.parent / "core" / "fixtures" / "scales"
FIVE = "scale-ofsted-2025-5"
MET = "scale-met-partly-not-met"


@pytest.fixture
def service(vault_service: VaultService, tmp_path: Path) -> AuditService:
    templates = TemplateService(shipped_dir=SCALES, user_dir=tmp_path / "user-templates")
    return AuditService.for_vault(vault_service.vault, templates, actor="Test Auditor")


def _new(service: AuditService, template_id: str, reference: str) -> str:
    return service.new_audit(template_id, {"case_reference": reference}).id


def _review_line(page: EditorPage, title: str) -> QLabel:
    page.show_review()
    found = [
        label
        for label in page.review.judgements.findChildren(QLabel)
        if label.accessibleName().startswith(f"{title}: ")
    ]
    assert len(found) == 1, [label.accessibleName() for label in page.review.judgements.findChildren(QLabel)]
    return found[0]


def test_draft_judgements_are_provisional_until_every_graded_question_is_answered(
    qtbot: QtBot, service: AuditService
) -> None:
    audit_id = _new(service, FIVE, "AB-0001")
    service.save_answer(audit_id, "grade1", "strong_standard")
    page = shown_page(qtbot, service, audit_id)
    page.go_to_section("theme1")
    page._refresh_section_judgement()
    section = page.stack.page("theme1", None).judgement
    # theme 1's only graded question is answered: not provisional; the 5-point scale's own words
    assert section.accessibleName().startswith("Section judgement: [4] Strong standard. Rule:")
    assert 'color:#2e7d32"><b>[4]</b></span> Strong standard' in section.text()
    overall = _review_line(page, "Overall judgement")
    assert overall.accessibleName().startswith(
        "Overall judgement: Derived: Provisional: [4] Strong standard (until every graded question is answered)."
    )
    assert "<i>Provisional:</i>" in overall.text()
    theme2 = _review_line(page, "Theme 2")
    assert theme2.accessibleName().startswith("Theme 2: Derived: Provisional: Not enough answers yet")
    for qid, code in (("grade2", "exceptional"), ("grade3", "needs_attention")):
        service.save_answer(audit_id, qid, code)
    page.reload()
    overall = _review_line(page, "Overall judgement")
    assert overall.accessibleName().startswith("Overall judgement: Derived: [4] Strong standard. Rule:")
    assert "Provisional" not in overall.text()


def test_a_completed_audit_is_never_shown_provisional(qtbot: QtBot, service: AuditService) -> None:
    audit_id = _new(service, MET, "AB-0002")
    service.save_answer(audit_id, "grade1", "partly_met")
    service.complete(audit_id)  # nothing is required in the self-test template
    assert service.open_audit(audit_id).record.status == AuditStatus.COMPLETE
    page = shown_page(qtbot, service, audit_id)
    overall = _review_line(page, "Overall judgement")
    assert overall.accessibleName().startswith("Overall judgement: Derived: [PM] Partly met. Rule:")


def test_audits_list_shows_each_templates_scale_and_sorts_best_first(qtbot: QtBot, service: AuditService) -> None:
    five = _new(service, FIVE, "AB-0003")
    for qid in ("grade1", "grade2", "grade3"):
        service.save_answer(five, qid, "urgent_improvement")
    met = _new(service, MET, "AB-0004")
    service.save_answer(met, "grade1", "met")
    page = AuditsPage(service)
    qtbot.addWidget(page)
    rows = {
        page.proxy.index(r, 0).data(AuditRole).id: page.proxy.index(r, COL_JUDGEMENT)
        for r in range(page.proxy.rowCount())
    }
    assert rows[five].data() == "[1] Urgent improvement (provisional)"
    assert rows[met].data() == "[M] Met (provisional)"
    swatch = rows[five].data(Qt.ItemDataRole.DecorationRole)
    assert swatch is not None and swatch.toImage().pixelColor(5, 5).name() == "#b71c1c"
    page.proxy.sort(COL_JUDGEMENT, Qt.SortOrder.AscendingOrder)  # best first: Met before Urgent improvement
    order = [page.proxy.index(r, 0).data(AuditRole).id for r in range(page.proxy.rowCount())]
    assert order.index(met) < order.index(five)
