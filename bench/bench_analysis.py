"""Partnership analysis benchmark (issue 16): 1,000 trusted returns in a real vault's inbox
(Was Not Brought case audits and Section 11 self-assessments, report data built by the real
builder, two rounds, three localities, three agencies), plus quarantined ones that must not count.

Figures: reading the returns (once, then kept in memory); the analysis refresh after a filter
change (goal: under 200 ms), with the plain pass over every return's data as the baseline; the
XLSX workbook and the CSV written to disk."""

from __future__ import annotations

import copy
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Row, median, time_call
from lscp_audit.core.analysis import AnalysisFilter
from lscp_audit.services.analysis_service import AnalysisService
from tests.services.analysis_returns import (
    LOCALITIES,
    ROUNDS,
    case_data,
    case_spec,
    s11_data,
    s11_spec,
    store,
)

RETURNS = 1000


def _cpu_ms(fn: Any, repeats: int = 3) -> float:
    """Median CPU time of `fn` in ms (the process's own, so a loaded machine does not inflate it)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return median(times)


SHAPES = 24  # distinct answer patterns built by the real builder, then copied with their own ids


def _fill(vault: Any) -> None:
    cases = [case_data(case_spec(n)) for n in range(SHAPES)]
    s11 = [s11_data(s11_spec(n)) for n in range(6)]
    for number in range(RETURNS):
        if number % 5 == 4:
            data = copy.deepcopy(s11[number % len(s11)])
        else:
            data = copy.deepcopy(cases[number % len(cases)])
            round_id, title, phase = ROUNDS[number % 2]
            locality, label = LOCALITIES[number % 3]
            data["round"] = {
                **data["round"],
                "id": round_id,
                "title": title,
                "phase": phase,
                "locality": locality,
                "locality_label": label,
            }
        data["report"] = {**data["report"], "id": f"R-{number:04d}-BNCH"}
        data["audit"] = {**data["audit"], "id": f"bench-{number:04d}"}
        month = number % 12 + 1
        store(vault, f"b{number:04d}", data, signed_at=f"2026-{month:02d}-{number % 27 + 1:02d}T10:00:00Z")
    for number in range(20):
        data = copy.deepcopy(cases[number % len(cases)])
        data["report"] = {**data["report"], "id": f"R-{number:04d}-QUAR"}
        data["audit"] = {**data["audit"], "id": f"held-{number:04d}"}
        store(vault, f"q{number:04d}", data, signed_at="2026-05-01T10:00:00Z", trusted=False)


def run() -> list[Row]:
    from lscp_audit.storage.engine import RawKey
    from lscp_audit.storage.vault import Vault

    with tempfile.TemporaryDirectory() as folder:
        vault = Vault.create(Path(folder) / "bench.lscp", RawKey.generate(), vault_id="bench", memory_security=False)
        try:
            _fill(vault)
            service = AnalysisService(vault)
            load = median(time_call(service.refresh, repeats=3))
            items = service.returns()
            assert len(items) == RETURNS

            def walk() -> int:
                return sum(len(s.get("questions") or []) for i in items for s in i.data.get("sections") or [])

            baseline = median(time_call(walk, repeats=7))
            filters = [
                AnalysisFilter(),
                AnalysisFilter(template_id="was-not-brought", rounds=(ROUNDS[0][0],)),
                AnalysisFilter(template_id="was-not-brought", locality="south"),
                AnalysisFilter(agency="Police", signed_from="2026-03-01", signed_to="2026-09-30"),
                AnalysisFilter(template_id="section-11-self-assessment"),
            ]
            turn = iter(range(10**6))
            refresh = time_call(lambda: service.analyse(filters[next(turn) % len(filters)]), repeats=10)
            refresh_cpu = _cpu_ms(lambda: service.analyse(filters[next(turn) % len(filters)]), repeats=10)
            everything = service.analyse()
            tables = median(time_call(lambda: service.tables(everything), repeats=5))
            compare = median(
                time_call(
                    lambda: service.compare(
                        AnalysisFilter(template_id="was-not-brought"), "round", ROUNDS[0][0], ROUNDS[1][0]
                    ),
                    repeats=5,
                )
            )
            out = Path(folder)
            xlsx = median(
                time_call(lambda: service.export_xlsx(everything, out / "analysis.xlsx"), repeats=3, warmup=0)
            )
            xlsx_cpu = _cpu_ms(lambda: service.export_xlsx(everything, out / "analysis.xlsx"), repeats=2)
            csv_ms = median(time_call(lambda: service.export_csv(everything, out / "answers.csv"), repeats=3, warmup=0))
            size = (out / "analysis.xlsx").stat().st_size // 1024
            rows = len(everything.answers)
        finally:
            vault.close()
    slowest = max(refresh)
    return [
        Row(f"analysis: read {RETURNS:,} trusted returns' data", load, "", None, "", "once; kept in memory"),
        Row("analysis: one pass over every return's data (baseline)", baseline),
        Row(
            f"analysis: refresh after a filter change ({RETURNS:,} returns)",
            median(refresh),
            "one pass over the data",
            median(refresh) / baseline if baseline else None,
            "< 200 ms",
            f"max {slowest:.1f} ms over 5 filters; CPU {refresh_cpu:.1f} ms",
        ),
        Row("analysis: all tables with suppression", tables),
        Row("analysis: compare two rounds", compare, "", None, "< 200 ms"),
        Row(
            "analysis: XLSX workbook written",
            xlsx,
            "",
            None,
            "< 10 s",
            f"{size} KB, {rows:,} answer rows; CPU {xlsx_cpu:.0f} ms",
        ),
        Row("analysis: CSV (answers, long format) written", csv_ms),
    ]
