"""`lscp-audit audit ...` end to end on real vault files: new, fill, show (round trip), list,
complete, amend, history. Most tests run the CLI in-process with a cheap KDF; one runs real
subprocesses with the passphrase in LSCP_AUDIT_PASSPHRASE."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lscp_audit import paths
from lscp_audit.cli import main
from tests.conftest import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "services" / "fixtures" / "mini_audit.yaml"
PASSPHRASE = "correct horse battery staple 42"
SUBJECT = ["--subject", "case_reference=MACA-2026-03-07", "--subject", "agencies=police,health"]
ANSWERS: dict[str, Any] = {
    "referred": {"value": "yes", "evidence": "MASH record, 3 Feb"},
    "referral_date": "2026-02-03",
    "referral_route": "form",
    "days_to_decision": {"value": 4, "warning_reason": "Bank holiday weekend"},
    "grade_referral": "good",
    "agency_rag": {"police": "green", "health": {"value": "amber", "evidence": "GP letter"}},
    "concerns": {"police": ["da", "cce"]},
    "went_well": "Information was shared at the MARAC.\nThe IDVA was involved early.",
    "summary": "Good joint work",
    "grade_overall_practice": "requires_improvement",
    "actions": [
        {
            "action": "Audit MASH timeliness",
            "owner_agency": "Police",
            "owner_role": "DI",
            "due": "2027-01-31",
            "status": "open",
        }
    ],
}


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault made with the test KDF cost; the CLI is patched to unlock with the same cost."""
    from lscp_audit.cli import vault_args
    from lscp_audit.services.vault_service import VaultService
    from lscp_audit.storage.keyfile import TEST_POLICY

    def make_service(args: Any, **kwargs: Any) -> VaultService:
        return VaultService(vault_args.vault_path(args), use_keychain=False, kdf_policy=TEST_POLICY, **kwargs)

    monkeypatch.setattr(vault_args, "make_service", make_service)
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASSPHRASE)
    templates = paths.user_templates_dir()
    templates.mkdir(parents=True)
    shutil.copy(FIXTURE, templates / "mini_audit.yaml")
    path = tmp_path / "cli.lscp"
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    service.create(PASSPHRASE, use_keychain=False)
    service.lock()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def new_audit(capsys: pytest.CaptureFixture[str], vault: Path) -> str:
    code, out, err = run(capsys, "audit", "new", "--vault", str(vault), "--template", "test-mini-audit", *SUBJECT)
    assert code == 0, err
    return out.strip()


def write_answers(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, indent=2))
    return str(path)


def test_fill_then_show_round_trips(capsys: pytest.CaptureFixture[str], vault_path: Path, tmp_path: Path) -> None:
    audit_id = new_audit(capsys, vault_path)
    code, out, err = run(
        capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, ANSWERS)
    )
    assert code == 0, err
    assert "Saved 12 answer(s)" in out
    code, out, _ = run(capsys, "audit", "show", "--vault", str(vault_path), audit_id, "--json")
    shown = json.loads(out)
    assert shown["answers"] == ANSWERS
    assert shown["status"] == "draft" and shown["template"]["id"] == "test-mini-audit"
    overall = next(j for j in shown["judgements"] if j["scope"] == "overall")
    assert overall["value"] == "requires_improvement" and overall["rule"]


def test_invalid_answers_write_nothing_and_name_every_question(
    capsys: pytest.CaptureFixture[str], vault_path: Path, tmp_path: Path
) -> None:
    audit_id = new_audit(capsys, vault_path)
    bad = {
        **ANSWERS,
        "referral_date": "3 Feb 2026",
        "agency_rag": "green",
        "q99": "yes",
        "days_to_decision": 400,
        "grade_referral": {"value": "good", "colour": "red"},
    }
    code, _, err = run(
        capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, bad)
    )
    assert code == 1
    assert "nothing was saved" in err
    for key in ("referral_date", "agency_rag", "q99", "days_to_decision", "grade_referral"):
        assert f"  {key}: " in err
    assert "must be between 0 and 365 days" in err
    _, out, _ = run(capsys, "audit", "show", "--vault", str(vault_path), audit_id, "--json")
    assert json.loads(out)["answers"] == {}
    _, out, _ = run(capsys, "audit", "history", "--vault", str(vault_path), audit_id, "--json")
    assert [e["field"] for e in json.loads(out)] == ["created"]


def test_complete_lists_missing_answers_then_completes(
    capsys: pytest.CaptureFixture[str], vault_path: Path, tmp_path: Path
) -> None:
    audit_id = new_audit(capsys, vault_path)
    partial = {k: ANSWERS[k] for k in ("referred", "referral_date", "grade_referral")}
    run(capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, partial))
    code, _, err = run(capsys, "audit", "complete", "--vault", str(vault_path), audit_id)
    assert code == 1
    assert "the audit is not complete" in err
    assert "agency_rag@police (Each agency's work: How well did this agency work with others?) is required" in err
    assert "went_well (Findings: What went well) is required" in err
    run(capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, ANSWERS))
    code, out, err = run(capsys, "audit", "complete", "--vault", str(vault_path), audit_id)
    assert code == 0, err
    assert "read-only" in out
    code, _, err = run(
        capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, ANSWERS)
    )
    assert code == 1 and "read-only" in err


