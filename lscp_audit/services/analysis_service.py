"""AnalysisService: the partnership's analysis of the QA inbox's returns (Qt-free).

Only **trusted** returns count, and only the **latest revision** of each audit: the returns
`InboxService.list_returns()` gives. Quarantined and superseded returns never count; the
analysis notes how many were left out. The returns' data is read once and kept in memory
(`refresh()` reads it again, for example after an import), so a filter change only recomputes
the figures (`core.analysis`).

Outputs (`export_xlsx`, `export_csv`) are written atomically and recorded in the vault's export
log (kind ``analysis``) when a `RecordsService` is given. Small numbers are suppressed in the
aggregate tables unless `suppress=False`; case references are left out unless asked for.

Moderated Section 11 ratings come from `moderated(return_id)` (standard id, or ``overall``, to a
rating code) when a source of moderation records is given; without one the moderated column
stays empty and the analysis says so.

Logs carry counts only, never case references, answers or file names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.analysis import (
    LOCALITY,
    ROUND,
    Analysis,
    AnalysisFilter,
    AnalysisReturn,
    Comparison,
    ModeratedRatings,
    analyse,
    compare,
)
from lscp_audit.core.analysis_tables import Table, analysis_tables, answers_table
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.core.records import ExportKind
from lscp_audit.core.report_data import DEFAULT_MARKING, ProtectiveMarking, parse_marking, protective_marking
from lscp_audit.services.inbox_service import InboxService

if TYPE_CHECKING:
    from lscp_audit.reports.aggregate_content import AggregateReport, Breakdown
    from lscp_audit.services.records_service import RecordsService

log = logging.getLogger(__name__)
DIMENSIONS = (ROUND, LOCALITY)


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can choose from among the trusted returns: (value, label) pairs."""

    templates: tuple[tuple[str, str], ...]
    rounds: tuple[tuple[str, str], ...]
    phases: tuple[str, ...]
    localities: tuple[tuple[str, str], ...]
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class AnalysisExport:
    path: Path
    tables: int
    rows: int
    size_bytes: int


@dataclass(frozen=True)
class ReportExport:
    """The aggregate report written: the signed PDF and/or the HTML version (None when not asked)."""

    report_id: str
    marking: str
    pdf: Path | None = None
    html: Path | None = None
    page_count: int = 0
    signer: str = ""
    size_bytes: int = 0


