"""Audits list through AuditService at 10,000 audits (goal <= 100 ms), against raw SQL baselines.

The vault is a real SQLCipher file (random raw key) with 10,000 audits inserted in one
transaction. Each workload runs through `AuditService.list_audits` (SQL-side filters, frozen
`AuditSummary` rows) and is compared with the same query as hand-written SQL on the same
connection (rows fetched as tuples, no objects built): the ratio is the service's overhead.
Autosave of one answer through the service (validation, visibility, judgement column) is
compared with the repository's own save.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import Row, median, percentile, time_call
from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.services import demo_content
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_types import AuditFilter
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault

AUDITS = 10_000
GOAL = "<= 100 ms"
TEMPLATES = ("domestic-abuse-maca", "was-not-brought", "voice-of-the-child", "section-11-self-assessment")
AGENCIES = ("Police", "Health", "Children's social care", "Education", "Probation")
SUMMARY_SQL = (
    "SELECT id, case_reference, title, template_id, template_title, agency, auditor_name, status, judgement, "
    "updated_at FROM audits"
)


def _rows(count: int) -> list[tuple[Any, ...]]:
    statuses = [s.value for s in AuditStatus]
    rows = []
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)]
        reference = f"{template[:3].upper()}-20{24 + i % 3}-{i:05d}"
        rows.append(
            (
                f"{i:032x}",
                template,
                template.replace("-", " ").capitalize(),
                f'{{"case_reference": "{reference}"}}',
                f"{template.replace('-', ' ').capitalize()}: {reference}",
                statuses[i % 7 % 4],
                f"Demo Auditor {i % 40}",
                f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+00:00",
                reference,
                AGENCIES[i % len(AGENCIES)],
                ("good", "requires_improvement", "outstanding", "inadequate", None)[i % 5],
            )
        )
    return rows


def _populate(vault: Vault, count: int) -> None:
    with vault.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        raw.executemany(
            "INSERT INTO audits (id, template_id, template_title, subject, title, status, auditor_name, updated_at,"
            " case_reference, agency, judgement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _rows(count),
        )
        raw.commit()


def _workloads(service: AuditService) -> dict[str, tuple[Callable[[], object], str, tuple[Any, ...]]]:
    """name -> (service call, baseline SQL, its parameters)."""
    text = "%was-2025-0%"
    return {
        "load all 10,000": (lambda: service.list_audits(AuditFilter(limit=None)), SUMMARY_SQL, ()),
        "first page (200)": (
            lambda: service.list_audits(AuditFilter(limit=200)),
            f"{SUMMARY_SQL} ORDER BY updated_at DESC, id LIMIT 200",
            (),
        ),
        "filter status+template+agency": (
            lambda: service.list_audits(
                AuditFilter(
                    statuses=(AuditStatus.COMPLETE,), template_id="was-not-brought", agency="Health", limit=None
                )
            ),
            f"{SUMMARY_SQL} WHERE status = ? AND template_id = ? AND agency = ?",
            ("complete", "was-not-brought", "Health"),
        ),
        "free-text search": (
            lambda: service.list_audits(AuditFilter(text="was-2025-0", limit=None)),
            f"{SUMMARY_SQL} WHERE lower(case_reference) LIKE ? OR lower(title) LIKE ?",
            (text, text),
        ),
        "date range (one month)": (
            lambda: service.list_audits(
                AuditFilter(updated_from="2026-03-01", updated_to="2026-03-31T23:59:59", limit=None)
            ),
            f"{SUMMARY_SQL} WHERE updated_at >= ? AND updated_at <= ?",
            ("2026-03-01", "2026-03-31T23:59:59"),
        ),
    }


def _baseline(vault: Vault, sql: str, params: tuple[Any, ...]) -> Callable[[], object]:
    def query() -> object:
        with vault.engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            rows = raw.execute(sql, params).fetchall()
            raw.execute("SELECT count(*) FROM audits").fetchone()
            return rows

    return query


def _autosave_rows(vault: Vault, service: AuditService) -> list[Row]:
    """One answer saved through the service (validate, store, judgement) vs the repository alone."""
    template = service.template("was-not-brought")
    subject = demo_content.subject_for(random.Random(1), template, 1)
    record = service.new_audit(template.id, subject)
    question = next(q for q in template.all_questions() if q.type.value == "yes_no" and not q.relevant)
    values = iter(["yes", "no"] * 50)
    through_service = time_call(lambda: service.save_answer(record.id, question.id, next(values)), repeats=25)
    answers = iter([Answer(question.id, v) for v in ["yes", "no"] * 50])
    direct = time_call(lambda: vault.audits.save_answer(record.id, next(answers), "bench"), repeats=25)
    took, base = median(through_service), median(direct)
    p99 = percentile(through_service, 99)
    return [Row("autosave one answer (AuditService)", took, "repository save", took / base, "p99 <= 15 ms",
                f"p99 {p99:.1f} ms")]  # fmt: skip


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="lscp-bench-audits-") as folder:
        vault = Vault.create(Path(folder) / "bench.lscp", RawKey.generate(), vault_id="bench", memory_security=False)
        try:
            _populate(vault, AUDITS)
            service = AuditService.for_vault(vault, actor="bench")
            rows: list[Row] = []
            for name, (call, sql, params) in _workloads(service).items():
                base = median(time_call(_baseline(vault, sql, params), repeats=9))
                took = median(time_call(call, repeats=9))
                rows.append(Row(f"audits list: {name} (AuditService)", took, "raw SQL", took / base, GOAL))
            return rows + _autosave_rows(vault, service)
        finally:
            vault.close()
