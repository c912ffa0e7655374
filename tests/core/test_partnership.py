"""The partnership profile (issue 13 item 4): the shipped default, round trip, clear validation
errors (file, line, field), templates resolving ``options: partnership.*`` and the frozen copy
an audit keeps, census age bands in the shipped templates, and returns tracking per round."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.core.partnership import (
    SECTORS,
    Agency,
    ExpectedAgency,
    ExpectedCase,
    ExpectedCount,
    Locality,
    PartnershipInvalid,
    PartnershipProfile,
    Round,
    check_round,
    default_profile,
    parse_profile_text,
    profile_from_dict,
    profile_schema,
    profile_to_dict,
    profile_to_json,
)
from lscp_audit.core.round_status import OUTSTANDING, OVERDUE, RECEIVED, ReturnFact, round_status
from lscp_audit.core.templates import TemplateInvalid, check_template_text, freeze_template, load_template_text
from lscp_audit.core.templates.partnership_refs import PARTNERSHIP_KEY

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "partnership"
CENSUS_BANDS = ["unborn", "under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_17"]
CENSUS_LABELS = ["Unborn", "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 or 17"]


def _profile() -> PartnershipProfile:
    return parse_profile_text((FIXTURES / "profile.yaml").read_text(encoding="utf-8"), "profile.yaml")


def _case_template_text() -> str:
    return (FIXTURES / "round-case-audit.yaml").read_text(encoding="utf-8")


# -- the profile ---------------------------------------------------------------------------------


def test_the_shipped_default_is_valid_and_covers_every_agency_the_shipped_templates_used() -> None:
    profile = default_profile()
    assert profile.is_default and profile.name and profile.localities and not profile.rounds
    assert all(a.sector in SECTORS for a in profile.agencies)
    codes = {a.code for a in profile.agencies}
    # The agency lists the four templates carried before they switched to the register.
    for code in ("childrens_social_care", "police", "gp", "hospital", "dental", "therapies", "advocacy", "probation"):
        assert code in codes
    # Read through importlib.resources from the installed data package (what a wheel carries).
    assert (paths.resources_dir() / "partnership-profile.yaml").is_file()
    assert profile_schema()["title"] == "LSCP Audit partnership profile"


def test_profile_round_trips_through_dict_and_json() -> None:
    profile = _profile()
    assert profile.name == "Testshire Safeguarding Children Partnership"
    assert [loc.code for loc in profile.localities] == ["north", "south"]
    s11 = profile.round("s11-2026")
    assert s11 is not None and s11.template_id == "test-round-return" and s11.deadline == "2026-11-30"
    assert s11.expected_agencies[3] == ExpectedAgency("youth_club", "")
    da = profile.round("da-2026-after")
    assert da is not None and da.phase == "after training" and da.label == "Domestic abuse audit (after training)"
    assert da.expected_cases == (ExpectedCase("DA-2026-001", "north"), ExpectedCase("DA-2026-002", ""))
    assert da.expected_counts == (ExpectedCount(2, "south"),)
    again = profile_from_dict(profile_to_dict(profile))
    assert again == profile
    assert profile_from_dict(json.loads(profile_to_json(profile))) == profile


def _problems(text: str) -> list[str]:
    with pytest.raises(PartnershipInvalid) as caught:
        parse_profile_text(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def test_schema_errors_name_the_file_line_and_field() -> None:
    text = """format: 1
name: Testshire
localities:
  - {code: north, label: North}
agencies:
  - {code: police, label: Police, sector: policing}
  - {code: 'bad code', label: GP, sector: health}
  - {code: csc, label: CSC, sector: local_authority, colour: red}
rounds:
  - {id: R1, title: Round}
