"""The senior lead's sign-off in the app (real main window, real vaults, real signed PDFs).

An agency's vault exports a Section 11 return signed by whoever completed it. The senior lead
opens File → Sign off a Section 11 return… in their own app, sees the first signature verified,
chooses their identity, words their role and signs off from the keyboard; the dialog then shows
both signatures verified, and pdfsig finds two signatures in the saved file. A case audit (the
wrong type of report), a return already signed off and a tampered return are each refused with
the reason, and nothing is written."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports.verification import AUDITOR, SENIOR_LEAD, verify_pdf_bytes
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.reports.sign_off_dialog import SignOffDialog
from lscp_audit.ui.shell import build_main_window
from tests.reports import forgery
from tests.reports.sample_audit import make_vault, stored_audit, yaml_template
from tests.ui.keys import focused, press
from tests.ui.modal import when_modal
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs

S11 = paths.forms_dir() / "section-11-self-assessment.yaml"


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A Section 11 return signed by Ann Completer, and a case audit report (another kind)."""
    folder = tmp_path_factory.mktemp("s11-agency")
    vault = make_vault(folder / "agency.lscp")
    try:
        template = load_template_file(S11)
        vault.audits.create(replace(completed_audit(template), id="s11-0001"), "test", template_title=template.title)
        vault.audits.create(stored_audit(yaml_template()), "test", template_title="Multi-agency case audit")
        IdentityService(vault).create("Ann Completer", "Named Nurse", "Testshire NHS Trust")
        reports = ReportService(vault, actor="test")
        s11 = reports.export("s11-0001", folder / "s11-return.pdf").path
        case = reports.export("a-0001", folder / "case-audit.pdf").path
    finally:
        vault.close()
    return {"s11": s11, "case": case, "folder": folder}


