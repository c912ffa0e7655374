"""QA inbox page (offscreen Qt, operations run synchronously) with real vaults and real signed
PDFs: import by button and by drop, per-file summary, duplicates, trust, filter, remove."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QScrollArea
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService, fingerprint_text
from lscp_audit.services.report_service import ExportOptions, ReportService
from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.inbox import ImportedReturnsWidget
from lscp_audit.ui.inbox.returns_model import (
    COL_FLAGS,
    COL_IMPORTED,
    COL_REPORT,
    COL_SIGNED,
    COL_SIGNER,
    COL_SUBJECT,
    COL_VERIFIED,
)
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.reports import VerifyPage
from tests.reports.sample_audit import CANARY, NAMES, make_vault, stored_audit, yaml_template
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs

DATE = re.compile(r"^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")


@pytest.fixture(scope="module")
def auditor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An auditor's vault that has exported one signed report, and its certificate."""
    folder = tmp_path_factory.mktemp("auditor")
    vault = make_vault(folder / "auditor.lscp")
    vault.audits.create(stored_audit(yaml_template()), "test")
    IdentityService(vault).create(NAMES["greek"], "Health visitor", "NHS Trust")
    reports = ReportService(vault, actor="test")
    exported = reports.export("a-0001", folder / "signed.pdf")
    encrypted = reports.export("a-0001", folder / "encrypted.pdf", ExportOptions(password="long enough pw")).path
    pem = reports.identities.export_certificate_pem()
    fingerprint = IdentityService(vault).list_identities()[0].fingerprint_sha256.replace(":", "").lower()
    yield {
        "signed": exported.path,
        "encrypted": encrypted,
        "report_id": exported.report_id,
        "pem": pem,
        "fingerprint": fingerprint,
    }
    vault.close()


@pytest.fixture()
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[InboxPage]:
    vault = make_vault(tmp_path / "qa.lscp")
    widget = InboxPage(inbox=InboxService(vault))
    qtbot.addWidget(widget)
    yield widget
    vault.close()


def _returns(page: InboxPage) -> ImportedReturnsWidget:
    assert isinstance(page.returns, ImportedReturnsWidget)
    return page.returns


def _junk(tmp_path: Path) -> Path:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing")
    return junk


def _answer_next_message_box(qtbot: QtBot, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Answer the next modal message box (the real dialog, shown by the code under test) with
    `button`, recording its text and informative text."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(f"{box.text()}\n{box.informativeText()}")
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)  # the safe choice
        box.button(button).click()

    QTimer.singleShot(0, answer)


def test_untrusted_return_goes_to_the_quarantine_with_every_signer(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any], tmp_path: Path
) -> None:
    returns = _returns(page)
    page.show()
    assert returns.model.rowCount() == 0 and "No returns imported yet" in returns.summary.text()
    assert returns.quarantine_box.isHidden()
    with qtbot.waitSignal(returns.files_imported) as blocker:
        returns.import_files([auditor["signed"], _junk(tmp_path)])
    assert [r.status for r in blocker.args[0]] == ["imported", "rejected"]
    assert returns.summary.text() == "1 into quarantine (signer not trusted), 1 not imported."
    assert not returns.results.isHidden() and returns.results_model.rowCount() == 2
    assert returns.results_model.index(1, 1).data() == "Not imported"
    assert returns.results_model.index(1, 2).data().startswith("Not a readable PDF")
    reason = returns.results_model.index(1, 2)
    assert reason.data(Qt.ItemDataRole.ToolTipRole) == reason.data()  # whole, where the column elides it
    assert "Held in quarantine" in returns.results_model.index(0, 2).data()
    # Never mixed with trusted returns: the quarantine is its own, visible list.
    assert returns.proxy.rowCount() == 0 and returns.quarantine_proxy.rowCount() == 1
    assert returns.quarantine_box.isVisible() and "Quarantine (1)" in returns.quarantine_heading.text()
    assert "Trusted returns (0)" in returns.returns_heading.text()
    row = [returns.quarantine_proxy.index(0, c).data() for c in range(returns.quarantine_proxy.columnCount())]
    assert row[COL_REPORT] == auditor["report_id"] and row[COL_SUBJECT] == CANARY
    assert DATE.match(row[COL_SIGNED]) and DATE.match(row[COL_IMPORTED])
    assert row[COL_VERIFIED] == "Valid, signer not trusted"
    assert row[COL_SIGNER] == f"{NAMES['greek']} on behalf of {NAMES['polish']}"
    assert "Signed on behalf of the auditor" in row[COL_FLAGS]
    assert returns.quarantine_proxy.index(0, COL_VERIFIED).data(Qt.ItemDataRole.ToolTipRole)
    assert not returns.trust_signer_button.isEnabled()
    returns.quarantine_table.selectRow(0)
    details = returns.details.toPlainText()
    assert "SHA-256 fingerprint: " in details and auditor["fingerprint"][:4].upper() in details
    assert f"on behalf of {NAMES['polish']}" in details and "In quarantine" in details
    assert returns.trust_signer_button.isEnabled() and returns.remove_button.isEnabled()
    assert unnamed_inputs(page) == [] and mnemonic_clashes(page) == []
    # With the results, both lists and the details shown, the page still fits a 1280x720 screen
    # at 1.5x text (about 430 px of height for the page): below its comfortable size it scrolls.
    assert page.minimumSizeHint().height() <= 420
    # Narrower than its content (large text on a small screen), the tab scrolls sideways rather
    # than cutting off the trust count and the right-hand columns.
    scroll = returns.findChild(QScrollArea)
    assert scroll.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert returns.trust_label.parentWidget() is scroll.widget() and returns.trust_label.isVisibleTo(returns)


