"""Templates (browse, preview, import with file:line problems) and Settings (saved through the
settings service) pages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from lscp_audit.services.settings_service import SettingsService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.settings.settings_page import SettingsPage
from lscp_audit.ui.templates_page import TemplatesPage
from tests.ui.conftest import TEMPLATES_DIR


def test_templates_page_previews_and_reports_import_problems(
    qtbot: QtBot, template_service: TemplateService, tmp_path: Path
) -> None:
    page = TemplatesPage(template_service)
    qtbot.addWidget(page)
    assert page.list.count() == 2
    model = page.outline.model()
    assert model is not None and model.rowCount() == 2  # sections of the first template
    broken = tmp_path / "broken.yaml"
    broken.write_text((TEMPLATES_DIR / "ui-short.yaml").read_text().replace("type: grade", "type: stars"))
    assert not page.import_file(broken)
    assert f"{broken}:" in page.problems.toPlainText() and not page.problems.isHidden()
    good = tmp_path / "mine.yaml"
    good.write_text((TEMPLATES_DIR / "ui-short.yaml").read_text().replace("id: ui-short", "id: my-short"))
    assert page.import_file(good)
    assert page.list.count() == 3 and page.problems.isHidden()


def test_settings_page_saves_through_the_service(qtbot: QtBot, vault_service: VaultService) -> None:
    settings = SettingsService(vault_service.vault)
    page = SettingsPage(settings, vault_service)
    qtbot.addWidget(page)
    marking = page.fields["report.protective_marking"]
    assert isinstance(marking, QLineEdit) and marking.text() == "OFFICIAL-SENSITIVE"
    marking.setText("OFFICIAL")
    page.save("report.protective_marking")
    minutes = page.fields["vault.autolock_minutes"]
    assert isinstance(minutes, QSpinBox)
    minutes.setValue(15)
    page.save("vault.autolock_minutes")
    assert settings.get("report.protective_marking") == "OFFICIAL"
    assert settings.get("vault.autolock_minutes") == 15


def test_templates_page_shows_the_template_text_licence(qtbot: QtBot, tmp_path: Path) -> None:
    from lscp_audit import paths

    page = TemplatesPage(TemplateService(paths.forms_dir(), tmp_path / "user"))
    qtbot.addWidget(page)
    for row in range(page.list.count()):
        page.list.setCurrentRow(row)
        text = page.about.text()
        assert "Template text licence: CC BY 4.0 (Creative Commons Attribution 4.0 International)" in text


def test_do_not_use_names_are_edited_one_a_line_and_saved_when_focus_leaves(
    qtbot: QtBot, vault_service: VaultService
) -> None:
    from PySide6.QtCore import Qt

    from lscp_audit.ui.settings.settings_page import ListEdit

    settings = SettingsService(vault_service.vault)
    page = SettingsPage(settings, vault_service)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(0)
    names = page.fields["privacy.do_not_use_names"]
    assert isinstance(names, ListEdit) and names.accessibleName() == "Do-not-use names (identifier check)"
    names.setFocus()
    qtbot.waitUntil(names.hasFocus)
    qtbot.keyClicks(names, "Jayden  Okafor")
    qtbot.keyClick(names, Qt.Key.Key_Return)
    qtbot.keyClicks(names, "jayden okafor")
    qtbot.keyClick(names, Qt.Key.Key_Return)
    qtbot.keyClicks(names, "Kyla-Mae")
    qtbot.keyClick(names, Qt.Key.Key_Tab)  # Tab leaves the list (and saves it); Enter made new lines
    qtbot.waitUntil(lambda: not names.hasFocus())
    assert settings.get("privacy.do_not_use_names") == "Jayden Okafor\nKyla-Mae"
    assert names.toPlainText() == "Jayden Okafor\nKyla-Mae"
