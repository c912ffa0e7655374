"""`lscp-audit analyse`: the partnership analysis of the QA inbox's trusted returns.

``analyse --vault V [--template T] [--round R ...] [--phase P] [--locality L] [--agency A]
[--from DATE] [--to DATE] [--compare round|locality A B] [--xlsx FILE] [--csv FILE] [--pdf FILE]
[--html FILE] [--marking M] [--descriptor WORD] [--json] [--no-suppression] [--case-references]
[--self-assessed]``

Prints the figures (or, with ``--json``, every table as JSON); ``--xlsx`` writes the workbook,
``--csv`` the answers in long format, ``--pdf`` the aggregate report signed by the vault's (QA)
identity and ``--html`` its accessible HTML version, each atomically and recorded in the vault's
export log.
Counts under 5 read "fewer than 5" unless ``--no-suppression``; case references are left out
unless ``--case-references``. Only trusted returns count, latest revision of each audit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.vault_args import add_vault_arguments, make_service, unlock_service
from lscp_audit.core.analysis import MODERATED_WHERE_RECORDED, SELF_ASSESSED, AnalysisFilter
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.report_data import format_date

if TYPE_CHECKING:
    from lscp_audit.core.analysis_tables import Table
    from lscp_audit.services.analysis_service import AnalysisService


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyse",
        help="the partnership analysis of trusted returns: figures, XLSX, CSV and the PDF/HTML report",
        description="Figures across the QA inbox's trusted returns (latest revision of each audit; "
        "quarantined returns never count): answers per question with declared good practice and "
        "concern, judgements per section and agency, the Section 11 matrix, findings and the action "
        'register. Counts under 5 read "fewer than 5" unless --no-suppression.',
    )
    add_vault_arguments(parser)
    parser.add_argument("--template", default="", metavar="ID", help="only returns on this template (its id)")
    parser.add_argument(
        "--round", action="append", default=[], metavar="R", help="only this round (id or title); repeat for more"
    )
    parser.add_argument("--phase", default="", help="only rounds of this phase (e.g. baseline)")
    parser.add_argument("--locality", default="", help="only this locality (code or name)")
    parser.add_argument("--agency", default="", help="only this agency's returns")
    parser.add_argument(
        "--from", dest="signed_from", default="", metavar="DATE", help="signed on or after (YYYY-MM-DD)"
    )
    parser.add_argument("--to", dest="signed_to", default="", metavar="DATE", help="signed on or before (YYYY-MM-DD)")
    parser.add_argument(
        "--compare",
        nargs=3,
        metavar=("BY", "A", "B"),
        help="compare two groups side by side: BY is round or locality, A and B the two to compare",
    )
    parser.add_argument("--xlsx", metavar="FILE", help="write the XLSX workbook")
    parser.add_argument("--csv", metavar="FILE", help="write the answers in long format as CSV")
    parser.add_argument("--pdf", metavar="FILE", help="write the aggregate report as a PDF signed by your identity")
    parser.add_argument("--html", metavar="FILE", help="write the aggregate report as accessible HTML (not signed)")
    parser.add_argument(
        "--marking",
        choices=("OFFICIAL-SENSITIVE", "OFFICIAL"),
        help="protective marking of the PDF and HTML report (default: the vault's setting)",
    )
    parser.add_argument(
        "--descriptor",
        metavar="WORD",
        help='descriptor after the marking, e.g. PERSONAL ("" for none; default: the vault\'s setting)',
    )
    parser.add_argument("--json", action="store_true", help="print every table as JSON")
    parser.add_argument("--no-suppression", action="store_true", help="show counts under 5 (for internal tables only)")
    parser.add_argument("--case-references", action="store_true", help="include case references (left out by default)")
    parser.add_argument(
        "--self-assessed",
        action="store_true",
        help="count section and overall judgements from the self-assessments only "
        "(default: the moderated rating where a moderation record gives one)",
    )
    parser.set_defaults(handler=run_analyse)


def _date(value: str, flag: str) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValidationError([f"{flag} must be a date written YYYY-MM-DD, not {value!r}"]) from exc


def _filter(args: argparse.Namespace) -> AnalysisFilter:
    return AnalysisFilter(
        template_id=args.template.strip(),
        rounds=tuple(r.strip() for r in args.round if r.strip()),
        phase=args.phase.strip(),
        locality=args.locality.strip(),
        agency=args.agency.strip(),
        signed_from=_date(args.signed_from, "--from"),
        signed_to=_date(args.signed_to, "--to"),
    )


@contextmanager
def _service(args: argparse.Namespace) -> Iterator[AnalysisService]:
    from lscp_audit.services.analysis_service import AnalysisService
    from lscp_audit.services.records_service import RecordsService

    service = make_service(args, actor="cli")
    unlock_service(service)
    try:
        yield AnalysisService(service.vault, records=RecordsService(service, "cli"))
    finally:
        service.lock()


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "aggregate": table.aggregate,
        "headers": list(table.headers),
        "rows": [[_json_value(v) for v in row] for row in table.rows],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value.isoformat())
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


def _question_lines(table: Table) -> list[str]:
    """The questions table as one line per question: n, then each answer's count and share."""
    lines: list[str] = []
    current: tuple[object, ...] = ()
    for template, section, question_id, label, _code, answer, _polarity, count, n, percent in table.rows:
        if (template, question_id) != current:
            current = (template, question_id)
            lines += ["", f"  {section}: {label} (n = {n})"]
        share = f" ({_cell(percent)})" if isinstance(percent, float) else ""
        lines.append(f"    {answer}: {count}{share}")
    return lines


