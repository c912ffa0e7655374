"""AnalysisService over a real vault's inbox: report data built by the real builder from the
shipped Was Not Brought and Section 11 templates, stored as imported returns (trusted,
quarantined, superseded). Every expected figure is computed here, from the specs the returns
were made from (or from the stored data itself), never from the analysis code."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.analysis import (
    SUPPRESSED,
    TO_IMPROVE,
    WENT_WELL,
    AnalysisFilter,
    ReturnModeration,
    suppressed_mask,
)
from lscp_audit.core.analysis_tables import ACTIONS, ANSWERS, CODEBOOK, JUDGEMENTS, POLARITY, QUESTIONS, RETURNS, S11
from lscp_audit.core.errors import ValidationError
from lscp_audit.services.analysis_service import AnalysisService
from tests.services.analysis_returns import (
    LOCALITIES,
    ROUNDS,
    CaseSpec,
    case_data,
    case_spec,
    s11_data,
    s11_spec,
    store,
)
from tests.services.conftest import make_vault

TODAY = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
TRUSTED = tuple(range(13))
QUARANTINED = 50
OLD_REVISION = 60
S11_NUMBERS = (0, 1, 2)
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def _revision_two() -> tuple[CaseSpec, dict[str, Any]]:
    """Revision 2 of return 60's audit: other answers, naming revision 1 as the one it amends."""
    spec = replace(case_spec(OLD_REVISION), number=OLD_REVISION, rec_wnb="no", rec_grade="inadequate")
    data = case_data(spec)
    data["audit"] = {**data["audit"], "id": "aud-0060-r2", "revision": 2, "previous_revision_id": "aud-0060"}
    data["report"] = {**data["report"], "id": "R-0060-0002"}
    return spec, data


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    vault = make_vault(tmp_path_factory.mktemp("analysis") / "qa.lscp")
    stored: dict[str, dict[str, Any]] = {}
    specs: list[CaseSpec] = []
    for number in TRUSTED:
        spec = case_spec(number)
        data = case_data(spec)
        store(vault, f"ret-{number:03d}", data, signed_at=spec.signed_at)
        stored[f"ret-{number:03d}"] = data
        specs.append(spec)
    quarantined = replace(case_spec(QUARANTINED), rec_wnb="no", rec_chronology="no")
    store(vault, "ret-quarantine", case_data(quarantined), signed_at=quarantined.signed_at, trusted=False)
    old = case_spec(OLD_REVISION)
    store(vault, "ret-old", case_data(old), signed_at=old.signed_at)
    new_spec, new_data = _revision_two()
    store(vault, "ret-new", new_data, signed_at=new_spec.signed_at, previous_audit_id="aud-0060")
    stored["ret-new"] = new_data
    specs.append(new_spec)
    s11 = []
    for number in S11_NUMBERS:
        spec11 = s11_spec(number)
        data = s11_data(spec11)
        store(vault, f"s11-{number}", data, signed_at="2026-06-01T10:00:00Z")
        stored[f"s11-{number}"] = data
        s11.append(spec11)
    try:
        yield {"vault": vault, "specs": specs, "s11": s11, "data": stored}
    finally:
        vault.close()


@pytest.fixture
def service(inbox: dict[str, Any]) -> AnalysisService:
    return AnalysisService(inbox["vault"], clock=lambda: TODAY)


def _question(analysis: Any, question_id: str) -> Any:
    return next(q for q in analysis.questions if q.question_id == question_id)


def _counts(q: Any) -> dict[str, int]:
    return {c.code: c.count for c in q.counts if c.count}


def test_only_trusted_latest_revisions_count(service: AnalysisService, inbox: dict[str, Any]) -> None:
    analysis = service.analyse()
    ids = {r.return_id for r in analysis.returns}
    assert ids == set(inbox["data"])
    assert "ret-quarantine" not in ids and "ret-old" not in ids
    assert analysis.n_returns == len(TRUSTED) + 1 + len(S11_NUMBERS)
    assert any("1 return(s) in quarantine are not counted" in n for n in analysis.notes)
    assert any("1 superseded revision(s)" in n for n in analysis.notes)