def test_new_warns_about_names_and_refuses_bad_references(capsys: pytest.CaptureFixture[str], vault_path: Path) -> None:
    base = ["audit", "new", "--vault", str(vault_path), "--template", "test-mini-audit"]
    code, _, err = run(capsys, *base, "--subject", "case_reference=Jane Smith", "--subject", "agencies=police")
    assert code == 1 and "case_reference: use the form MACA-YYYY-RR-NN" in err
    code, out, err = run(capsys, *base, "--json", "--subject", "case_reference=MACA-2026-01-02", "--subject", "x")
    assert code == 1 and "KEY=VALUE" in err
    code, _, err = run(capsys, *base, "--template", "no-such-template", *SUBJECT)
    assert code == 1 and "no template with id 'no-such-template'" in err


def test_list_amend_and_history(capsys: pytest.CaptureFixture[str], vault_path: Path, tmp_path: Path) -> None:
    audit_id = new_audit(capsys, vault_path)
    run(capsys, "audit", "fill", "--vault", str(vault_path), audit_id, "--answers", write_answers(tmp_path, ANSWERS))
    run(capsys, "audit", "complete", "--vault", str(vault_path), audit_id)
    code, out, _ = run(capsys, "audit", "amend", "--vault", str(vault_path), audit_id, "--json")
    revision = json.loads(out)
    assert code == 0 and revision["revision"] == 2 and revision["previous_revision_id"] == audit_id
    code, out, _ = run(capsys, "audit", "list", "--vault", str(vault_path), "--json")
    listed = json.loads(out)
    assert listed["total"] == 2
    assert {a["id"]: a["status"] for a in listed["audits"]} == {audit_id: "amended", revision["id"]: "draft"}
    _, out, _ = run(capsys, "audit", "list", "--vault", str(vault_path), "--status", "draft", "--text", "maca-2026")
    assert revision["id"] in out and audit_id not in out and "1 of 1 audit(s)" in out
    change = {"grade_referral": {"value": "inadequate", "amendment_reason": "Chronology was missing"}}
    code, _, err = run(
        capsys,
        "audit",
        "fill",
        "--vault",
        str(vault_path),
        revision["id"],
        "--answers",
        write_answers(tmp_path, change),
    )
    assert code == 0, err
    _, out, _ = run(capsys, "audit", "show", "--vault", str(vault_path), revision["id"], "--json")
    assert json.loads(out)["amendment_reasons"] == {"grade_referral": "Chronology was missing"}
    code, out, _ = run(capsys, "audit", "history", "--vault", str(vault_path), revision["id"])
    assert code == 0 and "answer:grade_referral" in out


def test_round_trip_through_real_processes(tmp_path: Path) -> None:
    """The documented automation route: separate processes, passphrase from the environment."""
    env = dict(os.environ, LSCP_AUDIT_PASSPHRASE=PASSPHRASE)
    templates = paths.user_templates_dir()
    templates.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, templates / "mini_audit.yaml")
    vault = str(tmp_path / "proc.lscp")

    def cli(*argv: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "lscp_audit", *argv], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("vault", "init", "--vault", vault, "--no-keychain")
    audit_id = json.loads(
        cli("audit", "new", "--vault", vault, "--no-keychain", "--template", "test-mini-audit", *SUBJECT, "--json")
    )["id"]
    cli("audit", "fill", "--vault", vault, "--no-keychain", audit_id, "--answers", write_answers(tmp_path, ANSWERS))
    shown = json.loads(cli("audit", "show", "--vault", vault, "--no-keychain", audit_id, "--json"))
    assert shown["answers"] == ANSWERS


def test_demo_command_builds_a_separate_marked_vault(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_audit.services.demo_data import DEMO_PASSPHRASE

    demo = tmp_path / "demo.lscp"
    code, out, _ = run(capsys, "demo", "--vault", str(demo), "--no-sign", "--quiet")
    assert code == 0
    assert f"Passphrase: {DEMO_PASSPHRASE}" in out and "fictitious audits" in out
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", DEMO_PASSPHRASE)
    code, out, err = run(capsys, "audit", "list", "--vault", str(demo), "--no-keychain", "--json")
    assert code == 0, err
    statuses = {a["status"] for a in json.loads(out)["audits"]}
    assert statuses == {"draft", "complete", "amended"}  # no signing asked for
    code, _, err = run(capsys, "demo", "--vault", str(demo), "--quiet")
    assert code != 0 and "already exists" in err
