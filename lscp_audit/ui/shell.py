"""Assembles the main window from the area pages, and runs the vault session in it: start-up
(first run or unlock), lock (Ctrl+L and idle auto-lock), and the File/Edit/Help commands."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui import ops
from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.main_window import MainWindow

if TYPE_CHECKING:
    from lscp_audit.services.template_service import TemplateService
    from lscp_audit.services.vault_service import VaultService
    from lscp_audit.ui.audits.area import AuditsAreaWidget
    from lscp_audit.ui.inbox_page import InboxPage
    from lscp_audit.ui.reports.sign_off_dialog import SignOffDialog
    from lscp_audit.ui.session import AppSession
    from lscp_audit.ui.settings.settings_page import SettingsPage
    from lscp_audit.ui.startup import StartupFlow
    from lscp_audit.ui.vault.auto_lock import AutoLock

log = logging.getLogger(__name__)
AUTOLOCK_KEY = "vault.autolock_minutes"
WATCH_FOLDER_KEY = "inbox.watch_folder"
AREAS = (("audits", "&Audits"), ("inbox", "&QA inbox"), ("templates", "&Templates"), ("settings", "&Settings"))


class ShellController(QObject):
    """Owns the session of the open vault and swaps the area pages when it opens or locks."""

    def __init__(self, window: MainWindow, vault_path: str | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.vault_path = vault_path
        self.session: AppSession | None = None
        self.audits_area: AuditsAreaWidget | None = None
        self.settings_page: SettingsPage | None = None
        self.inbox_page: InboxPage | None = None
        self.sign_off_dialog: SignOffDialog | None = None  # the last sign-off dialog opened (tests)
        self.idle: AutoLock | None = None
        self.flow: StartupFlow | None = None
        self.demo_badge: QLabel | None = None
        self.templates: TemplateService | None = None  # None means the app's shipped and user folders

    # -- pages -----------------------------------------------------------------------------

    def locked_page(self, key: str, vault_exists: bool | None = None) -> QWidget:
        """An area's placeholder while no vault is open; after start-up it offers Unlock (or Set up)
        and Quit. `vault_exists` is None before start-up has run."""
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
            "settings": (
                w.tr("Settings"),
                w.tr("Your identity, auto-lock, reports, the partnership's lists and backups."),
            ),
        }
        heading, text = texts[key]
        page = EmptyStateWidget(heading, text + " " + w.tr("The vault is locked."))
        if vault_exists is not None:
            page.add_button(w.tr("&Unlock…") if vault_exists else w.tr("&Set up the vault…"), self.start)
            page.add_button(w.tr("&Quit"), w.close)
        return page

    def _show_locked_pages(self) -> None:
        exists = self.flow.make_service().exists() if self.flow is not None else None
        for key, _title in AREAS:
            self.window.set_area_page(key, self.locked_page(key, exists))

    def start(self) -> None:
        """Open a vault: the first-run choice or the unlock prompt."""
        from lscp_audit.ui.startup import StartupFlow

        if self.flow is None:
            self.flow = StartupFlow(self.window, self.vault_path)
            self.flow.unlocked.connect(self.install)
            self.flow.locked.connect(self._show_locked)
        self.flow.start()

    def _show_locked(self) -> None:
        """Start-up was cancelled: stay on the locked pages (Unlock… and Quit) instead of quitting."""
        if self.session is None:
            self._show_locked_pages()
            self.window.statusBar().showMessage(self.window.tr("Vault locked"))

    def install(self, vault_service: VaultService, demo: bool = False) -> None:
        """Build the real pages on the unlocked vault."""
        from lscp_audit.ui.session import AppSession

        try:
            self.session = AppSession(vault_service, self.templates)
        except LscpAuditError as exc:
            show_error(self.window, exc)
            return
        demo = demo or self.session.is_demo
        self._install_pages(self.session, vault_service)
        # Qt adds the application name to every window title, so the title says only what differs.
        self.window.setWindowTitle(self.window.tr("DEMO (sample data)") if demo else "")
        self._show_demo_badge(demo)
        if demo:
            message = self.window.tr("Demo vault open: fictitious sample data, separate from your own vault")
        else:
            message = vault_service.route_message or self.window.tr("Vault open")
        self.window.statusBar().showMessage(message)
        self._watch_idle()
        self.window.show_area("audits")
        # The unlock dialog or the wizard had the keyboard: give it back to the window (a window
        # manager may leave it nowhere when the window was never active before).
        self.window.activateWindow()
        self.window.raise_()

    def _install_pages(self, session: AppSession, vault_service: VaultService) -> None:
        from lscp_audit.ui.audits.area import AuditsAreaWidget
        from lscp_audit.ui.inbox_page import InboxPage
        from lscp_audit.ui.settings.settings_page import SettingsPage
        from lscp_audit.ui.templates_page import TemplatesPage

        self.audits_area = AuditsAreaWidget(session, self.sign_and_export)
        self.window.set_area_page("audits", self.audits_area)
        self.inbox_page = InboxPage(
            inbox=session.inbox(),
            returns=session.returns(),
            analysis=session.analysis(),
            partnership=session.partnership(),
            sign_off=self.sign_off,
        )
        self.window.set_area_page("inbox", self.inbox_page)
        self._watch_folder()
        self.window.set_area_page("templates", TemplatesPage(session.templates))
        self.settings_page = SettingsPage(
            session.settings,
            vault_service,
            identities=session.identities,
            records=session.records(),
            partnership=session.partnership(),
        )
        self.settings_page.setting_saved.connect(self._setting_saved)
        if self.settings_page.identity is not None:
            self.settings_page.identity.identities_changed.connect(self._user_changed)
        self.window.set_area_page("settings", self.settings_page)

    def _setting_saved(self, key: str) -> None:
        from lscp_audit.ui.settings.settings_page import PERSONAL_SAVED

        if key == AUTOLOCK_KEY:
            self._watch_idle()
        elif key == WATCH_FOLDER_KEY:
            self._watch_folder()
        elif key == PERSONAL_SAVED:
            self._user_changed()

    def _watch_folder(self, *, stop: bool = False) -> None:
        """Start, move or stop the QA inbox's watch folder as the setting says (off when empty)."""
        from pathlib import Path

        from lscp_audit.ui.inbox import ImportedReturnsWidget

        page = self.inbox_page
        if self.session is None or page is None or not isinstance(page.returns, ImportedReturnsWidget):
            return
        folder = "" if stop else str(self.session.settings.get(WATCH_FOLDER_KEY) or "")
        page.returns.watch_folder(Path(folder) if folder else None)

    def _user_changed(self) -> None:
        """The user's name may have changed: later changes are recorded under the new name."""
        if self.session is not None:
            self.session.refresh_actor()

    def _show_demo_badge(self, demo: bool) -> None:
        if self.demo_badge is None:
            self.demo_badge = QLabel(self.window.tr("<b>DEMO</b> — fictitious sample data"))
            self.demo_badge.setAccessibleName(self.window.tr("Demo vault"))
            self.window.statusBar().addPermanentWidget(self.demo_badge)
        self.demo_badge.setVisible(demo)

    def _watch_idle(self) -> None:
        from lscp_audit.ui.vault.auto_lock import AutoLock

        if self.session is None:
            return
        minutes = int(self.session.settings.get(AUTOLOCK_KEY))
        if self.idle is None:
            self.idle = AutoLock(self.lock, minutes, self, before_lock=self._saved_for_lock)
        else:
            self.idle.set_minutes(minutes)

    def _saved_for_lock(self) -> bool:
        """Idle auto-lock's pre-lock save: False (lock later) while something typed cannot be written."""
        return self.audits_area is None or self.audits_area.flush()

    def can_close(self) -> bool:
        """Before quitting: save, and ask if an answer could not be written (Try again is the default)."""
        return self.audits_area is None or self.audits_area.confirm_leave(self.window.tr("quit"))

    def lock(self) -> None:
        """Save, close every page that shows vault data, lock, and ask to unlock again."""
        if self.session is None:
            return
        if self.audits_area is not None and not self.audits_area.confirm_leave(self.window.tr("lock the vault")):
            return
        if self.inbox_page is not None:  # stop watching before the vault locks
            self._watch_folder(stop=True)
        self._show_locked_pages()
        self.audits_area = None
        self.settings_page = None
        self.inbox_page = None
        # Vault work still running on the worker thread (a page's background load) must end
        # before the connection closes under it: closing mid-query crashes SQLCipher.
        ops.wait_for_all()
        try:
            self.session.lock()
        except LscpAuditError as exc:
            show_error(self.window, exc)
        self.session = None
        self.window.setWindowTitle("")
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
        """The Sign-and-export dialog for a completed audit; it can open the identity set-up."""
        from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog

        if self.session is None:
            return
        dialog = SignExportDialog(self.session.reports(), audit_id, parent, identity_setup=self.set_up_identity)
        dialog.exec()
        if dialog.export_result is not None and self._is_self_assessment(audit_id):
            self.window.statusBar().showMessage(
                self.window.tr(
                    "Section 11 return exported: the agency's senior lead signs it off with "
                    "File → Sign off a Section 11 return…"
                )
            )

    def _is_self_assessment(self, audit_id: str) -> bool:
        from lscp_audit.core.templates.model import TemplateKind

        if self.session is None:
            return False
        try:
            record = self.session.audits.get_audit(audit_id)
            return self.session.template(record.template_id).kind == TemplateKind.AGENCY_SELF_ASSESSMENT
        except LscpAuditError:
            return False

    def import_pack(self, path: Path | None = None) -> None:
        """File → Import partnership pack…: check a pack and install it (templates, rounds,
        profile, certificates); the Templates page shows new templates afterwards."""
        from lscp_audit.ui.packs.import_dialog import PACK_FILTER, PackImportDialog
        from lscp_audit.ui.templates_page import TemplatesPage

        if self.session is None:
            self.window.statusBar().showMessage(self.window.tr("Unlock the vault to import a partnership pack"))
            return
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self.window, self.window.tr("Import partnership pack"), "", self.window.tr(PACK_FILTER)
            )
            if not name:
                return
            path = Path(name)
        dialog = PackImportDialog(self.session.packs(), self.window, path)
        dialog.exec()
        if dialog.result_ is not None and dialog.result_.installed:
            page = self.window.area_page("templates")
            if isinstance(page, TemplatesPage):
                page.reload()
            self.window.statusBar().showMessage(self.window.tr("Partnership pack installed"))

    def sign_off(self, path: Path | None = None) -> None:
        """File → Sign off a Section 11 return…: the senior lead's second signature on a return
        whoever completed it has signed (a new file is written; the chosen one is not changed)."""
        from lscp_audit.services.sign_off_service import SignOffService
        from lscp_audit.ui.reports.sign_off_dialog import SignOffDialog

        if self.session is None:
            self.window.statusBar().showMessage(self.window.tr("Unlock the vault to sign off a return"))
            return
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self.window,
                self.window.tr("Choose the Section 11 return to sign off"),
                "",
                self.window.tr("PDF files (*.pdf)"),
            )
            if not name:
                return
            path = Path(name)
        dialog = SignOffDialog(SignOffService(self.session.vault_service.vault), path, self.window)
        self.sign_off_dialog = dialog  # the last one opened (tests, screenshots)
        dialog.exec()
        if dialog.result_ is not None:
            self.window.statusBar().showMessage(self.window.tr("Signed off and saved as %s") % dialog.result_.path.name)

    def set_up_identity(self, parent: QWidget) -> None:
        """The Identity page in a dialog (create, import, export the certificate)."""
        from lscp_audit.ui.identity.identity_page import IdentityDialog

        if self.session is None:
            return
        IdentityDialog(self.session.identities, self.session.settings, parent).exec()
        if self.settings_page is not None and self.settings_page.identity is not None:
            self.settings_page.identity.load()
        self._user_changed()

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
    window.import_pack_action = window.add_action(
        window.file_menu,
        window.tr("Import partnership &pack…"),
        shell.import_pack,
        "Ctrl+Shift+P",
        before=quit_action,
    )
    window.sign_off_action = window.add_action(
        window.file_menu,
        window.tr("Sign off a Section 11 &return…"),
        shell.sign_off,
        "Ctrl+Shift+O",
        before=quit_action,
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
