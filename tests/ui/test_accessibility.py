"""Walk the widget tree of every screen: each input a screen reader can reach has a name
(buttons may use their text), and editable inputs also carry a description."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.editor.history_dialog import HistoryDialog
from lscp_audit.ui.editor.override_dialog import OverrideDialog
from lscp_audit.ui.new_audit.new_audit_dialog import NewAuditDialog
from lscp_audit.ui.shell import build_main_window
from tests.ui.conftest import new_audit

INPUTS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
)
EDITABLE = (QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)


def _internal(widget: QWidget) -> bool:
    """Qt's own parts of a compound widget (a spin box's line edit, a line edit's clear button,
    a table's header and corner button...)."""
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(
            parent, QAbstractSpinBox | QComboBox | QLineEdit | QAbstractItemView
        ) or parent.objectName().startswith("qt_"):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_inputs(root: QWidget) -> list[str]:
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INPUTS) or _internal(widget):
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            problems.append(f"{type(widget).__name__} {widget.objectName()!r} has no accessible name")
        if isinstance(widget, EDITABLE) and not widget.accessibleDescription():
            problems.append(f"{type(widget).__name__} {widget.accessibleName()!r} has no accessible description")
    return problems


def test_main_window_areas(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    assert unnamed_inputs(window) == []  # locked
    window.shell.templates = template_service
    window.shell.install(vault_service)
    for key in ("audits", "inbox", "templates", "settings"):
        window.show_area(key)
        assert unnamed_inputs(window.area_page(key)) == [], key


def test_editor_every_section_and_review(qtbot: QtBot, audit_service: AuditService) -> None:
    page = EditorPage(audit_service, new_audit(audit_service))
    qtbot.addWidget(page)
    for row in range(page.sections.rowCount()):
        page.navigator.setCurrentIndex(page.sections.index(row))
    page.show_review()
    assert unnamed_inputs(page) == []
    judgement, title = page._judgement_views()[0]
    override = OverrideDialog(judgement, title)
    qtbot.addWidget(override)
    assert unnamed_inputs(override) == []
    history = HistoryDialog(audit_service.change_history(page.audit_id))
    qtbot.addWidget(history)
    assert unnamed_inputs(history) == []


def test_new_audit_dialog(qtbot: QtBot, audit_service: AuditService, template_service: TemplateService) -> None:
    dialog = NewAuditDialog(audit_service, template_service.get)
    qtbot.addWidget(dialog)
    for row in range(dialog.templates.count()):
        dialog.templates.setCurrentRow(row)
        assert unnamed_inputs(dialog) == []


def mnemonic_clashes(root: QWidget) -> list[str]:
    """Alt+letter keys used twice among the visible buttons and buddy labels of one screen, and
    the main window's menus (Alt+F, Alt+E, Alt+V, Alt+H) when the screen is in the window."""
    import re

    from PySide6.QtWidgets import QLabel, QMainWindow

    seen: dict[str, str] = {}
    clashes = []
    window = root.window()
    if isinstance(window, QMainWindow) and window is not root:
        for action in window.menuBar().actions():
            match = re.search(r"&([^&])", action.text())
            if match:
                seen[match.group(1).lower()] = f"the {action.text()!r} menu"
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        texts: list[str] = []
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        elif isinstance(widget, QTabBar):  # Alt+letter of a tab switches to it from anywhere on the screen
            texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
        for text in texts:
            match = re.search(r"&([^&])", text)
            if match:
                key = match.group(1).lower()
                if key in seen:
                    clashes.append(f"Alt+{key}: {seen[key]!r} and {text!r}")
                seen[key] = text
    return clashes


def test_no_mnemonic_clashes(qtbot: QtBot, vault_service: VaultService, template_service: TemplateService) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service)
    window.show()
    for key in ("audits", "inbox", "templates", "settings"):
        window.show_area(key)
        page = window.area_page(key)
        assert mnemonic_clashes(page) == [], key
        tabs = getattr(page, "tabs", None)
        for index in range(tabs.count() if tabs is not None else 0):  # each tab of Settings and the QA inbox
            tabs.setCurrentIndex(index)
            assert mnemonic_clashes(page) == [], f"{key}: {tabs.tabText(index)}"
    area = window.shell.audits_area
    editor = area.open_audit(new_audit(area.session.audits))
    assert mnemonic_clashes(editor) == []
    editor.show_review()
    assert mnemonic_clashes(editor) == []
    dialog = NewAuditDialog(area.session.audits, template_service.get)
    qtbot.addWidget(dialog)
    dialog.show()
    assert mnemonic_clashes(dialog) == []
