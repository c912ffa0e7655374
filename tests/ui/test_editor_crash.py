"""An autosaved answer survives a crash: a child process runs the real editor, types an answer,
waits for "Saved" and is SIGKILLed; reopening the vault shows the answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from tests.ui.conftest import PASSPHRASE, TEMPLATES_DIR, new_audit

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_autosaved_answer_survives_sigkill(
    vault_service: VaultService, audit_service: AuditService, template_service: TemplateService
) -> None:
    audit_id = new_audit(audit_service)
    vault_path = vault_service.path
    vault_service.lock()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("crash_child.py")),
            str(vault_path),
            PASSPHRASE,
            str(TEMPLATES_DIR),
            audit_id,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == "SAVED", child.stderr.read() if child.stderr else line
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    reopened = VaultService(vault_path, use_keychain=False, kdf_policy=TEST_POLICY)
    reopened.unlock(passphrase=PASSPHRASE)
    try:
        answers = AuditService.for_vault(reopened.vault, template_service).get_audit(audit_id).answer_map()
        assert answers[("q_short", "")].value == "Designated safeguarding lead"
    finally:
        reopened.lock()
