"""Print or save a recovery key (the only moments it leaves the screen)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

RECOVERY_TEXT = (
    "LSCP Audit vault recovery key\n\nVault: {path}\n\nRecovery key:\n\n    {key}\n\n"
    "Keep this somewhere safe and away from the computer. Anyone with this key and the vault file can "
    "open the vault. Without your passphrase it is the only way in.\n"
)


def recovery_text(vault_path: str, key: str) -> str:
    return RECOVERY_TEXT.format(path=vault_path, key=key)


def save_recovery_key(parent: QWidget | None, vault_path: str, key: str) -> Path | None:
    """Ask where to save (suggesting removable media) and write the key with mode 0600."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, parent.tr("Save recovery key") if parent else "Save recovery key", "lscp-audit-recovery-key.txt"
    )
    if not name:
        return None
    path = Path(name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(recovery_text(vault_path, key))
    return path


def print_recovery_key(parent: QWidget | None, vault_path: str, key: str) -> bool:
    """Show the print dialog and print the key; returns True if printed."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    document = QTextDocument()
    document.setPlainText(recovery_text(vault_path, key))
    document.print_(printer)
    return True
