"""Locking waits for vault work still running on the worker thread, so the connection never
closes under a query (which crashed SQLCipher when Ctrl+L came during a page's background load)."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui import ops
from lscp_audit.ui.shell import build_main_window


def test_lock_lets_running_vault_work_finish(
    qtbot: QtBot, vault_service: VaultService, template_service: TemplateService
) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.shell.templates = template_service
    window.shell.install(vault_service)
    session = window.shell.session
    assert session is not None
    ops.set_synchronous(False)
    started = threading.Event()
    outcome: list[str] = []

    def slow_read(_ctx: ops.OpContext) -> int:
        started.set()
        time.sleep(0.4)  # the user presses Ctrl+L meanwhile
        return session.audits.list_audits().total

    op = ops.BackgroundOp(parent=window, op=slow_read, success=lambda total: outcome.append(f"ok {total}"))
    op.failure(lambda exc: outcome.append(f"failed {type(exc).__name__}")).run()
    assert started.wait(5)
    window.shell.lock()
    assert window.shell.session is None and not vault_service.is_unlocked
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["ok 0"]
