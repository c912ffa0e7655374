"""The retention purge on the vault settings page: lists what is past retention, needs an explicit
destructive confirmation, and deletes only then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import NotFound
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from lscp_audit.ui.vault.backups_page import BackupsPage
from tests.storage.conftest import MemoryKeyring, make_record

PASS = "correct horse battery staple 42"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[VaultService]:
    service = VaultService(tmp_path / "vault.lscp", keystore=KeyStore(MemoryKeyring()), kdf_policy=TEST_POLICY)
    service.create(PASS, use_keychain=False)
    audits = service.vault.audits
    audits.create(make_record("old", case_reference="DA-2019-001"), "tester")
    audits.create(make_record("recent", case_reference="DA-2026-002"), "tester")
    long_ago = (datetime.now(UTC) - timedelta(days=800)).isoformat()
    audits.set_status("old", AuditStatus.COMPLETE, "tester", completed_at=long_ago)
    audits.set_status("recent", AuditStatus.COMPLETE, "tester", completed_at=datetime.now(UTC).isoformat())
    service.set_retention_days(365)
    yield service
    service.lock()


def _answer_with(monkeypatch: pytest.MonkeyPatch, role: QMessageBox.ButtonRole) -> list[str]:
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text() + "\n" + box.detailedText())
        for button in box.buttons():
            if box.buttonRole(button) == role:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


def test_cancel_keeps_everything(qtbot: QtBot, service: VaultService, monkeypatch: pytest.MonkeyPatch) -> None:
    page = BackupsPage(service)
    qtbot.addWidget(page)
    shown = _answer_with(monkeypatch, QMessageBox.ButtonRole.RejectRole)
    page.purge_button.click()
    assert "1 completed audit(s)" in shown[0] and "DA-2019-001" in shown[0] and "DA-2026-002" not in shown[0]
    assert service.vault.audits.get("old").id == "old"


def test_confirmed_purge_deletes_only_audits_past_retention(
    qtbot: QtBot, service: VaultService, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = BackupsPage(service)
    qtbot.addWidget(page)
    _answer_with(monkeypatch, QMessageBox.ButtonRole.DestructiveRole)
    page.purge_button.click()
    assert "1 audit(s) deleted" in page.status.text()
    with pytest.raises(NotFound):
        service.vault.audits.get("old")
    assert service.vault.audits.get("recent").id == "recent"
    page.purge_button.click()
    assert "No completed audits are older than the retention period (12 months)" in page.status.text()