def test_question_distribution_and_polarity(service: AnalysisService, inbox: dict[str, Any]) -> None:
    specs: list[CaseSpec] = inbox["specs"]
    q = _question(service.analyse(), "rec_wnb")
    expected = Counter(s.rec_wnb for s in specs)
    assert q.n == len(specs)
    assert _counts(q) == dict(expected)
    assert q.good == expected["yes"] and q.concern == expected["no"]
    assert q.good_percent == round(100 * expected["yes"] / len(specs), 1)
    labels = {c.code: c.label for c in q.counts}
    assert labels["yes"] == "Yes" and labels["no"] == "No"
    assert {c.code: c.polarity for c in q.counts}["yes"] == "good"
    grade = _question(service.analyse(), "rec_grade")
    assert _counts(grade) == dict(Counter(s.rec_grade for s in specs))
    assert grade.good is None  # no polarity declared: no "% good practice" is claimed
    assert [c.code for c in grade.counts] == ["outstanding", "good", "requires_improvement", "inadequate"]


def test_multi_choice_counts_each_code_against_the_people_answering(
    service: AnalysisService, inbox: dict[str, Any]
) -> None:
    specs: list[CaseSpec] = inbox["specs"]
    q = _question(service.analyse(), "learning_themes")
    assert q.n == len(specs)
    assert _counts(q) == dict(Counter(code for s in specs for code in s.themes))


@pytest.mark.parametrize(
    ("chosen", "keep"),
    [
        (AnalysisFilter(rounds=(ROUNDS[0][0],)), lambda s: s.round == 0),
        (AnalysisFilter(rounds=(ROUNDS[1][1],)), lambda s: s.round == 1),  # by title
        (AnalysisFilter(phase="after training"), lambda s: s.round == 1),
        (AnalysisFilter(locality="south"), lambda s: s.locality == 1),
        (AnalysisFilter(locality="East Borough"), lambda s: s.locality == 2),
        (AnalysisFilter(agency="police"), lambda s: s.agency == "Police"),
        (
            AnalysisFilter(signed_from="2026-03-01", signed_to="2026-06-30"),
            lambda s: "2026-03-01" <= s.signed_at[:10] <= "2026-06-30",
        ),
    ],
)
def test_filters(service: AnalysisService, inbox: dict[str, Any], chosen: AnalysisFilter, keep: Any) -> None:
    chosen = replace(chosen, template_id="was-not-brought")
    specs = [s for s in inbox["specs"] if keep(s)]
    analysis = service.analyse(chosen)
    assert analysis.n_returns == len(specs) > 0
    assert _counts(_question(analysis, "rec_chronology")) == dict(Counter(s.rec_chronology for s in specs))


def test_judgements_counted_from_the_returns(service: AnalysisService, inbox: dict[str, Any]) -> None:
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought"))
    case_data = [d for d in inbox["data"].values() if d["template"]["id"] == "was-not-brought"]
    overall = analysis.overall[0]
    assert overall.n == len(case_data)
    assert {c.code: c.count for c in overall.counts if c.count} == dict(
        Counter(d["judgements"]["overall"]["value"] for d in case_data)
    )
    recording = next(g for g in analysis.sections if g.key == "recording")
    assert {c.code: c.count for c in recording.counts if c.count} == dict(Counter(s.rec_grade for s in inbox["specs"]))
    police = [d for d in case_data if d["auditor"]["agency"] == "Police"]
    graded = next(g for g in analysis.agency_grades if g.key == "Police")
    expected: Counter[str] = Counter()
    for d in police:
        expected.update(d["grade_counts"])
    assert {c.code: c.count for c in graded.counts if c.count} == {k: v for k, v in expected.items() if v}


def test_section_11_matrix(service: AnalysisService, inbox: dict[str, Any]) -> None:
    matrix = service.analyse().s11
    assert [sid for sid, _ in matrix.standards] == [f"s{i}" for i in range(1, 9)]
    assert [r.organisation for r in matrix.rows] == sorted(s.organisation for s in inbox["s11"])
    for spec in inbox["s11"]:
        row = next(r for r in matrix.rows if r.organisation == spec.organisation)
        assert {c.standard_id: c.self_label for c in row.cells} == {k: RAG_LABELS[v] for k, v in spec.ratings.items()}
        assert {c.standard_id: c.self_code for c in row.cells} == spec.ratings
        worst = "red" if "red" in spec.ratings.values() else "amber" if "amber" in spec.ratings.values() else "green"
        assert row.overall.self_code == worst
        assert all(c.moderated_label == "" for c in row.cells)
    assert "No Section 11 return here has a moderation record yet" in " ".join(service.analyse().notes)
    assert all(r.moderation == "Not moderated" and r.previous_round == "" for r in matrix.rows)


