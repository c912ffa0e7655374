"""Templates > Import from XLSForm, from the real main window: the conversion runs on a worker
thread, the result dialog lists what was not converted, Import adds the template; a malformed
form is refused naming sheet and row; Save as writes the template file."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from lscp_audit.core.templates import TemplateKind, check_template_file
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.services.xlsform_import import XlsformConversion
from lscp_audit.ui import ops
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.templates_page import TemplatesPage
from lscp_audit.ui.xlsform_dialog import XlsformResultDialog
from tests.ui.conftest import TEMPLATES_DIR
from tests.ui.modal import check, choose_file, when_modal
from tests.ui.test_keyboard import open_window
from tests.xlsforms import YES_NO, medium_form, unsupported_form, write_xlsform


class WatchedTemplates(TemplateService):
    """The real service, noting which thread each conversion ran on."""

    def __init__(self, shipped: Path, user: Path) -> None:
        super().__init__(shipped, user)
        self.threads: list[threading.Thread] = []

    def convert_xlsform(self, path: Path | str, kind: TemplateKind = TemplateKind.CASE_AUDIT) -> XlsformConversion:
        self.threads.append(threading.current_thread())
        return super().convert_xlsform(path, kind)


def templates_page(qtbot: QtBot, window: MainWindow) -> TemplatesPage:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Templates
    page = window.area_page("templates")
    assert isinstance(page, TemplatesPage)
    return page


def test_xlsform_import_journey_off_the_gui_thread(qtbot: QtBot, vault_service: VaultService, tmp_path: Path) -> None:
    service = WatchedTemplates(TEMPLATES_DIR, tmp_path / "user-templates")
    window = open_window(qtbot, vault_service, service)
    page = templates_page(qtbot, window)
    before = page.list.count()
    form = medium_form(tmp_path / "thematic.xlsx")
    ops.set_synchronous(False)  # the real worker threads
    seen: dict[str, object] = {}

    def read_and_import(dialog: XlsformResultDialog) -> None:
        seen["summary"] = dialog.summary.text()
        seen["listed"] = dialog.listed()
        seen["visible"] = dialog.unmapped.isVisible()
        assert dialog.import_button.isDefault()
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)  # Import, by keyboard

    result = when_modal(XlsformResultDialog, read_and_import)
    files = when_modal(QFileDialog, choose_file(form))
    page.xlsform_button.setFocus()
    qtbot.keyClick(page.xlsform_button, Qt.Key.Key_Space)  # the button, by keyboard
    qtbot.waitUntil(lambda: result.acted or result.missed, timeout=40_000)
    check(files)
    check(result)
    assert service.threads and service.threads[0] is not threading.main_thread()
    assert "thematic.xlsx became the template “Thematic audit”: 100 questions in 11 sections" in str(seen["summary"])
    assert seen["listed"] == [
        "survey sheet, row 1: labels and hints in 'Cymraeg (cy)': only one language is imported: 'English (en)'"
    ]
    assert seen["visible"] is True
    qtbot.waitUntil(lambda: page.list.count() == before + 1)
    current = page.list.currentItem()
    assert current is not None and current.text().startswith("Thematic audit")
    assert "Imported “Thematic audit” from thematic.xlsx." in page.status.text()
    assert page.xlsform_button.isEnabled() and page.problems.isHidden()
    assert (tmp_path / "user-templates" / "thematic.yaml").is_file()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_malformed_xlsform_lists_sheet_and_row(qtbot: QtBot, template_service: TemplateService, tmp_path: Path) -> None:
    page = TemplatesPage(template_service)
    qtbot.addWidget(page)
    form = write_xlsform(
        tmp_path / "lists.xlsx",
        [["type", "name", "label"], ["select_one colours", "q1", "Colour"]],
        [["list_name", "name", "label"], *YES_NO],
    )
    page.convert_xlsform_file(form)  # inline: the conftest runs operations synchronously
    assert not page.problems.isHidden() and page.xlsform_button.isEnabled()
    assert page.problems.toPlainText() == (
        "The XLSForm was not converted:\n"
        "lists.xlsx: survey sheet, row 2: select_one colours names the choice list 'colours', which is not on "
        "the choices sheet (its lists: 'yn')"
    )
    assert page.problems.accessibleName() == "Import problems: the template was not converted, 1 problem"


def test_save_as_writes_the_converted_template(qtbot: QtBot, template_service: TemplateService, tmp_path: Path) -> None:
    page = TemplatesPage(template_service)
    qtbot.addWidget(page)
    before = page.list.count()
    target = tmp_path / "saved" / "awkward-template.yaml"  # another folder and name than offered
    target.parent.mkdir()

    def save(dialog: XlsformResultDialog) -> None:
        assert len(dialog.listed()) == 20  # every construct, one a row
        dialog.save_button.click()

    result = when_modal(XlsformResultDialog, save)
    files = when_modal(QFileDialog, choose_file(target))
    page.convert_xlsform_file(unsupported_form(tmp_path / "awkward.xlsx"))
    check(result)
    check(files)
    template, problems = check_template_file(target)
    assert template is not None and problems == [], (problems, sorted(p.name for p in tmp_path.rglob("*")))
    assert target.read_text(encoding="utf-8").startswith("# Converted from the XLSForm awkward.xlsx")
    assert page.list.count() == before  # saved, not imported
    assert f"Saved the template to {target}." in page.status.text()