"""
    assert _problems(text) == [
        "p.yaml:6: agencies[1].sector: 'policing' is not one of: " + ", ".join(SECTORS),
        "p.yaml:7: agencies[2].code: 'bad code' must be a code of letters, digits, '_' or '-' (at most 64)",
        "p.yaml:8: agencies[3]: has unknown field(s) 'colour'; allowed: code, label, sector",
        "p.yaml:10: rounds[1].id: 'R1' must be 2 to 64 lower-case letters, digits or '-' (for example da-2026-baseline)",
    ]


def test_rule_errors_name_the_field() -> None:
    text = """format: 1
name: Testshire
localities:
  - {code: north, label: North}
  - {code: north, label: North again}
agencies:
  - {code: police, label: Police, sector: police}
rounds:
  - id: r-one
    title: One
    period: {start: '2026-05-01', end: '2026-04-01'}
    deadline: '2026-02-30'
    localities: [east]
    expected:
      agencies: [{agency: fire}]
      cases: [{reference: DA-1}, {reference: da-1}]
  - {id: r-one, title: Again}
"""
    assert _problems(text) == [
        "p.yaml:5: localities[2].code: locality code 'north' is used twice",
        "p.yaml:17: rounds[2].id: round id 'r-one' is used twice",
        "p.yaml:12: rounds[1].deadline: '2026-02-30' is not a real date",
        "p.yaml:11: rounds[1].period.end: the period ends (2026-04-01) before it starts (2026-05-01)",
        "p.yaml:13: rounds[1].localities[1]: 'east' is not a locality of the partnership",
        "p.yaml:15: rounds[1].expected.agencies[1].agency: 'fire' is not in the agencies register",
        "p.yaml:16: rounds[1].expected.cases[2].reference: case reference 'da-1' is listed twice",
    ]


def test_missing_fields_and_bad_yaml_are_clear() -> None:
    assert _problems("format: 1\nname: X\n") == ["p.yaml:1: is missing 'localities', 'agencies'"]
    assert _problems("format: 2\nname: X\nlocalities: []\nagencies: []\n") == [
        "p.yaml:4: agencies: needs at least one entry",
        "p.yaml:1: format: must be 1 (this version reads profile format 1)",
        "p.yaml:3: localities: needs at least one entry",
    ]
    [problem] = _problems("name: [unclosed\n")
    assert problem.startswith("p.yaml:") and "p.yaml" in problem


def test_a_round_is_checked_against_the_profile() -> None:
    profile = _profile()
    good = Round("wnb-2027", "WNB", "baseline", template_id="test-round-case", localities=("north",))
    assert check_round(good, profile) == good
    with pytest.raises(
        PartnershipInvalid, match=r"expected.agencies\[1\].locality: 'south' is not a locality of the round"
    ):
        check_round(replace(good, expected_agencies=(ExpectedAgency("police", "south"),)), profile)


# -- templates -----------------------------------------------------------------------------------


def test_template_options_resolve_from_the_given_profile_else_the_shipped_one() -> None:
    profile = _profile()
    template = load_template_text(_case_template_text(), "case.yaml", partnership=profile)
    agencies = template.subject_field("agencies")
    assert [o.code for o in agencies.options] == ["police", "gp", "csc", "youth_club"]
    assert agencies.options_ref == "partnership.agencies"
    assert [o.label for o in template.question("owner").options][0] == "Testshire Police"
    rounds = template.subject_field("audit_round")
    assert [(o.code, o.label) for o in rounds.options] == [("da-2026-after", "Domestic abuse audit (after training)")]
    assert rounds.options[0].description == "Period reviewed 1 Apr 2026 to 30 Sept 2026".replace("Sept", "Sep")
    assert [o.code for o in template.subject_field("locality").options] == ["north", "south"]
    assert template.partnership is not None and not template.partnership_frozen
    shipped = load_template_text(_case_template_text(), "case.yaml")
    assert [o.code for o in shipped.subject_field("locality").options] == ["partnership_area"]
    assert shipped.subject_field("audit_round").options == ()  # the shipped profile has no rounds


def test_freezing_keeps_the_lists_when_the_profile_changes_later() -> None:
    profile = _profile()
    template = load_template_text(_case_template_text(), "case.yaml", partnership=profile)
    frozen = freeze_template(template, profile)
    assert frozen.partnership_frozen and f"\n{PARTNERSHIP_KEY}:" in frozen.source_text
    assert frozen.source_text.startswith(_case_template_text())
    assert frozen.content_hash != template.content_hash
    # The frozen copy alone rebuilds the same lists, whatever profile is current now.
    changed = replace(
        profile,
        agencies=(Agency("police", "Renamed Police", "police"),),
        localities=(Locality("east", "East"),),
        rounds=(),
    )
    again = load_template_text(frozen.source_text, "audit copy", run_tests=False, partnership=changed)
    for field_id in ("agencies", "audit_round", "locality"):
        assert again.subject_field(field_id).options == template.subject_field(field_id).options
    assert again.partnership is not None and again.partnership.name == profile.name
    # Only the template-facing part of a round is frozen (no deadline, expectations).
    assert again.partnership.rounds == (profile.round("da-2026-after").template_facing(),)  # type: ignore[union-attr]
    assert freeze_template(frozen, changed) is frozen  # freezing a frozen copy changes nothing


def test_unknown_partnership_list_and_broken_frozen_block_are_reported_with_lines() -> None:
    text = _case_template_text().replace("options: partnership.localities", "options: partnership.boroughs")
    template, problems = check_template_text(text, "case.yaml")
    assert template is None
    [problem] = problems
    assert problem.line == text.splitlines().index("    options: partnership.boroughs") + 1
    assert "unknown partnership list 'partnership.boroughs'" in problem.message
    assert "partnership.agencies, partnership.localities, partnership.rounds" in problem.message
    broken = (
        _case_template_text()
        + "partnership:\n  format: 1\n  name: X\n  localities: [{code: n, label: N}]\n  agencies:\n    - {code: gp}\n"
    )
    with pytest.raises(TemplateInvalid) as caught:
        load_template_text(broken, "copy.yaml")
    line = broken.splitlines().index("    - {code: gp}") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"copy.yaml:{line}: partnership agencies[1]: is missing 'label', 'sector'"
    ]


def test_rounds_are_for_subject_fields_only() -> None:
    text = _case_template_text().replace("        options: partnership.agencies", "        options: partnership.rounds")
    template, problems = check_template_text(text, "case.yaml")
    assert template is None
    assert [p.message for p in problems] == [
        "question 'owner' options: partnership.rounds can be used only by a subject field (the audit's round)"
    ]


@pytest.mark.parametrize("name", ["domestic-abuse-maca", "voice-of-the-child", "was-not-brought"])
def test_shipped_case_templates_use_census_bands_and_the_shared_lists(name: str) -> None:
    template = load_template_text((paths.forms_dir() / f"{name}.yaml").read_text(encoding="utf-8"), name)
    band = template.subject_field("age_band")
    assert [o.code for o in band.options] == CENSUS_BANDS
    assert [o.label for o in band.options] == CENSUS_LABELS
    assert template.subject_field("agencies").options_ref == "partnership.agencies"
    assert template.subject_field("audit_round").options_ref == "partnership.rounds"
    locality = template.subject_field("locality")
    assert locality.options_ref == "partnership.localities" and locality.required
    assert "agencies:" not in template.source_text.split("subject:")[0]  # no private copy of the agency list


def test_section_11_names_its_organisation_from_the_register() -> None:
    template = load_template_text(
        (paths.forms_dir() / "section-11-self-assessment.yaml").read_text(encoding="utf-8"), "s11"
    )
    agency = template.subject_field("agency")
    assert agency.options_ref == "partnership.agencies" and agency.type == "single_choice"
    assert template.subject_field("audit_round").options_ref == "partnership.rounds"


# -- returns tracking ----------------------------------------------------------------------------


def _fact(n: int, *, trusted: bool = True, agency: str = "", locality: str = "", case: str = "") -> ReturnFact:
    return ReturnFact(f"ret-{n}", f"R-{n}", trusted, locality, agency, case)


def test_agency_round_status_counts_only_trusted_returns() -> None:
    profile = _profile()
    s11 = profile.round("s11-2026")
    assert s11 is not None
    facts = [
        _fact(1, agency="police", locality="north"),  # meets police@north
        _fact(2, agency="gp", locality="north", trusted=False),  # quarantined: does not count
        _fact(3, agency="youth_club", locality="south"),  # youth_club (any locality)
        _fact(4, agency="csc", locality="north"),  # nobody expected it
    ]
    before = round_status(s11, profile, facts, dt.date(2026, 11, 30))
    late = round_status(s11, profile, facts, dt.date(2026, 12, 1))
    # Expected independently: 4 expected returns; police@north and youth_club are in.
    assert (before.expected, before.received, before.outstanding, before.overdue) == (4, 2, 2, 0)
    assert (late.expected, late.received, late.outstanding, late.overdue) == (4, 2, 2, 2)
    assert [(r.key, r.locality, r.state) for r in late.rows] == [
        ("police", "north", RECEIVED),
        ("police", "south", OVERDUE),
        ("gp", "north", OVERDUE),
        ("youth_club", "", RECEIVED),
    ]
    assert [r.state for r in before.rows] == [RECEIVED, OUTSTANDING, OUTSTANDING, RECEIVED]
    assert late.rows[2].quarantined == ("ret-2",) and late.rows[2].return_ids == ()
    assert [(t.key, t.expected, t.received, t.outstanding, t.overdue) for t in late.by_agency] == [
        ("police", 2, 1, 1, 1),
        ("gp", 1, 0, 1, 1),
        ("youth_club", 1, 1, 0, 0),
    ]
    assert [(t.key, t.expected, t.received, t.outstanding) for t in late.by_locality] == [
        ("north", 2, 1, 1),
        ("south", 1, 0, 1),
        ("", 1, 1, 0),
    ]
    assert [f.return_id for f in late.unexpected] == ["ret-4"]
    assert (late.quarantined, late.trusted) == (1, 3)
    assert [r.label for r in late.outstanding_rows] == ["Testshire Police", "GP practice"]


def test_case_round_status_counts_cases_and_distinct_references() -> None:
    profile = _profile()
    da = profile.round("da-2026-after")
    assert da is not None
    facts = [
        _fact(1, case="da-2026-001", locality="north", agency="police"),  # meets DA-2026-001 (case-insensitive)
        _fact(2, case="DA-2026-009", locality="south", agency="police"),
        _fact(3, case="DA-2026-009", locality="south", agency="gp"),  # same case again: counts once
        _fact(4, case="DA-2026-010", locality="south", trusted=False),  # quarantined
        _fact(5, case="DA-2026-002", locality="north", agency="csc"),  # meets DA-2026-002 (any locality)
    ]
    status = round_status(da, profile, facts, dt.date(2027, 1, 5))
    # Expected: 2 listed cases (both in) + 2 south cases (1 distinct trusted reference).
    assert (status.expected, status.received, status.outstanding, status.overdue) == (4, 3, 1, 1)
    assert [(r.kind, r.key, r.expected, r.received, r.state) for r in status.rows] == [
        ("case", "DA-2026-001", 1, 1, RECEIVED),
        ("case", "DA-2026-002", 1, 1, RECEIVED),
        ("case_count", "south", 2, 1, OVERDUE),
    ]
    assert status.rows[2].quarantined == ("ret-4",)
    assert {t.key: t.received for t in status.by_agency} == {"police": 2, "gp": 1, "csc": 1}
    assert all(t.expected == 0 for t in status.by_agency)
    assert status.unexpected == ()