def test_section_11_moderated_ratings_from_moderation_records(inbox: dict[str, Any]) -> None:
    records = {"s11-1": ReturnModeration("moderated", "2026-07-01T09:00:00+00:00", {"s2": "amber", "overall": "amber"})}
    service = AnalysisService(inbox["vault"], clock=lambda: TODAY, moderated=records.get)
    matrix = service.analyse().s11
    spec = s11_spec(1)
    row = next(r for r in matrix.rows if r.organisation == spec.organisation)
    cells = {c.standard_id: c for c in row.cells}
    assert cells["s2"].moderated_label == "Amber"
    assert cells["s1"].moderated_label == RAG_LABELS[spec.ratings["s1"]]  # the self-rating the moderator let stand
    assert row.overall.moderated_label == "Amber" and row.moderation == "Moderated 1 Jul 2026"
    others = [r for r in matrix.rows if r.organisation != spec.organisation]
    assert all(r.moderation == "Not moderated" and all(c.moderated_label == "" for c in r.cells) for r in others)
    assert not any("No moderation records" in n for n in service.analyse().notes)


def test_findings_and_action_register(service: AnalysisService, inbox: dict[str, Any]) -> None:
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought"))
    specs: list[CaseSpec] = inbox["specs"]
    well = [f for f in analysis.findings if f.theme == WENT_WELL]
    improve = [f for f in analysis.findings if f.theme == TO_IMPROVE]
    assert len(well) == len(improve) == len(specs)
    assert all(f.section == "Findings" and "followed up" in f.text for f in well)
    assert all("Did Not Attend" in f.text for f in improve)
    assert len(analysis.actions) == len(specs)
    for spec in specs:
        action = next(a for a in analysis.actions if a.action == f"Action of return {spec.number}")
        late = spec.action_due < TODAY.date().isoformat() and spec.action_status != "complete"
        assert action.overdue is late, spec
        status = {"open": "Open", "in_progress": "In progress", "complete": "Complete"}[spec.action_status]
        assert (action.due, action.status, action.owner) == (
            spec.action_due,
            status,
            f"{spec.agency}, Named nurse",
        )
        assert action.measure == "Audit of 20 records"


def test_no_case_references_unless_asked(service: AnalysisService) -> None:
    analysis = service.analyse()
    flat = repr([t.rows for t in service.tables(analysis)])
    assert "WNB-2026-0" not in flat
    asked = repr([t.rows for t in service.tables(analysis, case_references=True)])
    assert "WNB-2026-001" in asked


def test_comparison_of_two_rounds(service: AnalysisService, inbox: dict[str, Any]) -> None:
    specs: list[CaseSpec] = inbox["specs"]
    comparison = service.compare(AnalysisFilter(template_id="was-not-brought"), "round", ROUNDS[0][0], ROUNDS[1][0])
    a = [s for s in specs if s.round == 0]
    b = [s for s in specs if s.round == 1]
    assert (comparison.a_returns, comparison.b_returns) == (len(a), len(b))
    label = _question(service.analyse(), "rec_wnb").label
    row = next(r for r in comparison.rows if r.what == label and r.answer == "Good practice")
    a_yes = sum(s.rec_wnb == "yes" for s in a)
    b_yes = sum(s.rec_wnb == "yes" for s in b)
    assert (row.a_count, row.a_n, row.b_count, row.b_n) == (a_yes, len(a), b_yes, len(b))
    assert row.difference == round(round(100 * b_yes / len(b), 1) - round(100 * a_yes / len(a), 1), 1)
    with pytest.raises(ValidationError):
        service.compare(None, "agency", "a", "b")


def test_localities_compared(service: AnalysisService, inbox: dict[str, Any]) -> None:
    comparison = service.compare(None, "locality", LOCALITIES[0][0], LOCALITIES[1][1])
    specs: list[CaseSpec] = inbox["specs"]
    assert comparison.a_returns == sum(s.locality == 0 for s in specs)
    assert comparison.b_returns == sum(s.locality == 1 for s in specs)


