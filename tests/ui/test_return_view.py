"""Opening a return and the multi-agency case view, from the real main window on a real vault
with real signed returns: Enter on a row opens the read-only view (its answers, signers and
moderation); an unknown template version shows the banner; "Save a copy of the PDF…" writes the
kept PDF byte for byte through the real file dialog; "Re-check trust" releases a quarantined
return after its signer is trusted; the case view shows the agencies side by side and exports
a signed PDF that verifies."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.moderation_service import JudgementInput, ModerationService
from lscp_audit.services.report_service import verify_files
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.inbox import ImportedReturnsWidget
from lscp_audit.ui.inbox.case_view import CaseViewDialog
from lscp_audit.ui.inbox.return_view import ReturnViewDialog
from lscp_audit.ui.inbox.returns_model import COL_FLAGS
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.shell import build_main_window
from tests.reports.sample_audit import CANARY, FIXTURE
from tests.services.case_returns import AGENCY_RETURNS, CaseReturns, make_case_returns
from tests.ui.modal import when_modal
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs

DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseReturns:
    return make_case_returns(tmp_path_factory.mktemp("agencies"))


def _window(qtbot: QtBot, vault_service: VaultService, templates: TemplateService) -> Iterator[MainWindow]:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = templates
    window.shell.install(vault_service)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ReturnViewDialog | CaseViewDialog):
            widget.close()


@pytest.fixture
def window(qtbot: QtBot, vault_service: VaultService, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window on an open vault whose installed templates include the returns' template."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    yield from _window(qtbot, vault_service, TemplateService(shipped_dir=shipped, user_dir=tmp_path / "user"))


def _inbox(qtbot: QtBot, window: MainWindow) -> ImportedReturnsWidget:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # QA inbox
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.returns, ImportedReturnsWidget)
    return page.returns


def _import(widget: ImportedReturnsWidget, case: CaseReturns, *, trust: bool = True) -> None:
    if trust:
        for pem in case.pems:
            widget.trust_certificate(pem)
    widget.import_files(list(case.pdfs))


def _open_first_by_keyboard(qtbot: QtBot, widget: ImportedReturnsWidget, table_name: str = "table") -> ReturnViewDialog:
    table = getattr(widget, table_name)
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(widget.return_view, ReturnViewDialog) and widget.return_view.isVisible())
    dialog = widget.return_view
    assert isinstance(dialog, ReturnViewDialog)
    _activate(qtbot, dialog)
    return dialog


def save_as(path: Path) -> Callable[[QFileDialog], None]:
    """Answer the real Save dialog as a user does: type the whole path into its file name box and
    accept (selecting a file can race the dialog's folder listing)."""

    def act(dialog: QFileDialog) -> None:
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name_box is not None
        name_box.setText(str(path))
        dialog.accept()

    return act


def _tab_reaches(qtbot: QtBot, dialog: QWidget, start: QWidget, targets: list[QWidget]) -> bool:
    """From `start`, pressing Tab reaches every one of `targets` (no control keeps the focus)."""
    start.setFocus()
    qtbot.waitUntil(lambda: start.hasFocus())
    seen: list[QWidget] = []
    for _ in range(20):
        current = QApplication.focusWidget()
        assert current is not None
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return all(target in seen for target in targets)


def _activate(qtbot: QtBot, dialog: QWidget) -> None:
    """Make the new dialog the active window, as the window manager does when it opens."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def test_enter_opens_the_return_with_its_answers(
    qtbot: QtBot, window: MainWindow, case: CaseReturns, tmp_path: Path
) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case)
    assert widget.proxy.rowCount() == 3
    assert mnemonic_clashes(widget) == [] and unnamed_inputs(widget) == []
    dialog = _open_first_by_keyboard(qtbot, widget)
    shown = dialog.content.toPlainText()
    report_id = dialog.document.entry.report_id
    agency = next(r for r, rid in zip(AGENCY_RETURNS, case.report_ids, strict=True) if rid == report_id)
    assert CANARY in shown and agency[4] in shown and agency[2] in shown  # the case, its finding, its agency
    assert "Were the child's needs identified early?" in shown and "Refresh neglect toolkit training" in shown
    assert "Guidance: Answer from the records of every agency involved." in shown  # the installed template
    assert DATE.search(shown) and not re.search(r"\d{4}-\d{2}-\d{2}T", shown)
    assert dialog.banner.isHidden() and dialog.pdf_note.isHidden()
    assert "No moderation is recorded for this return." in dialog.moderation_label.text()
    assert report_id in dialog.signers.toPlainText() and "SHA-256 fingerprint" in dialog.signers.toPlainText()
    assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
    assert dialog.save_button.isEnabled() and dialog.windowTitle() == f"Return {report_id}"
    assert _tab_reaches(qtbot, dialog, dialog.content, [dialog.save_button, dialog.signers])
    # Save a copy through the real file dialog: the kept PDF, byte for byte.
    out = tmp_path / "copy of the return.pdf"
    watch = when_modal(QFileDialog, save_as(out))
    qtbot.keyClick(dialog, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: watch.acted and "Saved a copy" in dialog.status.text(), timeout=20_000)
    assert out.read_bytes() == case.pdfs[case.report_ids.index(report_id)].read_bytes()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_unknown_template_version_shows_the_banner(
    qtbot: QtBot, vault_service: VaultService, tmp_path: Path, case: CaseReturns
) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    text = FIXTURE.read_text(encoding="utf-8").replace('version: "1.2.0"', 'version: "2.0.0"')
    (shipped / FIXTURE.name).write_text(text, encoding="utf-8")
    for window in _window(qtbot, vault_service, TemplateService(shipped_dir=shipped, user_dir=tmp_path / "user")):
        widget = _inbox(qtbot, window)
        _import(widget, case)
        dialog = _open_first_by_keyboard(qtbot, widget)
        assert dialog.banner.isVisible() and "Unknown template version" in dialog.banner.text()
        assert "version 1.2.0" in dialog.banner.text() and dialog.banner.accessibleName() == "Template warning"
        assert CANARY in dialog.content.toPlainText() and "Guidance:" not in dialog.content.toPlainText()


def test_recheck_trust_releases_the_quarantine(qtbot: QtBot, window: MainWindow, case: CaseReturns) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case, trust=False)
    assert widget.quarantine_proxy.rowCount() == 3 and widget.proxy.rowCount() == 0
    session = window.shell.session
    assert session is not None
    session.inbox().trust_certificate(case.pems[0])  # trusted elsewhere (the command line): not re-checked
    widget.refresh()
    assert widget.quarantine_proxy.rowCount() == 3
    widget.recheck_button.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: widget.proxy.rowCount() == 1)
    assert widget.quarantine_proxy.rowCount() == 2
    assert "Checked 3 return(s) again. 1 return(s) left the quarantine." in widget.summary.text()
    # A quarantined return opens too (its signers say why it is held).
    dialog = _open_first_by_keyboard(qtbot, widget, "quarantine_table")
    assert "In quarantine" in dialog.signers.toPlainText() and CANARY in dialog.content.toPlainText()


def test_case_view_side_by_side_and_signed_export(
    qtbot: QtBot, window: MainWindow, case: CaseReturns, tmp_path: Path
) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case)
    session = window.shell.session
    assert session is not None
    vault = session.vault_service.vault
    identities = IdentityService(vault)
    chair = identities.create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
    # Priya is trusted as a QA moderator and moderates the police return (a real signed record).
    widget.trust_certificate(identities.export_certificate_pem(chair.id), moderator=True)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3 and "1 moderator" in widget.trust_label.text(), timeout=20_000)
    police = next(e for e in widget.model.rows() if e.report_id == case.report_ids[0])
    moderation = ModerationService(vault)
    form = moderation.form(police.id)
    scope = next(s for s in form.scopes if s.scope != "overall")
    moderation.record(
        police.id,
        outcome="moderated",
        rationale="The panel read the chronology again.",
        judgements=[
            JudgementInput(scope.scope, form.levels[-1].code, "No evidence of the child's voice.", scope.agency)
        ],
    )
    widget.refresh()
    qtbot.waitUntil(lambda: widget.model.moderation.get(police.id) == "Moderated")
    widget.table.selectRow(0)
    assert widget.case_button.isEnabled()
    qtbot.keyClick(widget, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(widget.return_view, CaseViewDialog) and widget.return_view.isVisible())
    dialog = widget.return_view
    assert isinstance(dialog, CaseViewDialog)
    _activate(qtbot, dialog)
    model = dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Question", "Children's social care", "Health (ICB)", "Police"]
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    quality = rows["Quality of the early help assessment (answers differ)"]
    assert [model.index(quality, c).data().split("\n")[0] for c in (1, 2, 3)] == [
        "Requires improvement",
        "Inadequate",
        "Good",
    ]
    assert model.index(0, 0).data() == "Overall judgement"
    assert AGENCY_RETURNS[0][4] in dialog.findings.toPlainText()
    # Each return's moderation is shown: outcome, moderator, date, verified, the moderated rating.
    shown = dialog.findings.toPlainText()
    assert "Police: Moderated" in shown and "By Priya Shah (QA subgroup chair, Testshire LSCP) on " in shown
    assert "Signature verified: signed by a certificate trusted as a QA moderator" in shown
    assert f"{scope.title}" in shown and form.levels[-1].label in shown and "No evidence of the child's voice." in shown
    assert "Not moderated: Children's social care, Health (ICB)." in shown
    assert "1 moderated" in dialog.heading.text()
    assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
    assert _tab_reaches(qtbot, dialog, dialog.table, [dialog.findings, dialog.export_button])
    out = tmp_path / "case-discussion.pdf"
    watch = when_modal(QFileDialog, save_as(out))
    qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: watch.acted and "Saved case-discussion.pdf" in dialog.status.text(), timeout=30_000)
    pem = IdentityService(session.vault_service.vault).export_certificate_pem()
    [result] = verify_files([out], trust_pems=[pem])
    assert result.ok() and result.trusted and result.signer == "Priya Shah"
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "QA moderation" in text and "Police: Moderated" in text and "The panel read the chronology again." in text
    assert "Not moderated: Children's social care, Health (ICB)." in " ".join(text.split())
    assert dialog.export_button.isEnabled() and "Refresh neglect toolkit training" in dialog.findings.toPlainText()


def test_a_return_without_a_kept_pdf_says_so(qtbot: QtBot, window: MainWindow, case: CaseReturns) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case)
    session = window.shell.session
    assert session is not None
    with session.vault_service.vault.engine.begin() as connection:  # as an earlier version left it
        connection.exec_driver_sql("DELETE FROM imported_return_files")
    widget.refresh()
    widget.table.selectRow(0)
    assert not widget.save_pdf_button.isEnabled() and "earlier version" in widget.save_pdf_button.toolTip()
    assert "Signed PDF not kept" in widget.proxy.index(0, COL_FLAGS).data()
    assert "The signed PDF is not kept in the vault" in widget.details.toPlainText()
    dialog = _open_first_by_keyboard(qtbot, widget)
    assert dialog.pdf_note.isVisible() and "not kept in the vault" in dialog.pdf_note.text()
    assert not dialog.save_button.isEnabled() and CANARY in dialog.content.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    _activate(qtbot, window)
    qtbot.keyClick(widget, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Checked 0 return(s) again" in widget.summary.text())
    assert "3 return(s) imported by an earlier version have no kept PDF" in widget.summary.text()
