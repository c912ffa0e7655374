"""The action register, progress updates, the quarterly action report and the Section 11 matrix
with moderated ratings and the change since the previous round, over real signed returns
imported into a real SQLCipher vault, with real signed moderation records.

Every expected figure is computed here from `tests.services.action_returns.SPECS` and from the
updates and moderation the tests record, never from the analysis code."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from lscp_audit.core.action_updates import Quarter
from lscp_audit.core.analysis import SELF_ASSESSED, SUPPRESSED, AnalysisFilter
from lscp_audit.core.analysis_tables import JUDGEMENTS, S11
from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.records import ExportKind, HoldTarget, RecordType, RetentionPolicy
from lscp_audit.services.analysis_service import AnalysisService
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.moderation_service import JudgementInput, ModerationService
from lscp_audit.services.records_service import RecordsService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from tests.services.action_returns import (
    AGENCY_LABELS,
    AMENDED_S3,
    CURRENT,
    PREVIOUS,
    RAG,
    RAG_LABELS,
    REWORDED,
    ROUND_TITLES,
    SPECS,
    SignedReturns,
    import_returns,
    make_signed_returns,
    spec,
)
from tests.services.conftest import make_vault
from tests.storage.conftest import MemoryKeyring

PASS = "correct horse battery staple 42"
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "complete": "Complete"}


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedReturns:
    return make_signed_returns(tmp_path_factory.mktemp("agency"))


def _moderator(vault: Any) -> None:
    identities = IdentityService(vault)
    moderator = identities.create("Piotr Moderator", "QA subgroup chair", "Testshire LSCP")
    InboxService(vault).trust_certificate(identities.export_certificate_pem(moderator.id), "Moderator", moderator=True)


#: Moderation the tests record: police's current return twice (the newer record wins: s1 Red, and
#: s2 back to its self-rating), health's previous return once (s2 Amber instead of Red), and the
#: council's return agreed (every self-rating stands).
MODERATION = (
    ("police-current", "2026-06-01T09:00:00+00:00", {"s2": "amber"}),
    ("police-current", "2026-06-20T09:00:00+00:00", {"s1": "red"}),
    ("health-previous", "2025-06-10T09:00:00+00:00", {"s2": "amber"}),
    ("council-current", "2026-07-01T09:00:00+00:00", {}),
)
NEWEST: dict[str, dict[str, str]] = {
    "police-current": {"s1": "red"},
    "health-previous": {"s2": "amber"},
    "council-current": {},
}


@pytest.fixture
def qa(tmp_path: Path, signed: SignedReturns) -> Iterator[dict[str, Any]]:
    vault = make_vault(tmp_path / "qa.lscp")
    ids = import_returns(vault, signed)
    _moderator(vault)
    for key, at, ratings in MODERATION:
        ModerationService(vault, clock=lambda at=at: at).record(  # type: ignore[misc]
            ids[key],
            outcome="moderated" if ratings else "agree",
            rationale="Evidence seen at the moderation panel.",
            judgements=[
                JudgementInput(scope, code, "The evidence supports this rating.") for scope, code in ratings.items()
            ],
        )
    today = signed.signed + timedelta(days=200)
    clock = datetime.combine(today, dt.time(12, 0), tzinfo=UTC)
    try:
        yield {
            "vault": vault,
            "ids": ids,
            "today": today,
            "service": AnalysisService(vault, clock=lambda: clock, actor="QA Officer"),
        }
    finally:
        vault.close()


# -- Section 11: moderated ratings and change since the previous round ----------------------------


def _used(key: str, standard: str) -> str:
    """The rating a change compares: the newest moderation record's, else the self-rating."""
    return NEWEST.get(key, {}).get(standard) or spec(key).ratings[standard]


def _worst(codes: list[str]) -> str:
    return max(codes, key=RAG.index)


