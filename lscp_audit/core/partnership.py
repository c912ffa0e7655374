"""The partnership profile: shared reference lists and audit rounds (typed, immutable).

One profile per vault: the partnership's name, its localities (boroughs or local authority
areas), its agencies register (each agency with a sector) and its audit rounds. Templates refer
to the lists with ``options: partnership.agencies``, ``partnership.localities`` and
``partnership.rounds``; the lists are resolved when an audit starts and frozen into the audit's
template copy (`lscp_audit.core.templates.partnership_refs`), so later edits never change an
existing audit.

A round has the fields a template sees (id, title, phase such as "baseline" or "after
training", period) and the QA subgroup's fields: the template it uses, a deadline, its
localities and the returns it expects (agencies, case references, or a count of cases, each
optionally in one locality).

`profile_from_dict` checks a profile with the published JSON Schema
(``resources/partnership-profile.schema.json``, read with importlib.resources) and then the
rules a schema cannot say (unique codes, known localities and agencies, dates that exist, a
period that ends after it starts); `PartnershipInvalid` lists every problem as
``FILE:LINE: field: message``. `profile_to_dict` gives the same dictionary shape back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from lscp_audit.core.errors import LscpAuditError

PROFILE_FORMAT = 1
RESOURCES_PACKAGE = "lscp_audit.resources"
DEFAULT_PROFILE_RESOURCE = "partnership-profile.yaml"
SCHEMA_RESOURCE = "partnership-profile.schema.json"

#: Agency sectors, in the order offered (code -> label).
SECTORS: dict[str, str] = {
    "local_authority": "Local authority",
    "health": "NHS or health provider",
    "police": "Police",
    "probation": "Probation Service",
    "youth_justice": "Youth justice service",
    "secure_estate": "Prison, young offender institution or secure setting",
    "housing": "Housing provider",
    "education": "School, college or training provider",
    "early_years": "Early years provider",
    "voluntary_community": "Voluntary or community organisation",
    "faith": "Faith organisation",
    "sport_leisure": "Sport or leisure organisation",
    "private": "Private or commissioned provider",
    "partnership": "The safeguarding partnership itself",
    "other": "Other",
}
#: Phase labels offered for rounds (any short text is accepted).
SUGGESTED_PHASES = ("baseline", "after training", "follow-up", "annual")

#: The reference lists templates may name after ``partnership.``.
LIST_AGENCIES = "agencies"
LIST_LOCALITIES = "localities"
LIST_ROUNDS = "rounds"
REFERENCE_LISTS = (LIST_AGENCIES, LIST_LOCALITIES, LIST_ROUNDS)
REFERENCE_PREFIX = "partnership."


@dataclass(frozen=True)
class Locality:
    """A borough or local authority area the partnership covers."""

    code: str
    label: str


@dataclass(frozen=True)
class Agency:
    """One organisation in the partnership's agencies register; `sector` is a `SECTORS` code."""

    code: str
    label: str
    sector: str = "other"

    @property
    def sector_label(self) -> str:
        return SECTORS.get(self.sector, self.sector)


@dataclass(frozen=True)
class ExpectedAgency:
    """A return expected from one agency (for Section 11: its self-assessment), optionally for
    one locality (then only a return naming that locality counts)."""

    agency: str
    locality: str = ""


@dataclass(frozen=True)
class ExpectedCase:
    """A case audit expected for one case reference, optionally in one locality."""

    reference: str
    locality: str = ""


@dataclass(frozen=True)
class ExpectedCount:
    """A number of case audits expected (distinct case references), in one locality or, with
    `locality` empty, across the round."""

    count: int
    locality: str = ""


