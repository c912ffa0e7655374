"""`lscp-audit records ...` through the real CLI process on a real vault: legal hold, purge plan,
purge, export log and a subject access disclosure pack."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lscp_audit.cli.vault_args import open_vault_from_args
from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.records import ExportKind, ExportRecord
from tests.storage.conftest import make_record

PASS = "correct horse battery staple"


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LSCP_AUDIT_PASSPHRASE": PASS, "LSCP_AUDIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args], capture_output=True, text=True, env=env, timeout=180, check=False
    )


@pytest.fixture()
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "qa.lscp"
    done = _cli(tmp_path, "vault", "init", "--vault", str(path), "--no-keychain")
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    long_ago = (datetime.now(UTC) - timedelta(days=3000)).isoformat()
    with open_vault_from_args(argparse.Namespace(vault=path, no_keychain=True)) as opened:
        for audit_id, ref in (("old-held", "DA-2018-001"), ("old-free", "DA-2018-002")):
            opened.audits.create(make_record(audit_id, case_reference=ref), "tester")
            opened.audits.set_status(audit_id, AuditStatus.COMPLETE, "tester", completed_at=long_ago)
        opened.export_log.record(
            ExportRecord(ExportKind.REPORT_PDF, "/shared/DA-report.pdf", "password (AES-256)", "Ann",
                         audit_id="old-held", case_reference="DA-2018-001")
        )  # fmt: skip
    return path


def test_hold_plan_purge_log_and_disclosure_through_the_cli(vault: Path, tmp_path: Path) -> None:
    v = ["--vault", str(vault), "--no-keychain"]
    held = _cli(tmp_path, "records", "hold", "case", "DA-2018-001", "--reason", "IICSA hold", *v)
    assert held.returncode == 0 and "Legal hold" in held.stdout, held.stderr

    plan = _cli(tmp_path, "records", "plan", "--json", *v)
    assert plan.returncode == 0, plan.stderr
    found = json.loads(plan.stdout)
    assert [i["id"] for i in found["due"]] == ["old-free"]
    assert [(i["id"], i["held_by"]["reason"]) for i in found["held"]] == [("old-held", "IICSA hold")]

    refused = _cli(tmp_path, "records", "purge", *v)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    purged = _cli(tmp_path, "records", "purge", "--yes", *v)
    assert purged.returncode == 0 and "Deleted 1 audit(s)" in purged.stdout, purged.stderr

    holds = _cli(tmp_path, "records", "holds", "--json", *v)
    [hold] = json.loads(holds.stdout)
    assert hold["target"] == "DA-2018-001" and hold["on"] == "case_reference"

    log = _cli(tmp_path, "records", "export-log", "--case", "DA-2018-001", *v)
    assert "/shared/DA-report.pdf" in log.stdout and "password (AES-256)" in log.stdout

    out = tmp_path / "pack"
    out.mkdir()
    pack = _cli(tmp_path, "records", "disclosure", "DA-2018-001", "--out", str(out), *v)
    assert pack.returncode == 0, pack.stderr
    assert "1 audit(s)" in pack.stdout and "1 hold(s)" in pack.stdout
    [json_file] = out.glob("*.json")
    assert "DA-2018" not in json_file.name and (json_file.with_suffix(".pdf")).exists()
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert [a["id"] for a in data["audits"]] == ["old-held"]
    assert "DA-2018-002" not in json_file.read_text(encoding="utf-8")

    release = _cli(tmp_path, "records", "release", hold["id"], "--reason", "Inquiry closed", *v)
    assert release.returncode == 0, release.stderr
    retention = _cli(tmp_path, "records", "retention", "--export-log-days", "keep", "--returns-days", "400", *v)
    assert retention.returncode == 0 and "Imported returns (QA inbox): 400 days" in retention.stdout
    assert "Export log entries: kept until deleted by hand" in retention.stdout
    bad = _cli(tmp_path, "records", "retention", "--audits-days", "5", *v)
    assert bad.returncode != 0 and "at least 30 days" in bad.stderr
