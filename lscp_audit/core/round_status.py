"""Returns tracking for one audit round: expected vs received vs outstanding vs overdue.

Pure: the caller passes the round, the partnership profile (for labels), the returns filed under
the round (`ReturnFact`, built from the inbox's listing columns) and today's date.

Rules:
- only **trusted** returns count as received; a return in quarantine (a signer the vault does
  not trust) never does, but it is shown beside the expectation it would meet
  (`ExpectationRow.quarantined`) so the QA subgroup knows to check the signer;
- an expected agency is received when a trusted return of the round names that agency (and the
  expected locality, when one is given); an expected case when a trusted return has that case
  reference (letters compared without regard to case); a count of cases is met by that many
  different case references among the trusted returns (in its locality, when it has one);
- outstanding = expected - received; once the deadline has passed (today is after it) every
  outstanding return is also overdue;
- trusted returns of the round that meet no expectation are listed as `unexpected`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lscp_audit.core.partnership import PartnershipProfile, Round

RECEIVED = "received"
OUTSTANDING = "outstanding"
OVERDUE = "overdue"

KIND_AGENCY = "agency"
KIND_CASE = "case"
KIND_COUNT = "case_count"


@dataclass(frozen=True)
class ReturnFact:
    """What round tracking needs to know about one return filed under a round."""

    return_id: str
    report_id: str
    trusted: bool
    locality: str = ""
    agency: str = ""
    case_reference: str = ""
    signer: str = ""
    imported_at: str = ""


@dataclass(frozen=True)
class ExpectationRow:
    """One expected return (or a count of case returns) and what has come in for it.

    `kind` is ``agency``, ``case`` or ``case_count``; `key` the agency code, case reference or
    locality code of a count ("" for a round-wide count); `expected` is 1 for an agency or a
    case, else the count; `received` how many of those came in (trusted returns only).
    `return_ids` are the trusted returns that meet it; `quarantined` the returns in quarantine
    that would meet it if their signer were trusted."""

    kind: str
    key: str
    label: str
    locality: str
    locality_label: str
    expected: int
    received: int
    state: str
    return_ids: tuple[str, ...] = ()
    quarantined: tuple[str, ...] = ()

    @property
    def outstanding(self) -> int:
        return self.expected - self.received

    @property
    def overdue(self) -> int:
        return self.outstanding if self.state == OVERDUE else 0


@dataclass(frozen=True)
class Tally:
    """Counts for one agency or one locality (`key` its code, "" for none given)."""

    key: str
    label: str
    expected: int = 0
    received: int = 0
    outstanding: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class RoundStatus:
    """Returns tracking for `round` on `today`."""

    round: Round
    today: str
    deadline_passed: bool
    rows: tuple[ExpectationRow, ...]
    by_agency: tuple[Tally, ...]
    by_locality: tuple[Tally, ...]
    unexpected: tuple[ReturnFact, ...]
    quarantined: int
    trusted: int

    @property
    def expected(self) -> int:
        return sum(r.expected for r in self.rows)

    @property
    def received(self) -> int:
        return sum(r.received for r in self.rows)

    @property
    def outstanding(self) -> int:
        return sum(r.outstanding for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def outstanding_rows(self) -> tuple[ExpectationRow, ...]:
        """The reminder list: every expectation not yet met, in the round's order."""
        return tuple(r for r in self.rows if r.outstanding > 0)


def _deadline_passed(item: Round, today: dt.date) -> bool:
    if not item.deadline:
        return False
    try:
        return today > dt.date.fromisoformat(item.deadline)
    except ValueError:
        return False


def _state(expected: int, received: int, late: bool) -> str:
    if received >= expected:
        return RECEIVED
    return OVERDUE if late else OUTSTANDING


def _in_locality(fact: ReturnFact, locality: str) -> bool:
    return not locality or fact.locality == locality


