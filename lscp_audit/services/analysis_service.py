"""AnalysisService: the partnership's analysis of the QA inbox's returns (Qt-free).

Only **trusted** returns count, and only the **latest revision** of each audit: the returns
`InboxService.list_returns()` gives. Quarantined and superseded returns never count; the
analysis notes how many were left out. The returns' data is read once and kept in memory
(`refresh()` reads it again, for example after an import), so a filter change only recomputes
the figures (`core.analysis`).

Outputs (`export_xlsx`, `export_csv`) are written atomically and recorded in the vault's export
log (kind ``analysis``) when a `RecordsService` is given. Small numbers are suppressed in the
aggregate tables unless `suppress=False`; case references are left out unless asked for.

Moderated ratings come from the vault's moderation records (the newest record of each return
wins; read once with the returns), or from `moderated(return_id)` when one is given. Section and
overall judgement distributions count the moderated rating where a record gives one, else the
self-assessment (`basis=MODERATED_WHERE_RECORDED`, the default), or the self-assessments only
(`basis=SELF_ASSESSED`); the tables say which. The Section 11 matrix shows both ratings and the
change since each organisation's previous round (rounds ordered by their period, else the
partnership profile's dates).

Action progress updates (`record_action_update`) are stored as records of their own, never in
the signed return, and recorded in the vault's history chain; the action register shows the
latest status from them. `quarterly_actions` / `export_quarterly_xlsx` / `export_quarterly_csv`
give the quarterly action report (`core.analysis_actions`), recorded in the export log.

Logs carry counts only, never case references, answers or file names.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.core.action_updates import ActionUpdate, Quarter, carried, shown_date, update_problems
from lscp_audit.core.analysis import (
    BASES,
    LOCALITY,
    MODERATED_WHERE_RECORDED,
    ROUND,
    Analysis,
    AnalysisFilter,
    AnalysisReturn,
    Comparison,
    ModeratedRatings,
    ReturnModeration,
    analyse,
    compare,
)
from lscp_audit.core.analysis_actions import QuarterlyActions, quarterly_actions, quarterly_tables, register_table
from lscp_audit.core.analysis_charts import Chart
from lscp_audit.core.analysis_tables import Table, analysis_tables, answers_table
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.core.records import ExportKind
from lscp_audit.core.report_data import DEFAULT_MARKING, ProtectiveMarking, parse_marking, protective_marking
from lscp_audit.services.file_saving import save_file
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.moderation_service import ModerationService

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
        actor: str = "",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        """`moderated` replaces the vault's moderation records as the source of moderated
        ratings; `actor` is who recorded updates are recorded as when no `records` service
        (whose actor is used) is given."""
        self._vault = vault
        self._records = records
        self._given_moderation = moderated
        self._actor = actor
        self._clock = clock
        self.inbox = InboxService(vault)
        self._items: list[AnalysisReturn] | None = None
        self._left_out: tuple[str, ...] = ()
        self._moderation: dict[str, ReturnModeration] = {}
        self._updates: dict[str, list[ActionUpdate]] = {}
        self._earlier: dict[str, list[str]] = {}  # latest revision's id -> the ids of revisions it supersedes
        self._round_dates: dict[str, str] = {}

    # -- the returns ---------------------------------------------------------------------------

    def refresh(self) -> int:
        """Read the trusted, latest-revision returns again; return how many there are."""
        listing = self.inbox.listing(include_superseded=True)
        entries = [e for e in listing.returns if not e.superseded_by]
        data = self._vault.imported_returns.data_for([e.id for e in entries])
        self._items = [
            AnalysisReturn(e.id, e.report_id, e.signer, e.signed_at, data[e.id]) for e in entries if e.id in data
        ]
        latest = {e.report_id: e.id for e in entries}
        self._earlier = {}
        for entry in listing.returns:
            if entry.superseded_by and entry.superseded_by in latest:
                self._earlier.setdefault(latest[entry.superseded_by], []).append(entry.id)
        self._moderation = {} if self._given_moderation is not None else self._read_moderation()
        stored = self._vault.action_updates.for_returns(
            [*(i.return_id for i in self._items), *(rid for ids in self._earlier.values() for rid in ids)]
        )
        self._updates = {i.return_id: self._with_earlier(i, stored) for i in self._items}
        self._round_dates = {
            r.id: r.period_end or r.deadline or r.period_start for r in self._vault.partnership.rounds()
        }
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

    @property
    def moderated(self) -> ModeratedRatings:
        """The newest moderation of a return (by id), None when it has none."""
        return self._given_moderation or self._moderation.get

    def _read_moderation(self) -> dict[str, ReturnModeration]:
        """Moderated ratings from the newest record of each return that verifies against the
        moderators trusted now (checked again here, not taken from the import's verdict)."""
        found = {}
        for return_id, (outcome, at, record) in ModerationService(self._vault).newest_verified_by_return().items():
            ratings = {}
            for entry in record.get("judgements") or []:
                if isinstance(entry, dict) and entry.get("scope") and entry.get("moderated"):
                    scope = str(entry["scope"])
                    ratings[f"{scope}@{entry['agency']}" if entry.get("agency") else scope] = str(entry["moderated"])
            found[return_id] = ReturnModeration(outcome, at, ratings)
        return found

    def analyse(
        self, analysis_filter: AnalysisFilter | None = None, *, basis: str = MODERATED_WHERE_RECORDED
    ) -> Analysis:
        """Every figure for the trusted returns the filter keeps; judgements counted on `basis`."""
        if basis not in BASES:
            raise ValidationError([f"count judgements as {' or '.join(repr(b) for b in BASES)}, not {basis!r}"])
        items = self.returns()
        found = analyse(
            items,
            analysis_filter,
            today=self.today(),
            moderated=self.moderated,
            basis=basis,
            updates=self._updates,
            round_dates=self._round_dates,
        )
        if self._left_out:
            from dataclasses import replace

            found = replace(found, notes=(*self._left_out, *found.notes))
        return found

    def compare(
        self,
        analysis_filter: AnalysisFilter | None,
        dimension: str,
        a: str,
        b: str,
        *,
        basis: str = MODERATED_WHERE_RECORDED,
    ) -> Comparison:
        """Two rounds (``round``) or two localities (``locality``) side by side."""
        if dimension not in DIMENSIONS:
            raise ValidationError([f"cannot compare by {dimension!r}: choose round or locality"])
        if not a.strip() or not b.strip():
            raise ValidationError(["name both groups to compare"])
        return compare(
            self.returns(),
            analysis_filter or AnalysisFilter(),
            dimension,
            a,
            b,
            today=self.today(),
            moderated=self.moderated,
            basis=basis,
        )

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
        data = xlsx_bytes(tables, marking=self._marking())
        return self._write(destination, data, tables, "XLSX workbook")

    def export_csv(self, analysis: Analysis, destination: Path | str) -> AnalysisExport:
        """The answers in long format (one answer per row) as CSV, written atomically."""
        from lscp_audit.reports.analysis_export import csv_text

        table = answers_table(analysis)
        return self._write(destination, csv_text(table).encode("utf-8"), [table], "CSV file")

    def charts(self, analysis: Analysis, *, suppress: bool = True, comparison: Comparison | None = None) -> list[Chart]:
        """The app's charts (overall judgements, good practice, the comparison): the aggregate
        report's, with the same figures and suppression."""
        from lscp_audit.reports.aggregate_content import analysis_charts

        return analysis_charts(analysis, suppress=suppress, comparisons=(comparison,) if comparison else ())

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
                (label, analyse(items, replace(base, rounds=(value,)), today=today, moderated=self.moderated))
                for value, label in sorted(rounds.items(), key=lambda t: t[1].casefold())
            )
            found.append(Breakdown(ROUND, groups))
        if not base.locality and len(localities) > 1:
            groups = tuple(
                (label, analyse(items, replace(base, locality=value), today=today, moderated=self.moderated))
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
        case_references: bool = False,
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
            case_references=case_references,
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
        case_references: bool = False,
        identity_id: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> ReportExport:
        """The aggregate report as a PDF signed by this vault's (QA) identity and/or as accessible
        HTML, from one content (so both carry the same figures and report id), each written
        atomically and recorded in the export log. Case references appear only with
        `case_references` (an appendix of the returns counted, for internal use).

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
            analysis,
            marking=chosen,
            suppress=suppress,
            comparisons=comparisons,
            prepared_by=prepared,
            case_references=case_references,
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
        path = save_file(destination, data, f"the {what}")
        if self._records is not None:
            self._records.record_export(ExportKind.ANALYSIS, str(path), report_id=report_id, marking=marking)
        return path

    # -- action progress updates ---------------------------------------------------------------

    @property
    def actor(self) -> str:
        return (self._records.actor if self._records is not None else self._actor) or "system"

    def action_updates(self, return_id: str, action_number: int | None = None) -> list[ActionUpdate]:
        """The progress updates of a return's actions (one action's when `action_number`, from
        1, is given), oldest first; for the latest revision of an amended return, with those
        recorded on its earlier revisions' same actions first. Raises `NotFound` for an unknown
        return."""
        self._vault.imported_returns.get(return_id)
        item = next((i for i in self.returns() if i.return_id == return_id), None)
        if item is None:
            found = self._vault.action_updates.for_return(return_id)
        else:
            ids = [*self._earlier.get(return_id, []), return_id]
            found = self._with_earlier(item, self._vault.action_updates.for_returns(ids))
        return [u for u in found if action_number is None or u.action_index == action_number - 1]

    def _with_earlier(self, item: AnalysisReturn, stored: Mapping[str, list[ActionUpdate]]) -> list[ActionUpdate]:
        """The updates recorded on `item`'s actions (from `stored`, return id -> updates), after
        those carried from the revisions it supersedes (`core.action_updates.carried`)."""
        earlier_ids = self._earlier.get(item.return_id, [])
        texts = [fields[0] for fields in item.action_fields]
        moved = [u for rid in earlier_ids for u in carried(stored.get(rid, []), item.return_id, texts)]
        return [*moved, *stored.get(item.return_id, [])]

    def record_action_update(
        self,
        return_id: str,
        action_number: int,
        *,
        status: str,
        note: str = "",
        as_of: str = "",
        reported_by: str = "",
    ) -> ActionUpdate:
        """Record progress on action `action_number` (from 1, in the return's order) of a
        trusted return: `status` (open, in_progress or complete), a note, the date the progress
        is reported as at (ISO, default today; not in the future) and who reported it. The
        signed return is never touched: the update is a record of its own, added to the vault's
        history chain as who recorded it. Raises `ValidationError` naming every problem,
        `NotFound` for an unknown return."""
        item = self._vault.imported_returns.get(return_id)
        data = self._vault.imported_returns.data(return_id)
        actions = data.get("actions") if isinstance(data.get("actions"), list) else []
        note, reported_by = note.strip(), reported_by.strip()
        as_of = as_of.strip() or self.today().isoformat()
        problems = []
        if item.verified != "trusted":
            problems.append("the return is in quarantine: trust its signer before recording progress on its actions")
        if not actions:
            problems.append(f"the return {item.report_id} has no actions")
        elif not 1 <= action_number <= len(actions):
            problems.append(f"the return {item.report_id} has actions 1 to {len(actions)}, not {action_number}")
        problems += update_problems(status, note, as_of, reported_by, today=self.today())
        if problems:
            raise ValidationError(problems)
        entry = actions[action_number - 1]
        update = ActionUpdate(
            id=uuid.uuid4().hex,
            return_id=return_id,
            report_id=item.report_id,
            action_index=action_number - 1,
            action=str(entry.get("action") or "") if isinstance(entry, dict) else "",
            status=status,
            note=note,
            as_of=as_of,
            reported_by=reported_by,
            recorded_by=self.actor,
            recorded_at=self._clock().astimezone(dt.UTC).isoformat(timespec="milliseconds"),
        )
        stored: ActionUpdate = self._vault.action_updates.add(update)
        self._updates.setdefault(return_id, []).append(stored)
        log.info("action update %s recorded (%s)", stored.id, stored.status)
        return stored

    # -- the quarterly action report -------------------------------------------------------------

    def quarterly_actions(
        self, quarter: Quarter | str, analysis_filter: AnalysisFilter | None = None
    ) -> QuarterlyActions:
        """The actions of `quarter` (``2026-Q3`` or a `Quarter`) among the trusted returns the
        filter keeps, with their status as at the quarter's end (today while it runs)."""
        chosen = self.parse_quarter(quarter) if isinstance(quarter, str) else quarter
        if chosen.start > self.today():
            raise ValidationError(
                [
                    f"{chosen.label} has not begun (it starts on {shown_date(chosen.start.isoformat())}): choose a quarter up to now"
                ]
            )
        return quarterly_actions(self.returns(), analysis_filter, self._updates, chosen, today=self.today())

    @staticmethod
    def parse_quarter(text: str) -> Quarter:
        try:
            return Quarter.parse(text)
        except ValueError as exc:
            raise ValidationError([str(exc)]) from exc

    def quarterly_tables(
        self, report: QuarterlyActions, *, suppress: bool = True, case_references: bool = False
    ) -> list[Table]:
        return quarterly_tables(report, suppress=suppress, case_references=case_references)

    def export_quarterly_xlsx(
        self,
        report: QuarterlyActions,
        destination: Path | str,
        *,
        suppress: bool = True,
        case_references: bool = False,
    ) -> AnalysisExport:
        """The quarterly action report as a workbook: the register (Outcome / Action / Who /
        When / Status / Progress), the counts by status and the quarter's updates."""
        from lscp_audit.reports.analysis_export import xlsx_bytes

        tables = self.quarterly_tables(report, suppress=suppress, case_references=case_references)
        data = xlsx_bytes(tables, marking=self._marking())
        return self._write(destination, data, tables, "XLSX workbook", kind=ExportKind.ACTIONS_REPORT)

    def export_quarterly_csv(
        self, report: QuarterlyActions, destination: Path | str, *, case_references: bool = False
    ) -> AnalysisExport:
        """The quarter's register as CSV (one action per row, dates ISO 8601)."""
        from lscp_audit.reports.analysis_export import csv_text

        table = register_table(report, case_references=case_references)
        return self._write(
            destination, csv_text(table).encode("utf-8"), [table], "CSV file", kind=ExportKind.ACTIONS_REPORT
        )

    def _write(
        self,
        destination: Path | str,
        data: bytes,
        tables: Sequence[Table],
        what: str,
        *,
        kind: ExportKind = ExportKind.ANALYSIS,
    ) -> AnalysisExport:
        path = save_file(destination, data, f"the {what}")
        if self._records is not None:
            self._records.record_export(kind, str(path), marking=self._marking())
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