class AnalysisService:
    """The analysis of one unlocked vault's trusted returns."""

    def __init__(
        self,
        vault: Any,
        *,
        records: RecordsService | None = None,
        moderated: ModeratedRatings | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._vault = vault
        self._records = records
        self._moderated = moderated
        self._clock = clock
        self.inbox = InboxService(vault)
        self._items: list[AnalysisReturn] | None = None
        self._left_out: tuple[str, ...] = ()

    # -- the returns ---------------------------------------------------------------------------

    def refresh(self) -> int:
        """Read the trusted, latest-revision returns again; return how many there are."""
        listing = self.inbox.listing(include_superseded=False)
        entries = listing.returns
        data = self._vault.imported_returns.data_for([e.id for e in entries])
        self._items = [
            AnalysisReturn(e.id, e.report_id, e.signer, e.signed_at, data[e.id]) for e in entries if e.id in data
        ]
        notes = []
        if listing.quarantine:
            notes.append(f"{len(listing.quarantine)} return(s) in quarantine are not counted.")
        if listing.superseded:
            notes.append(f"{listing.superseded} superseded revision(s) are not counted (only the latest counts).")
        self._left_out = tuple(notes)
        log.info("analysis: %d trusted return(s) read", len(self._items))
        return len(self._items)

    def returns(self) -> list[AnalysisReturn]:
        if self._items is None:
            self.refresh()
        assert self._items is not None
        return list(self._items)

    def choices(self) -> FilterChoices:
        items = self.returns()
        templates: dict[str, str] = {}
        rounds: dict[str, str] = {}
        localities: dict[str, str] = {}
        phases: set[str] = set()
        agencies: set[str] = set()
        for item in items:
            templates.setdefault(item.template_id, item.template_title)
            info = item.round
            if info.id or info.title:
                rounds.setdefault(info.id or info.title, info.label)
            if info.locality:
                localities.setdefault(info.locality, info.locality_name)
            if info.phase:
                phases.add(info.phase)
            agencies.add(item.agency)
        return FilterChoices(
            templates=tuple(sorted(templates.items(), key=lambda t: t[1].casefold())),
            rounds=tuple(sorted(rounds.items(), key=lambda t: t[1].casefold())),
            phases=tuple(sorted(phases, key=str.casefold)),
            localities=tuple(sorted(localities.items(), key=lambda t: t[1].casefold())),
            agencies=tuple(sorted(agencies, key=str.casefold)),
        )

    # -- figures -------------------------------------------------------------------------------

    def today(self) -> dt.date:
        return self._clock().date()

    def analyse(self, analysis_filter: AnalysisFilter | None = None) -> Analysis:
        """Every figure for the trusted returns the filter keeps."""
        found = analyse(self.returns(), analysis_filter, today=self.today(), moderated=self._moderated)
        if self._left_out:
            from dataclasses import replace

            found = replace(found, notes=(*self._left_out, *found.notes))
        return found

    def compare(self, analysis_filter: AnalysisFilter | None, dimension: str, a: str, b: str) -> Comparison:
        """Two rounds (``round``) or two localities (``locality``) side by side."""
        if dimension not in DIMENSIONS:
            raise ValidationError([f"cannot compare by {dimension!r}: choose round or locality"])
        if not a.strip() or not b.strip():
            raise ValidationError(["name both groups to compare"])
        return compare(self.returns(), analysis_filter or AnalysisFilter(), dimension, a, b, today=self.today())

    def tables(
        self,
        analysis: Analysis,
        *,
        suppress: bool = True,
        case_references: bool = False,
        comparison: Comparison | None = None,
    ) -> list[Table]:
        return analysis_tables(analysis, suppress=suppress, case_references=case_references, comparison=comparison)

    # -- outputs -------------------------------------------------------------------------------

    def export_xlsx(
        self,
        analysis: Analysis,
        destination: Path | str,
        *,
        suppress: bool = True,
        case_references: bool = False,
        comparison: Comparison | None = None,
    ) -> AnalysisExport:
        """The workbook (returns, answers, codebook, questions, good practice, judgements, the
        Section 11 matrix, findings, actions and any comparison), written atomically."""
        from lscp_audit.reports.analysis_export import xlsx_bytes

        tables = self.tables(analysis, suppress=suppress, case_references=case_references, comparison=comparison)
        colours = {label: colour for _, label, colour in analysis.s11.levels if colour}
        data = xlsx_bytes(tables, colours=colours, marking=self._marking())
        return self._write(destination, data, tables, "XLSX workbook")

    def export_csv(self, analysis: Analysis, destination: Path | str) -> AnalysisExport:
        """The answers in long format (one answer per row) as CSV, written atomically."""
        from lscp_audit.reports.analysis_export import csv_text

        table = answers_table(analysis)
        return self._write(destination, csv_text(table).encode("utf-8"), [table], "CSV file")

    # -- the aggregate report (PDF and HTML) ---------------------------------------------------

    def breakdowns(self, analysis: Analysis) -> list[Breakdown]:
        """The analysis of each round and each locality among `analysis`'s returns (under the same
        other filters), for the report's side-by-side parts; a dimension the filter already fixes
        to one value, or with fewer than two groups, is left out."""
        from dataclasses import replace

        from lscp_audit.reports.aggregate_content import Breakdown

        base = analysis.filter
        rounds: dict[str, str] = {}
        localities: dict[str, str] = {}
        for item in analysis.items:
            info = item.round
            if info.id or info.title:
                rounds.setdefault(info.id or info.title, info.label)
            if info.locality:
                localities.setdefault(info.locality, info.locality_name)
        found = []
        today = self.today()
        items = self.returns()
        if len(base.rounds) != 1 and len(rounds) > 1:
            groups = tuple(
                (label, analyse(items, replace(base, rounds=(value,)), today=today, moderated=self._moderated))
                for value, label in sorted(rounds.items(), key=lambda t: t[1].casefold())
            )
            found.append(Breakdown(ROUND, groups))
        if not base.locality and len(localities) > 1:
            groups = tuple(
                (label, analyse(items, replace(base, locality=value), today=today, moderated=self._moderated))
                for value, label in sorted(localities.items(), key=lambda t: t[1].casefold())
            )
            found.append(Breakdown(LOCALITY, groups))
        return found

    def report_marking(self, marking: str | None = None, descriptor: str | None = None) -> ProtectiveMarking:
        """The marking for an aggregate report: `marking` (OFFICIAL or OFFICIAL-SENSITIVE, with an
        optional `descriptor`), else the vault's setting. Raises `ValidationError` outside the
        vocabulary."""
        default = parse_marking(self._marking() or DEFAULT_MARKING)
        if marking is None and descriptor is None:
            return default
        return protective_marking(
            marking or default.classification, default.descriptor if descriptor is None else descriptor
        )

    def aggregate_report(
        self,
        analysis: Analysis,
        *,
        marking: ProtectiveMarking,
        suppress: bool = True,
        comparisons: Sequence[Comparison] = (),
        prepared_by: str = "",
    ) -> AggregateReport:
        """What the aggregate report says (the same content for its PDF and its HTML version)."""
        from lscp_audit.reports.aggregate_content import aggregate_report

        return aggregate_report(
            analysis,
            marking=marking,
            generated_at=self._clock(),
            prepared_by=prepared_by,
            partnership=self._partnership_name(),
            suppress=suppress,
            comparisons=comparisons,
            breakdowns=self.breakdowns(analysis),
        )

    def export_report(
        self,
        analysis: Analysis,
        *,
        pdf: Path | str | None = None,
        html: Path | str | None = None,
        marking: str | None = None,
        descriptor: str | None = None,
        suppress: bool = True,
        comparisons: Sequence[Comparison] = (),
        identity_id: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> ReportExport:
        """The aggregate report as a PDF signed by this vault's (QA) identity and/or as accessible
        HTML, from one content (so both carry the same figures and report id), each written
        atomically and recorded in the export log.

        Raises `ValidationError` for a marking outside the vocabulary or when neither file is
        asked for, `NotFound` without a signing identity (PDF only), `SigningFailed` when signing
        fails and `LscpAuditError` when a file cannot be written (any earlier file is unchanged)."""
        if pdf is None and html is None:
            raise ValidationError(["choose where to save the report (a PDF file, an HTML file or both)"])
        chosen = self.report_marking(marking, descriptor)
        identity = self.inbox.identities.signer(identity_id) if pdf is not None else None
        prepared = ", ".join(v for v in (identity.name, identity.role, identity.agency) if v) if identity else ""
        progress(5, "Gathering the figures")
        report = self.aggregate_report(
            analysis, marking=chosen, suppress=suppress, comparisons=comparisons, prepared_by=prepared
        )
        check(cancel)
        pdf_path = html_path = None
        pages = size = 0
        if pdf is not None and identity is not None:
            from lscp_audit.reports.aggregate_pdf import signed_aggregate_pdf

            signed = signed_aggregate_pdf(
                report, identity, signed_at=report.generated_at, progress=progress, cancel=cancel
            )
            check(cancel)
            progress(92, "Saving the PDF")
            pdf_path = self._save(pdf, signed.pdf, "signed PDF report", report.report_id, chosen.text)
            pages, size = signed.page_count, len(signed.pdf)
        if html is not None:
            from lscp_audit.reports.aggregate_html import render_aggregate_html

            check(cancel)
            progress(95, "Saving the HTML version")
            text = render_aggregate_html(report, signed_pdf_name=pdf_path.name if pdf_path else "")
            data = text.encode("utf-8")
            html_path = self._save(html, data, "HTML report", report.report_id, chosen.text)
            size += len(data)
        progress(100, "Done")
        log.info("analysis report %s written: %d page(s), %d bytes", report.report_id, pages, size)
        return ReportExport(
            report.report_id, chosen.text, pdf_path, html_path, pages, identity.name if identity else "", size
        )

    def _partnership_name(self) -> str:
        from lscp_audit.services.partnership_service import PartnershipService

        try:
            profile = PartnershipService(self._vault).profile()
        except LscpAuditError:
            return ""
        return "" if profile.is_default else profile.name

    def _save(self, destination: Path | str, data: bytes, what: str, report_id: str, marking: str) -> Path:
        path = Path(destination)
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise LscpAuditError(
                f"the {what} could not be saved to {path.name} ({exc.strerror or type(exc).__name__}); "
                "any previous file there is unchanged"
            ) from exc
        if self._records is not None:
            self._records.record_export(ExportKind.ANALYSIS, str(path), report_id=report_id, marking=marking)
        return path

    def _write(self, destination: Path | str, data: bytes, tables: Sequence[Table], what: str) -> AnalysisExport:
        path = Path(destination)
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise LscpAuditError(
                f"the {what} could not be saved to {path.name} ({exc.strerror or type(exc).__name__}); "
                "any previous file there is unchanged"
            ) from exc
        if self._records is not None:
            self._records.record_export(ExportKind.ANALYSIS, str(path), marking=self._marking())
        rows = sum(len(t.rows) for t in tables)
        log.info("analysis %s written: %d table(s), %d row(s), %d bytes", what, len(tables), rows, len(data))
        return AnalysisExport(path, len(tables), rows, len(data))

    def _marking(self) -> str:
        from lscp_audit.services.settings_service import SettingsService

        try:
            value = SettingsService(self._vault).get("report.protective_marking")
        except LscpAuditError:
            value = None
        return str(value) if value else "OFFICIAL-SENSITIVE"