def _expected_change(key: str, standard: str) -> str:
    current = spec(key)
    earlier = [s for s in SPECS if s.agency == current.agency and s.round_id == PREVIOUS]
    if current.round_id != CURRENT or not earlier:
        return ""
    now, was = _used(key, standard), _used(earlier[0].key, standard)
    if now == was:
        return f"= same as {RAG_LABELS[was]}"
    word = "improved" if RAG.index(now) < RAG.index(was) else "declined"
    return f"{'↑' if word == 'improved' else '↓'} {word} from {RAG_LABELS[was]}"


def _row(matrix: Any, key: str) -> Any:
    item = spec(key)
    return next(
        r
        for r in matrix.rows
        if r.organisation == AGENCY_LABELS[item.agency] and r.round == ROUND_TITLES[item.round_id]
    )


def test_s11_matrix_moderated_rating_and_change_per_organisation_and_standard(qa: dict[str, Any]) -> None:
    matrix = qa["service"].analyse().s11
    assert [sid for sid, _ in matrix.standards] == ["s1", "s2", "s3"]
    assert len(matrix.rows) == len(SPECS)
    for item in SPECS:
        row = _row(matrix, item.key)
        cells = {c.standard_id: c for c in row.cells}
        for standard, code in item.ratings.items():
            cell = cells[standard]
            assert (cell.self_code, cell.self_label) == (code, RAG_LABELS[code]), (item.key, standard)
            if item.key in NEWEST:  # moderated: the record's rating, or the self-rating it let stand
                assert cell.moderated_label == RAG_LABELS[_used(item.key, standard)], (item.key, standard)
            else:
                assert cell.moderated_label == "", (item.key, standard)
            assert cell.change_text == _expected_change(item.key, standard), (item.key, standard)
        # the records moderate standards, not the overall rating: it stands as self-assessed
        assert row.overall.self_code == _worst(list(item.ratings.values()))
        assert row.overall.used_code == row.overall.self_code
        assert row.moderation == {
            "police-current": "Moderated 20 Jun 2026",
            "health-previous": "Moderated 10 Jun 2025",
            "council-current": "Agreed 1 Jul 2026",
        }.get(item.key, "Not moderated")
        has_previous = item.round_id == CURRENT and item.agency != "council"
        assert row.previous_round == (ROUND_TITLES[PREVIOUS] if has_previous else "")
    # rows: organisations alphabetically, then rounds in time order (their periods, not their names)
    assert [(r.organisation, r.round) for r in matrix.rows][:2] == [
        ("Testshire Council", ROUND_TITLES[CURRENT]),
        ("Testshire Health", ROUND_TITLES[PREVIOUS]),
    ]
    # police s1: Amber self-rated now, moderated Red; Red before: the change compares Red with Red
    assert {c.standard_id: c.change_text for c in _row(matrix, "police-current").cells}["s1"] == "= same as Red"


def test_filtering_to_one_round_still_measures_change_from_the_round_before(qa: dict[str, Any]) -> None:
    matrix = qa["service"].analyse(AnalysisFilter(rounds=(CURRENT,))).s11
    assert {r.round for r in matrix.rows} == {ROUND_TITLES[CURRENT]}
    health = _row(matrix, "health-current")
    assert [c.change_text for c in health.cells] == [_expected_change("health-current", s) for s in ("s1", "s2", "s3")]
    assert health.previous_round == ROUND_TITLES[PREVIOUS]


def test_judgement_distributions_count_moderated_ratings_where_recorded(qa: dict[str, Any]) -> None:
    service: AnalysisService = qa["service"]
    for basis, used in ((None, _used), (SELF_ASSESSED, lambda key, s: spec(key).ratings[s])):
        analysis = service.analyse() if basis is None else service.analyse(basis=basis)
        for standard in ("s1", "s2", "s3"):
            group = next(g for g in analysis.sections if g.key == standard)
            expected: dict[str, int] = {}
            for item in SPECS:
                code = used(item.key, standard)
                expected[code] = expected.get(code, 0) + 1
            assert {c.code: c.count for c in group.counts if c.count} == expected, (basis, standard)
            moderated = sum(1 for k, r in NEWEST.items() if standard in r) if basis is None else 0
            assert group.moderated == moderated
        table = next(t for t in service.tables(analysis, suppress=False) if t.name == JUDGEMENTS)
        assert table.headers[-1] == "Ratings counted"
        words = {row[-1] for row in table.rows if row[0] == "Section judgement"}
        if basis is None:
            assert words == {"moderated where recorded (1 moderated)"} | {"moderated where recorded (0 moderated)"}
            moderated_now = sum(len(r) for r in NEWEST.values())  # every moderated standard, all rounds
            assert any(
                f"else the self-assessment ({moderated_now} judgement(s) moderated)" in n for n in analysis.notes
            )
        else:
            assert words == {"self-assessed"}