def text_lines(tables: list[Table], n_returns: int, notes: tuple[str, ...], described: str) -> list[str]:
    """The aggregate tables, the Section 11 matrix and the action register as text."""
    lines = [f"Analysis of {n_returns} trusted return(s): {described}"]
    lines += [f"  note: {note}" for note in notes]
    wanted = {"Good practice", "Judgements", "Section 11 matrix", "Actions", "Comparison"}
    for table in tables:
        if not table.rows:
            continue
        if table.name == "Questions":
            lines += ["", table.title, *_question_lines(table)]
        elif table.name in wanted:
            lines += ["", table.title, "  " + " | ".join(table.headers)]
            lines += ["  " + " | ".join(_cell(v) for v in row) for row in table.rows]
    return lines


def run_analyse(args: argparse.Namespace) -> int:
    chosen = _filter(args)
    suppress = not args.no_suppression
    with _service(args) as service:
        basis = SELF_ASSESSED if args.self_assessed else MODERATED_WHERE_RECORDED
        analysis = service.analyse(chosen, basis=basis)
        comparison = None
        if args.compare:
            by, a, b = args.compare
            comparison = service.compare(chosen, by, a, b, basis=basis)
        tables = service.tables(
            analysis, suppress=suppress, case_references=args.case_references, comparison=comparison
        )
        written = []
        if args.xlsx:
            out = service.export_xlsx(
                analysis,
                Path(args.xlsx),
                suppress=suppress,
                case_references=args.case_references,
                comparison=comparison,
            )
            written.append(f"XLSX workbook written to {out.path} ({out.tables} sheets, {out.rows} rows)")
        if args.csv:
            out = service.export_csv(analysis, Path(args.csv))
            written.append(f"CSV (answers in long format) written to {out.path} ({out.rows} rows)")
        if args.pdf or args.html:
            report = service.export_report(
                analysis,
                pdf=Path(args.pdf) if args.pdf else None,
                html=Path(args.html) if args.html else None,
                marking=args.marking,
                descriptor=args.descriptor,
                suppress=suppress,
                comparisons=(comparison,) if comparison is not None else (),
                case_references=args.case_references,
            )
            if report.pdf is not None:
                written.append(
                    f"PDF report {report.report_id} written to {report.pdf} ({report.page_count} pages, "
                    f"{report.marking}, signed by {report.signer})"
                )
            if report.html is not None:
                written.append(
                    f"HTML report {report.report_id} written to {report.html} ({report.marking}, not signed)"
                )
    if args.json:
        payload = {
            "filter": chosen.describe(),
            "returns": analysis.n_returns,
            "suppression": suppress,
            "notes": list(analysis.notes),
            "tables": {t.name: _table_json(t) for t in tables},
        }
        print(json.dumps(payload, indent=1, ensure_ascii=False))
    else:
        for line in text_lines(tables, analysis.n_returns, analysis.notes, chosen.describe()):
            print(line)
    for line in written:
        print(line)
    return 0
