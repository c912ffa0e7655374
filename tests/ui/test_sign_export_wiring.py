"""Sign and export from the dialog with its real services: success with the progress dialog
shown is reported as success, and an auditor without a signing identity can set one up from
the dialog (real modal dialogs, nothing replaced)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.settings_service import PersonalDetails, SettingsService
from lscp_audit.ui import ops
from lscp_audit.ui.identity.identity_page import CreateIdentityDialog, IdentityDialog
from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog
from tests.reports.sample_audit import make_vault, stored_audit, yaml_template
from tests.ui.modal import when_modal


@pytest.fixture()
def vault(tmp_path: Path) -> Iterator[Any]:
    v = make_vault(tmp_path / "vault.lscp")
    v.audits.create(stored_audit(yaml_template()), "test")
    yield v
    v.close()


def test_export_with_the_progress_dialog_shown_is_reported_as_success(
    qtbot: QtBot, vault: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops.set_synchronous(False)
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)  # the progress dialog is up for the whole export
    IdentityService(vault).create("Ama Mensah", "Designated nurse", "NHS Trust")
    dialog = SignExportDialog(ReportService(vault, actor="Ama Mensah"), "a-0001", directory=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.preview.pixmap().isNull() or "preview" not in dialog.preview.text().lower())
    # Hold the vault worker so the progress dialog is up before the export starts, then let the
    # export run to the end while the GUI thread waits: every progress signal and the result
    # are queued together, as when the GUI thread is busy (or the machine slow) during an export.
    gate = threading.Event()
    ops.BackgroundOp(parent=None, op=lambda _ctx: gate.wait(30)).run()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    )
    gate.set()
    assert ops.wait_for_all()
    qtbot.waitUntil(lambda: dialog.status.text() != "Signing…", timeout=30_000)
    qtbot.wait(100)  # anything still queued arrives now
    assert dialog.status.text().startswith("Signed report"), dialog.status.text()
    assert dialog.export_result is not None and dialog.export_result.path.exists()
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_without_an_identity_the_export_dialog_sets_one_up(qtbot: QtBot, vault: Any, tmp_path: Path) -> None:
    settings = SettingsService(vault)
    settings.set_personal(PersonalDetails("Ama Mensah", "Designated nurse", "NHS Trust"))
    identities = IdentityService(vault)

    def set_up(parent: Any) -> None:
        IdentityDialog(identities, settings, parent).exec()

    dialog = SignExportDialog(ReportService(vault), "a-0001", directory=tmp_path, identity_setup=set_up)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.sign_button.isEnabled() and dialog.identity_button.isVisible()
    assert "Settings → Identity" in dialog.signer.text()
    seen: dict[str, str] = {}

    def fill_create(create: CreateIdentityDialog) -> None:
        seen["prefilled"] = f"{create.name.text()}|{create.role.text()}|{create.agency.text()}"
        create.create_button.click()

    def on_identity_page(page_dialog: IdentityDialog) -> None:
        when_modal(CreateIdentityDialog, fill_create)
        page_dialog.page.create_button.click()  # opens the create dialog (modal) and waits for it
        seen["signer"] = page_dialog.page.signer.text()
        seen["fingerprint"] = page_dialog.page.fingerprint.text()
        seen["expires"] = page_dialog.page.expires.text()
        page_dialog.accept()

    when_modal(IdentityDialog, on_identity_page)
    qtbot.mouseClick(dialog.identity_button, Qt.MouseButton.LeftButton)
    assert seen["prefilled"] == "Ama Mensah|Designated nurse|NHS Trust"
    assert seen["signer"].startswith("Ama Mensah, Designated nurse, NHS Trust")
    assert seen["fingerprint"].count(":") == 30 and "(in " in seen["expires"]
    assert dialog.sign_button.isEnabled() and not dialog.identity_button.isVisible()
    assert dialog.signer.text() == "Ama Mensah, Designated nurse, NHS Trust"
