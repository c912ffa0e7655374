"""Sealed export through real processes: `export --for CERT.pem` seals a signed report for the QA
subgroup's certificate; `verify` without a key names the recipients and fails, `verify --vault`
opens it with the QA vault's private key, and `inbox import` stores it (real vaults made with
`vault init`, real KDF, passphrase from the environment)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reports.sample_audit import stored_audit, yaml_template

PASSPHRASE = "correct horse battery staple"


def _cli(*argv: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LSCP_AUDIT_PASSPHRASE=PASSPHRASE, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        [sys.executable, "-m", "lscp_audit", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == expect, (done.returncode, done.stdout, done.stderr)
    return done


def test_export_for_a_certificate_then_verify_and_import_with_the_recipients_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    from lscp_audit.cli.vault_args import open_vault_from_args

    auditor, qa = str(tmp_path / "auditor.lscp"), str(tmp_path / "qa.lscp")
    for path in (auditor, qa):
        _cli("vault", "init", "--vault", path, "--no-keychain")
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASSPHRASE)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with open_vault_from_args(argparse.Namespace(vault=Path(auditor), no_keychain=True)) as vault:
            vault.audits.create(stored_audit(yaml_template()), "test")
    finally:
        keyring.set_keyring(previous)
    _cli("identity", "create", "--vault", auditor, "--no-keychain", "--name", "Ama Mensah", "--role", "Nurse",
         "--agency", "Health")  # fmt: skip
    _cli("identity", "create", "--vault", qa, "--no-keychain", "--name", "Testshire QA subgroup", "--role", "QA",
         "--agency", "Testshire LSCP")  # fmt: skip
    qa_pem = tmp_path / "qa.pem"
    _cli("identity", "export-cert", "--vault", qa, "--no-keychain", "--out", str(qa_pem))
    sealed = tmp_path / "sealed.pdf"
    out = _cli("export", "a-0001", "--vault", auditor, "--no-keychain", "--out", str(sealed), "--for", str(qa_pem))
    assert "sealed (AES-256) for: Ama Mensah, Testshire QA subgroup" in out.stdout
    assert b"/Adobe.PubSec" in sealed.read_bytes()

    refused = _cli("verify", str(sealed), expect=2)
    assert "this report is sealed for: " in refused.stdout and "Testshire QA subgroup" in refused.stdout

    opened = _cli("verify", str(sealed), "--vault", qa, "--no-keychain")
    assert ": OK" in opened.stdout and "sealed:      yes" in opened.stdout

    imported = _cli("inbox", "import", "--vault", qa, "--no-keychain", str(sealed))
    assert "imported" in imported.stdout

    both = _cli("export", "a-0001", "--vault", auditor, "--no-keychain", "--out", str(tmp_path / "x.pdf"),
                "--for", str(qa_pem), "--encrypt", expect=1)  # fmt: skip
    assert "not both" in both.stderr
