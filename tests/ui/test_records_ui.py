"""Settings → Records from the real main window, nothing replaced: the plan lists what goes and
when, a legal hold placed through its dialog keeps a record, the purge asks first (listing what
goes) and deletes only what is due, the export log and a disclosure pack."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QInputDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import NotFound
from lscp_audit.core.records import ExportKind, ExportRecord, HoldTarget
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.records.records_page import HoldDialog, RecordsPage
from lscp_audit.ui.shell import build_main_window
from tests.storage.conftest import make_record
from tests.ui.modal import check, when_modal

LONG_AGO = (datetime.now(UTC) - timedelta(days=4000)).isoformat()


def _seed(vault_service: VaultService) -> None:
    audits = vault_service.vault.audits
    for audit_id, ref in (("old-1", "DA-2015-001"), ("old-2", "DA-2015-002")):
        audits.create(make_record(audit_id, case_reference=ref), "tester")
        audits.set_status(audit_id, AuditStatus.COMPLETE, "tester", completed_at=LONG_AGO)
    audits.create(make_record("recent", case_reference="DA-2026-003"), "tester")
    audits.set_status("recent", AuditStatus.COMPLETE, "tester", completed_at=datetime.now(UTC).isoformat())
    vault_service.vault.export_log.record(
        ExportRecord(ExportKind.REPORT_PDF, "/shared/returns/report-R-1.pdf", "password (AES-256)", "Ann Auditor",
                     case_reference="DA-2015-001")
    )  # fmt: skip


def _records_page(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> RecordsPage:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service)
    window.show_area("settings")
    settings = window.shell.settings_page
    assert settings is not None and settings.records is not None
    titles = [settings.tabs.tabText(i) for i in range(settings.tabs.count())]
    assert "&Records" in titles
    settings.tabs.setCurrentIndex(titles.index("&Records"))
    return settings.records


def _column(page: RecordsPage, table_name: str, column: int) -> list[str]:
    table = getattr(page, table_name)
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_hold_purge_and_export_log_from_the_main_window(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService, tmp_path: Path
) -> None:
    _seed(vault_service)
    page = _records_page(qtbot, vault_service, template_service)
    states = dict(zip(_column(page, "plan_table", 1), _column(page, "plan_table", 4), strict=True))
    assert states == {
        "Audit DA-2015-001": "Due now",
        "Audit DA-2015-002": "Due now",
        "Audit DA-2026-003": "Not yet due",
        "Export of /shared/returns/report-R-1.pdf (DA-2015-001)": "Not yet due",
    }
    assert _column(page, "export_table", 2) == ["/shared/returns/report-R-1.pdf"]

    def fill_hold(dialog: HoldDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(HoldTarget.CASE_REFERENCE))
        dialog.target.setText("DA-2015-001")
        dialog.reason.setPlainText("Case review in progress")
        dialog.accept()

    placed = when_modal(HoldDialog, fill_hold)
    page.place_hold_button.click()
    check(placed)
    assert "Legal hold placed" in page.status.text() and page.status.accessibleName() == page.status.text()
    assert _column(page, "holds_table", 1) == ["DA-2015-001"]
    states = dict(zip(_column(page, "plan_table", 1), _column(page, "plan_table", 4), strict=True))
    assert states["Audit DA-2015-001"] == "Kept: legal hold (Case review in progress)"

    seen: list[str] = []

    def cancel(box: QMessageBox) -> None:
        seen.append(box.text() + "\n" + box.detailedText())
        box.button(QMessageBox.StandardButton.Cancel).click()

    cancelled = when_modal(QMessageBox, cancel)
    page.purge_button.click()
    check(cancelled)
    assert "1 completed audits" in seen[0] and "kept because of a legal hold" in seen[0]
    assert "DA-2015-002" in seen[0] and "DA-2026-003" not in seen[0]
    assert vault_service.vault.audits.exists("old-2")

    def delete(box: QMessageBox) -> None:
        box.findChild(QCheckBox).setChecked(True)  # replace the backups too
        next(b for b in box.findChildren(QPushButton) if "Delete permanently" in b.text().replace("&", "")).click()

    vault_service.backup()
    confirmed = when_modal(QMessageBox, delete)
    page.purge_button.click()
    check(confirmed)
    assert "Deleted 1 audit(s)" in page.status.text() and "fresh backup" in page.status.text()
    try:
        vault_service.vault.audits.get("old-2")
        raise AssertionError("old-2 should have been purged")
    except NotFound:
        pass
    assert vault_service.vault.audits.exists("old-1") and vault_service.vault.audits.exists("recent")
    assert len(vault_service.list_backups()) == 1
    assert not page.purge_button.isEnabled() and page.purge_button.toolTip()

    page.holds_table.selectRow(0)
    assert page.release_hold_button.isEnabled()

    def reason(dialog: QInputDialog) -> None:
        dialog.setTextValue("Review closed")
        dialog.accept()

    released = when_modal(QInputDialog, reason)
    page.release_hold_button.click()
    check(released)
    assert "released" in page.status.text() and page.holds_table.rowCount() == 0
    page.show_released.setChecked(True)
    assert _column(page, "holds_table", 4)[0].startswith("Released")


def test_disclosure_pack_from_the_records_tab(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService, tmp_path: Path
) -> None:
    _seed(vault_service)
    page = _records_page(qtbot, vault_service, template_service)
    page.disclosure_button.click()
    assert "Type the case reference" in page.status.text()
    out = tmp_path / "pack"
    out.mkdir()
    page.case_field.setText("DA-2015-001")

    def pick_folder(dialog: QFileDialog) -> None:
        dialog.setDirectory(str(out))
        dialog.selectFile(str(out))
        dialog.accept()

    chosen = when_modal(QFileDialog, pick_folder)
    page.disclosure_button.click()
    check(chosen)
    qtbot.waitUntil(lambda: "Disclosure pack" in page.status.text(), timeout=20_000)
    [json_file] = out.glob("*.json")
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert [a["id"] for a in data["audits"]] == ["old-1"] and len(data["exports"]) == 1
    assert {e.kind for e in vault_service.vault.export_log.list()} == {
        ExportKind.REPORT_PDF,
        ExportKind.DISCLOSURE_PACK,
    }
    assert "disclosure-pack" in _column(page, "export_table", 2)[0]
