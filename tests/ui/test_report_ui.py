"""Sign and export dialog and Verify page (offscreen Qt, operations run synchronously)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ReportService
from lscp_audit.ui.reports import SignExportDialog, VerifyDialog, VerifyPage
from lscp_audit.ui.reports.preview import render_first_page
from tests.reports.sample_audit import NAMES, make_vault, stored_audit, yaml_template


@pytest.fixture()
def vault(tmp_path: Path) -> Iterator[Any]:
    v = make_vault(tmp_path / "vault.lscp")
    record = stored_audit(yaml_template())
    v.audits.create(record, "test")
    yield v
    v.close()


@pytest.fixture()
def service(vault: Any) -> ReportService:
    IdentityService(vault).create(NAMES["vietnamese"], "Health visitor", "NHS Trust")
    return ReportService(vault, actor="test")


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_sign_and_export_with_preview(qtbot: QtBot, service: ReportService, out: Path) -> None:
    dialog = SignExportDialog(service, "a-0001", directory=out)
    qtbot.addWidget(dialog)
    assert dialog.destination.text().startswith(str(out)) and "lscp-audit-report-R-" in dialog.destination.text()
    dialog.load_preview()
    if shutil.which("pdftoppm"):
        assert not dialog.preview.pixmap().isNull()
    assert NAMES["vietnamese"] in dialog.signer.text()
    dialog.compact.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.path.exists() and result.report_id in dialog.status.text()


def test_password_mismatch_is_explained(qtbot: QtBot, service: ReportService, out: Path) -> None:
    dialog = SignExportDialog(service, "a-0001", directory=out)
    qtbot.addWidget(dialog)
    dialog.encrypt.setChecked(True)
    qtbot.keyClicks(dialog.password, "long enough 1")
    qtbot.keyClicks(dialog.password_again, "long enough 2")
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.start_export()
    assert "do not match" in dialog.status.text()
    assert list(out.iterdir()) == []


def test_encrypted_export_clears_password_fields(qtbot: QtBot, service: ReportService, out: Path) -> None:
    dialog = SignExportDialog(service, "a-0001", directory=out)
    qtbot.addWidget(dialog)
    dialog.encrypt.setChecked(True)
    dialog.password.setText("long enough pw")
    dialog.password_again.setText("long enough pw")
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.start_export()
    assert (
        dialog.export_result is not None
        and dialog.export_result.encrypted
        and dialog.password.text() == ""
        and "password separately" in dialog.status.text()
    )


def test_without_identity_signing_is_disabled(qtbot: QtBot, vault: Any, out: Path) -> None:
    dialog = SignExportDialog(ReportService(vault), "a-0001", directory=out)
    qtbot.addWidget(dialog)
    assert not dialog.sign_button.isEnabled() and "identity" in dialog.signer.text()


def _signed(service: ReportService, out: Path) -> Path:
    return service.export("a-0001", out / "signed.pdf").path


def test_verify_page_lists_verdicts(qtbot: QtBot, service: ReportService, out: Path) -> None:
    signed = _signed(service, out)
    junk = out / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing")
    page = VerifyPage()
    qtbot.addWidget(page)
    page.add_trust_pem(service.identities.export_certificate_pem())
    with qtbot.waitSignal(page.verified) as blocker:
        page.verify_files([signed, junk])
    results = blocker.args[0]
    assert [r.ok() for r in results] == [True, False]
    assert page.model.rowCount() == 2
    assert page.model.index(0, 1).data() == "Valid" and page.model.index(0, 4).data() == "Yes"
    assert page.model.index(1, 1).data().startswith("Failed")
    assert "1 of 2" in page.summary.text()


def test_verify_page_accepts_dropped_pdfs(qtbot: QtBot, service: ReportService, out: Path) -> None:
    signed = _signed(service, out)
    page = VerifyPage()
    qtbot.addWidget(page)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(signed)), QUrl.fromLocalFile(str(out / "notes.txt"))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(page.verified) as blocker:
        page.dropEvent(event)
    assert len(blocker.args[0]) == 1 and blocker.args[0][0].ok()
    text_only = QMimeData()
    text_only.setUrls([QUrl.fromLocalFile(str(out / "notes.txt"))])
    enter = QDragEnterEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, text_only, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.dragEnterEvent(enter)
    assert not enter.isAccepted()  # only PDFs may be dropped


def test_verify_dialog_and_preview_helper(qtbot: QtBot) -> None:
    dialog = VerifyDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Verify a PDF" and dialog.page.acceptDrops()
    assert render_first_page(b"not a pdf") is None
