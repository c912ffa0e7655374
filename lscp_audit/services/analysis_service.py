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
from lscp_audit.core.records import ExportKind
from lscp_audit.services.inbox_service import InboxService

if TYPE_CHECKING:
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