# -- suppression --------------------------------------------------------------------------------


def test_suppression_mask_rules() -> None:
    assert suppressed_mask([5, 4, 4, 0]) == [False, True, True, False]
    assert suppressed_mask([5, 5]) == [False, False]
    assert suppressed_mask([9, 6, 4]) == [False, True, True]  # complementary: the next smallest too
    assert suppressed_mask([0, 7]) == [False, False]


@pytest.fixture
def graded(tmp_path: Path) -> Iterator[AnalysisService]:
    """13 returns: rec_grade outstanding 5, good 4, requires improvement 4; round 0 holds the 5
    outstanding ones, signed January to May."""
    vault = make_vault(tmp_path / "small.lscp")
    grades = ["outstanding"] * 5 + ["good"] * 4 + ["requires_improvement"] * 4
    try:
        for number, grade in enumerate(grades):
            spec = replace(case_spec(number), rec_grade=grade, round=0 if number < 5 else 1)
            store(vault, f"r{number}", case_data(spec), signed_at=spec.signed_at)
        yield AnalysisService(vault, clock=lambda: TODAY)
    finally:
        vault.close()


def _rows(table: Any, question_id: str) -> dict[str, tuple[Any, Any, Any]]:
    found = {}
    for row in table.rows:
        if row[2] == question_id:
            found[row[4]] = (row[7], row[8], row[9])
    return found


def test_suppression_at_the_boundary(graded: AnalysisService) -> None:
    analysis = graded.analyse()
    questions = next(t for t in graded.tables(analysis) if t.name == QUESTIONS)
    rows = _rows(questions, "rec_grade")
    assert rows["outstanding"] == (5, 13, round(100 * 5 / 13, 1))
    assert rows["good"] == (SUPPRESSED, 13, SUPPRESSED)
    assert rows["requires_improvement"] == (SUPPRESSED, 13, SUPPRESSED)
    assert rows["inadequate"] == (0, 13, 0.0)
    open_rows = _rows(next(t for t in graded.tables(analysis, suppress=False) if t.name == QUESTIONS), "rec_grade")
    assert open_rows["good"] == (4, 13, round(100 * 4 / 13, 1))
    five = graded.analyse(AnalysisFilter(rounds=(ROUNDS[0][0],)))
    assert _rows(next(t for t in graded.tables(five) if t.name == QUESTIONS), "rec_grade")["outstanding"] == (
        5,
        5,
        100.0,
    )
    four = graded.analyse(AnalysisFilter(rounds=(ROUNDS[0][0],), signed_to="2026-04-30"))
    assert four.n_returns == 4
    small = _rows(next(t for t in graded.tables(four) if t.name == QUESTIONS), "rec_grade")
    assert small["outstanding"] == (SUPPRESSED, SUPPRESSED, SUPPRESSED)
    assert small["good"] == (0, SUPPRESSED, 0.0)
    polarity = next(t for t in graded.tables(four) if t.name == POLARITY)
    wnb = next(row for row in polarity.rows if row[2] == "rec_wnb")
    assert wnb[4] == SUPPRESSED and SUPPRESSED in (wnb[5], wnb[7])
    judgements = next(t for t in graded.tables(four) if t.name == JUDGEMENTS)
    overall = [row for row in judgements.rows if row[0] == "Overall judgement"]
    assert overall and all(row[6] == SUPPRESSED and row[5] in (0, SUPPRESSED) for row in overall)


# -- outputs ------------------------------------------------------------------------------------