def test_moderated_ratings_count_only_while_their_moderator_is_trusted(qa: dict[str, Any]) -> None:
    """The analysis checks each moderation record again against the moderators trusted now: with
    the moderator's certificate no longer trusted, no rating is moderated and every self-rating
    stands; trusted again, the moderated ratings come back. Nothing is imported again."""
    service: AnalysisService = qa["service"]
    vault = qa["vault"]

    def moderated_counts() -> dict[str, int]:
        analysis = service.analyse()
        return {g.key: g.moderated for g in analysis.sections if g.key in ("s1", "s2", "s3")}

    trusting = moderated_counts()
    assert trusting["s1"] == 1 and trusting["s2"] == 1  # police-current s1, health-previous s2
    [trusted] = vault.trusted_certs.list("moderator")
    vault.trusted_certs.delete(trusted.id)
    service.refresh()
    assert moderated_counts() == {"s1": 0, "s2": 0, "s3": 0}
    for standard in ("s1", "s2", "s3"):
        group = next(g for g in service.analyse().sections if g.key == standard)
        expected: dict[str, int] = {}
        for item in SPECS:
            expected[item.ratings[standard]] = expected.get(item.ratings[standard], 0) + 1
        assert {c.code: c.count for c in group.counts if c.count} == expected, standard
    InboxService(vault).trust_certificate(trusted.certificate_pem, "Moderator", moderator=True)
    service.refresh()
    assert moderated_counts() == trusting


