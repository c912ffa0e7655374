"""`lscp-audit actions` through the real CLI process on a real passphrase vault holding real
signed returns: the register as JSON, a progress update recorded (the signed return unchanged),
its history, refusals with their reasons and exit codes, and the quarterly report written as XLSX
and CSV, read back and recorded in the export log."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.cli.vault_args import open_vault_from_args
from lscp_audit.core.action_updates import Quarter
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.moderation_service import JudgementInput, ModerationService
from tests.services.action_returns import AGENCY_LABELS, SPECS, import_returns, make_signed_returns, spec

PASS = "correct horse battery staple"


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LSCP_AUDIT_PASSPHRASE": PASS, "LSCP_AUDIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args], capture_output=True, text=True, env=env, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("actions-cli")
    path = home / "qa.lscp"
    done = _cli(home, "vault", "init", "--vault", str(path), "--no-keychain")
    assert done.returncode == 0, done.stderr
    made = make_signed_returns(tmp_path_factory.mktemp("agency"))
    with _opened(path) as opened:
        ids = import_returns(opened, made)
        identities = IdentityService(opened)
        moderator = identities.create("Piotr Moderator", "QA subgroup chair", "Testshire LSCP")
        InboxService(opened).trust_certificate(
            identities.export_certificate_pem(moderator.id), "Moderator", moderator=True
        )
        ModerationService(opened).record(
            ids["police-current"],
            outcome="moderated",
            rationale="Evidence seen at the panel.",
            judgements=[JudgementInput("s1", "red", "No training records.")],
        )
    return home, path, ids


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    """The vault opened in this process (the CLI's own unlocking), locked again on exit."""
    os.environ["LSCP_AUDIT_PASSPHRASE"] = PASS
    try:
        with open_vault_from_args(argparse.Namespace(vault=path, no_keychain=True)) as opened:
            yield opened
    finally:
        del os.environ["LSCP_AUDIT_PASSPHRASE"]


def test_list_update_history_and_refusals(vault: tuple[Path, Path, dict[str, str]]) -> None:
    home, path, ids = vault
    v = ["--vault", str(path), "--no-keychain"]
    listed = _cli(home, "actions", "list", *v, "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert len(entries) == sum(len(s.actions) for s in SPECS)
    assert {(e["action"], e["status"]) for e in entries} == {(a.text, a.status) for s in SPECS for a in s.actions}
    assert all(e["status_from"] == "the return" and "case_reference" not in e for e in entries)

    police = ids["police-current"]
    with _opened(path) as opened:
        pdf_before = opened.imported_returns.pdf(police)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    done = _cli(
        home, "actions", "update", *v, police, "1", "--status", "in_progress", "--note", "Half trained",
        "--date", today, "--reported-by", "DI Jones", "--actor", "QA Officer", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stored = json.loads(done.stdout)
    assert (stored["action_number"], stored["status"], stored["recorded_by"]) == (1, "in_progress", "QA Officer")
    after = {
        (e["return_id"], e["action_number"]): e for e in json.loads(_cli(home, "actions", "list", *v, "--json").stdout)
    }
    entry = after[(police, 1)]
    assert (entry["status"], entry["latest_update"], entry["updates"]) == ("in_progress", "Half trained", 1)
    assert entry["return_status"] == "Open"
    history = _cli(home, "actions", "history", *v, police)
    assert history.returncode == 0 and "#1 In progress on" in history.stdout and "DI Jones" in history.stdout
    with _opened(path) as opened:
        assert opened.imported_returns.pdf(police) == pdf_before

    wrong = _cli(home, "actions", "update", *v, police, "9", "--status", "open")
    assert wrong.returncode == 1 and "actions 1 to 4, not 9" in wrong.stderr
    future = (dt.date.fromisoformat(today) + dt.timedelta(days=3)).isoformat()
    late = _cli(home, "actions", "update", *v, police, "1", "--status", "open", "--date", future)
    assert late.returncode == 1 and "is in the future" in late.stderr
    bad = _cli(home, "actions", "update", *v, police, "1", "--status", "finished")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    missing = _cli(home, "actions", "update", *v, "no-such-return", "1", "--status", "open")
    assert missing.returncode != 0 and "no-such-return" in missing.stderr


def test_quarterly_export_xlsx_csv_and_export_log(vault: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    home, path, _ids = vault
    v = ["--vault", str(path), "--no-keychain"]
    quarter = Quarter.containing(dt.datetime.now(dt.UTC).date())
    xlsx, table = tmp_path / "actions.xlsx", tmp_path / "actions.csv"
    done = _cli(home, "actions", "export", *v, "--quarter", quarter.label, "--xlsx", str(xlsx), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert "XLSX workbook written to" in done.stdout and "CSV (one action per row) written to" in done.stdout
    # the returns were signed during this quarter, so every action of theirs is in it
    expected = {a.text for s in SPECS for a in s.actions}
    sheet = load_workbook(xlsx)[f"Actions {quarter.label}"]
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == ["Answers", "Outcome", "Action", "Who", "When", "Status"]
    assert {r[headers.index("Action")] for r in sheet.iter_rows(min_row=3, values_only=True)} == expected
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["Action"] for r in rows} == expected and {r["Quarter"] for r in rows} == {quarter.label}
    log = _cli(home, "records", "export-log", "--json", *v)
    kinds = [(e["kind"], Path(e["file_name"]).name) for e in json.loads(log.stdout)]
    assert ("actions_report", "actions.xlsx") in kinds and ("actions_report", "actions.csv") in kinds

    listed = _cli(home, "actions", "list", *v, "--quarter", quarter.label, "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout)["quarter"] == quarter.label

    nowhere = _cli(home, "actions", "export", *v, "--quarter", quarter.label)
    assert nowhere.returncode == 1 and "--xlsx FILE, --csv FILE or both" in nowhere.stderr
    badly = _cli(home, "actions", "export", *v, "--quarter", "2026-Q5", "--csv", str(table))
    assert badly.returncode == 1 and "written like 2026-Q3" in badly.stderr


def test_analyse_counts_moderated_ratings_unless_self_assessed(vault: tuple[Path, Path, dict[str, str]]) -> None:
    home, path, _ids = vault
    v = ["--vault", str(path), "--no-keychain", "--json", "--no-suppression"]
    for flags, police_s1 in (((), "red"), (("--self-assessed",), spec("police-current").ratings["s1"])):
        done = _cli(home, "analyse", *v, *flags)
        assert done.returncode == 0, done.stderr
        table = json.loads(done.stdout)["tables"]["Judgements"]
        rows = [dict(zip(table["headers"], r, strict=True)) for r in table["rows"]]
        standard_1 = {
            r["Level code"]: r["Count"]
            for r in rows
            if r["Scope"] == "Section judgement" and r["About"] == "Standard 1"
        }
        codes = [police_s1 if s.key == "police-current" else s.ratings["s1"] for s in SPECS]
        assert standard_1 == {code: codes.count(code) for code in ("green", "amber", "red")}, flags
        words = {r["Ratings counted"] for r in rows if r["About"] == "Standard 1"}
        assert words == ({"self-assessed"} if flags else {"moderated where recorded (1 moderated)"})
    matrix = json.loads(_cli(home, "analyse", *v).stdout)["tables"]
    s11 = matrix["Section 11 matrix"]
    police = next(
        dict(zip(s11["headers"], r, strict=True))
        for r in s11["rows"]
        if r[0] == AGENCY_LABELS["police"] and r[1] == "Section 11 current round"
    )
    assert (police["Standard 1: self-rating"], police["Standard 1: moderated"]) == ("Amber", "Red")
    assert police["Standard 1: change since previous round"] == "= same as Red"
