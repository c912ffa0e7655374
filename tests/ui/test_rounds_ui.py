"""Rounds in the app (real main window, real vault, real signed returns): the QA inbox's Rounds
tab shows each round's expected, received, outstanding and overdue returns (only trusted returns
count), New round… creates a round that is then tracked, and Settings → Partnership edits the
profile kept in the vault."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.qtbot import QtBot

from lscp_audit.core.partnership import Locality
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.inbox.round_dialog import NewRoundDialog
from lscp_audit.ui.inbox.rounds_widget import RoundsWidget
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.settings.settings_page import SettingsPage
from lscp_audit.ui.shell import build_main_window
from tests.services.round_returns import make_round_returns, test_profile
from tests.ui.keys import focused, press
from tests.ui.modal import when_modal
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs

TODAY = dt.date(2026, 12, 1)


def _cells(view: QTableView) -> list[list[str]]:
    model = view.model()
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())] for r in range(model.rowCount())]


def _headers(view: QTableView) -> list[str]:
    model = view.model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, vault_service: VaultService, template_service: TemplateService) -> MainWindow:
    """The main window on a QA vault holding the test profile and three returns for round
    s11-2026 (police north and the youth club trusted; the GP return in quarantine)."""
    returns = make_round_returns(tmp_path / "agency")
    PartnershipService(vault_service.vault).install_profile(test_profile())
    inbox = InboxService(vault_service.vault)
    inbox.trust_certificate(returns.trusted_pem, "Pat Auditor")
    assert all(r.ok for r in inbox.import_files(list(returns.files.values())))
    main = build_main_window()
    qtbot.addWidget(main)
    main.shell.templates = template_service
    main.shell.install(vault_service)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    return main


def _rounds(window: MainWindow) -> RoundsWidget:
    window.show_area("inbox")
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and page.rounds is not None
    page.rounds.today = TODAY
    page.tabs.setCurrentWidget(page.rounds)  # opening the tab counts again
    return page.rounds


def test_rounds_tab_tracks_returns_and_a_new_round(qtbot: QtBot, window: MainWindow) -> None:
    rounds = _rounds(window)
    assert _headers(rounds.table) == [
        "Round",
        "Phase",
        "Template",
        "Deadline",
        "Expected",
        "Received",
        "Outstanding",
        "Overdue",
    ]
    first = _cells(rounds.table)[0]
    assert first == ["Section 11 2026 (s11-2026)", "baseline", "test-round-return", "30 Nov 2026", "4", "2", "2", "2"]
    # The chosen round's expected returns: the state in words (colour only repeats it).
    assert _headers(rounds.expectations_view) == [
        "Expected return",
        "Locality",
        "Status",
        "Received",
        "Outstanding",
        "In quarantine",
    ]
    assert [row[:3] + row[5:] for row in _cells(rounds.expectations_view)] == [
        ["Testshire Police", "North Testshire", "Received", "none"],
        ["Testshire Police", "South Testshire", "Overdue", "none"],
        ["GP practice", "North Testshire", "Overdue", "1"],
        ["Hillside Youth Club", "Any", "Received", "none"],
    ]
    assert "Only trusted returns count; 1 return(s) for this round are in quarantine." in rounds.summary.plain_text()
    assert [r[:2] for r in _cells(rounds.locality_view)] == [
        ["North Testshire", "2"],
        ["South Testshire", "1"],
        ["No locality given", "1"],
    ]

    page = window.area_page("inbox")
    assert unnamed_inputs(page) == [] and mnemonic_clashes(page) == []

    # New round… from the keyboard-reachable button: a Section 11 round expecting two agencies.
    def fill(dialog: NewRoundDialog) -> None:
        qtbot.waitUntil(lambda: focused() is dialog.id_edit)  # the first field has the focus
        assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
        qtbot.keyClicks(dialog.id_edit, "s11-2027")
        qtbot.keyClicks(dialog.title_edit, "Section 11 2027")
        dialog.template.setCurrentIndex(dialog.template.findData("ui-short"))
        dialog.deadline.set_date(dt.date(2026, 11, 1))
        for row in (0, 1):  # Testshire Police, GP practice: ticked with Space
            dialog.agencies.setFocus()
            dialog.agencies.setCurrentRow(row)
            press(qtbot, Qt.Key.Key_Space)
        dialog.create_button.click()

    watch = when_modal(NewRoundDialog, fill)
    rounds.new_button.click()
    assert watch.acted and watch.error is None
    qtbot.waitUntil(lambda: len(_cells(rounds.table)) == 3)
    assert _cells(rounds.table)[2] == ["Section 11 2027 (s11-2027)", "—", "ui-short", "1 Nov 2026", "2", "0", "2", "2"]
    assert rounds.current_round() is not None and rounds.current_round().id == "s11-2027"  # type: ignore[union-attr]
    assert [row[:3] for row in _cells(rounds.expectations_view)] == [
        ["Testshire Police", "Any", "Overdue"],
        ["GP practice", "Any", "Overdue"],
    ]
    assert "Round s11-2027 created." in rounds.status.plain_text()
    rounds.copy_reminders()
    assert QApplication.clipboard().text().splitlines() == [
        "Outstanding returns for Section 11 2027 (deadline 1 Nov 2026):",
        "- Testshire Police",
        "- GP practice",
    ]


def test_a_bad_round_lists_its_problems_and_is_not_created(qtbot: QtBot, window: MainWindow) -> None:
    rounds = _rounds(window)

    def fill(dialog: NewRoundDialog) -> None:
        qtbot.keyClicks(dialog.id_edit, "S11 bad")
        dialog.create_button.click()
        text = dialog.problems.plain_text()
        assert "The round was not created:" in text and "id: 'S11 bad' must be 2 to 64 lower-case letters" in text
        assert "title: must not be blank" in text or "title" in text
        dialog.reject()

    watch = when_modal(NewRoundDialog, fill)
    rounds.new_button.click()
    assert watch.acted and watch.error is None
    assert len(_cells(rounds.table)) == 2


def test_settings_partnership_tab_edits_the_profile(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService
) -> None:
    window.show_area("settings")
    page = window.area_page("settings")
    assert isinstance(page, SettingsPage) and page.partnership is not None
    tab = page.partnership
    page.tabs.setCurrentIndex(page.tabs.indexOf(tab.parentWidget().parentWidget()))  # the scroll area
    assert unnamed_inputs(page) == [] and mnemonic_clashes(page) == []
    assert [tab.localities.item(r, 1).text() for r in range(tab.localities.rowCount())] == [  # type: ignore[union-attr]
        "North Testshire",
        "South Testshire",
    ]
    # Add a locality from the keyboard: the new row's code cell is edited at once.
    tab.add_locality.click()
    qtbot.keyClicks(focused(), "east")
    press(qtbot, Qt.Key.Key_Tab)
    tab.localities.setCurrentCell(2, 1)
    tab.localities.item(2, 1).setText("East Testshire")  # type: ignore[union-attr]
    tab.name_edit.setText("Testshire and Eastshire LSCP")
    tab.save()
    assert "Profile saved" in tab.status.plain_text()
    stored = PartnershipService(vault_service.vault).profile()
    assert stored.name == "Testshire and Eastshire LSCP"
    assert [(loc.code, loc.label) for loc in stored.localities][-1] == ("east", "East Testshire")
    # A locality a round uses cannot go: the problem is listed by field, nothing is stored.
    tab.localities.setCurrentCell(1, 0)
    tab.remove_locality.click()
    tab.save()
    assert tab.problems.isVisible() and "'south' is not a locality of the partnership" in tab.problems.text()
    assert [loc.code for loc in PartnershipService(vault_service.vault).profile().localities] == [
        "north",
        "south",
        "east",
    ]


def test_new_audit_for_a_round_and_a_template_without_rounds(
    qtbot: QtBot, vault_service: VaultService, tmp_path: Path
) -> None:
    """The shipped Section 11 template: with no round for it, its round field says why there is
    nothing to choose; once a round covers one locality, choosing it fills the locality."""
    from lscp_audit.core.partnership import ExpectedAgency, Round
    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog
    from tests.conftest import REPO_ROOT

    templates = TemplateService(shipped_dir=REPO_ROOT / "forms", user_dir=tmp_path / "user-templates")
    service = AuditService.for_vault(vault_service.vault, templates, actor="Test Auditor")
    dialog = NewAuditDialog(service, service.template)
    qtbot.addWidget(dialog)
    row = next(i for i in range(dialog.templates.count()) if "Section 11" in dialog.templates.item(i).text())
    dialog.templates.setCurrentRow(row)
    assert dialog.form is not None and "audit_round" not in dialog.form.inputs
    notes = [label.text() for label in dialog.form.findChildren(QLabel)]
    assert any(text.startswith("No audit round uses this template yet") for text in notes)
    assert unnamed_inputs(dialog) == []

    partnership = PartnershipService(vault_service.vault, templates)
    profile = partnership.save_profile(
        replace(partnership.profile(), localities=(Locality("north", "North"), Locality("south", "South")))
    )
    partnership.create_round(
        Round(
            "s11-2027",
            "Section 11 2027",
            template_id="section-11-self-assessment",
            localities=("south",),
            expected_agencies=(ExpectedAgency("police"),),
        )
    )
    assert profile.locality("south") is not None
    dialog = NewAuditDialog(service, service.template)
    qtbot.addWidget(dialog)
    dialog.templates.setCurrentRow(row)
    assert dialog.form is not None
    dialog.form.set_value("audit_round", "s11-2027")
    dialog.run_check()
    assert dialog.form.values()["locality"] == "south"  # the round's only locality


def test_edit_a_round_and_delete_is_refused_while_returns_are_filed_under_it(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService
) -> None:
    """Edit round… keeps the id and changes the title (shown in the returns table's Round column
    too); Delete round… is refused with the reason while returns are filed under the round, and
    deletes a round without returns."""
    from lscp_audit.core.partnership import Round
    from lscp_audit.ui.inbox.returns_model import COL_ROUND
    from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget

    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.returns, ImportedReturnsWidget)
    table = page.returns.proxy
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    assert {table.index(r, COL_ROUND).data() for r in range(2)} == {"Section 11 2026 (baseline)"}
    rounds = _rounds(window)
    qtbot.waitUntil(lambda: rounds.current_round() is not None)
    assert rounds.current_round().id == "s11-2026"  # type: ignore[union-attr]

    def edit(dialog: NewRoundDialog) -> None:
        qtbot.waitUntil(lambda: focused() is dialog.title_edit)
        assert dialog.id_edit.isReadOnly() and dialog.id_edit.text() == "s11-2026"
        assert dialog.deadline.iso() == "2026-11-30" and dialog.create_button.text() == "Sa&ve round"
        assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
        dialog.title_edit.selectAll()
        qtbot.keyClicks(dialog.title_edit, "Section 11 2026 statutory partners")
        dialog.create_button.click()
        assert not dialog.isVisible(), dialog.problems.plain_text()

    watch = when_modal(NewRoundDialog, edit)
    rounds.edit_button.click()
    assert watch.acted and watch.error is None
    qtbot.waitUntil(lambda: "Round s11-2026 saved." in rounds.status.plain_text())
    stored = PartnershipService(vault_service.vault).round("s11-2026")
    assert stored.title == "Section 11 2026 statutory partners" and stored.deadline == "2026-11-30"
    assert len(stored.expected_agencies) == 3  # the expectations are kept as they were
    qtbot.waitUntil(lambda: table.index(0, COL_ROUND).data() == "Section 11 2026 statutory partners (baseline)")

    # Delete is refused while returns are filed under the round: nothing changes.
    rounds.delete_round(confirm=False)
    qtbot.waitUntil(lambda: "The round was not deleted" in rounds.status.plain_text())
    assert "3 return(s) in the inbox are filed under it" in rounds.status.plain_text()
    assert "s11-2026" in {r.id for r in PartnershipService(vault_service.vault).rounds()}

    # A round without returns is deleted.
    PartnershipService(vault_service.vault).create_round(Round("empty-2026", "Nothing filed", template_id=""))
    rounds.load(select="empty-2026")
    qtbot.waitUntil(lambda: rounds.current_round() is not None and rounds.current_round().id == "empty-2026")  # type: ignore[union-attr]
    rounds.delete_round(confirm=False)
    qtbot.waitUntil(lambda: "Round empty-2026 deleted." in rounds.status.plain_text())
    assert "empty-2026" not in {r.id for r in PartnershipService(vault_service.vault).rounds()}