@dataclass(frozen=True)
class Round:
    """An audit round.

    Template-facing: `id`, `title`, `phase`, `period_start`, `period_end` (ISO dates or "").
    QA-side: `template_id` (the template audits of this round use), `deadline` (ISO date or ""),
    `localities` (codes; empty means every locality) and the expected returns.
    """

    id: str
    title: str
    phase: str = ""
    period_start: str = ""
    period_end: str = ""
    template_id: str = ""
    deadline: str = ""
    localities: tuple[str, ...] = ()
    expected_agencies: tuple[ExpectedAgency, ...] = ()
    expected_cases: tuple[ExpectedCase, ...] = ()
    expected_counts: tuple[ExpectedCount, ...] = ()

    @property
    def label(self) -> str:
        """How the round is offered in a template: ``Title (phase)``."""
        return f"{self.title} ({self.phase})" if self.phase else self.title

    @property
    def has_expectations(self) -> bool:
        return bool(self.expected_agencies or self.expected_cases or self.expected_counts)

    def template_facing(self) -> Round:
        """The round as frozen into a template: id, title, phase and period only."""
        return Round(self.id, self.title, self.phase, self.period_start, self.period_end)


@dataclass(frozen=True)
class PartnershipProfile:
    """The partnership's name and shared lists. `is_default` is true for the profile shipped with
    the app (the vault has not stored its own)."""

    name: str
    localities: tuple[Locality, ...] = ()
    agencies: tuple[Agency, ...] = ()
    rounds: tuple[Round, ...] = ()
    is_default: bool = field(default=False, compare=False)

    def agency(self, code: str) -> Agency | None:
        return next((a for a in self.agencies if a.code == code), None)

    def locality(self, code: str) -> Locality | None:
        return next((loc for loc in self.localities if loc.code == code), None)

    def round(self, round_id: str) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)

    def rounds_for(self, template_id: str) -> tuple[Round, ...]:
        """The rounds that use `template_id` (a round naming no template is offered to none)."""
        return tuple(r for r in self.rounds if r.template_id == template_id)

    def agency_label(self, code: str) -> str:
        found = self.agency(code)
        return found.label if found else code

    def locality_label(self, code: str) -> str:
        found = self.locality(code)
        return found.label if found else code

    def with_round(self, new: Round) -> PartnershipProfile:
        """This profile with `new` added, or replacing the round with its id (same position)."""
        if any(r.id == new.id for r in self.rounds):
            rounds = tuple(new if r.id == new.id else r for r in self.rounds)
        else:
            rounds = (*self.rounds, new)
        return replace(self, rounds=rounds, is_default=False)


@dataclass(frozen=True, order=True)
class ProfileProblem:
    """One problem in a profile: ``FILE:LINE: field: message`` (no line when not known)."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PartnershipInvalid(LscpAuditError):
    """A partnership profile (or a round) breaks the rules; `problems` lists every one."""

    def __init__(self, problems: Sequence[ProfileProblem]) -> None:
        if not problems:
            raise ValueError("PartnershipInvalid needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# -- dictionaries ----------------------------------------------------------------------------


def _round_to_dict(item: Round, *, template_facing: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "title": item.title}
    if item.phase:
        out["phase"] = item.phase
    period = {k: v for k, v in (("start", item.period_start), ("end", item.period_end)) if v}
    if period:
        out["period"] = period
    if template_facing:
        return out
    if item.template_id:
        out["template"] = item.template_id
    if item.deadline:
        out["deadline"] = item.deadline
    if item.localities:
        out["localities"] = list(item.localities)
    expected: dict[str, Any] = {}
    if item.expected_agencies:
        expected["agencies"] = [_with_locality({"agency": e.agency}, e.locality) for e in item.expected_agencies]
    if item.expected_cases:
        expected["cases"] = [_with_locality({"reference": e.reference}, e.locality) for e in item.expected_cases]
    if item.expected_counts:
        expected["case_counts"] = [_with_locality({"count": e.count}, e.locality) for e in item.expected_counts]
    if expected:
        out["expected"] = expected
    return out


def _with_locality(entry: dict[str, Any], locality: str) -> dict[str, Any]:
    if locality:
        entry["locality"] = locality
    return entry


def profile_to_dict(profile: PartnershipProfile, *, template_facing: bool = False) -> dict[str, Any]:
    """The profile as plain JSON-compatible data (the shape `profile_from_dict` reads and the
    JSON Schema describes). `template_facing` keeps only what templates see of each round."""
    return {
        "format": PROFILE_FORMAT,
        "name": profile.name,
        "localities": [{"code": loc.code, "label": loc.label} for loc in profile.localities],
        "agencies": [{"code": a.code, "label": a.label, "sector": a.sector} for a in profile.agencies],
        "rounds": [_round_to_dict(r, template_facing=template_facing) for r in profile.rounds],
    }


def round_to_dict(item: Round) -> dict[str, Any]:
    """One round as it appears in a profile's ``rounds`` list."""
    return _round_to_dict(item)


