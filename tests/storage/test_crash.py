"""C1/C4: SIGKILL the autosaving writer at random moments, and fill the disk; nothing acknowledged
is lost and both integrity checks stay clean. The long run (200 kills) is marked slow."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault, sidecars
from tests.storage.conftest import make_record
from tests.storage.crash_child import AUDIT_ID, QUESTIONS

REPO = Path(__file__).resolve().parents[2]


def _make_vault(path: Path) -> str:
    key = RawKey.generate()
    key_hex = key.hex()
    with Vault.create(path, key, vault_id="crash") as vault:
        vault.audits.create(make_record(AUDIT_ID), "t")
    return key_hex


def _run_child(path: Path, key_hex: str, start: int, kill_after: float | None, limit: int | None = None) -> list[str]:
    argv = [sys.executable, "-m", "tests.storage.crash_child", str(path), key_hex, str(start)]
    if limit is not None:
        argv.append(str(limit))
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    if kill_after is not None:
        timer = threading.Timer(kill_after, lambda: os.kill(proc.pid, signal.SIGKILL))
        timer.start()
    lines = proc.stdout.read().splitlines()  # everything the child printed before it died
    proc.wait(timeout=60)
    if kill_after is not None:
        assert proc.returncode == -signal.SIGKILL
    return lines


def _check(path: Path, key_hex: str, acked: dict[int, int]) -> None:
    with Vault.open(path, RawKey(key_hex)) as vault:
        report = vault.integrity_check()
        assert report.ok, report.summary()
        stored = {a.question_id: a.value for a in vault.audits.get(AUDIT_ID).answers}
        assert vault.history.verify(AUDIT_ID).ok
    for q, value in acked.items():
        assert stored[f"q{q}"] >= value, f"acknowledged save q{q}={value} lost"


def _kill_loop(tmp_path: Path, runs: int, reset_every: int) -> None:
    rng = random.Random(4)
    path = tmp_path / "crash.lscp"
    key_hex = ""
    acked: dict[int, int] = {}
    start = 0
    for run in range(runs):
        if run % reset_every == 0:
            for old in [path, *sidecars(path)]:
                old.unlink(missing_ok=True)
            key_hex, acked, start = _make_vault(path), {}, 0
        lines = _run_child(path, key_hex, start, kill_after=rng.uniform(0.05, 0.6))
        values = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
        for value in values:
            acked[value % QUESTIONS] = value
        start = (max(values) + 1 if values else start) + 1000  # leave room for an unacknowledged commit
        _check(path, key_hex, acked)


def test_c1_sigkill_during_autosave_short(tmp_path: Path) -> None:
    _kill_loop(tmp_path, runs=5, reset_every=5)


@pytest.mark.slow
def test_c1_sigkill_during_autosave_200(tmp_path: Path) -> None:
    _kill_loop(tmp_path, runs=200, reset_every=20)


def test_c4_disk_full_reports_error_and_keeps_saved_answers(tmp_path: Path) -> None:
    path = tmp_path / "full.lscp"
    key_hex = _make_vault(path)
    limit = path.stat().st_size + 64 * 1024
    lines = _run_child(path, key_hex, 0, kill_after=None, limit=limit)
    acks = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
    errors = [line for line in lines if line.startswith("error ")]
    assert acks and errors, lines[-5:]
    assert set(errors) == {"error DiskFull"}
    acked = {}
    for value in acks:
        acked[value % QUESTIONS] = value
    for file in [path, *sidecars(path)]:
        assert not file.exists() or file.stat().st_size != 0 or file.name.endswith("-wal")
    assert path.stat().st_size > 0
    _check(path, key_hex, acked)
