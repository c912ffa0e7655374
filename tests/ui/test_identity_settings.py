"""Settings → Identity: your details (kept in settings, used as defaults), a PKCS#12 identity
imported through the real file and password dialogs, the certificate exported; each setting
shown once; the demo's title and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QSpinBox
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService, create_partnership_root, issue_auditor_pkcs12
from lscp_audit.services.settings_service import PersonalDetails, SettingsService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.identity.identity_page import IdentityPage, expiry_text, fingerprint_text
from lscp_audit.ui.session import AppSession
from lscp_audit.ui.settings.settings_page import SettingsPage
from lscp_audit.ui.shell import build_main_window
from tests.ui.modal import check, choose_file, when_modal


def test_each_setting_appears_once_and_your_details_are_on_the_identity_tab(
    qtbot: QtBot, vault_service: VaultService
) -> None:
    settings = SettingsService(vault_service.vault)
    page = SettingsPage(settings, vault_service, identities=IdentityService(vault_service.vault))
    qtbot.addWidget(page)
    labels = [w.text().rstrip(":").replace("&", "").lower() for w in page.findChildren(QLabel)]
    assert sum("backups to keep" in text for text in labels) == 1
    spins = [w for w in page.findChildren(QSpinBox) if "backups to keep" in w.accessibleName().lower()]
    assert len(spins) == 1
    assert "user.name" not in page.fields and "vault.backup_count" not in page.fields
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["&Identity", "&General", "&Backups"]


def test_your_details_are_saved_and_become_the_defaults(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService
) -> None:
    session = AppSession(vault_service, template_service)
    page = IdentityPage(session.identities, session.settings)
    qtbot.addWidget(page)
    page.my_name.setText("  Ama   Mensah ")
    page.my_role.setText("Designated nurse")
    page.my_agency.setText("Northshire Community Health")
    with qtbot.waitSignal(page.personal_saved):
        page.save_button.click()
    assert page.my_name.text() == "Ama Mensah" and page.personal_status.text() == "Saved."
    assert SettingsService(vault_service.vault).personal() == PersonalDetails(
        "Ama Mensah", "Designated nurse", "Northshire Community Health"
    )
    auditor = session.auditor()
    assert (auditor.name, auditor.role, auditor.agency) == ("Ama Mensah", "Designated nurse",
                                                          "Northshire Community Health")  # fmt: skip
    session.refresh_actor()
    assert session.actor == "Ama Mensah" and session.audits.actor == "Ama Mensah"


def test_import_a_pkcs12_identity_and_export_its_certificate(
    qtbot: QtBot, vault_service: VaultService, tmp_path: Path
) -> None:
    root = create_partnership_root("Northshire Safeguarding Children Partnership", b"root password 1")
    p12 = tmp_path / "ama.p12"
    p12.write_bytes(
        issue_auditor_pkcs12(
            root.pkcs12,
            b"root password 1",
            "Ama Mensah",
            "Designated nurse",
            "Northshire Community Health",
            "",
            b"my p12 password",
        )  # fmt: skip
    )
    identities = IdentityService(vault_service.vault)
    page = IdentityPage(identities, SettingsService(vault_service.vault))
    qtbot.addWidget(page)
    page.show()
    assert not page.export_button.isEnabled() and "No signing identity yet" in page.signer.text()

    def password(dialog: QInputDialog) -> None:
        dialog.setTextValue("my p12 password")
        dialog.accept()

    typed = when_modal(QInputDialog, password)
    chosen = when_modal(QFileDialog, choose_file(p12))
    page.import_button.click()
    qtbot.waitUntil(lambda: typed.acted)
    check(chosen)
    check(typed)
    qtbot.waitUntil(lambda: "imported" in page.status.text(), timeout=10_000)
    assert page.signer.text() == "Ama Mensah, Designated nurse, Northshire Community Health"
    assert page.issuer.text().startswith("Northshire Safeguarding Children Partnership")
    assert page.my_name.text() == "Ama Mensah"  # your details were empty: taken from the identity

    page.export_directory = tmp_path
    certificate = tmp_path / "exported.pem"
    exported = when_modal(QFileDialog, choose_file(certificate))
    page.export_button.click()
    check(exported)
    pems = certificate.read_text()
    assert pems.count("BEGIN CERTIFICATE") == 2 and "PRIVATE KEY" not in pems  # leaf and the partnership root


def test_fingerprint_and_expiry_are_shown_as_people_read_them() -> None:
    import datetime as dt

    fingerprint = ":".join(f"{i:02X}" for i in range(32))
    assert fingerprint_text(fingerprint).split("\n") == [fingerprint[:47], fingerprint[48:]]
    today = dt.date(2026, 12, 5)
    assert expiry_text("2029-12-04", today) == "4 Dec 2029 (in 1,095 days)"
    assert expiry_text("2026-12-01", today).startswith("1 Dec 2026 (expired")


def test_demo_title_and_status_do_not_repeat_the_app_name_or_mention_a_passphrase(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService
) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service, demo=True)
    assert window.windowTitle() == "DEMO (sample data)"  # Qt adds " — LSCP Audit" itself
    message = window.statusBar().currentMessage()
    assert message.startswith("Demo vault open") and "passphrase" not in message
    window.shell.lock()
    assert window.windowTitle() == ""
