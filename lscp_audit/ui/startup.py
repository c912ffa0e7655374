"""Start-up and lock flow: first run (create a vault or try sample data) or unlock, then hand
the unlocked vault to the shell. Heavy imports (storage, SQLCipher) happen here, after the
window is on screen."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from lscp_audit.core.errors import LscpAuditError, WrongPassphrase
from lscp_audit.ui import prefs, vault_prompts
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp, OpContext

log = logging.getLogger(__name__)


def _optional(module_name: str, attribute: str) -> Any:
    """An attribute of another feature's module, or None when it is not installed."""
    try:
        return getattr(importlib.import_module(module_name), attribute, None)
    except ImportError:
        return None


class StartupFlow(QObject):
    """Emits `unlocked(vault_service, is_demo)` once a vault is open; `quit_requested` otherwise."""

    unlocked = Signal(object, bool)
    quit_requested = Signal()

    def __init__(self, parent_widget: QWidget, vault_path: str | None = None) -> None:
        super().__init__(parent_widget)
        self.window = parent_widget
        self.vault_path = Path(vault_path) if vault_path else None

    def make_service(self, path: Path | None = None) -> Any:
        from lscp_audit.services.vault_service import VaultService

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

    def first_run(self, service: Any) -> None:
        wizard_class = _optional("lscp_audit.ui.vault.first_run_wizard", "FirstRunWizard")
        if wizard_class is not None:
            self._run_wizard(wizard_class, service)
            return
        choice = vault_prompts.ask_first_run_choice(self.window)
        if choice == vault_prompts.CREATE:
            self._create(service)
        elif choice == vault_prompts.DEMO:
            self.open_demo()
        else:
            self.quit_requested.emit()

    def _run_wizard(self, wizard_class: Any, service: Any) -> None:
        wizard = wizard_class(service, self.window)
        if not wizard.exec():
            self.quit_requested.emit()
            return
        service = getattr(wizard, "service", service)  # the wizard may have chosen another location
        if getattr(wizard, "demo_requested", False):
            self.open_demo()
        elif service.is_unlocked:
            self._opened(service)

    def _create(self, service: Any) -> None:
        while True:
            passphrase = vault_prompts.ask_new_passphrase(self.window)
            if passphrase is None:
                self.quit_requested.emit()
                return
            try:
                created = service.create(passphrase)
            except LscpAuditError as exc:
                show_error(self.window, exc)
                continue
            vault_prompts.show_recovery_key(self.window, created.recovery_key)
            self._opened(service)
            return

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

    def _open_demo(self, service: Any) -> None:
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
        self.quit_requested.emit()

    # -- unlock ----------------------------------------------------------------------------

    def unlock(self, service: Any) -> None:
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

    def _opened(self, service: Any) -> None:
        """A real (not demo) vault is open: remember where it is for the next start."""
        prefs.set_recent_vault(str(service.path))
        self.unlocked.emit(service, False)

    def _ask_unlock(self, service: Any, message: str) -> None:
        dialog_class = _optional("lscp_audit.ui.vault.unlock_dialog", "UnlockDialog")
        if dialog_class is not None:
            dialog = dialog_class(service, self.window, message)
            if dialog.exec() and service.is_unlocked:
                self._opened(service)
            else:
                self.quit_requested.emit()
            return
        self._prompt_unlock(service, message)

    def _prompt_unlock(self, service: Any, message: str) -> None:
        while True:
            secret = vault_prompts.ask_passphrase(self.window, message)
            if secret is None:
                self.quit_requested.emit()
                return
            try:
                if "-" in secret and secret.replace("-", "").isalnum() and secret.count("-") >= 3:
                    service.unlock(recovery_key=secret)
                else:
                    service.unlock(passphrase=secret)
            except WrongPassphrase:
                message = "That passphrase does not open the vault. Try again."
                continue
            except LscpAuditError as exc:
                show_error(self.window, exc)
                continue
            self._opened(service)
            return
