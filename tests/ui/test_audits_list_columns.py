"""The audits list tells revisions apart, names the organisation of a Section 11 return, filters
by the agencies in the case, marks a draft's judgement as provisional, and Tab leaves the date
filters."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import Auditor
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.audits.audits_page import AuditsPage
from lscp_audit.ui.audits.table_model import (
    COL_AGENCIES,
    COL_AUDITOR,
    COL_CASE_REFERENCE,
    COL_JUDGEMENT,
    COL_REVISION,
    COL_STATUS,
    AuditRole,
)
from tests.conftest import REPO_ROOT
from tests.ui.conftest import new_audit


def _rows(page: AuditsPage, column: int) -> list[str]:
    return [page.proxy.index(row, column).data() for row in range(page.proxy.rowCount())]


def _by_id(page: AuditsPage, audit_id: str, column: int) -> str:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data(AuditRole).id == audit_id:
            return str(page.proxy.index(row, column).data())
    raise AssertionError(audit_id)


def _complete(service: AuditService, audit_id: str) -> None:
    service.save_answer(audit_id, "q_yes", "yes")
    service.save_answer(audit_id, "q_single", "school")
    service.save_answer(audit_id, "q_grade", "good")
    for agency in ("police", "health"):
        service.save_answer(audit_id, "q_agency_grade", "good", agency=agency)
    service.complete(audit_id)


def test_revisions_have_their_own_column(qtbot: QtBot, audit_service: AuditService) -> None:
    first = new_audit(audit_service)
    _complete(audit_service, first)
    second = audit_service.amend(first).id
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    assert _rows(page, COL_CASE_REFERENCE) == ["CS-0412", "CS-0412"]
    assert (_by_id(page, first, COL_REVISION), _by_id(page, second, COL_REVISION)) == ("1", "2")
    assert (_by_id(page, first, COL_STATUS), _by_id(page, second, COL_STATUS)) == ("Amended", "Draft")
    header = page.model.headerData(COL_REVISION, Qt.Orientation.Horizontal)
    assert header == "Revision"


def test_draft_judgement_is_marked_provisional(qtbot: QtBot, audit_service: AuditService) -> None:
    draft = new_audit(audit_service)
    audit_service.save_answer(draft, "q_grade", "requires_improvement")
    done = new_audit(audit_service, case_reference="CS-0413")
    _complete(audit_service, done)
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    # the label and text marker of the template's judgement scale (the built-in grade scale here)
    assert _by_id(page, draft, COL_JUDGEMENT) == "[RI] Requires improvement (provisional)"
    assert _by_id(page, done, COL_JUDGEMENT) == "[G] Good"
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data(AuditRole).id == draft)
    index = page.proxy.index(row, COL_JUDGEMENT)
    assert "answers so far" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.FontRole).italic()


def test_agency_filter_matches_the_agencies_in_the_case(qtbot: QtBot, audit_service: AuditService) -> None:
    police_case = audit_service.new_audit(
        "ui-all-types",
        {"case_reference": "CS-0001", "agencies": ["police", "school"]},
        auditor=Auditor("Ann", "", "Health"),
    ).id
    health_case = audit_service.new_audit(
        "ui-all-types", {"case_reference": "CS-0002", "agencies": ["health"]}, auditor=Auditor("Bo", "", "Health")
    ).id
    by_police_auditor = audit_service.new_audit(
        "ui-all-types", {"case_reference": "CS-0003", "agencies": ["school"]}, auditor=Auditor("Cy", "", "Police")
    ).id
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    assert _by_id(page, police_case, COL_AGENCIES) == "Police, School"  # names, not codes
    assert _by_id(page, police_case, COL_AUDITOR) == "Ann (Health)"
    combo = page.filters.agency
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["All agencies", "Health", "Police", "School"]
    combo.setCurrentIndex(labels.index("Police"))
    shown = {page.proxy.index(r, 0).data(AuditRole).id for r in range(page.proxy.rowCount())}
    assert shown == {police_case, by_police_auditor}  # in the case, or the auditor's agency
    combo.setCurrentIndex(labels.index("Health"))
    shown = {page.proxy.index(r, 0).data(AuditRole).id for r in range(page.proxy.rowCount())}
    assert shown == {police_case, health_case}


def test_section_11_rows_show_the_organisation(qtbot: QtBot, vault_service: VaultService, tmp_path: Path) -> None:
    templates = TemplateService(shipped_dir=REPO_ROOT / "forms", user_dir=tmp_path / "user-templates")
    service = AuditService.for_vault(vault_service.vault, templates, actor="Test Auditor")
    subject = {
        "agency": "community_health",  # chosen from the partnership's agencies register
        "sector": "health",
        "lead_officer": "Chief Nurse",
        "completed_by": "Named Nurse",
        "areas_covered": "Northshire and Southshire",
        "assessment_start": "2024-04-01",
        "assessment_end": "2026-03-31",
    }
    audit_id = service.new_audit("section-11-self-assessment", subject).id
    page = AuditsPage(service)
    qtbot.addWidget(page)
    assert _by_id(page, audit_id, COL_CASE_REFERENCE) == "Community health services"  # its name, not its code
    header = page.model.headerData(COL_CASE_REFERENCE, Qt.Orientation.Horizontal)
    assert header == "Case or organisation"


def test_tab_leaves_the_date_filters(qtbot: QtBot, audit_service: AuditService) -> None:
    new_audit(audit_service)
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.filters.date_from.setFocus()
    stops: list[QWidget] = []
    for _ in range(6):
        widget = QApplication.focusWidget()
        assert widget is not None
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert stops[:2] == [page.filters.date_from, page.filters.date_to]
    assert page.new_button in stops and page.open_button in stops and page.table in stops
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Backtab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is page.filters.date_to  # Shift+Tab goes back through too
    qtbot.keyClick(page.filters.date_to, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is page.filters.date_from


def test_filters_wrap_instead_of_widening_the_window(qtbot: QtBot, audit_service: AuditService) -> None:
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    assert page.minimumSizeHint().width() < 600  # large text on a small screen still fits
    page.resize(560, 480)
    page.show()
    qtbot.waitExposed(page)
    filters = page.filters
    assert filters.date_to.geometry().bottom() <= filters.height()  # wrapped rows are inside the bar
    assert (
        filters.date_from.mapTo(page, filters.date_from.rect().topLeft()).y()
        > filters.status.mapTo(page, filters.status.rect().topLeft()).y()
    )
    assert all(w.visibleRegion().boundingRect().width() == w.width() for w in (filters.status, filters.date_to))


def test_date_filters_take_typed_dates(qtbot: QtBot, audit_service: AuditService) -> None:
    import datetime as dt

    new_audit(audit_service)
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    date_from = page.filters.date_from
    assert date_from.placeholderText() == "Any" and page.proxy.rowCount() == 1
    qtbot.keyClicks(date_from, tomorrow.strftime("%d/%m/%Y"))
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.no_match)
    date_from.clear()
    qtbot.keyClicks(date_from, f"{today.day} {today:%b %Y}")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    qtbot.keyClicks(page.filters.date_to, "31/02/2026")  # not a date: ignored, and said so
    qtbot.keyClick(page.filters.date_to, Qt.Key.Key_Tab)
    assert page.filters.date_to.error() and "✖" in page.filters.date_to.toolTip()
    assert page.proxy.rowCount() == 1
    page.filters.clear()
    assert date_from.text() == "" and page.filters.current_filter(page._sort[0], True, None).updated_from is None
