"""Child process for test_editor_crash: open the real editor offscreen, type an answer, wait for
"Saved", say so on stdout, then wait to be killed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(vault_path: str, passphrase: str, templates_dir: str, audit_id: str) -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.services.template_service import TemplateService
    from lscp_audit.services.vault_service import VaultService
    from lscp_audit.storage.keyfile import TEST_POLICY
    from lscp_audit.ui.editor.editor_page import EditorPage

    app = QApplication([])
    vault = VaultService(Path(vault_path), use_keychain=False, kdf_policy=TEST_POLICY)
    vault.unlock(passphrase=passphrase)
    templates = TemplateService(shipped_dir=Path(templates_dir), user_dir=Path(vault_path).parent / "user")
    page = EditorPage(AuditService.for_vault(vault.vault, templates, actor="crash"), audit_id)
    page.show()
    block = next(b for b in page.stack.blocks() if b.key == "q_short")
    QTest.keyClicks(block.input.focus_widgets()[0], "Designated safeguarding lead")
    deadline = time.monotonic() + 10
    while not page.header.save_state.text().startswith("Saved") and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print("SAVED" if page.header.save_state.text().startswith("Saved") else "TIMEOUT", flush=True)
    while True:  # keep the vault open until the parent kills us
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
