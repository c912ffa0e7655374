"""Recording a moderation from the real main window on a real vault with real signed returns:
select a trusted return, Moderate… (Alt+D), choose a moderated rating from the return's own scale
with a rationale, sign; the "Moderated" column, the details pane and the read-only return view
show it, and the record in the vault is a real CMS signature bound to the return."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.moderation_service import ModerationService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui import ops
from lscp_audit.ui.inbox import ImportedReturnsWidget
from lscp_audit.ui.inbox.moderation_dialog import ModerationDialog
from lscp_audit.ui.inbox.return_view import ReturnViewDialog
from lscp_audit.ui.inbox.returns_model import COL_MODERATED
from lscp_audit.ui.main_window import MainWindow
from tests.reports.sample_audit import FIXTURE, make_vault
from tests.services.case_returns import CaseReturns, make_case_returns
from tests.ui.modal import when_modal
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs
from tests.ui.test_return_view import _activate, _import, _inbox, _window, save_as


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseReturns:
    return make_case_returns(tmp_path_factory.mktemp("agencies"))


@pytest.fixture
def window(qtbot: QtBot, vault_service: VaultService, tmp_path: Path) -> Iterator[MainWindow]:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    yield from _window(qtbot, vault_service, TemplateService(shipped_dir=shipped, user_dir=tmp_path / "user"))
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ModerationDialog):
            widget.close()


def test_record_a_moderation_from_the_main_window(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService, case: CaseReturns
) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case)
    qtbot.waitUntil(lambda: widget.proxy.rowCount() == 3, timeout=20_000)
    identities = IdentityService(vault_service.vault)
    me = identities.create("Piotr Nowak", "QA subgroup chair", "Testshire LSCP")
    widget.trust_certificate(identities.export_certificate_pem(me.id), moderator=True)
    qtbot.waitUntil(lambda: "1 moderator" in widget.trust_label.text(), timeout=20_000)
    assert widget.proxy.index(0, COL_MODERATED).data() == "No"

    widget.table.setFocus()
    widget.table.selectRow(0)
    entry = widget.selected_entries()[0]
    assert widget.moderate_button.isEnabled() and mnemonic_clashes(widget) == []
    qtbot.keyClick(widget, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(widget.moderation_dialog, ModerationDialog), timeout=20_000)
    dialog = widget.moderation_dialog
    assert isinstance(dialog, ModerationDialog)
    qtbot.waitUntil(dialog.isVisible)
    _activate(qtbot, dialog)
    assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
    assert not dialog.sign_button.isEnabled() and "rationale" in dialog.problem.text()

    qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Give moderated ratings
    qtbot.waitUntil(dialog.moderated.isChecked)  # a mnemonic clicks after a short animation
    assert dialog.ratings_box.isEnabled()
    dialog.rationale_edit.setFocus()
    qtbot.keyClicks(dialog.rationale_edit, "Tested at the March panel.")
    assert "at least one moderated rating" in dialog.problem.text()
    first, own = dialog.form.scopes[0], dialog.form.scopes[0].self_rating
    choice, why = dialog.ratings[0]
    target = next(i for i in range(1, choice.count()) if choice.itemData(i) != own)
    choice.setFocus()
    choice.setCurrentIndex(target)
    chosen = choice.itemData(target)
    assert "rationale for each" in dialog.problem.text()
    why.setFocus()
    qtbot.keyClicks(why, "The referral was late.")
    assert dialog.sign_button.isEnabled() and dialog.problem.text() == ""
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Sign and record
    qtbot.waitUntil(lambda: "recorded and signed by Piotr Nowak" in widget.summary.text(), timeout=30_000)
    qtbot.waitUntil(lambda: widget.model.moderation.get(entry.id) == "Moderated", timeout=20_000)

    # Shown in the list, the details pane and the read-only return view.
    shown = [widget.proxy.index(r, COL_MODERATED).data() for r in range(widget.proxy.rowCount())]
    assert sorted(shown) == ["Moderated", "No", "No"]
    service = ModerationService(vault_service.vault)
    made = service.moderation_for(entry.id)
    assert made is not None and made.moderator == "Piotr Nowak" and made.judgements[0].scope == first.scope
    assert made.judgements[0].moderated == chosen and made.rationale == "Tested at the March panel."
    assert service.check(vault_service.vault.moderation.cms(made.id))[1] is None  # signed and bound
    for r in range(widget.proxy.rowCount()):
        if widget.proxy.index(r, COL_MODERATED).data() == "Moderated":
            widget.table.selectRow(r)
    assert "Moderation: Moderated" in widget.details.toPlainText()
    view = _open_first_by_keyboard_selected(qtbot, widget)
    # Shown with a table of the moderated ratings; read out in plain words.
    spoken = view.moderation_label.accessibleDescription()
    assert "Moderated by Piotr Nowak (QA subgroup chair, Testshire LSCP)" in spoken
    assert "The referral was late." in spoken and "Signature verified" in spoken
    shown = view.moderation_label.text()
    assert "<th>Moderated</th>" in shown and "The referral was late." in shown
    qtbot.keyClick(view, Qt.Key.Key_Escape)


def _open_first_by_keyboard_selected(qtbot: QtBot, widget: object) -> ReturnViewDialog:
    from lscp_audit.ui.inbox import ImportedReturnsWidget

    assert isinstance(widget, ImportedReturnsWidget)
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(widget.return_view, ReturnViewDialog) and widget.return_view.isVisible())
    dialog = widget.return_view
    assert isinstance(dialog, ReturnViewDialog)
    _activate(qtbot, dialog)
    return dialog


def test_a_quarantined_return_cannot_be_moderated(qtbot: QtBot, window: MainWindow, case: CaseReturns) -> None:
    widget = _inbox(qtbot, window)
    _import(widget, case, trust=False)
    qtbot.waitUntil(lambda: widget.quarantine_proxy.rowCount() == 3, timeout=20_000)
    widget.quarantine_table.selectRow(0)
    assert not widget.moderate_button.isEnabled()
    assert "quarantine cannot be moderated" in widget.moderate_button.toolTip()


def test_a_moderation_record_travels_as_its_own_file_between_qa_vaults(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService, case: CaseReturns, tmp_path: Path
) -> None:
    """From the real main window: open a moderated return, *Save the moderation record…* (Alt+M)
    through the real file dialog; the file is the record as signed and the export is logged.
    Another QA vault imports it (with the returns, in one import, the record listed first) and
    shows the return as moderated; a record changed by one byte is refused with the reason."""
    widget = _inbox(qtbot, window)
    _import(widget, case)
    qtbot.waitUntil(lambda: widget.proxy.rowCount() == 3, timeout=20_000)
    identities = IdentityService(vault_service.vault)
    me = identities.create("Piotr Nowak", "QA subgroup chair", "Testshire LSCP")
    moderator_pem = identities.export_certificate_pem(me.id)
    widget.trust_certificate(moderator_pem, moderator=True)
    qtbot.waitUntil(lambda: "1 moderator" in widget.trust_label.text(), timeout=20_000)
    widget.table.setFocus()
    widget.table.selectRow(0)
    entry = widget.selected_entries()[0]
    made = ModerationService(vault_service.vault).record(entry.id, outcome="agree", rationale="Sound and timely.")
    widget.refresh()
    qtbot.waitUntil(lambda: widget.model.moderation.get(entry.id) == "Agreed", timeout=20_000)

    view = _open_first_by_keyboard_selected(qtbot, widget)
    assert view.document.entry.id == entry.id
    assert view.save_record_button.isEnabled() and mnemonic_clashes(view) == []
    assert "Agreed" in view.save_record_button.toolTip()
    out = tmp_path / "for the other vault.lscpmod"
    watch = when_modal(QFileDialog, save_as(out))
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: watch.acted and "Saved the moderation record" in view.status.text(), timeout=20_000)
    assert out.read_bytes() == vault_service.vault.moderation.cms(made.id)
    logged = [r for r in vault_service.vault.export_log.list() if Path(r.file_name).name == out.name]
    assert len(logged) == 1 and logged[0].report_id == entry.report_id
    qtbot.keyClick(view, Qt.Key.Key_Escape)

    tampered = tmp_path / "tampered.lscpmod"
    blob = bytearray(out.read_bytes())
    blob[len(blob) // 3] ^= 0x01
    tampered.write_bytes(bytes(blob))
    other_vault = make_vault(tmp_path / "other-qa.lscp")
    try:
        other = ImportedReturnsWidget(InboxService(other_vault))
        qtbot.addWidget(other)
        assert other.dropped_suffixes == (".pdf", ".lscpmod")
        for pem in case.pems:
            other.trust_certificate(pem)
        other.trust_certificate(moderator_pem, moderator=True)
        qtbot.waitUntil(lambda: "1 moderator" in other.trust_label.text(), timeout=20_000)
        with qtbot.waitSignal(other.files_imported, timeout=60_000):
            other.import_files([out, tampered, *case.pdfs])
        qtbot.waitUntil(lambda: other.model.rowCount() == 3, timeout=20_000)
        rows = {
            other.results_model.index(r, 0).data(): (
                other.results_model.index(r, 1).data(),
                other.results_model.index(r, 2).data(),
            )
            for r in range(other.results_model.rowCount())
        }
        assert rows[out.name] == ("Imported", f"Moderation record of report {entry.report_id}: Agreed by Piotr Nowak")
        assert rows[tampered.name][0] == "Not imported" and "changed after it was signed" in rows[tampered.name][1]
        qtbot.waitUntil(lambda: sorted(other.model.moderation.values()) == ["Agreed"], timeout=20_000)
        assert other.summary.text() == "4 imported, 1 not imported."  # three returns and the record
    finally:
        ops.wait_for_all()
        other_vault.close()
