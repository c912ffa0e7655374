"""Partnership analysis benchmark (issue 16): 1,000 trusted returns in a real vault's inbox across
the four shipped templates (Was Not Brought and the domestic abuse MACA, voice of the child and
Section 11 self-assessments; report data built by the real builder, two rounds, three
localities, three agencies), plus quarantined ones that must not count.

Figures: reading the returns (once, then kept in memory); the analysis refresh after a filter
change (goal: under 200 ms), with the plain pass over every return's data as the baseline; the
XLSX workbook and the CSV written to disk; and the outputs goal (XLSX + signed PDF report +
HTML report under 10 s), with the XLSX alone, measured in the same run, as its baseline."""

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
OTHER_TEMPLATES = ("domestic-abuse-maca.yaml", "voice-of-the-child.yaml")


def _generated(file_name: str, number: int) -> dict[str, Any]:
    """Report data for a completed audit of a shipped template, answered by the demo generator
    (seeded by `number`), as `ReportService.export` builds it."""
    import datetime as dt
    import random
    from dataclasses import replace

    from lscp_audit import paths
    from lscp_audit.core.audit import Auditor, AuditRecord, AuditStatus
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.core.templates.loader import load_template_file
    from lscp_audit.services import demo_content
    from lscp_audit.services.demo_data import generate_answers
    from lscp_audit.services.report_service import report_inputs

    template = load_template_file(paths.forms_dir() / file_name)
    rng = random.Random(number)
    subject = demo_content.subject_for(rng, template, number)
    audit = AuditRecord(
        id=f"gen-{number:04d}",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject=subject,
        status=AuditStatus.COMPLETE,
        auditor=Auditor(
            f"Auditor {number}", "Safeguarding lead", ("Police", "Health (ICB)", "Children's social care")[number % 3]
        ),  # fmt: skip
        created_at="2026-11-01T09:00:00Z",
        completed_at="2026-11-27T16:00:00Z",
        answers=(),
    )
    answers = generate_answers(rng, template, subject, ("strong", "mixed", "weak")[number % 3])
    audit = replace(audit, answers=tuple(answers))
    when = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    return build_report_data(audit, template, generated_at=when, inputs=report_inputs(audit, template))


def _fill(vault: Any) -> None:
    cases = [case_data(case_spec(n)) for n in range(SHAPES)]
    s11 = [s11_data(s11_spec(n)) for n in range(6)]
    others = [[_generated(name, n) for n in range(6)] for name in OTHER_TEMPLATES]
    for number in range(RETURNS):
        if number % 5 == 4:
            data = copy.deepcopy(s11[number % len(s11)])
        else:
            kind = number % 5
            shapes = cases if kind < 2 else others[kind - 2]
            data = copy.deepcopy(shapes[number % len(shapes)])
            round_id, title, phase = ROUNDS[number % 2]
            locality, label = LOCALITIES[number % 3]
            data["round"] = {
                **(data.get("round") or {}),
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
            templates = len({i.template_id for i in items})
            from lscp_audit.services.identity_service import IdentityService

            IdentityService(vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
            rounds = service.compare(AnalysisFilter(), "round", ROUNDS[0][0], ROUNDS[1][0])
            made: list[Any] = []

            def outputs() -> None:
                service.export_xlsx(everything, out / "board.xlsx", comparison=rounds)
                made.append(
                    service.export_report(
                        everything, pdf=out / "board.pdf", html=out / "board.html", comparisons=[rounds]
                    )
                )

            def report_only() -> None:
                service.export_report(
                    everything, pdf=out / "report.pdf", html=out / "report.html", comparisons=[rounds]
                )

            all_three = time_call(outputs, repeats=3, warmup=0)
            all_cpu = _cpu_ms(outputs, repeats=2)
            report_ms = median(time_call(report_only, repeats=3, warmup=0))
            report_cpu = _cpu_ms(report_only, repeats=2)
            pages = made[-1].page_count
            pdf_kb = (out / "board.pdf").stat().st_size // 1024
            html_kb = (out / "board.html").stat().st_size // 1024
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
        Row(
            "analysis: signed PDF + HTML report written",
            report_ms,
            "",
            None,
            "",
            f"{pages} pages, PDF {pdf_kb} KB, HTML {html_kb} KB; CPU {report_cpu:.0f} ms",
        ),
        Row(
            f"analysis: XLSX + PDF + HTML ({RETURNS:,} returns, {templates} templates)",
            median(all_three),
            "XLSX workbook alone",
            median(all_three) / xlsx if xlsx else None,
            "< 10 s",
            f"max {max(all_three):.0f} ms; CPU {all_cpu:.0f} ms",
        ),
    ]
