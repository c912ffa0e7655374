"""`lscp-audit verify` and `lscp-audit inbox import` over many files, through the real process:
the files are checked on every core, each result is printed in the order given, as soon as it
is known, and the exit code and stored returns are those of checking one file at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services.signed_returns import SignedReturns, make_signed_returns

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"
COUNT = 9  # above the point where worker processes are used (8)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSCP_AUDIT_")}
    env.update(
        LSCP_AUDIT_HOME=str(home), LSCP_AUDIT_PASSPHRASE=PASS, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"
    )
    return env


def _cli(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *argv],
        cwd=REPO,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> SignedReturns:
    return make_signed_returns(tmp_path_factory.mktemp("many"), COUNT)


def test_verify_many_files_in_order_with_one_bad(made: SignedReturns, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing")
    cert = tmp_path / "auditor.pem"
    cert.write_text(made.pem, encoding="ascii")
    files = [str(p) for p in [*made.files[:4], junk, *made.files[4:]]]
    done = _cli(tmp_path, "verify", *files, "--trust", str(cert))
    assert done.returncode == 2, done.stderr
    verdicts = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert verdicts == [f"{f}: {'FAILED' if f == str(junk) else 'OK'}" for f in files]
    assert "1 of 10 file(s) failed verification" in done.stderr
    as_json = _cli(tmp_path, "verify", *files, "--trust", str(cert), "--json")
    listed = json.loads(as_json.stdout)  # printed a piece at a time, still one JSON list
    assert [r["file"] for r in listed] == files and [r["ok"] for r in listed] == [f != str(junk) for f in files]
    alone = _cli(tmp_path, "verify", files[0], "--trust", str(cert), "--json")
    assert json.loads(alone.stdout) == listed[:1]  # the same verdict as verifying it on its own


def test_inbox_import_many_files(made: SignedReturns, tmp_path: Path) -> None:
    vault = tmp_path / "qa.lscp"
    assert _cli(tmp_path, "vault", "init", "--vault", str(vault), "--no-keychain").returncode == 0
    cert = tmp_path / "auditor.pem"
    cert.write_text(made.pem, encoding="ascii")
    assert _cli(tmp_path, "inbox", "trust", "--vault", str(vault), "--no-keychain", str(cert)).returncode == 0
    files = [str(p) for p in [*made.files, made.files[0]]]
    done = _cli(tmp_path, "inbox", "import", "--vault", str(vault), "--no-keychain", *files)
    assert done.returncode == 0, done.stderr
    outcomes = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split(": ", 1)[0] for line in outcomes] == files
    assert all(": imported (R-" in line and ", trusted, id " in line for line in outcomes[:-1])
    assert outcomes[-1].startswith(f"{files[-1]}: duplicate (R-")
    listing = _cli(tmp_path, "inbox", "list", "--vault", str(vault), "--no-keychain", "--json")
    document = json.loads(listing.stdout)
    assert len(document["returns"]) == COUNT and document["quarantine"] == []
