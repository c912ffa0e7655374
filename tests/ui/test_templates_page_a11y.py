"""A failed template import is read out: the problems box is named after what happened."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lscp_audit.services.template_service import TemplateService
from lscp_audit.ui.templates_page import TemplatesPage
from tests.ui.conftest import TEMPLATES_DIR


def test_import_problems_name_says_what_happened(
    qtbot: QtBot, template_service: TemplateService, tmp_path: Path
) -> None:
    page = TemplatesPage(template_service)
    qtbot.addWidget(page)
    before = page.problems.accessibleName()
    broken = tmp_path / "broken.yaml"
    broken.write_text((TEMPLATES_DIR / "ui-short.yaml").read_text().replace("type: grade", "type: stars"))
    assert not page.import_file(broken)
    name = page.problems.accessibleName()
    assert name != before and "not imported" in name and "1 problem" in name


def test_outline_fits_its_width_and_keeps_room_beside_the_description(
    qtbot: QtBot, template_service: TemplateService
) -> None:
    page = TemplatesPage(template_service)
    qtbot.addWidget(page)
    page.resize(620, 420)  # a 1280x720 screen at 1.5x text, less the navigation
    page.show()
    qtbot.waitExposed(page)
    header = page.outline.header()
    used = sum(header.sectionSize(c) for c in range(header.count()))
    assert used <= page.outline.viewport().width()  # questions wrap or elide, never sideways
    assert page.outline.height() >= page.about_scroll.height()
