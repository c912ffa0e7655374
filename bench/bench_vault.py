"""Vault benchmarks: raw-key unlock, passphrase unlock (KDF reported separately), autosave
latency p50/p99, listing and filtering 10,000 audits, and SQLCipher vs plain SQLite overhead."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bench.harness import Row, median, percentile, time_call
from lscp_audit.core.audit import Answer, AuditRecord, AuditStatus
from lscp_audit.core.audit_query import AuditFilter
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage import migrations
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import PRODUCTION_COST, derive
from lscp_audit.storage.keystore import KeyStore
from lscp_audit.storage.repositories.audits import AuditRepository
from lscp_audit.storage.repositories.context import RepoContext
from lscp_audit.storage.vault import Vault
from lscp_audit.storage.writer import WriteWorker

AUDITS = 10_000
SAVES = 400
PASS = "benchmark passphrase words"


def _insert_audits(raw: Any, count: int) -> None:
    statuses = [s.value for s in AuditStatus]
    rows = [
        (
            f"audit-{i:05d}",
            "case-audit" if i % 3 else "section11",
            json.dumps({"case_reference": f"CASE-{i:05d}"}),
            f"Audit of case {i}",
            statuses[i % 4],
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+00:00",
            f"CASE-{i:05d}",
            ["Police", "Health", "Education", "Social care"][i % 4],
            ["good", "requires_improvement", None][i % 3],
        )
        for i in range(count)
    ]
    raw.executemany(
        "INSERT INTO audits (id, template_id, subject, title, status, updated_at, case_reference, agency, judgement)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    raw.commit()


def _plain_repo(path: Path) -> tuple[AuditRepository, sa.Engine, WriteWorker]:
    # The same SQLite build as the vault (sqlcipher3's bundled one, opened with no key, which is
    # plain SQLite), so the ratio measures encryption and not a different SQLite version.
    import sqlcipher3

    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlcipher3.connect(str(path), check_same_thread=False), poolclass=sa.QueuePool
    )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(conn: Any, _rec: Any) -> None:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "temp_store = MEMORY"):
            conn.execute(f"PRAGMA {pragma}")

    factory = sessionmaker(bind=engine, expire_on_commit=False)
    writer = WriteWorker(factory)
    return AuditRepository(RepoContext(engine, writer, factory)), engine, writer


def _workloads(repo: AuditRepository) -> dict[str, Callable[[], object]]:
    return {
        "list first page": lambda: repo.list_summaries(AuditFilter(limit=200)),
        "filter status+agency": lambda: repo.list_summaries(
            AuditFilter(statuses=(AuditStatus.COMPLETE,), agency="Health", limit=200)
        ),
        "text search": lambda: repo.list_summaries(AuditFilter(text="case-012", limit=200)),
    }


def _time_workloads(repo: AuditRepository) -> dict[str, list[float]]:
    workloads = _workloads(repo)
    timed = {name: time_call(fn, repeats=15, warmup=2) for name, fn in workloads.items()}
    timed["whole listing workload"] = time_call(lambda: [fn() for fn in workloads.values()], repeats=15)
    return timed


def _autosave(repo: AuditRepository) -> list[float]:
    repo.create(
        AuditRecord(
            id="bench", template_id="t", template_version="1", template_hash="", template_source="", subject={}
        ),
        "bench",
    )
    times = []
    for i in range(SAVES):
        start = time.perf_counter()
        repo.save_answer("bench", Answer(f"q{i % 40}", f"answer {i}", evidence="e" * 200), "bench")
        times.append((time.perf_counter() - start) * 1000)
    return times


def _cipher_side(folder: Path) -> tuple[dict[str, list[float]], list[float], float]:
    path = folder / "cipher.lscp"
    key = RawKey.generate()
    key_hex = key.hex()
    with Vault.create(path, key, vault_id="bench") as vault:
        with vault.engine.connect() as conn:
            _insert_audits(conn.connection.dbapi_connection, AUDITS)
    open_ms = median(time_call(lambda: Vault.open(path, RawKey(key_hex)).close(), repeats=7))
    with Vault.open(path, RawKey(key_hex)) as vault:
        lists = _time_workloads(vault.audits)
        saves = _autosave(vault.audits)
    return lists, saves, open_ms


def _plain_side(folder: Path) -> tuple[dict[str, list[float]], list[float]]:
    path = folder / "plain.db"
    repo, engine, writer = _plain_repo(path)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        migrations.migrate(raw, path)
        _insert_audits(raw, AUDITS)
    lists = _time_workloads(repo)
    saves = _autosave(repo)
    writer.close()
    engine.dispose()
    return lists, saves


def _unlock_rows(folder: Path) -> list[Row]:
    kdf_ms = median(time_call(lambda: derive(b"benchmark passphrase", b"0123456789abcdef", PRODUCTION_COST), repeats=5))
    from keyring.backends import fail

    service = VaultService(folder / "svc.lscp", keystore=KeyStore(fail.Keyring()))
    service.create(PASS)
    service.lock()

    def unlock() -> None:
        service.unlock(passphrase=PASS)
        service.lock()

    unlock_ms = median(time_call(unlock, repeats=5))
    cost = PRODUCTION_COST
    return [
        Row(
            "vault: Argon2id KDF (production cost)", kdf_ms, extra=f"{cost.memory_kib // 1024} MiB, t={cost.time_cost}"
        ),
        Row("vault: passphrase unlock (KDF + open)", unlock_ms, extra="includes the KDF above"),
    ]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-vault-") as tmp:
        folder = Path(tmp)
        cipher_lists, cipher_saves, open_ms = _cipher_side(folder)
        plain_lists, plain_saves = _plain_side(folder)
        rows = [Row("vault: open with raw key (no KDF)", open_ms, goal="< 50 ms")]
        rows += _unlock_rows(folder)
    p50, p99 = percentile(cipher_saves, 50), percentile(cipher_saves, 99)
    plain_p50 = percentile(plain_saves, 50)
    rows += [
        Row("vault: autosave one answer p50", p50, "plain SQLite p50", p50 / plain_p50, "", f"{SAVES} saves"),
        Row("vault: autosave one answer p99", p99, goal="p99 <= 15 ms"),
    ]
    for name, times in cipher_lists.items():
        cipher, plain = median(times), median(plain_lists[name])
        rows.append(
            Row(f"vault: {name} ({AUDITS:,} audits)", cipher, "plain SQLite", cipher / plain, "<= 100 ms, <= 1.5x")
        )
    return rows
