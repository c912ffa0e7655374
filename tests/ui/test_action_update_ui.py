"""Recording progress on an action from the real main window, on a real vault holding real signed
Section 11 returns: QA inbox → Analysis → Actions, select an action, Enter opens the dialog
(every control named, no Alt-key clashes), a future date is refused in place, the status, note and
who reported it are typed with the keyboard and recorded; the register shows the new status from
the update, the update is in the vault beside the return, and the signed PDF is unchanged."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lscp_audit.core.action_updates import shown_date
from lscp_audit.core.analysis_tables import ACTIONS, S11
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.inbox.action_update_dialog import ActionUpdateDialog
from lscp_audit.ui.inbox.analysis_widget import AnalysisWidget
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.main_window import MainWindow
from tests.reports.sample_audit import FIXTURE
from tests.services.action_returns import SignedReturns, import_returns, make_signed_returns, spec
from tests.ui.modal import check, choose_file, when_modal
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs
from tests.ui.test_return_view import _activate, _window


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedReturns:
    return make_signed_returns(tmp_path_factory.mktemp("agency"))


@pytest.fixture
def window(qtbot: QtBot, vault_service: VaultService, tmp_path: Path) -> Iterator[MainWindow]:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    yield from _window(qtbot, vault_service, TemplateService(shipped_dir=shipped, user_dir=tmp_path / "user"))
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ActionUpdateDialog):
            widget.close()


def _cells(widget: AnalysisWidget, row: int) -> dict[str, str]:
    model = widget.views[ACTIONS].model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {headers[c]: model.index(row, c).data() for c in range(model.columnCount())}


def _row_of(widget: AnalysisWidget, action: str) -> int:
    model = widget.views[ACTIONS].model()
    return next(r for r in range(model.rowCount()) if _cells(widget, r)["Action"] == action)


def test_record_progress_from_the_action_register(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService, signed: SignedReturns
) -> None:
    ids = import_returns(vault_service.vault, signed)
    police = ids["police-current"]
    pdf_before = vault_service.vault.imported_returns.pdf(police)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # QA inbox
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.analysis, AnalysisWidget)
    widget = page.analysis
    page.tabs.setCurrentWidget(widget)
    qtbot.waitUntil(lambda: widget.refresh_button.isEnabled(), timeout=20_000)
    widget.refresh_button.click()  # the returns were imported after the tab first read them
    action = spec("police-current").actions[0]
    qtbot.waitUntil(
        lambda: widget.views[ACTIONS].model().rowCount() == sum(len(spec(k).actions) for k in ids), timeout=20_000
    )
    row = _row_of(widget, action.text)
    assert _cells(widget, row)["Status"] == "Open" and _cells(widget, row)["Status from"] == "the return"
    matrix = widget.views[S11].model()
    assert isinstance(matrix, QStandardItemModel)
    rated = [matrix.item(r, c) for r in range(matrix.rowCount()) for c in range(matrix.columnCount())]
    red = [item for item in rated if item is not None and item.text() == "Red"]
    assert red and all(item.background().color().name() == "#b71c1c" for item in red)  # colour and text
    assert all(item.foreground().color().name() == "#ffffff" for item in red)

    widget.tabs.setCurrentWidget(widget.views[ACTIONS])
    assert widget.record_progress_button.accessibleDescription()
    assert mnemonic_clashes(page) == [] and unnamed_inputs(widget) == []
    view = widget.views[ACTIONS]
    view.setFocus()
    view.selectRow(row)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(widget.update_dialog, ActionUpdateDialog), timeout=20_000)
    dialog = widget.update_dialog
    assert isinstance(dialog, ActionUpdateDialog)
    qtbot.waitUntil(dialog.isVisible)
    _activate(qtbot, dialog)
    assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
    assert action.text in dialog.intro.text() and "No progress has been recorded" in dialog.history.text()
    assert dialog.status_combo.hasFocus() and dialog.status() == "open"

    qtbot.keyClicks(dialog.status_combo, "C")  # Complete
    assert dialog.status() == "complete"
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Progress as at
    assert dialog.date_field.line.hasFocus()
    today = dt.datetime.now(dt.UTC).date()
    dialog.date_field.line.selectAll()
    qtbot.keyClicks(dialog.date_field.line, (today + dt.timedelta(days=2)).strftime("%d/%m/%Y"))
    assert "in the future" in dialog.problem.text() and not dialog.record_button.isEnabled()
    dialog.date_field.line.selectAll()
    qtbot.keyClicks(dialog.date_field.line, today.strftime("%d/%m/%Y"))
    assert dialog.problem.text() == "" and dialog.record_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # Reported by
    qtbot.keyClicks(dialog.reported_edit, "DI Jones")
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Note
    qtbot.keyClicks(dialog.note_edit, "All custody staff trained")
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Record update

    qtbot.waitUntil(lambda: _cells(widget, _row_of(widget, action.text))["Status"] == "Complete", timeout=20_000)
    cells = _cells(widget, _row_of(widget, action.text))
    assert cells["Status from"] == f"update of {shown_date(today.isoformat())}"
    assert cells["Latest update"] == "All custody staff trained" and cells["Overdue"] == "No"
    [update] = vault_service.vault.action_updates.for_return(police)
    assert (update.action_index, update.status, update.reported_by) == (0, "complete", "DI Jones")
    assert update.as_of == today.isoformat()
    assert vault_service.vault.imported_returns.pdf(police) == pdf_before


def test_record_progress_without_a_selection_points_to_the_table(
    qtbot: QtBot, window: MainWindow, vault_service: VaultService
) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.analysis, AnalysisWidget)
    widget = page.analysis
    page.tabs.setCurrentWidget(widget)
    qtbot.waitUntil(lambda: widget.refresh_button.isEnabled(), timeout=20_000)
    assert not widget.record_progress_button.isVisible()  # only with the Actions table
    widget.tabs.setCurrentWidget(widget.views[ACTIONS])
    assert widget.record_progress_button.isVisible()
    widget.record_progress_button.click()
    assert "Choose an action in the Actions table" in widget.summary.text()
    assert widget.views[ACTIONS].hasFocus() and widget.update_dialog is None


def test_quarterly_action_report_saved_from_the_actions_tab(
    qtbot: QtBot,
    window: MainWindow,
    vault_service: VaultService,
    signed: SignedReturns,
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from lscp_audit.core.action_updates import Quarter
    from lscp_audit.ui.inbox.quarter_dialog import QuarterDialog

    ids = import_returns(vault_service.vault, signed)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.area_page("inbox")
    assert isinstance(page, InboxPage) and isinstance(page.analysis, AnalysisWidget)
    widget = page.analysis
    page.tabs.setCurrentWidget(widget)
    qtbot.waitUntil(lambda: widget.refresh_button.isEnabled(), timeout=20_000)
    widget.refresh_button.click()  # the returns were imported after the tab first read them
    actions = sum(len(spec(k).actions) for k in ids)
    qtbot.waitUntil(lambda: widget.views[ACTIONS].model().rowCount() == actions, timeout=20_000)
    widget.tabs.setCurrentWidget(widget.views[ACTIONS])
    button = widget.quarterly.button
    assert button.isVisible() and button.accessibleDescription() and mnemonic_clashes(page) == []

    this_quarter = Quarter.containing(dt.datetime.now(dt.UTC).date())
    offered: list[str] = []

    def first_quarter(references: bool) -> Callable[[QuarterDialog], None]:
        def act(dialog: QuarterDialog) -> None:
            assert unnamed_inputs(dialog) == [] and mnemonic_clashes(dialog) == []
            assert not dialog.case_references.isChecked()  # left out unless chosen
            offered[:] = [dialog.quarter_combo.itemText(i) for i in range(dialog.quarter_combo.count())]
            if references:
                qtbot.keyClick(dialog.case_references, Qt.Key.Key_Space)
            dialog.next_button.click()

        return act

    target = tmp_path / "actions-q.xlsx"
    watches = [when_modal(QuarterDialog, first_quarter(False)), when_modal(QFileDialog, choose_file(target))]
    button.click()
    qtbot.waitUntil(
        lambda: widget.status.text().startswith("Saved") or "Not saved" in widget.status.text(), timeout=20_000
    )
    for watch in watches:
        check(watch)
    assert widget.status.text().startswith(f"Saved {target.name}"), widget.status.text()
    assert "case references" not in widget.status.text()
    assert offered[0].startswith(this_quarter.label) and len(offered) == 8
    expected = [a.text for key in ids for a in spec(key).actions]  # all signed this quarter
    book = load_workbook(target)
    sheet = book["Actions"] if "Actions" in book.sheetnames else book.worksheets[0]
    written = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert expected and all(text in written for text in expected), (written[:60], widget.status.text())
    assert "Case reference" not in written
    logged = {Path(r.file_name).name for r in vault_service.vault.export_log.list()}
    assert target.name in logged

    # CSV by the name's ending, here with the case references chosen.
    csv_target = tmp_path / "actions-q.csv"
    watches = [when_modal(QuarterDialog, first_quarter(True)), when_modal(QFileDialog, choose_file(csv_target))]
    button.click()
    qtbot.waitUntil(lambda: widget.status.text().startswith(f"Saved {csv_target.name}"), timeout=20_000)
    for watch in watches:
        check(watch)
    assert "It includes case references: keep it within the QA subgroup." in widget.status.text()
    with csv_target.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert "Case reference" in header and all(text in csv_target.read_text("utf-8") for text in expected)

    # Cancelling the quarter writes nothing and asks for no file.
    files_asked = when_modal(QFileDialog, lambda dialog: dialog.reject())
    watch = when_modal(QuarterDialog, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    button.click()
    check(watch)
    files_asked.cancel()
    assert not files_asked.acted and button.isEnabled()