def test_xlsx_s11_sheet_has_moderated_ratings_changes_and_colours(qa: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    service: AnalysisService = qa["service"]
    out = service.export_xlsx(service.analyse(), tmp_path / "analysis.xlsx")
    sheet = load_workbook(out.path)[S11]
    headers = [c.value for c in sheet[2]]
    rows = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    for item in SPECS:
        row = next(
            r
            for r in rows
            if r["Organisation"] == AGENCY_LABELS[item.agency] and r["Round"] == ROUND_TITLES[item.round_id]
        )
        for standard, code in item.ratings.items():
            title = f"Standard {standard[1]}"
            assert row[f"{title}: self-rating"] == RAG_LABELS[code]
            moderated = RAG_LABELS[_used(item.key, standard)] if item.key in NEWEST else None
            assert row[f"{title}: moderated"] == moderated
            assert (row[f"{title}: change since previous round"] or "") == _expected_change(item.key, standard)
    fills = {}
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if cell.value in RAG_LABELS.values():
                fills.setdefault(cell.value, set()).add(cell.fill.fgColor.rgb)
                assert cell.font.color.rgb.endswith("FFFFFF")  # the shipped RAG colours are dark
    assert all(len(colours) == 1 for colours in fills.values()) and len({c for s in fills.values() for c in s}) == 3


# -- progress updates ---------------------------------------------------------------------------


def test_updates_give_the_latest_status_and_never_touch_the_signed_return(qa: dict[str, Any]) -> None:
    service: AnalysisService = qa["service"]
    vault = qa["vault"]
    today: dt.date = qa["today"]
    police = qa["ids"]["police-current"]
    pdf_before = vault.imported_returns.pdf(police)
    data_before = vault.imported_returns.data(police)
    listing_before = vault.imported_returns.get(police)
    register = {(a.return_id, a.index): a for a in service.analyse().actions}
    first = register[(police, 0)]
    assert (first.status, first.status_from, first.overdue) == ("Open", "the return", True)  # due 30 days after signing
    service.record_action_update(
        police, 1, status="in_progress", note="Half the staff trained", as_of=(today - timedelta(days=20)).isoformat()
    )
    later = service.record_action_update(
        police,
        1,
        status="complete",
        note="All trained",
        as_of=(today - timedelta(days=5)).isoformat(),
        reported_by="DI Jones",
    )
    # an update recorded later but reported as at an earlier day does not win
    service.record_action_update(
        police, 1, status="open", note="Backfilled", as_of=(today - timedelta(days=90)).isoformat()
    )
    entry = next(a for a in service.analyse().actions if (a.return_id, a.index) == (police, 0))
    assert (entry.status, entry.status_code, entry.overdue, entry.update_note) == (
        "Complete",
        "complete",
        False,
        "All trained",
    )
    assert entry.status_from == f"update of {(today - timedelta(days=5)).day} {(today - timedelta(days=5)):%b %Y}"
    assert entry.return_status == "Open" and entry.updates == 3 and entry.reported_by == "DI Jones"
    assert later.recorded_by == "QA Officer" and later.report_id == listing_before.report_id
    assert later.action == spec("police-current").actions[0].text
    # the signed return: the same PDF bytes, the same embedded data, the same listing
    assert vault.imported_returns.pdf(police) == pdf_before
    assert vault.imported_returns.data(police) == data_before
    assert vault.imported_returns.get(police) == listing_before
    # in the vault's history chain, which still verifies
    events = [e for e in vault.history.vault_events() if e.field == "action_update"]
    assert len(events) == 3 and all(e.actor == "QA Officer" for e in events)
    assert "All trained" not in repr(events)  # the chain names the update, not its note
    assert vault.history.verify().ok
    # updates are append-only: the table refuses a change and a delete while the return is held
    with pytest.raises(sa.exc.DBAPIError, match="never changed"), vault.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE action_updates SET status = 'open'")
    with pytest.raises(sa.exc.DBAPIError, match="only with their return"), vault.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM action_updates")
    assert len(service.action_updates(police, 1)) == 3 and service.action_updates(police, 2) == []


def test_overdue_follows_the_latest_status(qa: dict[str, Any]) -> None:
    service: AnalysisService = qa["service"]
    today: dt.date = qa["today"]
    signed_day = today - timedelta(days=200)
    for entry in service.analyse().actions:
        item = next(s for s in SPECS if qa["ids"][s.key] == entry.return_id)
        action = item.actions[entry.index]
        due = signed_day + timedelta(days=action.due_days) if action.due_days is not None else None
        assert entry.overdue is (due is not None and due < today and action.status != "complete"), entry
        assert entry.status == STATUS_LABELS[action.status]


def test_an_update_is_refused_with_every_problem_named(qa: dict[str, Any], signed: SignedReturns) -> None:
    service: AnalysisService = qa["service"]
    police = qa["ids"]["police-current"]
    future = (qa["today"] + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as problems:
        service.record_action_update(police, 9, status="finished", as_of=future)
    text = str(problems.value)
    assert "actions 1 to 4, not 9" in text and "'finished'" in text and "in the future" in text
    with pytest.raises(ValidationError, match="has no actions"):
        service.record_action_update(qa["ids"]["council-current"], 1, status="open")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        service.record_action_update(police, 1, status="open", as_of="28/11/2026")
    with pytest.raises(NotFound):
        service.record_action_update("no-such-return", 1, status="open")
    # a quarantined return (its signer not trusted in this vault) cannot be updated
    other = make_vault(Path(str(qa["vault"].path) + "-other"))
    try:
        [result] = InboxService(other).import_files([signed.files["police-current"]])
        assert result.entry is not None and not result.entry.trusted
        with pytest.raises(ValidationError, match="quarantine"):
            AnalysisService(other).record_action_update(result.entry.id, 1, status="open")
    finally:
        other.close()
    assert qa["vault"].action_updates.count() == 0


def test_progress_carries_over_to_an_amended_revision(qa: dict[str, Any], signed: SignedReturns) -> None:
    service: AnalysisService = qa["service"]
    vault = qa["vault"]
    today: dt.date = qa["today"]
    first = qa["ids"]["police-current"]
    earlier = (today - timedelta(days=30)).isoformat()
    for number, status in ((1, "in_progress"), (2, "open"), (4, "complete")):
        service.record_action_update(first, number, status=status, note=f"on revision 1: {status}", as_of=earlier)
    [imported] = InboxService(vault).import_files([signed.amended])
    assert imported.entry is not None and imported.entry.trusted
    second = imported.entry.id
    service.refresh()
    analysis = service.analyse()
    assert first not in {i.return_id for i in analysis.items} and second in {i.return_id for i in analysis.items}
    register = {a.index: a for a in analysis.actions if a.return_id == second}
    police = spec("police-current")
    first_report = vault.imported_returns.get(first).report_id
    # action 1 was reworded in revision 2: its progress stays with revision 1
    assert register[0].action == REWORDED and register[0].status_from == "the return" and register[0].updates == 0
    # actions 2 and 4 are the same: their progress carries over, saying where it was recorded
    for index, status in ((1, "Open"), (3, "Complete")):
        entry = register[index]
        assert entry.action == police.actions[index].text and entry.status == status and entry.updates == 1
        assert entry.status_from.endswith(f"(on {first_report}, an earlier revision)")
    assert [u.note for u in service.action_updates(second, 4)] == ["on revision 1: complete"]
    # a newer update on revision 2 wins; the earlier ones stay stored with revision 1
    service.record_action_update(second, 2, status="in_progress", note="on revision 2")
    entry = next(a for a in service.analyse().actions if (a.return_id, a.index) == (second, 1))
    assert (entry.status, entry.updates, entry.status_from) == (
        "In progress",
        2,
        f"update of {today.day} {today:%b %Y}",
    )
    assert len(vault.action_updates.for_return(first)) == 3 and len(vault.action_updates.for_return(second)) == 1
    # and the matrix uses revision 2's ratings
    row = _row(service.analyse().s11, "police-current")
    assert row.report_id != first_report and {c.standard_id: c.self_code for c in row.cells}["s3"] == AMENDED_S3


# -- the quarterly report ------------------------------------------------------------------------


def _quarter_expected(
    quarter: Quarter, today: dt.date, signed_day: dt.date, updates: dict[tuple[str, int], list[tuple[str, str]]]
) -> dict[tuple[str, int], tuple[str, bool, bool]]:
    """(spec key, action index) -> (status code, overdue, updated in the quarter), by the rules
    in docs/analysis.md, from the specs and the (as of, status) updates recorded."""
    as_at = min(quarter.end, today)
    start = quarter.start - timedelta(days=1)
    found = {}
    for item in SPECS:
        if signed_day > as_at:
            continue
        for index, action in enumerate(item.actions):
            mine = sorted(updates.get((item.key, index), []))
            before = [s for day, s in mine if day <= start.isoformat()]
            at_start = before[-1] if before else (action.status if signed_day <= start else "")
            if at_start == "complete":
                continue
            by_end = [s for day, s in mine if day <= as_at.isoformat()]
            status = by_end[-1] if by_end else action.status
            due = signed_day + timedelta(days=action.due_days) if action.due_days is not None else None
            overdue = due is not None and due < as_at and status != "complete"
            during = any(quarter.start.isoformat() <= day <= as_at.isoformat() for day, _ in mine)
            found[(item.key, index)] = (status, overdue, during)
    return found


def test_quarterly_report_status_as_at_the_quarter_end(qa: dict[str, Any], tmp_path: Path) -> None:
    service: AnalysisService = qa["service"]
    today: dt.date = qa["today"]
    signed_day = today - timedelta(days=200)
    current = Quarter.containing(today)
    previous = Quarter.containing(current.start - timedelta(days=1))
    assert previous.start > signed_day  # the returns were signed before the previous quarter began
    in_previous = (previous.start + timedelta(days=10)).isoformat()
    in_current = current.start.isoformat()
    recorded = {
        ("police-current", 0): [(in_previous, "in_progress"), (in_current, "complete")],
        ("police-current", 3): [(in_previous, "complete")],
        ("health-current", 0): [(in_current, "in_progress")],
    }
    for (key, index), entries in recorded.items():
        for day, status in entries:
            service.record_action_update(qa["ids"][key], index + 1, status=status, note=f"{status} on {day}", as_of=day)
    by_id = {v: k for k, v in qa["ids"].items()}
    for quarter in (previous, current):
        report = service.quarterly_actions(quarter.label)
        expected = _quarter_expected(quarter, today, signed_day, recorded)
        assert len(expected) == (5 if quarter == previous else 4)
        got = {(by_id[r.return_id], r.index): (r.status_code, r.overdue, r.updated_in_quarter) for r in report.rows}
        assert got == expected, quarter
        assert report.done_before == sum(len(s.actions) for s in SPECS) - len(expected)
        assert report.as_at == min(quarter.end, today)
    # the current quarter, written as XLSX and CSV and read back
    report = service.quarterly_actions(current)
    expected = _quarter_expected(current, today, signed_day, recorded)
    out = service.export_quarterly_xlsx(report, tmp_path / "q.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(out.path)
    assert book.sheetnames == [f"Actions {current.label}", f"Summary {current.label}", f"Updates {current.label}"]
    sheet = book[f"Actions {current.label}"]
    headers = [c.value for c in sheet[2]]
    assert headers[:7] == ["Answers", "Outcome", "Action", "Who", "When", "Status", "Progress"]
    assert "Case reference" not in headers
    rows = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    texts = {a.text: (s.key, i) for s in SPECS for i, a in enumerate(s.actions)}
    assert {
        texts[r["Action"]]: (r["Status"], r["Overdue"] == "Yes", r["Updated this quarter"] == "Yes") for r in rows
    } == {k: (STATUS_LABELS[s], o, d) for k, (s, o, d) in expected.items()}
    for r in rows:
        key, index = texts[r["Action"]]
        action = spec(key).actions[index]
        assert r["Outcome"] == action.measure and r["Who"] == f"The partnership itself, {action.role}"
        due = signed_day + timedelta(days=action.due_days) if action.due_days is not None else None
        assert (r["When"].date() if r["When"] else None) == due
    assert sheet["E3"].number_format == "d mmm yyyy"
    summary = book[f"Summary {current.label}"]
    counts = {row[0]: row[1:] for row in summary.iter_rows(min_row=3, values_only=True)}
    n = len(expected)
    assert n < 5  # so every count here is suppressed
    assert counts["Status: Open"][1] == SUPPRESSED and all(v[1] == SUPPRESSED for v in counts.values())
    updates_sheet = book[f"Updates {current.label}"]
    reported = {(r[1], r[2]) for r in updates_sheet.iter_rows(min_row=3, values_only=True)}
    assert reported == {
        (spec("police-current").actions[0].text, "Complete"),
        (spec("health-current").actions[0].text, "In progress"),
    }
    csv_out = service.export_quarterly_csv(report, tmp_path / "q.csv")
    csv_rows = list(csv.DictReader(io.StringIO(csv_out.path.read_text(encoding="utf-8"))))
    assert {texts[r["Action"]]: (r["Status"], r["When"]) for r in csv_rows} == {
        k: (STATUS_LABELS[s], (signed_day + timedelta(days=spec(k[0]).actions[k[1]].due_days or 0)).isoformat())
        for k, (s, _, _) in expected.items()
    }
    assert all(r["Quarter"] == current.label for r in csv_rows)
    unsuppressed = service.quarterly_tables(report, suppress=False)[1]
    open_count = sum(1 for s, _, _ in expected.values() if s == "open")
    assert next(r for r in unsuppressed.rows if r[0] == "Status: Open")[1:3] == (open_count, n)


def test_quarter_choices_are_checked(qa: dict[str, Any]) -> None:
    service: AnalysisService = qa["service"]
    with pytest.raises(ValidationError, match="2026-Q3"):
        service.quarterly_actions("Q3/2026")
    future = Quarter.containing(qa["today"] + timedelta(days=100))
    with pytest.raises(ValidationError, match="has not begun"):
        service.quarterly_actions(future.label)
    assert Quarter.parse("2026-q3").describe() == "2026-Q3 (1 Jul 2026 to 30 Sep 2026)"
    assert (Quarter(2026, 4).start, Quarter(2026, 4).end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


# -- retention, holds and subject access -----------------------------------------------------------


@pytest.fixture
def records_vault(tmp_path: Path, signed: SignedReturns) -> Iterator[tuple[VaultService, dict[str, str]]]:
    vs = VaultService(
        tmp_path / "vault.lscp", keystore=KeyStore(MemoryKeyring()), kdf_policy=TEST_POLICY, actor="Records Officer"
    )
    vs.create(PASS, use_keychain=False)
    try:
        yield vs, import_returns(vs.vault, signed)
    finally:
        if vs.is_unlocked:
            vs.lock()


def test_a_purged_return_takes_its_updates_and_a_hold_keeps_them(
    records_vault: tuple[VaultService, dict[str, str]],
) -> None:
    vs, ids = records_vault
    service = AnalysisService(vs.vault, actor="QA Officer")
    police, health = ids["police-current"], ids["health-current"]
    service.record_action_update(police, 1, status="in_progress", note="Started")
    service.record_action_update(health, 1, status="complete", note="Done")
    later = datetime.now(UTC) + timedelta(days=400)
    records = RecordsService(vs, "Records Officer", clock=lambda: later)
    records.set_policy(RetentionPolicy(audits_days=365, returns_days=365, export_log_days=365, backups_days=30))
    records.place_hold(HoldTarget.RETURN, health, "Case review in progress")
    plan = records.plan()
    assert health in {i.id for i in plan.held} and police in plan.ids(RecordType.RETURNS)
    [due] = [i for i in plan.due if i.id == police]
    assert due.description.endswith(", with 1 action progress update(s)")  # the purge list says they go too
    records.purge(plan, confirm=True)
    assert vs.vault.action_updates.for_return(police) == []
    assert [u.note for u in vs.vault.action_updates.for_return(health)] == ["Done"]


def test_updates_are_in_the_subject_access_disclosure(records_vault: tuple[VaultService, dict[str, str]]) -> None:
    vs, ids = records_vault
    service = AnalysisService(vs.vault, actor="QA Officer")
    service.record_action_update(ids["police-current"], 2, status="in_progress", note="Reviewing the DA notifications")
    pack = RecordsService(vs, "Records Officer").subject_access("NO-SUCH-CASE", ["Testshire Police"])
    found = {r["id"]: r for r in pack["imported_returns"]}
    police = found[ids["police-current"]]
    [update] = police["action_updates"]
    assert (update["action_number"], update["status"], update["note"]) == (
        2,
        "In progress",
        "Reviewing the DA notifications",
    )
    assert update["recorded_by"] == "QA Officer" and update["review"]
    assert all(r["action_updates"] == [] for i, r in found.items() if i != ids["police-current"])


def test_the_export_log_records_the_quarterly_report(
    records_vault: tuple[VaultService, dict[str, str]], tmp_path: Path
) -> None:
    vs, _ids = records_vault
    records = RecordsService(vs, "Records Officer")
    service = AnalysisService(vs.vault, records=records)
    report = service.quarterly_actions(Quarter.containing(datetime.now(UTC).date()))
    service.export_quarterly_csv(report, tmp_path / "actions.csv")
    [entry] = [e for e in records.export_log() if e.kind == ExportKind.ACTIONS_REPORT]
    assert entry.file_name.endswith("actions.csv") and entry.actor == "Records Officer"


def test_rating_text_contrasts_with_its_colour() -> None:
    from lscp_audit.core.analysis_tables import text_colour_for

    assert [text_colour_for(c) for c in ("#2e7d32", "#9a5700", "#b71c1c")] == ["#FFFFFF"] * 3
    assert text_colour_for("#ffeb3b") == "#000000" and text_colour_for("#FFFFFF") == "#000000"
