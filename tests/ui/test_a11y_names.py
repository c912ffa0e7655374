"""What a screen reader is told about the unlock dialog, the per-agency tabs, the menu bar, splitter
handles, the editor's question area and a disabled Remove from inbox… (issue 19): each says what it
is, as Qt's accessibility interface reports it, and Tab reaches the unlock buttons in shown order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QScrollArea, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget
from lscp_audit.ui.inbox_page import InboxPage
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog
from tests.ui.conftest import new_audit


def name_of(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None
    return iface.text(QAccessible.Text.Name)


def tab_sequence(dialog: QWidget, start: QWidget, qtbot: QtBot) -> list[QWidget]:
    """Press Tab from `start` until the focus comes back to it; the widgets focused on the way."""
    start.setFocus()
    seen: list[QWidget] = []
    for _ in range(20):
        focused = dialog.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = dialog.focusWidget()
        assert now is not None
        if now is start:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab never came back to the start: {seen}")


def test_unlock_radios_say_their_group_and_tab_follows_the_buttons_shown(
    qtbot: QtBot, vault_service: VaultService
) -> None:
    dialog = UnlockDialog(vault_service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert name_of(dialog.use_passphrase) == "Unlock with: Passphrase"
    assert name_of(dialog.use_recovery) == "Unlock with: Recovery key"
    layout = dialog.buttons.layout()
    assert layout is not None
    shown = [
        w
        for w in (layout.itemAt(i).widget() for i in range(layout.count()))
        if isinstance(w, QAbstractButton) and w.isVisible()
    ]
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert set(shown) == {dialog.unlock_button, cancel}
    sequence = tab_sequence(dialog, dialog.secret, qtbot)
    buttons = [w for w in sequence if w in shown]
    assert buttons == shown  # in the order the platform's button layout shows them
    assert sequence.index(dialog.unlock_button) < sequence.index(dialog.use_passphrase)  # field, buttons, radios


def test_agency_tabs_are_named_agencies_not_the_selected_agency(qtbot: QtBot, audit_service: AuditService) -> None:
    page = EditorPage(audit_service, new_audit(audit_service))
    qtbot.addWidget(page)
    tabs = page.stack.agency_tabs
    for row in range(page.sections.rowCount()):
        page.navigator.setCurrentIndex(page.sections.index(row))
        if not tabs.isHidden():
            break
    assert not tabs.isHidden() and tabs.count() > 1
    selected = tabs.tabText(tabs.currentIndex())
    group = tabs.parentWidget()
    assert group is not None and name_of(group) == "Agencies"  # the strip's container says what it is
    tab_iface = QAccessible.queryAccessibleInterface(tabs)
    assert tab_iface is not None and tab_iface.parent().text(QAccessible.Text.Name) == "Agencies"
    assert selected  # the strip itself still reports the selected agency, as Qt's tab bars do
    scroll = page.stack.stack.currentWidget()
    assert isinstance(scroll, QScrollArea) and name_of(scroll).startswith("Questions")
    assert all(name_of(h) for h in handles(page))


def handles(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for splitter in root.findChildren(QSplitter):
        found += [splitter.handle(i) for i in range(1, splitter.count())]
    return found


def test_menu_bar_and_splitter_handles_are_named(qtbot: QtBot) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    assert name_of(window.menuBar()) == "Menu bar"
    assert handles(window) and all(name_of(h) for h in handles(window))


def test_disabled_remove_from_inbox_says_why(qtbot: QtBot, vault_service: VaultService) -> None:
    page = InboxPage(inbox=InboxService(vault_service.vault))
    qtbot.addWidget(page)
    returns = page.returns
    assert isinstance(returns, ImportedReturnsWidget)
    button = returns.remove_button
    assert not button.isEnabled()
    assert "Select a return" in button.toolTip() and "Select a return" in button.accessibleDescription()