def test_trust_the_signer_after_seeing_the_fingerprint(qtbot: QtBot, page: InboxPage, auditor: dict[str, Any]) -> None:
    returns = _returns(page)
    page.show()
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["signed"]])
    returns.quarantine_table.selectRow(0)
    assert returns.trust_signer_button.isEnabled(), returns.quarantine_proxy.rowCount()
    seen: list[str] = []
    _answer_next_message_box(qtbot, QMessageBox.StandardButton.No, seen)
    with qtbot.assertNotEmitted(returns.trust_changed, wait=100):
        returns.trust_signer_button.click()
    assert len(seen) == 1 and fingerprint_text(auditor["fingerprint"]) in seen[0] and NAMES["greek"] in seen[0]
    assert returns.quarantine_proxy.rowCount() == 1 and returns.proxy.rowCount() == 0
    _answer_next_message_box(qtbot, QMessageBox.StandardButton.Yes, seen)
    with qtbot.waitSignal(returns.trust_changed):
        returns.trust_signer_button.click()
    qtbot.waitUntil(lambda: returns.proxy.rowCount() == 1)
    assert returns.quarantine_proxy.rowCount() == 0 and returns.quarantine_box.isHidden()
    assert "1 return(s) left the quarantine" in returns.summary.text()
    assert returns.proxy.index(0, COL_VERIFIED).data() == "Valid, trusted signer"
    assert returns.trust_label.text() == "Trusted: 1 signer(s), 0 moderator(s)"


def test_drop_imports_pdfs_and_a_second_drop_is_a_duplicate(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any]
) -> None:
    returns = _returns(page)

    def drop() -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(auditor["signed"])), QUrl.fromLocalFile("/tmp/notes.txt")])
        event = QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        returns.dropEvent(event)

    with qtbot.waitSignal(returns.files_imported) as blocker:
        drop()
    assert len(blocker.args[0]) == 1 and returns.summary.text() == "1 into quarantine (signer not trusted)."
    with qtbot.waitSignal(returns.files_imported):
        drop()
    assert returns.summary.text() == "1 already in the inbox." and returns.quarantine_model.rowCount() == 1


def test_trusted_certificate_makes_imports_trusted(qtbot: QtBot, page: InboxPage, auditor: dict[str, Any]) -> None:
    returns = _returns(page)
    assert returns.trust_label.text() == "Trusted: 0 signer(s), 0 moderator(s)"
    with qtbot.waitSignal(returns.trust_changed):
        returns.trust_certificate(auditor["pem"])
    qtbot.waitUntil(lambda: returns.trust_label.text() == "Trusted: 1 signer(s), 0 moderator(s)")
    assert "1 certificate(s) trusted" in returns.summary.text()
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["signed"]])
    assert returns.proxy.index(0, COL_VERIFIED).data() == "Valid, trusted signer"
    assert returns.quarantine_model.rowCount() == 0
    returns.trust_certificate("not a certificate")
    assert "That did not work" in returns.summary.text()
    with qtbot.waitSignal(returns.trust_changed):
        returns.trust_certificate(auditor["pem"], moderator=True)
    qtbot.waitUntil(lambda: returns.trust_label.text() == "Trusted: 1 signer(s), 1 moderator(s)")


def test_filter_and_remove(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    returns = _returns(page)
    returns.trust_certificate(auditor["pem"])
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["signed"]])
    qtbot.keyClicks(returns.filter, "no such text")
    assert returns.proxy.rowCount() == 0
    returns.filter.clear()
    qtbot.keyClicks(returns.filter, auditor["report_id"].lower())
    assert returns.proxy.rowCount() == 1
    assert not returns.remove_button.isEnabled()
    returns.table.selectRow(0)
    assert returns.remove_button.isEnabled()
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.assertNotEmitted(returns.return_removed):
        returns.remove_selected()
    assert returns.model.rowCount() == 1
    with qtbot.waitSignal(returns.return_removed):
        qtbot.mouseClick(returns.remove_button, Qt.MouseButton.LeftButton)
    assert auditor["report_id"] in asked[0] and returns.model.rowCount() == 0
    assert not returns.remove_button.isEnabled()


