"""Importing a partnership pack in the app: from the real main window (File → Import partnership
pack…, by its keyboard shortcut), the real file dialog, the pack checked and installed on the
real worker threads, the fingerprint confirmed by keyboard; a tampered pack shows its reason and
cannot be installed."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from lscp_audit.core.partnership import Round, default_profile
from lscp_audit.reports import identity_certs
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.pack_service import PackService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui import ops
from lscp_audit.ui.packs.import_dialog import PackImportDialog, fingerprint_groups
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.templates_page import TemplatesPage
from tests.services.conftest import make_vault
from tests.ui.modal import check, choose_file, when_modal

MINI = Path(__file__).resolve().parent.parent / "services" / "fixtures" / "mini_audit.yaml"


@pytest.fixture
def pack(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A pack exported by a QA lead's vault (identity issued by the partnership root), and the
    root's fingerprint (64 hex digits)."""
    root = identity_certs.create_partnership_ca("Testshire")
    lead_templates = tmp_path / "lead-templates"
    lead_templates.mkdir()
    shutil.copy(MINI, lead_templates / "test-mini-audit.yaml")
    vault = make_vault(tmp_path / "lead.lscp")
    try:
        IdentityService(vault).create("Testshire QA lead", "QA lead", "Testshire LSCP", issuer=root)
        templates = TemplateService(shipped_dir=tmp_path / "none", user_dir=lead_templates)
        partnership = PartnershipService(vault, templates)
        partnership.save_profile(replace(default_profile(), name="Testshire Safeguarding Children Partnership"))
        partnership.create_round(Round(id="r1", title="Neglect MACA autumn", template_id="test-mini-audit"))
        path = PackService(vault, templates).export_pack(tmp_path / "autumn.lscppack", round_ids=["r1"])
    finally:
        vault.close()
    fingerprint = identity_certs.describe_certificate(root.certificate_pem).fingerprint_sha256
    yield path, fingerprint.replace(":", "").lower()


def test_import_a_pack_from_the_main_window(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService, pack: tuple[Path, str]
) -> None:
    path, fingerprint = pack
    ops.set_synchronous(False)  # the real worker threads
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    seen: dict[str, Any] = {}

    def drive(dialog: PackImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
        seen["summary"] = dialog.summary.toPlainText()
        seen["install enabled before confirming"] = dialog.install_button.isEnabled()
        dialog.confirm.setFocus()
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)
        assert dialog.install_button.isEnabled()
        dialog.install_button.setFocus()
        qtbot.keyClick(dialog.install_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Installed"), timeout=30_000)
        seen["status"] = dialog.status.text()
        seen["status name"] = dialog.status.accessibleName()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    files = when_modal(QFileDialog, choose_file(path))
    importer = when_modal(PackImportDialog, drive)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: importer.acted or importer.missed or importer.error is not None, timeout=60_000)
    check(files)
    check(importer)
    assert ops.wait_for_all()
    assert fingerprint_groups(fingerprint) in seen["summary"]
    assert "Neglect MACA autumn" in seen["summary"] and "Testshire QA lead" in seen["summary"]
    assert not seen["install enabled before confirming"]
    assert "Installed the pack from Testshire Safeguarding Children Partnership" in seen["status"]
    assert seen["status name"] == seen["status"]  # the screen reader hears the outcome
    vault = vault_service.vault
    pin = vault.packs.pinned_root()
    assert pin is not None and pin.fingerprint == fingerprint
    assert template_service.get("test-mini-audit").version == "1.0"
    assert [r.id for r in PartnershipService(vault).rounds()] == ["r1"]
    page = window.area_page("templates")
    assert isinstance(page, TemplatesPage)
    assert any("Mini multi-agency" in page.list.item(i).text() for i in range(page.list.count()))
    assert QApplication.activeModalWidget() is None


def test_a_tampered_pack_shows_why_and_cannot_be_installed(
    qtbot: QtBot, tmp_path: Path, template_service: TemplateService, pack: tuple[Path, str]
) -> None:
    path, _fingerprint = pack
    with zipfile.ZipFile(path) as archive:
        items = [(i.filename, archive.read(i)) for i in archive.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, body in items:
            archive.writestr(name, body + b"\n# added" if name.startswith("templates/") else body)
    tampered = tmp_path / "tampered.lscppack"
    tampered.write_bytes(buf.getvalue())
    vault = make_vault(tmp_path / "auditor.lscp")
    try:
        dialog = PackImportDialog(PackService(vault, template_service), None, tampered)
        qtbot.addWidget(dialog)
        assert dialog.preview is None and not dialog.install_button.isEnabled()
        assert dialog.status.text().startswith("The pack was refused and nothing was installed")
        assert "was changed after the pack was signed" in dialog.status.text()
        assert vault.packs.pinned_root() is None and template_service.list_templates() == [
            t for t in template_service.list_templates() if t.source == "shipped"
        ]
    finally:
        vault.close()


def test_every_control_of_the_import_dialog_is_named(
    qtbot: QtBot, tmp_path: Path, template_service: TemplateService, pack: tuple[Path, str]
) -> None:
    from tests.ui.test_accessibility import unnamed_inputs

    vault = make_vault(tmp_path / "auditor.lscp")
    try:
        dialog = PackImportDialog(PackService(vault, template_service), None, pack[0])
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.preview is not None and dialog.confirm.isVisible()
        assert unnamed_inputs(dialog) == []
    finally:
        vault.close()