@pytest.fixture
def window(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> MainWindow:
    """The senior lead's app: their vault holds their own identity and a colleague's."""
    identities = IdentityService(vault_service.vault)
    identities.create("Dr Sam Deputy", "Deputy Chief Nurse", "Testshire NHS Trust")
    identities.create("Ngozi Adeyemi", "Chief Nurse", "Testshire NHS Trust", make_default=False)
    main = build_main_window()
    qtbot.addWidget(main)
    main.shell.templates = template_service
    main.shell.install(vault_service)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    return main


def _open(qtbot: QtBot, window: MainWindow, path: Path, act: Any) -> SignOffDialog:
    watch = when_modal(SignOffDialog, act)
    window.shell.sign_off(path)
    assert watch.acted, "the sign-off dialog did not open"
    if watch.error is not None:
        raise watch.error
    dialog = window.shell.sign_off_dialog
    assert isinstance(dialog, SignOffDialog)
    return dialog


def test_senior_lead_signs_off_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, agency: dict[str, Path], tmp_path: Path
) -> None:
    # The command is in the File menu.
    assert window.sign_off_action in window.file_menu.actions()
    assert window.sign_off_action.text() == "Sign off a Section 11 &return…"
    out = tmp_path / "signed-off.pdf"
    seen: dict[str, Any] = {}

    def act(dialog: SignOffDialog) -> None:
        dialog.activateWindow()
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
        assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
        seen["heading"] = dialog.heading.text()
        seen["before"] = dialog.signatures.toPlainText()
        assert dialog.problems.isHidden()
        # The default identity comes first; the senior lead chooses theirs with the keyboard.
        assert dialog.identity.currentText() == "Dr Sam Deputy (Deputy Chief Nurse, Testshire NHS Trust)"
        dialog.identity.setFocus()
        qtbot.waitUntil(lambda: focused() is dialog.identity)
        press(qtbot, Qt.Key.Key_Down)
        assert dialog.name.text() == "Ngozi Adeyemi" and dialog.role.text() == "Chief Nurse"
        assert dialog.name.isReadOnly()
        dialog.role.setFocus()
        dialog.role.selectAll()
        qtbot.keyClicks(dialog.role, "Chief Nurse, executive lead for safeguarding")
        dialog.destination.setText(str(out))
        assert dialog.sign_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=30_000)
        seen["status"] = dialog.status.plain_text()
        seen["after"] = dialog.signatures.toPlainText()
        seen["button"] = dialog.sign_button.isEnabled()
        dialog.reject()

    _open(qtbot, window, agency["s11"], act)
    assert "s11-return.pdf" in seen["heading"] and "Section 11" in seen["heading"]
    assert "Completed and signed by: Ann Completer (Testshire NHS Trust)" in seen["before"]
    assert "Verified: the signature is valid and the return is unchanged" in seen["before"]
    assert "senior lead" not in seen["before"]
    assert "Signed off by Ngozi Adeyemi and saved as signed-off.pdf. Both signatures verified." == seen["status"]
    assert seen["after"].count("Verified: the signature is valid") == 2
    assert "Signed off by the senior lead: Ngozi Adeyemi" in seen["after"] and not seen["button"]
    result = verify_pdf_bytes(out.read_bytes())
    assert result.ok() and [s.role for s in result.signatures] == [AUDITOR, SENIOR_LEAD]
    assert [s.signer for s in result.signatures] == ["Ann Completer", "Ngozi Adeyemi"]
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False).stdout
    assert pdfsig.count("Signer Certificate Common Name:") == 2
    assert "Signer Certificate Common Name: Ann Completer" in pdfsig
    assert "Signer Certificate Common Name: Ngozi Adeyemi" in pdfsig
    assert pdfsig.count("Signature Validation: Signature is Valid.") == 2
    assert (
        "Chief Nurse, executive lead for safeguarding"
        in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    )
    assert "Signed off and saved as signed-off.pdf" in window.statusBar().currentMessage()

    # The signed-off file cannot be signed off again: the dialog says why and writes nothing.
    def again(dialog: SignOffDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
        seen["again"] = dialog.problems.plain_text()
        seen["again_button"] = dialog.sign_button.isEnabled()
        seen["again_after"] = dialog.signatures.toPlainText()
        dialog.reject()

    _open(qtbot, window, out, again)
    assert "the senior lead has already signed this return" in seen["again"] and not seen["again_button"]
    assert seen["again_after"].count("Verified") == 2


@pytest.mark.parametrize("kind", ["case", "tampered"])
def test_a_return_that_cannot_be_signed_off_says_why(
    qtbot: QtBot, window: MainWindow, agency: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    if kind == "case":
        source = agency["case"]
        expected = "only a Section 11 self-assessment is signed off by a senior lead"
    else:
        source = tmp_path / "tampered.pdf"
        source.write_bytes(forgery.ATTACKS["freetext_overlay"](agency["s11"].read_bytes()))
        expected = "the return cannot be signed off:"
    seen: dict[str, Any] = {}

    def act(dialog: SignOffDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
        seen["problems"] = dialog.problems.plain_text()
        seen["visible"] = dialog.problems.isVisible()
        seen["enabled"] = dialog.sign_button.isEnabled()
        seen["why"] = dialog.sign_button.accessibleDescription()
        seen["name"] = dialog.problems.accessibleName()
        dialog.sign_off()  # even if asked, nothing is signed
        seen["destination"] = Path(dialog.destination.text())
        dialog.reject()

    _open(qtbot, window, source, act)
    assert seen["problems"].startswith("This return cannot be signed off:") and expected in seen["problems"]
    assert seen["visible"] and not seen["enabled"] and "cannot be signed off" in seen["why"]
    assert expected in seen["name"]  # a screen reader reads the reason
    assert not seen["destination"].exists()


def test_the_verify_tab_offers_the_sign_off_of_a_section_11_return(
    qtbot: QtBot, window: MainWindow, agency: dict[str, Path]
) -> None:
    from lscp_audit.ui.inbox_page import InboxPage

    window.show_area("inbox")
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage)
    verify = page.verify
    button = verify.sign_off_button
    assert button is not None and not button.isEnabled() and "Verify a Section 11 return first" in button.toolTip()
    verify.verify_files([agency["case"], agency["s11"]])
    qtbot.waitUntil(lambda: verify.model.rowCount() == 2, timeout=20_000)
    verify.table.selectRow(0)  # the case audit: not signed off by a senior lead
    assert not button.isEnabled() and button.accessibleDescription().startswith("Only a Section 11")
    verify.table.selectRow(1)
    assert button.isEnabled()
    seen: dict[str, Any] = {}

    def act(dialog: SignOffDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
        seen["source"] = dialog.source
        seen["ready"] = dialog.sign_button.isEnabled()
        dialog.reject()

    watch = when_modal(SignOffDialog, act)
    button.click()
    assert watch.acted and watch.error is None
    assert seen == {"source": agency["s11"], "ready": True}