def _same_case(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def round_status(
    item: Round, profile: PartnershipProfile, returns: Sequence[ReturnFact], today: dt.date
) -> RoundStatus:
    """Tracking for `item` from the returns filed under it (trusted and in quarantine)."""
    late = _deadline_passed(item, today)
    trusted = [f for f in returns if f.trusted]
    held = [f for f in returns if not f.trusted]
    rows: list[ExpectationRow] = []
    used: set[str] = set()

    def row(
        kind: str, key: str, label: str, locality: str, expected: int, met: list[ReturnFact], waiting: list[ReturnFact]
    ) -> None:
        received = min(
            expected, len({f.case_reference.casefold() for f in met}) if kind == KIND_COUNT else min(1, len(met))
        )
        used.update(f.return_id for f in met)
        rows.append(
            ExpectationRow(
                kind=kind,
                key=key,
                label=label,
                locality=locality,
                locality_label=profile.locality_label(locality) if locality else "",
                expected=expected,
                received=received,
                state=_state(expected, received, late),
                return_ids=tuple(f.return_id for f in met),
                quarantined=tuple(f.return_id for f in waiting),
            )
        )

    for agency in item.expected_agencies:

        def meets(f: ReturnFact, a: str = agency.agency, loc: str = agency.locality) -> bool:
            return f.agency == a and _in_locality(f, loc)

        row(
            KIND_AGENCY,
            agency.agency,
            profile.agency_label(agency.agency),
            agency.locality,
            1,
            [f for f in trusted if meets(f)],
            [f for f in held if meets(f)],
        )
    for case in item.expected_cases:

        def has_case(f: ReturnFact, ref: str = case.reference, loc: str = case.locality) -> bool:
            return _same_case(f.case_reference, ref) and _in_locality(f, loc)

        row(
            KIND_CASE,
            case.reference,
            case.reference,
            case.locality,
            1,
            [f for f in trusted if has_case(f)],
            [f for f in held if has_case(f)],
        )
    for count in item.expected_counts:
        label = f"{count.count} case audit(s)" + (
            f" in {profile.locality_label(count.locality)}" if count.locality else ""
        )
        with_case = [f for f in trusted if f.case_reference and _in_locality(f, count.locality)]
        row(
            KIND_COUNT,
            count.locality,
            label,
            count.locality,
            count.count,
            with_case,
            [f for f in held if f.case_reference and _in_locality(f, count.locality)],
        )
    unexpected = tuple(f for f in trusted if f.return_id not in used)
    return RoundStatus(
        round=item,
        today=today.isoformat(),
        deadline_passed=late,
        rows=tuple(rows),
        by_agency=_by_agency(rows, trusted, profile),
        by_locality=_by_locality(rows, item, profile),
        unexpected=unexpected,
        quarantined=len(held),
        trusted=len(trusted),
    )


def _add(tallies: dict[str, Tally], key: str, label: str, r: ExpectationRow) -> None:
    old = tallies.get(key, Tally(key, label))
    tallies[key] = Tally(
        key,
        label,
        old.expected + r.expected,
        old.received + r.received,
        old.outstanding + r.outstanding,
        old.overdue + r.overdue,
    )


def _by_agency(
    rows: Sequence[ExpectationRow], trusted: Sequence[ReturnFact], profile: PartnershipProfile
) -> tuple[Tally, ...]:
    """Per agency: the expected agency returns; for a round that expects only cases, the trusted
    returns each agency sent (nothing is expected of an agency there, so expected is 0)."""
    tallies: dict[str, Tally] = {}
    for r in rows:
        if r.kind == KIND_AGENCY:
            _add(tallies, r.key, r.label, r)
    if tallies:
        return tuple(tallies.values())
    for fact in trusted:
        label = profile.agency_label(fact.agency) if fact.agency else "Agency not named"
        old = tallies.get(fact.agency, Tally(fact.agency, label))
        tallies[fact.agency] = replace(old, received=old.received + 1)
    return tuple(tallies.values())


def _by_locality(rows: Sequence[ExpectationRow], item: Round, profile: PartnershipProfile) -> tuple[Tally, ...]:
    """Per locality (the round's localities first, in order; "" for expectations naming none)."""
    tallies: dict[str, Tally] = {code: Tally(code, profile.locality_label(code)) for code in item.localities}
    for r in rows:
        _add(tallies, r.locality, r.locality_label or "No locality given", r)
    return tuple(tallies.values())
