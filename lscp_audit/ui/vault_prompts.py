"""Plain prompts for creating and unlocking a vault, used when the vault feature's own dialogs
(``lscp_audit.ui.vault``) are not installed. They only collect text; the vault service does
the work. Nothing typed here is logged."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

CREATE = "create"
DEMO = "demo"
QUIT = "quit"


def ask_first_run_choice(parent: QWidget | None) -> str:
    """Create a vault, try the sample data, or quit."""
    box = QMessageBox(parent)
    box.setWindowTitle("Welcome to LSCP Audit")
    box.setText(
        "Your audits are kept in an encrypted vault on this computer. Create your vault now, "
        "or try the app first with entirely fictitious sample data (a separate DEMO vault)."
    )
    create = box.addButton("&Create my vault", QMessageBox.ButtonRole.AcceptRole)
    demo = box.addButton("&Try it with sample data", QMessageBox.ButtonRole.ActionRole)
    box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(create)
    box.exec()
    clicked = box.clickedButton()
    if clicked is create:
        return CREATE
    if clicked is demo:
        return DEMO
    return QUIT


def ask_new_passphrase(parent: QWidget | None) -> str | None:
    """A passphrase typed twice (None when cancelled); the service checks its strength."""
    while True:
        first, ok = QInputDialog.getText(
            parent,
            "Choose a passphrase",
            "Choose a passphrase for your vault (at least four words is a good passphrase):",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return None
        second, ok = QInputDialog.getText(parent, "Choose a passphrase", "Type it again:", QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if first == second:
            return first
        QMessageBox.warning(parent, "Choose a passphrase", "The two passphrases are different. Try again.")


def ask_passphrase(parent: QWidget | None, message: str = "") -> str | None:
    text, ok = QInputDialog.getText(
        parent,
        "Unlock the vault",
        (message + "\n\n" if message else "") + "Passphrase (or recovery key):",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def show_recovery_key(parent: QWidget | None, recovery_key: str) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("Your recovery key")
    box.setText(
        "Write this recovery key down and keep it somewhere safe, away from this computer. "
        "It opens the vault if you forget your passphrase. It is shown only once."
    )
    box.setInformativeText(recovery_key)
    box.setTextInteractionFlags(box.textInteractionFlags())
    box.exec()
