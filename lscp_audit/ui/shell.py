"""Assembles the main window from the area pages, and runs the vault session in it: start-up
(first run or unlock), lock (Ctrl+L and idle auto-lock), and the File/Edit/Help commands."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from lscp_audit import APP_NAME
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.main_window import MainWindow

log = logging.getLogger(__name__)
AUTOLOCK_KEY = "vault.autolock_minutes"
AREAS = (("audits", "&Audits"), ("inbox", "&QA inbox"), ("templates", "&Templates"), ("settings", "&Settings"))


class ShellController(QObject):
    """Owns the session of the open vault and swaps the area pages when it opens or locks."""

    def __init__(self, window: MainWindow, vault_path: str | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.vault_path = vault_path
        self.session: Any = None
        self.audits_area: Any = None
        self.idle: Any = None
        self.flow: Any = None
        self.demo_badge: Any = None
        self.templates: Any = None  # a TemplateService; None means the app's shipped and user folders

    # -- pages -----------------------------------------------------------------------------

    def locked_page(self, key: str) -> QWidget:
        w = self.window
        texts = {
            "audits": (
                w.tr("Audits"),
                w.tr("Your case audits and self-assessments appear here once the vault is open."),
            ),
            "inbox": (
                w.tr("QA inbox"),
                w.tr("Signed audit reports received from auditors and agencies are checked here."),
            ),
            "templates": (w.tr("Templates"), w.tr("The audit templates available to you.")),
            "settings": (w.tr("Settings"), w.tr("Vault, auto-lock, reports and backups.")),
        }
        heading, text = texts[key]
        page = EmptyStateWidget(heading, text + " " + w.tr("The vault is locked."))
        if self.flow is not None:
            page.add_button(w.tr("&Unlock…"), self.start)
        return page

    def start(self) -> None:
        """Open a vault: the first-run choice or the unlock prompt."""
        from lscp_audit.ui.startup import StartupFlow

        if self.flow is None:
            self.flow = StartupFlow(self.window, self.vault_path)
            self.flow.unlocked.connect(self.install)
            self.flow.quit_requested.connect(self._quit_if_nothing_open)
        self.flow.start()

    def _quit_if_nothing_open(self) -> None:
        if self.session is None:
            self.window.close()

    def install(self, vault_service: Any, demo: bool = False) -> None:
        """Build the real pages on the unlocked vault."""
        from lscp_audit.ui.audits.area import AuditsAreaWidget
        from lscp_audit.ui.inbox_page import InboxPage
        from lscp_audit.ui.session import AppSession
        from lscp_audit.ui.settings.settings_page import SettingsPage
        from lscp_audit.ui.templates_page import TemplatesPage

        try:
            self.session = AppSession(vault_service, self.templates)
        except LscpAuditError as exc:
            show_error(self.window, exc)
            return
        demo = demo or self.session.is_demo
        self.audits_area = AuditsAreaWidget(self.session, self.sign_and_export)
        self.window.set_area_page("audits", self.audits_area)
        self.window.set_area_page("inbox", InboxPage(self.session))
        self.window.set_area_page("templates", TemplatesPage(self.session.templates))
        settings_page = SettingsPage(self.session.settings, vault_service)
        settings_page.setting_saved.connect(lambda key: self._watch_idle() if key == AUTOLOCK_KEY else None)
        self.window.set_area_page("settings", settings_page)
        self.window.setWindowTitle(f"{APP_NAME} — DEMO (sample data)" if demo else APP_NAME)
        self._show_demo_badge(demo)
        self.window.statusBar().showMessage(getattr(vault_service, "route_message", "") or self.window.tr("Vault open"))
        self._watch_idle()
        self.window.show_area("audits")

    def _show_demo_badge(self, demo: bool) -> None:
        from PySide6.QtWidgets import QLabel

        if self.demo_badge is None:
            self.demo_badge = QLabel(self.window.tr("<b>DEMO</b> — fictitious sample data"))
            self.demo_badge.setAccessibleName(self.window.tr("Demo vault"))
            self.window.statusBar().addPermanentWidget(self.demo_badge)
        self.demo_badge.setVisible(demo)

    def _watch_idle(self) -> None:
        from lscp_audit.ui.vault.auto_lock import AutoLock

        minutes = int(self.session.settings.get(AUTOLOCK_KEY))
        if self.idle is None:
            self.idle = AutoLock(self.lock, minutes, self)
        else:
            self.idle.set_minutes(minutes)

    def lock(self) -> None:
        """Save, close every page that shows vault data, lock, and ask to unlock again."""
        if self.session is None:
            return
        if self.audits_area is not None:
            self.audits_area.flush()
        for key, _title in AREAS:
            self.window.set_area_page(key, self.locked_page(key))
        self.audits_area = None
        try:
            self.session.lock()
        except LscpAuditError as exc:
            show_error(self.window, exc)
        self.session = None
        self.window.setWindowTitle(APP_NAME)
        self._show_demo_badge(False)
        if self.idle is not None:
            self.idle.stop()
        self.window.statusBar().showMessage(self.window.tr("Vault locked"))

    # -- commands --------------------------------------------------------------------------

    def new_audit(self) -> None:
        if self.audits_area is not None:
            self.window.show_area("audits")
            self.audits_area.new_audit()

    def find(self) -> None:
        if self.audits_area is not None:
            self.window.show_area("audits")
            self.audits_area.focus_search()

    def guidance(self) -> None:
        if self.audits_area is not None:
            self.audits_area.focus_guidance()

    def sign_and_export(self, parent: QWidget, audit_id: str) -> None:
        """The reports feature's Sign-and-export dialog for a completed audit."""
        from lscp_audit.services.report_service import ReportService
        from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog

        if self.session is None:
            return
        service = ReportService(self.session.vault_service.vault, actor=self.session.actor)
        SignExportDialog(service, audit_id, parent).exec()

    def shutdown(self) -> None:
        """Save anything pending and lock (on quit)."""
        if self.audits_area is not None:
            self.audits_area.flush()
        if self.session is not None:
            self.session.lock()
            self.session = None


def build_main_window(vault_path: str | None = None) -> MainWindow:
    """The main window with the four areas (locked placeholders) and the app's commands.

    The vault is opened by `window.shell.start()` (called by `app.run` after the window shows).
    """
    window = MainWindow()
    shell = ShellController(window, vault_path)
    window.shell = shell
    for key, title in AREAS:
        window.add_area(key, window.tr(title), shell.locked_page(key))
    _add_commands(window, shell)
    return window


def _add_commands(window: MainWindow, shell: ShellController) -> None:
    quit_action = window.quit_action
    window.new_action = window.add_action(
        window.file_menu, window.tr("&New audit…"), shell.new_audit, QKeySequence.StandardKey.New, before=quit_action
    )
    window.lock_action = window.add_action(
        window.file_menu, window.tr("&Lock"), shell.lock, "Ctrl+L", before=quit_action
    )
    window.file_menu.insertSeparator(quit_action)
    window.find_action = window.add_action(
        window.edit_menu, window.tr("&Find audits"), shell.find, QKeySequence.StandardKey.Find
    )
    window.guidance_action = window.add_action(
        window.help_menu,
        window.tr("&Guidance"),
        shell.guidance,
        QKeySequence.StandardKey.HelpContents,
        before=window.about_action,
    )
