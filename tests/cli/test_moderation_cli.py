"""`lscp-audit moderate` and `lscp-audit moderation show|export|import` through the real process:
an agency's vault exports a signed return, the QA subgroup's vault imports it, its moderator
records a moderated rating, and the signed record file is checked and refused when tampered."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit.cli.vault_args import open_vault_from_args
from tests.reports.sample_audit import stored_audit, yaml_template

PASSPHRASE = "correct horse battery staple 42"


def _cli(tmp_path: Path, *argv: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LSCP_AUDIT_PASSPHRASE": PASSPHRASE, "LSCP_AUDIT_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "lscp_audit", *map(str, argv)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == code, (done.stdout, done.stderr)
    return done


def test_moderate_show_export_import_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    from lscp_audit.cli import main, vault_args
    from lscp_audit.storage.keyfile import TEST_POLICY

    # The agency's side in process (test KDF cost); the QA subgroup's through the real process.
    agency, qa = tmp_path / "agency.lscp", tmp_path / "qa.lscp"
    v = ["--no-keychain"]
    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASSPHRASE)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert main(["vault", "init", "--vault", str(agency), *v]) == 0
        with open_vault_from_args(argparse.Namespace(vault=agency, no_keychain=True)) as vault:
            vault.audits.create(stored_audit(yaml_template()), "test")
        agency_args = ["--vault", str(agency), *v]
        assert (
            main(["identity", "create", *agency_args, "--name", "Ann Lead", "--role", "DSL", "--agency", "Police"]) == 0
        )
        assert main(["identity", "export-cert", *agency_args, "--out", str(tmp_path / "agency.pem")]) == 0
        assert main(["export", *agency_args, "a-0001", "--out", str(tmp_path / "return.pdf")]) == 0
    finally:
        keyring.set_keyring(previous)
    _cli(tmp_path, "vault", "init", "--vault", qa, *v)
    _cli(
        tmp_path,
        "identity",
        "create",
        "--vault",
        qa,
        *v,
        "--name",
        "Piotr Nowak",
        "--role",
        "QA chair",
        "--agency",
        "Testshire LSCP",
    )
    _cli(tmp_path, "identity", "export-cert", "--vault", qa, *v, "--out", tmp_path / "moderator.pem")
    _cli(tmp_path, "inbox", "trust", "--vault", qa, *v, tmp_path / "agency.pem")
    _cli(tmp_path, "inbox", "import", "--vault", qa, *v, tmp_path / "return.pdf")
    [entry] = json.loads(_cli(tmp_path, "inbox", "list", "--vault", qa, *v, "--json").stdout)["returns"]
    assert entry["moderation"] is None

    # Not yet trusted as a moderator: refused, with the reason, nothing stored.
    refused = _cli(tmp_path, "moderate", "--vault", qa, *v, entry["id"], "--agree", "--rationale", "Fine", code=1)
    assert "not trusted as a QA moderator" in refused.stderr
    _cli(tmp_path, "inbox", "trust", "--vault", qa, *v, tmp_path / "moderator.pem", "--moderator")

    shown = json.loads(_cli(tmp_path, "moderation", "show", "--vault", qa, *v, entry["id"], "--json").stdout)
    assert shown["moderation"] == [] and shown["report_id"] == entry["report_id"]
    scope = shown["form"]["scopes"][0]
    code = next(lvl["code"] for lvl in shown["form"]["levels"] if lvl["code"] != scope["self_rating"])
    key = f"{scope['scope']}@{scope['agency']}" if scope["agency"] else scope["scope"]

    bad = _cli(
        tmp_path, "moderate", "--vault", qa, *v, entry["id"], "--rate", key, "purple", "x", "--rationale", "r", code=1
    )
    assert "'purple' is not a level of the return's scale" in bad.stderr

    record = tmp_path / "record.lscpmod"
    made = _cli(
        tmp_path,
        "moderate",
        "--vault",
        qa,
        *v,
        entry["id"],
        "--rate",
        key,
        code,
        "Evidence was thin.",
        "--rationale",
        "Moderated at the March panel.",
        "--out",
        record,
    ).stdout
    assert made.startswith("Moderation recorded and signed.\nModerated by Piotr Nowak (QA chair, Testshire LSCP)")
    assert "Evidence was thin." in made and record.exists()

    listing = _cli(tmp_path, "inbox", "list", "--vault", qa, *v).stdout
    assert f"  moderated: Moderated (see 'lscp-audit moderation show {entry['id']}')" in listing
    plain = _cli(tmp_path, "moderation", "show", "--vault", qa, *v, entry["id"]).stdout
    assert plain.startswith(f"Return {entry['id']} ({entry['report_id']})\nScale: ")
    assert "Moderated by Piotr Nowak" in plain and "Evidence was thin." in plain

    again = _cli(tmp_path, "moderation", "import", "--vault", qa, *v, record).stdout
    assert again.startswith(f"{record}: duplicate ({entry['report_id']}, moderated, record ")
    exported = tmp_path / "exported.lscpmod"
    _cli(tmp_path, "moderation", "export", "--vault", qa, *v, entry["id"], "--out", exported)
    assert exported.read_bytes() == record.read_bytes()

    tampered = tmp_path / "tampered.lscpmod"
    tampered.write_bytes(record.read_bytes().replace(b"Evidence was thin.", b"Evidence was good."))
    refused = _cli(tmp_path, "moderation", "import", "--vault", qa, *v, tampered, record, code=2)
    assert f"{tampered}: refused: the moderation record was changed after it was signed" in refused.stdout
    assert f"{record}: duplicate" in refused.stdout and "1 of 2 record(s) were refused" in refused.stderr

    # Another QA vault takes the record and its return in one `inbox import`, record named first.
    second = tmp_path / "second.lscp"
    _cli(tmp_path, "vault", "init", "--vault", second, *v)
    _cli(tmp_path, "inbox", "trust", "--vault", second, *v, tmp_path / "agency.pem")
    _cli(tmp_path, "inbox", "trust", "--vault", second, *v, tmp_path / "moderator.pem", "--moderator")
    both = _cli(tmp_path, "inbox", "import", "--vault", second, *v, record, tmp_path / "return.pdf").stdout.splitlines()
    assert both[0].startswith(f"{tmp_path / 'return.pdf'}: imported ({entry['report_id']}, trusted, id ")
    assert both[-1] == (
        f"{record}: imported (moderation record of report {entry['report_id']}: Moderated by Piotr Nowak)"
    )
    listing = _cli(tmp_path, "inbox", "list", "--vault", second, *v).stdout
    assert "  moderated: Moderated" in listing