def test_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, page: InboxPage, auditor: dict[str, Any]
) -> None:
    returns = _returns(page)
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["signed"], auditor["signed"]])
    qtmodeltester.check(returns.quarantine_model)
    qtmodeltester.check(returns.quarantine_proxy)
    qtmodeltester.check(returns.model)
    qtmodeltester.check(returns.results_model)


def test_tabs_keep_the_verify_page_and_no_mnemonic_clashes(qtbot: QtBot, page: InboxPage) -> None:
    assert isinstance(page.verify, VerifyPage) and page.tabs.count() == 2
    page.show()
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        assert mnemonic_clashes(page) == []
        assert unnamed_inputs(page) == []


def test_without_a_vault_only_verify_works(qtbot: QtBot) -> None:
    page = InboxPage()
    qtbot.addWidget(page)
    assert isinstance(page.returns, EmptyStateWidget) and isinstance(page.verify, VerifyPage)


def test_verify_tab_uses_the_certificates_the_vault_trusts(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any]
) -> None:
    verify = page.verify
    assert "trusted in this vault" in verify.trust_label.text()
    with qtbot.waitSignal(verify.verified) as before:
        verify.verify_files([auditor["signed"]])
    assert before.args[0][0].ok() and not before.args[0][0].trusted
    _returns(page)._inbox.trust_certificate(auditor["pem"])
    with qtbot.waitSignal(verify.verified) as after:
        verify.verify_files([auditor["signed"]])
    assert after.args[0][0].trusted and after.args[0][0].trust_checked


def test_verify_tab_lists_every_signer_in_words(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any], tmp_path: Path
) -> None:
    """Both signatures with role, fingerprint and moderator standing; who audited; the template
    by its title; a broken file explained without an exception class name; no Alt+H (Help)."""
    from lscp_audit.reports import identity_certs
    from lscp_audit.ui.reports.verification_model import COL_SIGNER, COL_TEMPLATE, COL_VERDICT
    from tests.services.test_inbox_service import _countersign

    moderator = identity_certs.create_self_signed("Moderator Nowak", "QA chair", "Testshire LSCP")
    countersigned = tmp_path / "countersigned.pdf"
    countersigned.write_bytes(_countersign(auditor["signed"].read_bytes(), moderator, "Moderator Nowak"))
    verify = page.verify
    page.tabs.setCurrentWidget(verify)
    page.show()
    assert mnemonic_clashes(page) == [] and not any("&h" in b.text().lower() for b in verify.findChildren(QPushButton))
    with qtbot.waitSignal(verify.verified) as done:
        verify.verify_files([countersigned, _junk(tmp_path)])
    good, junk = done.args[0]
    assert good.ok() and len(good.signatures) == 2
    model = verify.model
    assert model.index(0, COL_SIGNER).data() == (
        f"{NAMES['greek']}; Moderator Nowak (countersigner) on behalf of {NAMES['polish']}"
    )
    template = model.index(0, COL_TEMPLATE).data()
    assert template.endswith("(1.2.0)") and "maca-sample" not in template
    assert model.index(1, COL_VERDICT).data().startswith("Failed: not a readable PDF")
    for row in range(2):
        for column in range(model.columnCount()):
            assert "Error" not in (model.index(row, column).data() or "")
    details = verify.details.toPlainText()  # the first file is selected
    assert details.count("SHA-256 fingerprint: ") == 2 and fingerprint_text(auditor["fingerprint"]) in details
    assert (
        "QA moderator's countersignature: Moderator Nowak" in details and "not from a trusted QA moderator" in details
    )
    assert f"on behalf of {NAMES['polish']}" in details


def test_password_protected_return_imports_with_the_password_field(
    qtbot: QtBot, page: InboxPage, auditor: dict[str, Any]
) -> None:
    returns = _returns(page)
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["encrypted"]])
    assert returns.summary.text() == "1 not imported." and "password" in returns.results_model.index(0, 2).data()
    qtbot.keyClicks(returns.password, "long enough pw")
    with qtbot.waitSignal(returns.files_imported):
        returns.import_files([auditor["encrypted"]])
    assert returns.summary.text() == "1 into quarantine (signer not trusted)."
    # Trusting the signer checks the kept (encrypted) PDF again with the same password.
    with qtbot.waitSignal(returns.trust_changed):
        returns.trust_certificate(auditor["pem"])
    qtbot.waitUntil(lambda: returns.proxy.rowCount() == 1)
    assert returns.quarantine_model.rowCount() == 0
