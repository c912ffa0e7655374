"""End to end, through the real main window with no callback replaced: first run (the real
wizard), the user's details and a signing identity made in the app, the certificate exported, a
template imported, an audit created and answered by keyboard, completed, signed and exported from
the Review page's button, the PDF verified by the real verifier and imported in the QA inbox.

Background work runs on its real worker threads (not inline), with the production key derivation.
Modal dialogs are driven as a user would: a timer finds the dialog the app opened and acts on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from lscp_audit.core.audit import AuditStatus
from lscp_audit.services.report_service import verify_files
from lscp_audit.ui import ops
from lscp_audit.ui.audits.area import AuditsAreaWidget
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.identity.identity_page import CreateIdentityDialog
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog
from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog
from lscp_audit.ui.settings.settings_page import SettingsPage
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.templates_page import TemplatesPage
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from tests.ui.keys import focused, press, tab_to_next_question
from tests.ui.modal import ModalWatch, check, choose_file, when_modal

TEMPLATE = Path(__file__).parent / "templates" / "ui-short.yaml"
PASSPHRASE = "kettle orchard lantern 1987 breeze"
ME = ("Ama Mensah", "Designated nurse for safeguarding", "Northshire Community Health")
CASE = "CS-2042"


@pytest.fixture
def threaded() -> None:
    ops.set_synchronous(False)  # the conftest default is inline; this journey uses the real workers


def child_named(root: QWidget, kind: type[QLineEdit], name: str) -> QLineEdit:
    found = [w for w in root.findChildren(kind) if w.accessibleName() == name]
    assert found, f"no {kind.__name__} called {name!r}"
    return found[0]


def activate(qtbot: QtBot, window: MainWindow) -> None:
    """Bring the main window back to the front after a dialog closed (as the window manager does)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def run_modal(qtbot: QtBot, watch: ModalWatch, trigger: object) -> None:
    """Start a modal dialog with `trigger` (a callable); the dialog is acted on by `watch`."""
    assert callable(trigger)
    trigger()
    qtbot.waitUntil(lambda: watch.acted or watch.missed or watch.error is not None, timeout=40_000)
    check(watch)


# -- first run -----------------------------------------------------------------------------


def complete_first_run(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.next()  # the suggested location (the test's folder)
    field = wizard.passphrase_page.passphrase_field
    qtbot.keyClicks(field.first, PASSPHRASE)
    qtbot.keyClicks(field.second, PASSPHRASE)
    wizard.passphrase_page.keychain.setChecked(False)  # no system keychain on a test machine
    wizard.next()  # creates the vault on the worker thread, then moves on by itself
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=30_000)
    key = wizard.recovery_page.key_label.text()
    wizard.recovery_page.stored.setChecked(True)
    wizard.next()
    qtbot.keyClicks(wizard.confirm_page.entry, key.split("-")[-1])
    finish = wizard.button(wizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)


# -- identity, certificate, template --------------------------------------------------------


def set_up_identity(qtbot: QtBot, window: MainWindow, certificate: Path) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Settings
    page = window.area_page("settings")
    assert isinstance(page, SettingsPage) and page.identity is not None
    identity = page.identity
    assert page.tabs.currentIndex() == 0  # Identity is the first tab
    assert "No signing identity yet" in identity.signer.text()
    for field, text in zip((identity.my_name, identity.my_role, identity.my_agency), ME, strict=True):
        field.setFocus()
        qtbot.keyClicks(field, text)
    qtbot.keyClick(identity.my_agency, Qt.Key.Key_Return)
    assert identity.personal_status.text() == "Saved."

    def create(dialog: CreateIdentityDialog) -> None:
        assert (dialog.name.text(), dialog.role.text(), dialog.agency.text()) == ME  # your details, prefilled
        qtbot.keyClicks(dialog.email, "ama.mensah@example.nhs.uk")
        qtbot.keyClick(dialog.email, Qt.Key.Key_Return)  # Create is the default button
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)

    run_modal(qtbot, when_modal(CreateIdentityDialog, create), identity.create_button.click)
    qtbot.waitUntil(lambda: identity.signer.text().startswith(ME[0]), timeout=20_000)
    assert identity.fingerprint.text().count(":") == 30
    assert identity.issuer.text().startswith("Self-signed")
    run_modal(qtbot, when_modal(QFileDialog, choose_file(certificate)), identity.export_button.click)
    assert certificate.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "Certificate saved" in identity.status.text()


def import_template(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Templates
    page = window.area_page("templates")
    assert isinstance(page, TemplatesPage)
    run_modal(qtbot, when_modal(QFileDialog, choose_file(TEMPLATE)), page.import_button.click)
    assert page.problems.isHidden()
    assert any("UI test short audit" in page.list.item(i).text() for i in range(page.list.count()))


# -- the audit ------------------------------------------------------------------------------


def fill_new_audit(qtbot: QtBot, dialog: NewAuditDialog) -> None:
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QListWidget))
    for _ in range(10):
        if dialog.template_id == "ui-short":
            break
        press(qtbot, Qt.Key.Key_Down)
    assert dialog.template_id == "ui-short"
    assert child_named(dialog, QLineEdit, "Your name").text() == ME[0]  # the user's details as defaults
    for _ in range(40):
        if isinstance(focused(), QLineEdit) and focused().accessibleName() == "Case reference":
            break
        press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), CASE)
    press(qtbot, Qt.Key.Key_Return)


