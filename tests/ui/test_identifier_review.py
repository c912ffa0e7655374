"""The identifier check in the app, from the real main window (real vault, real modal dialogs,
real signing; nothing replaced): Complete opens *Check for identifiers*, Go to question moves to
the question, Keep all with a reason lets completion go on; Sign and export takes the marking
chosen for this export and the accessible HTML option, and checks again before signing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from lscp_audit import paths
from lscp_audit.core.audit import AuditStatus
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.identifier_checks import NAMES_KEY
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from lscp_audit.ui.checks.identifier_dialog import IdentifierDialog
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.startup import StartupFlow
from tests.storage.conftest import MemoryKeyring
from tests.ui.modal import ModalWatch, check, when_modal

PASSPHRASE = "a long and memorable passphrase 7"
TEMPLATE = Path(__file__).parent / "templates" / "ui-short.yaml"


def wait(qtbot: QtBot, watch: ModalWatch) -> None:
    qtbot.waitUntil(lambda: watch.acted or watch.missed or watch.error is not None, timeout=40_000)
    check(watch)


def confirm_yes(box: QMessageBox) -> None:
    button = box.button(QMessageBox.StandardButton.Yes)
    assert button is not None, box.text()
    button.click()


def focused_block() -> QuestionBlock | None:
    widget = QApplication.focusWidget()
    while widget is not None and not isinstance(widget, QuestionBlock):
        widget = widget.parentWidget()
    return widget


def test_identifiers_are_reviewed_before_completion_and_before_signing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore(MemoryKeyring())
    vault_path = tmp_path / "vault.lscp"
    first = VaultService(vault_path, keystore=store, kdf_policy=TEST_POLICY, relock_needs_secret=False)
    first.create(PASSPHRASE)
    first.lock()
    monkeypatch.setattr(
        StartupFlow,
        "make_service",
        lambda self, vault=None: VaultService(vault or self.vault_path, keystore=store, kdf_policy=TEST_POLICY),
    )
    paths.user_templates_dir().mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE, paths.user_templates_dir() / "ui-short.yaml")

    window = build_main_window(vault_path=str(vault_path))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.shell.start()  # the keychain opens the vault
    session = window.shell.session
    assert session is not None
    audit_id = session.audits.new_audit("ui-short", {"case_reference": "CS-0412"}).id
    session.audits.save_answer(audit_id, "k_yes", "yes", evidence="Visit log: mum on 07700 900123")
    session.audits.save_answer(audit_id, "k_text", "Health visitor (Jayden (03/04/2015) seen alone)")
    session.audits.save_answer(audit_id, "k_grade", "good")
    session.settings.set(NAMES_KEY, "Jayden")
    session.identities.create("Ama Mensah", "Designated nurse", "Northshire Community Health")
    area = window.shell.audits_area
    assert area is not None
    editor = area.open_audit(audit_id)
    assert isinstance(editor, EditorPage)

    # Complete: confirm, then the check lists three hits; Go to question moves to the answer.
    seen: dict[str, object] = {}

    def go_to_second(dialog: IdentifierDialog) -> None:
        seen["rows"] = [tuple(dialog.table.item(r, c).text() for c in range(3)) for r in range(dialog.table.rowCount())]
        seen["continue"] = dialog.continue_button.isEnabled()
        dialog.table.selectRow(1)
        qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)

    editor.show_review()
    when_modal(QMessageBox, confirm_yes)
    watch = when_modal(IdentifierDialog, go_to_second)
    qtbot.mouseClick(editor.review.complete_button, Qt.MouseButton.LeftButton)
    wait(qtbot, watch)
    assert seen["rows"] == [
        ("Phone number", "Only section: Was the child seen?, evidence", "…Visit log: mum on [07700 900123]"),
        ("Name on the do-not-use list", "Only section: Who saw the child?", "…Health visitor ([Jayden] (03/04/2015) seen alone)…"),
        ("Date of birth", "Only section: Who saw the child?", "…Health visitor (Jayden ([03/04/2015]) seen alone)…"),
    ]  # fmt: skip
    assert seen["continue"] is False
    window.activateWindow()  # as the window manager does when a dialog closes
    qtbot.waitUntil(lambda: focused_block() is not None)
    block = focused_block()
    assert block is not None and block.question.id == "k_text"
    assert session.audits.get_audit(audit_id).status == AuditStatus.DRAFT
    answer = session.audits.get_audit(audit_id).answer_map()[("k_text", "")]
    assert answer.value == "Health visitor (Jayden (03/04/2015) seen alone)"  # never changed for the user

    # Complete again: keep all with a reason, Continue; the audit completes.
    def keep_all(dialog: IdentifierDialog) -> None:
        qtbot.mouseClick(dialog.keep_all_button, Qt.MouseButton.LeftButton)
        seen["no reason"] = dialog.status.text()
        dialog.reason.setFocus()
        qtbot.keyClicks(dialog.reason, "Checked with the DPO: shared with consent")
        qtbot.mouseClick(dialog.keep_all_button, Qt.MouseButton.LeftButton)
        seen["kept"] = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
        assert dialog.continue_button.isEnabled()
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)

    editor.show_review()
    when_modal(QMessageBox, confirm_yes)
    watch = when_modal(IdentifierDialog, keep_all)
    qtbot.mouseClick(editor.review.complete_button, Qt.MouseButton.LeftButton)
    wait(qtbot, watch)
    assert seen["no reason"] == "Give the reason for keeping them first."
    assert seen["kept"] == ["Checked with the DPO: shared with consent"] * 3
    qtbot.waitUntil(lambda: session.audits.get_audit(audit_id).status == AuditStatus.COMPLETE)
    assert "identifier_acknowledgements" in [e.field for e in session.audits.history(audit_id)]

    # A name added after completion is caught before signing; marking and HTML chosen here.
    session.settings.set(NAMES_KEY, "Jayden\nHealth visitor")
    pdf = tmp_path / "out" / "report.pdf"
    pdf.parent.mkdir()

    def keep_at_export(dialog: IdentifierDialog) -> None:
        seen["export rows"] = dialog.table.rowCount()
        seen["go visible"] = dialog.go_button.isVisible()
        seen["selected"] = [dialog.table.item(i.row(), 2).text() for i in dialog.table.selectionModel().selectedRows()]
        dialog.reason.setText("A job title, not a person")
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)  # the one not kept yet is selected
        seen["continue at export"] = dialog.continue_button.isEnabled()
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)

    def export(dialog: SignExportDialog) -> None:
        seen["default marking"] = (dialog.marking.currentText(), dialog.descriptor.currentText())
        dialog.marking.setCurrentText("OFFICIAL")
        dialog.descriptor.setCurrentText("PERSONAL")
        dialog.html.setChecked(True)
        dialog.encrypt.setChecked(True)
        seen["html with password"] = dialog.html.isEnabled() or dialog.html.isChecked()
        dialog.encrypt.setChecked(False)
        dialog.html.setChecked(True)
        dialog.destination.setText(str(pdf))
        inner = when_modal(IdentifierDialog, keep_at_export)
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: inner.acted or inner.missed, timeout=30_000)
        check(inner)
        qtbot.waitUntil(lambda: dialog.status.text() not in ("", "Signing…"), timeout=60_000)
        seen["status"] = dialog.status.text()
        dialog.reject()

    editor.show_review()
    watch = when_modal(SignExportDialog, export)
    qtbot.mouseClick(editor.review.sign_button, Qt.MouseButton.LeftButton)
    wait(qtbot, watch)
    assert seen["default marking"] == ("OFFICIAL-SENSITIVE", "No descriptor")
    assert seen["html with password"] is False
    assert seen["export rows"] == 4 and seen["go visible"] is False and seen["continue at export"] is True
    assert seen["selected"] == ["[Health visitor] (Jayden (03/04/2015) seen alo…"]  # 30 characters each side
    assert str(seen["status"]).startswith("Signed report"), seen["status"]
    assert "Accessible HTML version (not signed) saved to" in str(seen["status"])
    result = verify_pdf(pdf)
    assert result.data is not None
    assert (result.data["report"]["marking"], result.data["report"]["descriptor"]) == ("OFFICIAL PERSONAL", "PERSONAL")
    xmp = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'lscp:ProtectiveMarking="OFFICIAL PERSONAL"' in xmp and 'lscp:Descriptor="PERSONAL"' in xmp
    reasons = [a["reason"] for a in result.data["identifier_check"]["acknowledged"]]
    assert reasons.count("Checked with the DPO: shared with consent") == 3 and "A job title, not a person" in reasons
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert "OFFICIAL PERSONAL" in html and "CS-0412" in html
    window.shell.lock()
    window.close()