def profile_to_json(profile: PartnershipProfile) -> str:
    """Canonical JSON text of the profile (keys sorted), as stored in the vault and in packs."""
    return json.dumps(profile_to_dict(profile), ensure_ascii=False, sort_keys=True, indent=1)


@cache
def profile_schema() -> dict[str, Any]:
    """The published JSON Schema of the profile (shipped as package data)."""
    value: dict[str, Any] = json.loads(_shipped_text(SCHEMA_RESOURCE))
    return value


def _shipped_text(name: str) -> str:
    """A file of the ``lscp_audit.resources`` data package; `MissingResource` names it if absent."""
    from lscp_audit.paths import MissingResource

    path = resources.files(RESOURCES_PACKAGE).joinpath(name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingResource("resource", str(path)) from None


def profile_from_dict(data: Any, file_name: str = "<partnership profile>") -> PartnershipProfile:
    """A checked profile from plain data; `PartnershipInvalid` listing every problem.

    `data` may come from JSON or from the YAML reader of `lscp_audit.core.templates.yaml_source`
    (then each problem names its line).
    """
    problems = _schema_problems(data, file_name)
    if problems:
        raise PartnershipInvalid(problems)
    profile = _build(data)
    problems = _rule_problems(profile, data, file_name)
    if problems:
        raise PartnershipInvalid(problems)
    return profile


def round_from_dict(data: Any, profile: PartnershipProfile, file_name: str = "<round>") -> Round:
    """One round checked against `profile` (its localities and agencies); the round may be new
    or replace the profile's round with the same id."""
    wrapped = profile_to_dict(profile)
    wrapped["rounds"] = [r for r in wrapped["rounds"] if r.get("id") != (data or {}).get("id")] + [data]
    checked = profile_from_dict(wrapped, file_name)
    return checked.rounds[-1]


def check_round(item: Round, profile: PartnershipProfile, file_name: str = "<round>") -> Round:
    """`item` checked with the same rules as a profile's rounds (`PartnershipInvalid`)."""
    return round_from_dict(_round_to_dict(item), profile, file_name)


def _schema_problems(data: Any, file_name: str) -> list[ProfileProblem]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(profile_schema())
    found: list[ProfileProblem] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        problem = ProfileProblem(file_name, _line(data, path), _field(path), _schema_message(error))
        if problem not in found:  # one "required" error per missing field, each naming all of them
            found.append(problem)
    return found


def _schema_message(error: Any) -> str:
    validator = error.validator
    value = error.instance
    if validator == "required":
        missing = [name for name in error.validator_value if not isinstance(value, dict) or name not in value]
        return "is missing " + ", ".join(f"'{m}'" for m in missing)
    if validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        extra = [k for k in value if k not in error.schema.get("properties", {})] if isinstance(value, dict) else []
        return f"has unknown field(s) {', '.join(repr(e) for e in extra)}; allowed: {allowed}"
    if validator == "enum":
        return f"{value!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if validator == "pattern":
        return f"{value!r} {_PATTERN_WORDS.get(error.validator_value, 'has the wrong form')}"
    if validator == "minItems":
        return "needs at least one entry"
    if validator == "const":
        return f"must be {error.validator_value!r} (this version reads profile format {PROFILE_FORMAT})"
    if validator == "type":
        return f"must be {_TYPE_WORDS.get(str(error.validator_value), error.validator_value)}, not {_kind(value)}"
    return str(error.message)


_PATTERN_WORDS = {
    "^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$": "must be a code of letters, digits, '_' or '-' (at most 64)",
    "\\S": "must not be blank",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "must be a date written YYYY-MM-DD",
    "^[a-z0-9][a-z0-9-]{1,63}$": "must be 2 to 64 lower-case letters, digits or '-' (for example da-2026-baseline)",
    "^[a-z][a-z0-9-]{2,63}$": "must be a template id (lower-case letters, digits or '-')",
    "^\\S+$": "must be one word without spaces",
}
_TYPE_WORDS = {"object": "a block of fields", "array": "a list", "string": "text", "integer": "a whole number"}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "empty"
    return "text"


def _field(path: Sequence[Any]) -> str:
    """``agencies[3].sector`` (items counted from 1, as people count them)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line(data: Any, path: Sequence[Any]) -> int | None:
    """The line of `path` when `data` came from the line-marked YAML reader."""
    line = getattr(data, "line", None)
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            line = node.line_of(part) if hasattr(node, "line_of") else line
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            line = node.line_of(part) if hasattr(node, "line_of") else line
            node = node[part]
        else:
            break
    return line


def _build(data: Mapping[str, Any]) -> PartnershipProfile:
    return PartnershipProfile(
        name=str(data["name"]).strip(),
        localities=tuple(Locality(str(i["code"]), str(i["label"]).strip()) for i in data.get("localities", [])),
        agencies=tuple(
            Agency(str(i["code"]), str(i["label"]).strip(), str(i["sector"])) for i in data.get("agencies", [])
        ),
        rounds=tuple(_build_round(i) for i in data.get("rounds", []) or []),
    )


def round_from_data(item: Mapping[str, Any]) -> Round:
    """A round from its stored dictionary (``round_to_dict``'s shape), without checking it:
    for data this app wrote itself. Use `round_from_dict` for anything from outside."""
    return _build_round(item)


def _build_round(item: Mapping[str, Any]) -> Round:
    period = item.get("period") or {}
    expected = item.get("expected") or {}
    return Round(
        id=str(item["id"]),
        title=str(item["title"]).strip(),
        phase=str(item.get("phase", "")).strip(),
        period_start=str(period.get("start", "")),
        period_end=str(period.get("end", "")),
        template_id=str(item.get("template", "")),
        deadline=str(item.get("deadline", "")),
        localities=tuple(str(c) for c in item.get("localities", []) or []),
        expected_agencies=tuple(
            ExpectedAgency(str(e["agency"]), str(e.get("locality", ""))) for e in expected.get("agencies", [])
        ),
        expected_cases=tuple(
            ExpectedCase(str(e["reference"]).strip(), str(e.get("locality", ""))) for e in expected.get("cases", [])
        ),
        expected_counts=tuple(
            ExpectedCount(int(e["count"]), str(e.get("locality", ""))) for e in expected.get("case_counts", [])
        ),
    )


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _duplicates(codes: Sequence[str]) -> list[int]:
    seen: set[str] = set()
    repeated = []
    for index, code in enumerate(codes):
        if code in seen:
            repeated.append(index)
        seen.add(code)
    return repeated


class _Rules:
    def __init__(self, data: Any, file_name: str) -> None:
        self.data = data
        self.file_name = file_name
        self.found: list[ProfileProblem] = []

    def add(self, path: list[Any], message: str) -> None:
        self.found.append(ProfileProblem(self.file_name, _line(self.data, path), _field(path), message))


def _rule_problems(profile: PartnershipProfile, data: Any, file_name: str) -> list[ProfileProblem]:
    rules = _Rules(data, file_name)
    for index in _duplicates([loc.code for loc in profile.localities]):
        rules.add(["localities", index, "code"], f"locality code '{profile.localities[index].code}' is used twice")
    for index in _duplicates([a.code for a in profile.agencies]):
        rules.add(["agencies", index, "code"], f"agency code '{profile.agencies[index].code}' is used twice")
    for index in _duplicates([r.id for r in profile.rounds]):
        rules.add(["rounds", index, "id"], f"round id '{profile.rounds[index].id}' is used twice")
    localities = {loc.code for loc in profile.localities}
    agencies = {a.code for a in profile.agencies}
    for index, item in enumerate(profile.rounds):
        _round_rules(rules, ["rounds", index], item, localities, agencies)
    return rules.found


def _round_rules(rules: _Rules, at: list[Any], item: Round, localities: set[str], agencies: set[str]) -> None:
    _round_dates(rules, at, item)
    for index, code in enumerate(item.localities):
        if code not in localities:
            rules.add([*at, "localities", index], f"'{code}' is not a locality of the partnership")
    for index in _duplicates(list(item.localities)):
        rules.add([*at, "localities", index], f"locality '{item.localities[index]}' is listed twice")
    _round_expected(rules, at, item, set(item.localities) or localities, agencies)


def _round_dates(rules: _Rules, at: list[Any], item: Round) -> None:
    for key, value in (("start", item.period_start), ("end", item.period_end)):
        if value and not _valid_date(value):
            rules.add([*at, "period", key], f"'{value}' is not a real date")
    if item.deadline and not _valid_date(item.deadline):
        rules.add([*at, "deadline"], f"'{item.deadline}' is not a real date")
    start, end = item.period_start, item.period_end
    if start and end and _valid_date(start) and _valid_date(end) and end < start:
        rules.add([*at, "period", "end"], f"the period ends ({end}) before it starts ({start})")


def _round_expected(rules: _Rules, at: list[Any], item: Round, allowed: set[str], agencies: set[str]) -> None:
    where = "of the round" if item.localities else "of the partnership"
    for index, expected in enumerate(item.expected_agencies):
        path = [*at, "expected", "agencies", index]
        if expected.agency not in agencies:
            rules.add([*path, "agency"], f"'{expected.agency}' is not in the agencies register")
        if expected.locality and expected.locality not in allowed:
            rules.add([*path, "locality"], f"'{expected.locality}' is not a locality {where}")
    keys = [f"{e.agency}\0{e.locality}" for e in item.expected_agencies]
    for index in _duplicates(keys):
        rules.add(
            [*at, "expected", "agencies", index], f"agency '{item.expected_agencies[index].agency}' is expected twice"
        )
    for index, case in enumerate(item.expected_cases):
        if case.locality and case.locality not in allowed:
            rules.add([*at, "expected", "cases", index, "locality"], f"'{case.locality}' is not a locality {where}")
    for index in _duplicates([c.reference.upper() for c in item.expected_cases]):
        reference = item.expected_cases[index].reference
        rules.add([*at, "expected", "cases", index, "reference"], f"case reference '{reference}' is listed twice")
    for index, count in enumerate(item.expected_counts):
        if count.locality and count.locality not in allowed:
            path = [*at, "expected", "case_counts", index, "locality"]
            rules.add(path, f"'{count.locality}' is not a locality {where}")
    for index in _duplicates([c.locality for c in item.expected_counts]):
        rules.add([*at, "expected", "case_counts", index], "a count is given twice for the same locality")


# -- the shipped default -----------------------------------------------------------------------


@cache
def default_profile() -> PartnershipProfile:
    """The profile shipped with the app (``resources/partnership-profile.yaml``), checked."""
    from lscp_audit.core.templates.yaml_source import parse_yaml

    file_name = f"lscp_audit/resources/{DEFAULT_PROFILE_RESOURCE}"
    text = _shipped_text(DEFAULT_PROFILE_RESOURCE)
    return replace(profile_from_dict(parse_yaml(text, file_name), file_name), is_default=True)


def parse_profile_text(text: str, file_name: str) -> PartnershipProfile:
    """A profile from YAML or JSON text (JSON is YAML); problems name the file and line."""
    from lscp_audit.core.errors import TemplateError
    from lscp_audit.core.templates.yaml_source import parse_yaml

    try:
        tree = parse_yaml(text, file_name)
    except TemplateError as exc:
        raise PartnershipInvalid([ProfileProblem(file_name, exc.line, "", exc.detail)]) from None
    return profile_from_dict(tree, file_name)