def answer_by_keyboard(qtbot: QtBot, window: MainWindow, editor: EditorPage) -> None:
    activate(qtbot, window)
    editor.navigator.setFocus()
    first = tab_to_next_question(qtbot, None)
    assert first.question.id == "k_yes" and isinstance(focused(), QRadioButton)
    press(qtbot, Qt.Key.Key_Space)  # Yes
    second = tab_to_next_question(qtbot, first)
    assert second.question.id == "k_text"
    qtbot.keyClicks(focused(), "Health visitor")
    third = tab_to_next_question(qtbot, second)
    assert third.question.id == "k_grade"
    press(qtbot, Qt.Key.Key_Space)


def complete(qtbot: QtBot, editor: EditorPage) -> None:
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Review and complete
    qtbot.waitUntil(lambda: focused() is editor.review.complete_button)
    assert editor.review.missing.count() == 0
    # If completing asks for confirmation, confirm it as a user would (its safe default is to wait).
    confirm = when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click()
                         if box.button(QMessageBox.StandardButton.Yes) else box.accept())  # fmt: skip
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: editor.service.get_audit(editor.audit_id).status == AuditStatus.COMPLETE, timeout=20_000)
    confirm.cancel()
    assert confirm.error is None


def sign_and_export(qtbot: QtBot, editor: EditorPage, destination: Path) -> None:
    outcome: dict[str, str] = {}

    def export(dialog: SignExportDialog) -> None:
        assert dialog.signer.text() == ", ".join(ME)
        assert dialog.sign_button.isEnabled()
        dialog.destination.setFocus()
        dialog.destination.selectAll()
        qtbot.keyClicks(dialog.destination, str(destination))
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.status.text() not in ("", "Signing…"), timeout=60_000)
        outcome["status"] = dialog.status.text()
        dialog.reject()  # Close

    assert editor.review.sign_button.isEnabled()
    run_modal(qtbot, when_modal(SignExportDialog, export), editor.review.sign_button.click)
    assert outcome["status"].startswith("Signed report"), outcome["status"]
    qtbot.waitUntil(lambda: editor.service.get_audit(editor.audit_id).status == AuditStatus.SIGNED, timeout=10_000)


def import_in_qa_inbox(qtbot: QtBot, window: MainWindow, pdf: Path, certificate: Path) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # QA inbox
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage)
    returns = page.returns
    trust_button = returns.trust_button  # type: ignore[attr-defined]
    import_button = returns.import_button  # type: ignore[attr-defined]
    run_modal(qtbot, when_modal(QFileDialog, choose_file(certificate)), trust_button.click)
    run_modal(qtbot, when_modal(QFileDialog, choose_file(pdf)), import_button.click)
    session = window.shell.session
    assert session is not None
    inbox = session.inbox()
    qtbot.waitUntil(lambda: len(inbox.list_returns()) == 1, timeout=30_000)
    entry = inbox.list_returns()[0]
    assert entry.trusted, entry


def test_first_run_to_a_verified_signed_report_in_the_qa_inbox(qtbot: QtBot, tmp_path: Path, threaded: None) -> None:
    vault_path = tmp_path / "vault.lscp"
    certificate = tmp_path / "ama-certificate.pem"
    pdf = tmp_path / "signed-report.pdf"
    window = build_main_window(vault_path=str(vault_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    run_modal(qtbot, when_modal(FirstRunWizard, lambda w: complete_first_run(qtbot, w)), window.shell.start)
    qtbot.waitUntil(lambda: window.shell.session is not None, timeout=30_000)
    assert vault_path.exists() and isinstance(window.area_page("audits"), AuditsAreaWidget)
    assert "DEMO" not in window.windowTitle()

    set_up_identity(qtbot, window, certificate)
    import_template(qtbot, window)

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    run_modal(qtbot, when_modal(NewAuditDialog, lambda d: fill_new_audit(qtbot, d)),
              lambda: qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier))  # fmt: skip
    area = window.shell.audits_area
    assert area is not None
    editor = area.editor
    assert isinstance(editor, EditorPage)
    answer_by_keyboard(qtbot, window, editor)
    complete(qtbot, editor)
    sign_and_export(qtbot, editor, pdf)

    [result] = verify_files([pdf], trust_pems=[certificate.read_text()])  # the real verifier
    assert result.ok() and result.trusted and result.intact and result.whole_file, result
    assert result.signer.startswith(ME[0])
    assert result.data_field("case_reference") == CASE or CASE in str(result.data)

    import_in_qa_inbox(qtbot, window, pdf, certificate)

    session = window.shell.session
    assert session is not None
    who = {entry.actor for entry in session.audits.history(editor.audit_id)}
    assert who == {ME[0]}  # the change history names the user, not "auditor"

    window.shell.lock()
    assert ops.wait_for_all() and window.shell.session is None
    window.close()
