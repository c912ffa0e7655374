"""Start-up and lock flow: first run (create a vault or try sample data) or unlock, then hand
the unlocked vault to the shell. Heavy imports (storage, SQLCipher) happen here, after the
window is on screen."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from lscp_audit.core.errors import LscpAuditError, WrongPassphrase
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui import prefs
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog

log = logging.getLogger(__name__)


class StartupFlow(QObject):
    """Emits `unlocked(vault_service, is_demo)` once a vault is open; `locked` when the user
    cancelled (the window then stays on its locked pages, with Unlock… and Quit)."""

    unlocked = Signal(object, bool)
    locked = Signal()

    def __init__(self, parent_widget: QWidget, vault_path: str | None = None) -> None:
        super().__init__(parent_widget)
        self.window = parent_widget
        self.vault_path = Path(vault_path) if vault_path else None

    def make_service(self, path: Path | None = None) -> VaultService:
        recent = prefs.recent_vault()
        return VaultService(path or self.vault_path or (Path(recent) if recent else None))

    def start(self) -> None:
        if not self.window.isVisible():
            return  # closed before start-up finished (e.g. --quit-after 0)
        service = self.make_service()
        if service.exists():
            self.unlock(service)
        else:
            self.first_run(service)

    # -- first run -------------------------------------------------------------------------

    def first_run(self, service: VaultService) -> None:
        wizard = FirstRunWizard(service, self.window)
        if not wizard.exec():
            self.locked.emit()
            return
        service = wizard.service  # the wizard may have chosen another location
        if wizard.demo_requested:
            self.open_demo()
        elif service.is_unlocked:
            self._opened(service)
        else:
            self.locked.emit()

    def open_demo(self) -> None:
        """Build the separate DEMO vault (once, in the background) and open it."""
        from lscp_audit import paths
        from lscp_audit.services import demo_data

        path = paths.data_dir() / "demo.lscp"
        service = self.make_service(path)
        if service.exists():
            self._open_demo(service)
            return

        def build(context: OpContext) -> object:
            paths.ensure_private_dir(path.parent)
            return demo_data.build_demo_vault(path, progress=context.progress, cancel=context.cancel)

        BackgroundOp(parent=self.window, op=build, success=lambda _result: self._open_demo(service)).failure(
            self._demo_failed
        ).with_progress(self.tr("Creating the sample audits…")).run()

    def _open_demo(self, service: VaultService) -> None:
        from lscp_audit.services.demo_data import DEMO_PASSPHRASE

        try:
            service.unlock(passphrase=DEMO_PASSPHRASE)
        except WrongPassphrase:  # built from the CLI with a passphrase of its own
            self._ask_unlock(service, self.tr("This demo vault has its own passphrase."))
            return
        except LscpAuditError as exc:
            self._demo_failed(exc)
            return
        self.unlocked.emit(service, True)

    def _demo_failed(self, exc: BaseException) -> None:
        show_error(self.window, exc)
        self.locked.emit()

    # -- unlock ----------------------------------------------------------------------------

    def unlock(self, service: VaultService) -> None:
        try:
            service.unlock()  # the keychain route, when it is set up
        except WrongPassphrase as exc:
            self._ask_unlock(service, str(exc))
            return
        except LscpAuditError as exc:
            show_error(self.window, exc)
            self._ask_unlock(service, "")
            return
        self._opened(service)

    def _opened(self, service: VaultService) -> None:
        """A real (not demo) vault is open: remember where it is for the next start."""
        prefs.set_recent_vault(str(service.path))
        self.unlocked.emit(service, False)

    def _ask_unlock(self, service: VaultService, message: str) -> None:
        dialog = UnlockDialog(service, self.window, message)
        if dialog.exec() and service.is_unlocked:
            self._opened(service)
        else:
            self.locked.emit()
