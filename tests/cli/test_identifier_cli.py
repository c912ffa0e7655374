"""The identifier check from the command line, through real processes: `audit complete` and
`export` refuse with a listing (found text masked) until the likely identifiers are
acknowledged, `audit identifiers` lists them, and the reason reaches the signed report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.identifier_checks import NAMES_KEY
from lscp_audit.services.settings_service import SettingsService
from lscp_audit.services.vault_service import VaultService
from tests.cli.test_audit_cli import ANSWERS, FIXTURE, PASSPHRASE, SUBJECT, run, vault_path, write_answers

__all__ = ["vault_path"]  # the fixture, shared with the audit command tests

WITH_IDENTIFIERS = {
    **ANSWERS,
    "went_well": "Mother (DOB 22/10/1994) was called on 07700 900321; the strategy meeting on 12/03/2025 went well.",
}


def test_complete_and_export_refuse_until_identifiers_are_acknowledged(tmp_path: Path) -> None:
    env = dict(os.environ, LSCP_AUDIT_PASSPHRASE=PASSPHRASE)
    templates = paths.user_templates_dir()
    templates.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, templates / "mini_audit.yaml")
    vault = str(tmp_path / "ids.lscp")

    def cli(*argv: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "lscp_audit", *argv, "--vault", vault, "--no-keychain"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == code, done.stderr
        return done

    subprocess.run(
        [sys.executable, "-m", "lscp_audit", "vault", "init", "--vault", vault, "--no-keychain"],
        env=env,
        check=True,
        capture_output=True,
    )
    audit_id = json.loads(cli("audit", "new", "--template", "test-mini-audit", *SUBJECT, "--json").stdout)["id"]
    cli("audit", "fill", audit_id, "--answers", write_answers(tmp_path, WITH_IDENTIFIERS))

    refused = cli("audit", "complete", audit_id, code=1)
    assert "the audit was not completed: 2 likely identifiers in its text" in refused.stderr
    assert "went_well: Date of birth (2*/**/***4) in Findings: What went well" in refused.stderr
    assert "went_well: Phone number (0**** *****1) in Findings: What went well" in refused.stderr
    assert "--acknowledge-identifiers REASON" in refused.stderr
    assert "22/10/1994" not in refused.stderr + refused.stdout and "07700 900321" not in refused.stderr

    listed = json.loads(cli("audit", "identifiers", audit_id, "--json").stdout)
    assert [(h["kind"], h["question_id"], h["acknowledged"]) for h in listed] == [
        ("date_of_birth", "went_well", None),
        ("phone", "went_well", None),
    ]
    done = cli("audit", "complete", audit_id, "--acknowledge-identifiers", "Mother's details agreed with the DPO")
    assert "is complete" in done.stdout
    shown = json.loads(cli("audit", "show", audit_id, "--json").stdout)
    assert shown["answers"]["went_well"] == WITH_IDENTIFIERS["went_well"]  # never changed for the auditor

    # A name added to the partnership's list after completion stops the export.
    service = VaultService(Path(vault), use_keychain=False)
    service.unlock(passphrase=PASSPHRASE)
    try:
        SettingsService(service.vault).set(NAMES_KEY, "strategy meeting")
    finally:
        service.lock()
    cli("identity", "create", "--name", "Ayşe Yılmaz", "--role", "Nurse", "--agency", "Health")
    out = tmp_path / "report.pdf"
    refused = cli("export", audit_id, "--out", str(out), code=1)
    assert "the audit was not exported: 1 likely identifier in its text" in refused.stderr
    assert "Name on the do-not-use list (s******* ******g)" in refused.stderr and not out.exists()
    cli("export", audit_id, "--out", str(out), "--acknowledge-identifiers", "A meeting, not a person")
    data = verify_pdf(out).data
    assert data is not None
    assert [a["reason"] for a in data["identifier_check"]["acknowledged"]] == [
        "Mother's details agreed with the DPO",
        "Mother's details agreed with the DPO",
        "A meeting, not a person",
    ]
    listed = cli("audit", "identifiers", audit_id).stdout
    assert "kept: A meeting, not a person" in listed and "kept: Mother's details agreed with the DPO" in listed


def test_identifiers_acknowledge_keeps_them_and_completion_then_goes_ahead(
    capsys: pytest.CaptureFixture[str], vault_path: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "audit", "new", "--vault", str(vault_path), "--template", "test-mini-audit", *SUBJECT)
    audit_id = out.strip()
    assert code == 0, err
    answers = write_answers(tmp_path, WITH_IDENTIFIERS)
    assert run(capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", answers)[0] == 0
    code, out, _ = run(capsys, "audit", "identifiers", "--vault", str(vault_path), audit_id)
    assert code == 0 and "2 not acknowledged" in out and "[not acknowledged]" in out
    code, out, _ = run(
        capsys, "audit", "identifiers", "--vault", str(vault_path), audit_id, "--acknowledge", "Agreed with the DPO"
    )
    assert code == 0 and out.count("[kept: Agreed with the DPO]") == 2 and "not acknowledged" not in out
    code, out, err = run(capsys, "audit", "complete", "--vault", str(vault_path), audit_id)
    assert code == 0 and "is complete" in out, err
    code, _, err = run(capsys, "audit", "identifiers", "--vault", str(vault_path), audit_id, "--acknowledge", "  ")
    assert code == 1 and "give a reason" in err