def test_xlsx_read_back(service: AnalysisService, inbox: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    analysis = service.analyse()
    out = service.export_xlsx(analysis, tmp_path / "analysis.xlsx", suppress=False)
    book = load_workbook(out.path)
    assert book.sheetnames[:3] == [RETURNS, ANSWERS, CODEBOOK]
    assert {QUESTIONS, POLARITY, JUDGEMENTS, S11, ACTIONS} <= set(book.sheetnames)
    returns = list(book[RETURNS].iter_rows(min_row=3, values_only=True))
    assert len(returns) == analysis.n_returns
    headers = [c.value for c in book[ANSWERS][2]]
    assert headers == [
        "Report id",
        "Agency",
        "Template id",
        "Section id",
        "Question id",
        "Question",
        "About agency",
        "Code",
        "Label",
        "Polarity",
    ]
    answers = [dict(zip(headers, r, strict=True)) for r in book[ANSWERS].iter_rows(min_row=3, values_only=True)]
    specs: list[CaseSpec] = inbox["specs"]
    assert Counter(a["Code"] for a in answers if a["Question id"] == "rec_wnb") == Counter(s.rec_wnb for s in specs)
    q_headers = [c.value for c in book[QUESTIONS][2]]
    questions = [dict(zip(q_headers, r, strict=True)) for r in book[QUESTIONS].iter_rows(min_row=3, values_only=True)]
    yes = next(r for r in questions if r["Question id"] == "rec_wnb" and r["Code"] == "yes")
    expected_yes = sum(s.rec_wnb == "yes" for s in specs)
    assert (yes["Count"], yes["n"], yes["%"]) == (expected_yes, len(specs), round(100 * expected_yes / len(specs), 1))
    codebook = list(book[CODEBOOK].iter_rows(min_row=3, values_only=True))
    assert ("was-not-brought", "rec_wnb") in {(r[0], r[1]) for r in codebook}
    assert any(r[1] == "rec_wnb" and r[4] == "no" and r[6] == "concern" for r in codebook)
    s11_headers = [c.value for c in book[S11][2]]
    s11_rows = [dict(zip(s11_headers, r, strict=True)) for r in book[S11].iter_rows(min_row=3, values_only=True)]
    for spec in inbox["s11"]:
        row = next(r for r in s11_rows if r["Organisation"] == spec.organisation)
        standard_1 = next(h for h in s11_headers if h.startswith("Standard 1:") and h.endswith("self-rating"))
        assert row[standard_1] == RAG_LABELS[spec.ratings["s1"]]
    actions = list(book[ACTIONS].iter_rows(min_row=3))
    assert len(actions) == len(specs)
    assert isinstance(actions[0][3].value, dt.datetime) and actions[0][3].number_format == "d mmm yyyy"


def test_csv_long_format(service: AnalysisService, inbox: dict[str, Any], tmp_path: Path) -> None:
    analysis = service.analyse(AnalysisFilter(template_id="was-not-brought"))
    out = service.export_csv(analysis, tmp_path / "answers.csv")
    rows = list(csv.DictReader(io.StringIO(out.path.read_text(encoding="utf-8"))))
    specs: list[CaseSpec] = inbox["specs"]
    assert Counter(r["Code"] for r in rows if r["Question id"] == "rec_chronology") == Counter(
        s.rec_chronology for s in specs
    )
    assert {r["Report id"] for r in rows} == {
        d["report"]["id"] for d in inbox["data"].values() if d["template"]["id"] == "was-not-brought"
    }
    assert out.rows == len(rows)


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from lscp_audit.core.analysis_tables import Table
    from lscp_audit.reports.analysis_export import xlsx_bytes

    table = Table("Findings", "Findings", ("Finding", "Due"), (('=HYPERLINK("x")', dt.date(2026, 11, 28)),))
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx_bytes([table], marking="OFFICIAL-SENSITIVE"))
    sheet = load_workbook(path)["Findings"]
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE — Findings"
    assert sheet["A3"].value == '=HYPERLINK("x")' and sheet["A3"].data_type == "s"
    assert sheet["B3"].number_format == "d mmm yyyy"


def test_csv_keeps_formula_like_text_as_text() -> None:
    from lscp_audit.core.analysis_tables import Table
    from lscp_audit.reports.analysis_export import csv_text

    row = ('=HYPERLINK("x")', "+44 20", "-2+3", "@SUM(A1)", "plain text", -5, dt.date(2026, 11, 28), None)
    table = Table("Findings", "Findings", tuple(f"c{i}" for i in range(len(row))), (row,))
    [read] = list(csv.reader(io.StringIO(csv_text(table))))[1:]
    assert read == ['\'=HYPERLINK("x")', "'+44 20", "'-2+3", "'@SUM(A1)", "plain text", "-5", "2026-11-28", ""]
