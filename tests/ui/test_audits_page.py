"""The audits table model (checked by pytest-qt's model tester) and the Audits page filters,
which are evaluated in SQL by the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus, AuditSummary
from lscp_audit.services.audit_service import AuditService
from lscp_audit.ui.audits.audits_page import AuditsPage
from lscp_audit.ui.audits.table_model import (
    COL_STATUS,
    COL_UPDATED,
    AuditRole,
    AuditSortProxyModel,
    AuditTableModel,
    SortRole,
)
from tests.ui.conftest import new_audit


def summaries(count: int) -> list[AuditSummary]:
    statuses = list(AuditStatus)
    return [
        AuditSummary(
            id=f"id{i}",
            case_reference=f"CS-{i:04d}",
            title=f"Audit {i}",
            template_id="ui-all-types",
            template_title="UI test audit",
            agency="Police" if i % 2 else "Health",
            auditor="A. Auditor",
            status=statuses[i % len(statuses)],
            judgement="good" if i % 3 else None,
            updated_at=f"2026-11-{1 + i % 28:02d}T10:00:00+00:00",
        )
        for i in range(count)
    ]


def test_table_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = AuditTableModel()
    model.set_rows(summaries(25))
    qtmodeltester.check(model)
    proxy = AuditSortProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(COL_STATUS)
    qtmodeltester.check(proxy)


def test_model_shows_words_and_sorts_by_role() -> None:
    model = AuditTableModel()
    model.set_rows(summaries(3))
    assert model.index(1, COL_STATUS).data() == "Complete"
    assert model.index(1, COL_UPDATED).data() == "2 Nov 2026"
    assert model.index(0, COL_STATUS).data(SortRole) < model.index(1, COL_STATUS).data(SortRole)
    assert model.index(2, 0).data(AuditRole).id == "id2"


def test_page_filters_in_sql_and_explains_empty_states(qtbot: QtBot, audit_service: AuditService) -> None:
    page = AuditsPage(audit_service)
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.empty  # nothing yet: explains what to do first
    ids = [new_audit(audit_service, case_reference=f"CS-{n:04d}") for n in range(1, 4)]
    page.reload()
    assert page.proxy.rowCount() == 3 and page.stack.currentWidget() is page.table
    page.filters.search.setText("cs-0002")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    assert page.proxy.index(0, 0).data() == "CS-0002"
    page.filters.search.setText("no such case")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.no_match)
    page.filters.clear()
    assert page.proxy.rowCount() == 3
    page.filters.status.setCurrentIndex(page.filters.status.findData("draft"))
    assert page.proxy.rowCount() == 3
    page.filters.status.setCurrentIndex(page.filters.status.findData("complete"))
    assert page.proxy.rowCount() == 0
    template = page.filters.template.findData("ui-all-types")
    page.filters.clear()
    page.filters.template.setCurrentIndex(template)
    assert page.proxy.rowCount() == 3
    with qtbot.waitSignal(page.open_requested, check_params_cb=lambda audit_id: audit_id in ids):
        page.table.setCurrentIndex(page.proxy.index(0, 0))
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
