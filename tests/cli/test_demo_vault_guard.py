"""Issue 11: the demo vault's passphrase is published, so it stays clearly a demo: it is marked
even while locked, every command that opens it says so, and it can never be given a passphrase,
recovery key or keychain entry of its own (which would make it look like a protected vault)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lscp_audit.cli import main, vault_args
from lscp_audit.core.errors import ValidationError
from lscp_audit.services import demo_data
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY


def test_demo_vault_is_marked_and_cannot_become_a_private_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.lscp"
    demo_data.build_demo_vault(path, sign=False, kdf_policy=TEST_POLICY)
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    assert service.is_demo  # known from the key file, before unlocking
    with pytest.raises(ValidationError, match="demo vault"):
        service.change_passphrase("my own private passphrase 42", passphrase=demo_data.DEMO_PASSPHRASE)
    service.unlock(passphrase=demo_data.DEMO_PASSPHRASE)
    for attempt in (
        lambda: service.new_recovery_key(passphrase=demo_data.DEMO_PASSPHRASE),
        lambda: service.set_keychain_enabled(True),
    ):
        with pytest.raises(ValidationError, match="demo vault"):
            attempt()
    service.lock()
    again = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    again.unlock(passphrase=demo_data.DEMO_PASSPHRASE)  # the published passphrase still works
    again.lock()

    def make_service(args: Any, **kwargs: Any) -> VaultService:
        return VaultService(vault_args.vault_path(args), use_keychain=False, kdf_policy=TEST_POLICY, **kwargs)

    monkeypatch.setattr(vault_args, "make_service", make_service)
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", demo_data.DEMO_PASSPHRASE)
    assert main(["audit", "list", "--vault", str(path)]) == 0
    assert "DEMO vault" in capsys.readouterr().err
