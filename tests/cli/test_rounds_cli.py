"""`lscp-audit partnership ...`, `rounds create|list|status` and `audit new --round` through real
processes (the passphrase in LSCP_AUDIT_PASSPHRASE, production KDF), on a QA vault whose inbox
holds real signed returns for round s11-2026 (two trusted, one in quarantine)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.vault_service import VaultService
from tests.services.round_returns import FIXTURES, make_round_returns

PASSPHRASE = "round tracking passphrase 2026"


@pytest.fixture
def qa_vault(tmp_path: Path) -> Path:
    """A QA vault (made with the app's real KDF) whose inbox holds the three round returns."""
    returns = make_round_returns(tmp_path / "agency")
    path = tmp_path / "qa.lscp"
    service = VaultService(path, use_keychain=False)
    service.create(PASSPHRASE, use_keychain=False)
    try:
        inbox = InboxService(service.vault)
        inbox.trust_certificate(returns.trusted_pem, "Pat Auditor")
        assert all(r.ok for r in inbox.import_files(list(returns.files.values())))
    finally:
        service.lock()
    return path


def _cli(*argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LSCP_AUDIT_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, "-m", "lscp_audit", *argv], env=env, capture_output=True, text=True, timeout=180
    )
    assert (done.returncode == 0) == ok, done.stderr
    return done


def test_profile_rounds_and_status_through_real_processes(qa_vault: Path, tmp_path: Path) -> None:
    v = ["--vault", str(qa_vault), "--no-keychain"]
    templates = paths.user_templates_dir()
    templates.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "round-agency-return.yaml", templates / "round-agency-return.yaml")

    # The QA vault has no profile yet: it uses the shipped one; then the test profile is installed.
    assert "(the profile shipped with LSCP Audit" in _cli("partnership", "show", *v).stdout
    done = _cli("partnership", "import", *v, str(FIXTURES / "profile.yaml"))
    assert (
        "Installed the profile of Testshire Safeguarding Children Partnership: 2 localities, 4 agencies, 2 rounds"
        in done.stdout
    )
    shown = json.loads(_cli("partnership", "show", *v, "--json").stdout)
    assert [a["code"] for a in shown["agencies"]] == ["police", "gp", "csc", "youth_club"]

    # A bad round is refused, naming the field; a good one is created and listed.
    bad = _cli(
        "rounds",
        "create",
        *v,
        "--id",
        "s11-2027",
        "--title",
        "S11 2027",
        "--template",
        "test-round-return",
        "--expect-agency",
        "fire",
        ok=False,
    )
    assert "expected.agencies[1].agency: 'fire' is not in the agencies register" in bad.stderr
    _cli(
        "rounds",
        "create",
        *v,
        "--id",
        "s11-2027",
        "--title",
        "S11 2027",
        "--template",
        "test-round-return",
        "--phase",
        "after training",
        "--deadline",
        "2027-11-30",
        "--locality",
        "north",
        "--expect-agency",
        "csc@north",
    )
    listed = json.loads(_cli("rounds", "list", *v, "--json").stdout)
    assert [r["id"] for r in listed] == ["s11-2026", "da-2026-after", "s11-2027"]
    assert listed[2]["expected"] == {"agencies": [{"agency": "csc", "locality": "north"}]}

    # Delete: refused while returns are filed under the round (their signed data names it), an
    # unknown round named; a round with nothing filed goes.
    refused = _cli("rounds", "delete", *v, "s11-2026", ok=False)
    assert "cannot be deleted: 3 return(s) in the inbox are filed under it" in refused.stderr
    assert "no-such-round" in _cli("rounds", "delete", *v, "no-such-round", ok=False).stderr
    _cli("rounds", "create", *v, "--id", "spare", "--title", "Spare round", "--template", "test-round-return")
    assert "Round spare deleted: Spare round" in _cli("rounds", "delete", *v, "spare").stdout
    assert [r["id"] for r in json.loads(_cli("rounds", "list", *v, "--json").stdout)] == [
        "s11-2026",
        "da-2026-after",
        "s11-2027",
    ]

    # The inbox files each return under the round its data names.
    listing = _cli("inbox", "list", *v).stdout
    assert listing.count("filed under round s11-2026, locality north") == 2  # police (trusted), GP (quarantine)
    assert listing.count("filed under round s11-2026\n") == 1  # the youth club names no locality

    # Status as JSON: worked out by hand from the profile (see the service test).
    status = json.loads(_cli("rounds", "status", *v, "s11-2026", "--json", "--today", "2026-12-01").stdout)
    assert (status["expected"], status["received"], status["outstanding"], status["overdue"]) == (4, 2, 2, 2)
    assert status["counts_only_trusted_returns"] is True and "quarantine" in status["note"]
    assert status["quarantined_returns"] == 1 and status["trusted_returns"] == 2
    assert [(r["key"], r["locality"], r["state"]) for r in status["rows"]] == [
        ("police", "north", "received"),
        ("police", "south", "overdue"),
        ("gp", "north", "overdue"),
        ("youth_club", "", "received"),
    ]
    assert [(t["key"], t["expected"], t["received"]) for t in status["by_locality"]] == [
        ("north", 2, 1),
        ("south", 1, 0),
        ("", 1, 1),
    ]

    # The reminder list as CSV (read back with the csv module).
    done = _cli("rounds", "status", *v, "s11-2026", "--csv", "--outstanding", "--today", "2026-11-01")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["label"], r["locality_label"], r["state"], r["outstanding"]) for r in rows] == [
        ("Testshire Police", "South Testshire", "outstanding", "1"),
        ("GP practice", "North Testshire", "outstanding", "1"),
    ]
    assert rows[1]["quarantined_returns"] and "Only trusted returns count as received" in done.stderr

    text = _cli("rounds", "status", *v, "s11-2026", "--today", "2026-12-01").stdout
    assert "Expected 4, received 2, outstanding 2, overdue 2." in text and "OVERDUE" in text
    assert "By agency:" in text and "By locality:" in text and "deadline 30 Nov 2026" in text
    assert "no audit round with id 'nope'" in _cli("rounds", "status", *v, "nope", ok=False).stderr

    # An audit started for a round names it.
    new = json.loads(
        _cli(
            "audit",
            "new",
            *v,
            "--template",
            "test-round-return",
            "--round",
            "s11-2027",
            "--subject",
            "agency=csc",
            "--json",
        ).stdout
    )
    audit = json.loads(_cli("audit", "show", *v, new["id"], "--json").stdout)
    assert audit["subject"]["audit_round"] == "s11-2027" and audit["subject"]["locality"] == "north"
