"""Partnership analysis: what the trusted returns say, as plain figures (pure functions).

Everything here is computed from the returns' embedded report data (docs/report-data-schema.md),
never from the PDFs or the templates, so a return on an older template version still counts.
The service (`services.analysis_service`) decides which returns go in: trusted returns, latest
revision of each audit only. Quarantined and superseded returns never reach these functions.

- `round_info` is the one place that reads a return's round, phase, locality and returning
  agency (the ``round`` object of the report data, else the subject's ``audit_round``).
- `analyse` gives, for the returns a `AnalysisFilter` keeps: per question the distribution of
  answers (n and %) and, where the template declares a polarity, the share of answers that are
  good practice and the share that are a concern; the section judgements, overall judgements
  and graded answers per agency; the Section 11 matrix; the findings grouped by section and
  theme; the action register.
- Moderation: when a return has a moderation record (the newest wins), the section and overall
  judgement distributions count its moderated rating where the record gives one, else the
  self-assessment (`MODERATED_WHERE_RECORDED`, the default; `SELF_ASSESSED` counts the
  self-assessments only); every distribution says which (`GradeDistribution.basis`). The
  Section 11 matrix shows the self-rating and the moderated rating side by side, and the change
  since the organisation's previous round per standard, rounds ordered by their period.
- Actions: the register shows each action's latest status from the QA subgroup's progress
  updates (`core.action_updates`), falling back to the status written in the return, and
  whether it is overdue.
- `compare` puts two groups (two rounds, or two localities) side by side, with the n behind
  every figure and the difference in percentage points. It makes no claim of significance.
- `suppress` hides small numbers (1 to 4) in aggregate outputs, with complementary suppression
  so a hidden count cannot be worked out from the total and the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from lscp_audit.core.action_updates import ActionUpdate, is_overdue, latest, shown_date, status_label

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "fewer than 5"
WENT_WELL = "What went well"
TO_IMPROVE = "What needs to improve"
OTHER_FINDINGS = "Other findings"
SELF_ASSESSMENT_KIND = "agency_self_assessment"
#: The section of the Section 11 template the partnership fills in itself (not a standard).
MODERATION_SECTION = "moderation"
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "grade", "rag"})
MULTI_CHOICE = "multi_choice"
NOT_RATED = "Not rated"
#: What the judgement distributions count (`analyse(basis=...)`).
SELF_ASSESSED = "self-assessed"
MODERATED_WHERE_RECORDED = "moderated where recorded"
BASES = (MODERATED_WHERE_RECORDED, SELF_ASSESSED)
#: What the action register's status comes from.
FROM_RETURN = "the return"

_WELL_WORDS = ("strength", "went well", "good practice", "positive", "well")
_IMPROVE_WORDS = ("improve", "concern", "gap", "weakness", "priorit", "risk", "learning")


@dataclass(frozen=True)
class ReturnModeration:
    """A return's newest moderation record as the analysis needs it: `outcome` (``agree`` or
    ``moderated``), when (ISO 8601), and the moderated ratings it gives: a scope (a section or
    Section 11 standard id, ``section@agency`` for a section repeated per agency, or
    ``overall``) to a rating code of the return's own scale. Scopes it does not name keep their
    self-assessed rating (the moderator let them stand)."""

    outcome: str
    moderated_at: str
    ratings: Mapping[str, str] = field(default_factory=dict)

    @property
    def words(self) -> str:
        """``Agreed 28 Nov 2026`` or ``Moderated 28 Nov 2026``."""
        verb = "Agreed" if self.outcome == "agree" else "Moderated"
        return f"{verb} {shown_date(self.moderated_at)}" if self.moderated_at else verb


#: The newest moderation of a return, by return id (None when it has not been moderated).
ModeratedRatings = Callable[[str], ReturnModeration | None]
#: A return's action updates, by return id.
ActionUpdates = Mapping[str, Sequence[ActionUpdate]]


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# -- what each return is ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInfo:
    """The audit round, phase, locality and returning agency a return names ("" when none)."""

    id: str = ""
    title: str = ""
    phase: str = ""
    locality: str = ""
    locality_label: str = ""
    agency: str = ""
    agency_label: str = ""
    period_start: str = ""
    period_end: str = ""

    @property
    def label(self) -> str:
        """The round as people read it: its title, else its id."""
        return self.title or self.id

    @property
    def locality_name(self) -> str:
        return self.locality_label or self.locality


def round_info(data: Mapping[str, Any]) -> RoundInfo:
    """The round and locality a return names: the report data's ``round`` object (partnership
    rounds), else the subject's ``audit_round`` and ``locality`` (returns made before rounds)."""
    found = data.get("round")
    if isinstance(found, dict):
        return RoundInfo(
            id=_text(found.get("id")),
            title=_text(found.get("title")),
            phase=_text(found.get("phase")),
            locality=_text(found.get("locality")),
            locality_label=_text(found.get("locality_label")),
            agency=_text(found.get("agency")),
            agency_label=_text(found.get("agency_label")),
            period_start=_text(found.get("period_start")),
            period_end=_text(found.get("period_end")),
        )
    subject = data.get("subject") if isinstance(data.get("subject"), dict) else {}
    assert isinstance(subject, dict)
    named = _text(subject.get("audit_round"))
    return RoundInfo(id=named, title=named, phase=_text(subject.get("phase")), locality=_text(subject.get("locality")))


@dataclass(frozen=True)
class AnalysisReturn:
    """One trusted, latest-revision return going into the analysis: listing details and data."""

    return_id: str
    report_id: str
    signer: str
    signed_at: str
    data: dict[str, Any] = field(repr=False, compare=False)

    @cached_property
    def template_id(self) -> str:
        return _text(_get(self.data, "template", "id"))

    @cached_property
    def template_title(self) -> str:
        return _text(_get(self.data, "template", "title")) or self.template_id

    @cached_property
    def kind(self) -> str:
        return _text(_get(self.data, "template", "kind"))

    @cached_property
    def round(self) -> RoundInfo:
        return round_info(self.data)

    @cached_property
    def agency(self) -> str:
        """Who the return speaks for: the round's returning agency, the organisation a
        self-assessment names, the auditor's agency, else the auditor or the signer."""
        info = self.round
        if info.agency_label or info.agency:
            return info.agency_label or info.agency
        if self.kind == SELF_ASSESSMENT_KIND:
            organisation = _text(_get(self.data, "subject", "agency"))
            if organisation:
                return organisation
        return (
            _text(_get(self.data, "auditor", "agency"))
            or _text(_get(self.data, "auditor", "name"))
            or self.signer
            or self.report_id
        )

    @cached_property
    def levels(self) -> tuple[tuple[str, str, str], ...]:
        """The judgement scale's levels (code, label, colour), best first."""
        return tuple(_levels(self.data))

    @cached_property
    def scale(self) -> str:
        return _text(_get(self.data, "judgements", "scale"))

    @cached_property
    def section_judgements(self) -> tuple[tuple[str, str, str, str, str], ...]:
        """(section id, title, agency code, value, label) of every section judgement."""
        return tuple(
            (
                _text(e.get("section_id")),
                _text(e.get("title")),
                _text(e.get("agency")),
                _text(e.get("value")),
                _text(e.get("label")),
            )
            for e in _get(self.data, "judgements", "sections") or []
            if isinstance(e, dict)
        )

    @cached_property
    def grade_counts(self) -> tuple[tuple[str, int], ...]:
        counts = _get(self.data, "grade_counts")
        found = counts.items() if isinstance(counts, dict) else []
        return tuple((str(k), v) for k, v in found if isinstance(v, int) and v > 0)

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(_return_findings(self))

    @cached_property
    def action_fields(self) -> tuple[tuple[str, str, str, str, str, str], ...]:
        """(action, measure, owner, due, status code, what it answers) of every action."""
        found = []
        for entry in _get(self.data, "actions") or []:
            owner = ", ".join(v for v in (_text(entry.get("owner_agency")), _text(entry.get("owner_role"))) if v)
            found.append(
                (
                    _text(entry.get("action")),
                    _text(entry.get("measure")),
                    owner,
                    _text(entry.get("due")),
                    _text(entry.get("status")),
                    _text(entry.get("link_label")) or _text(entry.get("section_title")),
                )
            )
        return tuple(found)

    @cached_property
    def question_facts(self) -> tuple[_QuestionFacts, ...]:
        """Its choice questions and answers, read from the data once (then kept)."""
        return _facts(self)

    @cached_property
    def signed_date(self) -> str:
        """The signing date (ISO ``YYYY-MM-DD``), "" when unknown."""
        return self.signed_at[:10]

    @cached_property
    def case_reference(self) -> str:
        return _text(_get(self.data, "subject", "case_reference"))

    @cached_property
    def overall(self) -> tuple[str, str]:
        """The overall judgement's code and label ("" when none)."""
        return _text(_get(self.data, "judgements", "overall", "value")), _text(
            _get(self.data, "judgements", "overall", "label")
        )


@dataclass(frozen=True)
class AnalysisFilter:
    """Which returns count. Empty fields do not filter. `rounds` match a round's id or title,
    `locality` a locality's code or name, `agency` the return's agency (case-insensitive);
    `signed_from` / `signed_to` are inclusive ISO dates of the auditor's signature."""

    template_id: str = ""
    rounds: tuple[str, ...] = ()
    phase: str = ""
    locality: str = ""
    agency: str = ""
    signed_from: str = ""
    signed_to: str = ""

    def matches(self, item: AnalysisReturn) -> bool:
        if self.template_id and item.template_id != self.template_id:
            return False
        info = item.round
        if self.rounds and not ({info.id, info.title} & set(self.rounds)):
            return False
        if self.phase and info.phase.casefold() != self.phase.casefold():
            return False
        if self.locality and self.locality.casefold() not in {info.locality.casefold(), info.locality_label.casefold()}:
            return False
        if self.agency and self.agency.casefold() not in {item.agency.casefold(), info.agency.casefold()}:
            return False
        day = item.signed_date
        if self.signed_from and (not day or day < self.signed_from):
            return False
        return not (self.signed_to and (not day or day > self.signed_to))

    def describe(self) -> str:
        """The filter in words, for output headers ("All trusted returns" when empty)."""
        parts = []
        if self.template_id:
            parts.append(f"template {self.template_id}")
        if self.rounds:
            parts.append("round " + " or ".join(self.rounds))
        if self.phase:
            parts.append(f"phase {self.phase}")
        if self.locality:
            parts.append(f"locality {self.locality}")
        if self.agency:
            parts.append(f"agency {self.agency}")
        if self.signed_from or self.signed_to:
            parts.append(f"signed {self.signed_from or '…'} to {self.signed_to or '…'}")
        return "; ".join(parts) if parts else "All trusted returns"


# -- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One answer code (or judgement level) in a distribution. `percent` is of the n."""

    code: str
    label: str
    count: int
    percent: float | None
    polarity: str = ""


def _percent(count: int, n: int) -> float | None:
    return round(100.0 * count / n, 1) if n else None


@dataclass(frozen=True)
class QuestionDistribution:
    """The answers to one question across the returns. `n` counts answers given (an answer per
    agency in a per-agency section), not-applicable and unanswered ones left out. For a
    multi-choice question each code's percent is of the n people answering, so they can add up
    to more than 100. `good` and `concern` count the answers whose declared polarity is good
    practice / a concern (None when the template declares no polarity for the question)."""

    template_id: str
    section_id: str
    section_title: str
    question_id: str
    label: str
    type: str
    n: int
    counts: tuple[Count, ...]
    good: int | None = None
    concern: int | None = None

    @property
    def key(self) -> str:
        return f"{self.template_id}/{self.section_id}/{self.question_id}"

    @property
    def good_percent(self) -> float | None:
        return None if self.good is None else _percent(self.good, self.n)

    @property
    def concern_percent(self) -> float | None:
        return None if self.concern is None else _percent(self.concern, self.n)


@dataclass(frozen=True)
class GradeDistribution:
    """Judgements or graded answers on one scale: `key` is what it is about (a section id, an
    agency or ``overall``), `title` its name; `n` the judgements counted. `basis` says what was
    counted (`SELF_ASSESSED`, `MODERATED_WHERE_RECORDED`, or "" for graded answers) and
    `moderated` how many of the n are moderated ratings."""

    template_id: str
    key: str
    title: str
    scale: str
    n: int
    counts: tuple[Count, ...]
    basis: str = ""
    moderated: int = 0


#: Directions of a change since the previous round.
IMPROVED = "improved"
DECLINED = "declined"
SAME = "same"
CHANGED = "changed"
NEWLY_RATED = "newly rated"
NO_LONGER_RATED = "not rated now"
_ARROWS = {IMPROVED: "↑", DECLINED: "↓", SAME: "=", CHANGED: "≠", NEWLY_RATED: "+", NO_LONGER_RATED: "−"}


@dataclass(frozen=True)
class S11Cell:
    """One standard of one return: the self-rating, the moderated rating (when the return has a
    moderation record: the record's rating, else the self-rating it let stand) and the change
    since the previous round (`change` is one of the directions above, "" when there is no
    previous return; `previous_label` the rating compared with)."""

    standard_id: str
    self_code: str
    self_label: str
    moderated_code: str = ""
    moderated_label: str = ""
    change: str = ""
    previous_label: str = ""

    @property
    def used_code(self) -> str:
        """The rating the change compares: the moderated one when there is one, else the self-rating."""
        return self.moderated_code or self.self_code

    @property
    def change_text(self) -> str:
        """``↑ improved from Amber``, ``↓ declined from Green``, ``= same as Amber``, "" when none."""
        if not self.change:
            return ""
        arrow = _ARROWS[self.change]
        if self.change in (IMPROVED, DECLINED, CHANGED):
            return f"{arrow} {self.change} from {self.previous_label}"
        if self.change == SAME:
            return f"{arrow} same as {self.previous_label}"
        if self.change == NEWLY_RATED:
            return f"{arrow} rated now, not rated before"
        return f"{arrow} not rated now (was {self.previous_label})"


@dataclass(frozen=True)
class S11Row:
    """One organisation's return in one round. `moderation` says whether (and when) it was
    moderated; `previous_round` names the round its changes are measured from ("" when the
    organisation has no return in an earlier round)."""

    organisation: str
    round: str
    report_id: str
    return_id: str
    cells: tuple[S11Cell, ...]
    overall: S11Cell
    moderation: str = ""
    previous_round: str = ""
    previous_report_id: str = ""


@dataclass(frozen=True)
class S11Matrix:
    """Organisations × standards of the Section 11 self-assessments: each standard's
    self-rating (the standard's judgement in the return) and, when a moderation record gives
    one, the moderated rating. `levels` are the rating scale's (code, label, colour), best first."""

    standards: tuple[tuple[str, str], ...]
    rows: tuple[S11Row, ...]
    levels: tuple[tuple[str, str, str], ...] = ()
    moderation_available: bool = False
    moderated_rows: int = 0

    def label(self, code: str) -> str:
        return next((label for c, label, _ in self.levels if c == code), code) if code else NOT_RATED

    def colour(self, code: str) -> str:
        return next((colour for c, _, colour in self.levels if c == code), "")


@dataclass(frozen=True)
class Finding:
    section: str
    theme: str
    question: str
    agency: str
    text: str
    report_id: str
    case_reference: str = ""


NOT_MODERATED = "Not moderated"


@dataclass(frozen=True)
class ActionEntry:
    """One action of a return. `status` is its latest status (label) at the register's date:
    from the newest progress update reported by then, else as written in the return
    (`return_status`); `status_from` says which (``the return``, or ``update of 28 Nov 2026``).
    `index` is the action's position in the return's actions list (what updates name)."""

    action: str
    measure: str
    owner: str
    due: str
    status: str
    overdue: bool
    agency: str
    section: str
    report_id: str
    return_id: str
    case_reference: str = ""
    index: int = 0
    status_code: str = ""
    return_status: str = ""
    status_from: str = FROM_RETURN
    update_note: str = ""
    updated: str = ""
    reported_by: str = ""
    updates: int = 0


@dataclass(frozen=True)
class ReturnRow:
    """One return as the returns sheet lists it (codes and labels)."""

    return_id: str
    report_id: str
    template_id: str
    template_title: str
    template_version: str
    agency: str
    round_id: str
    round_title: str
    phase: str
    locality: str
    signed_date: str
    overall_code: str
    overall_label: str
    case_reference: str


@dataclass(frozen=True)
class AnswerRow:
    """One answer in long format (an answer per agency in a per-agency section)."""

    report_id: str
    agency: str
    template_id: str
    section_id: str
    question_id: str
    question: str
    about_agency: str
    code: str
    label: str
    polarity: str


@dataclass(frozen=True)
class CodebookRow:
    template_id: str
    question_id: str
    question: str
    type: str
    code: str
    label: str
    polarity: str


@dataclass(frozen=True)
class Analysis:
    """Every figure for the returns one filter keeps (`n_returns` of them)."""

    filter: AnalysisFilter
    n_returns: int
    questions: tuple[QuestionDistribution, ...]
    sections: tuple[GradeDistribution, ...]
    overall: tuple[GradeDistribution, ...]
    agency_overall: tuple[GradeDistribution, ...]
    agency_grades: tuple[GradeDistribution, ...]
    s11: S11Matrix
    findings: tuple[Finding, ...]
    actions: tuple[ActionEntry, ...]
    notes: tuple[str, ...] = ()
    items: tuple[AnalysisReturn, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def returns(self) -> tuple[ReturnRow, ...]:
        """One row per return (made when first asked for: the figures do not need them)."""
        return tuple(_return_row(i) for i in self.items)

    @cached_property
    def answers(self) -> tuple[AnswerRow, ...]:
        """Every answer to a choice question, in long format (made when first asked for)."""
        return tuple(_answers(self.items))

    @cached_property
    def codebook(self) -> tuple[CodebookRow, ...]:
        return tuple(_codebook(self.questions))


# -- computing -------------------------------------------------------------------------------


def _levels(data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    levels = _get(data, "judgements", "levels")
    found = []
    for level in levels if isinstance(levels, list) else []:
        if isinstance(level, dict) and _text(level.get("code")):
            found.append((_text(level.get("code")), _text(level.get("label")), _text(level.get("colour"))))
    return found


class _Tally:
    """Counts per code, with labels and the order codes should be shown in."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.labels: dict[str, str] = {}
        self.polarity: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.n = 0
        self.moderated = 0

    def know(self, code: str, label: str = "", polarity: str = "") -> None:
        if code not in self.counts:
            self.order.append(code)
            self.counts[code] = 0
        if label and not self.labels.get(code):
            self.labels[code] = label
        if polarity and not self.polarity.get(code):
            self.polarity[code] = polarity

    def add(self, code: str, label: str = "") -> None:
        self.know(code, label)
        self.counts[code] += 1

    def result(self) -> tuple[Count, ...]:
        return tuple(
            Count(
                c,
                self.labels.get(c) or code_label(c),
                self.counts[c],
                _percent(self.counts[c], self.n),
                self.polarity.get(c, ""),
            )
            for c in self.order
        )


def code_label(code: str) -> str:
    """A readable name for an answer code no return's data labels (no one chose it):
    ``not_known`` reads ``Not known``."""
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else code


@dataclass
class _QuestionPlan:
    template_id: str
    section_id: str
    section_title: str
    question_id: str
    label: str
    type: str
    tally: _Tally
    declared: bool = False
    polarity_read: bool = False
    good: int = 0
    concern: int = 0


@dataclass(frozen=True)
class _Given:
    """One answer given to a choice question: its codes, printed text and declared polarity."""

    codes: tuple[str, ...]
    display: str
    polarity: str


@dataclass(frozen=True)
class _QuestionFacts:
    """A choice question of one return as the figures need it (read from the data once)."""

    key: tuple[str, str, str]  # template id, section id, question id
    section_title: str
    label: str
    type: str
    levels: tuple[tuple[str, str], ...]  # the judgement scale's levels when it is answered on it
    polarity: tuple[tuple[str, str], ...] | None  # (code, good/concern/neutral), None when not declared
    answers: tuple[_Given, ...]


def _facts(item: AnalysisReturn) -> tuple[_QuestionFacts, ...]:
    levels = tuple((code, label) for code, label, _ in item.levels)
    judged_scale = item.scale
    found = []
    for section in _get(item.data, "sections") or []:
        section_id = _text(section.get("id"))
        for question in section.get("questions") or []:
            kind = _text(question.get("type"))
            if kind not in CHOICE_TYPES and kind != MULTI_CHOICE:
                continue
            scale = _text(question.get("scale")) or (kind if kind in ("grade", "rag") else "")
            declared = question.get("polarity")
            polarity = None
            if isinstance(declared, dict):
                polarity = tuple(
                    (str(code), which) for which in ("good", "concern", "neutral") for code in declared.get(which) or []
                )
            given = []
            for answer in question.get("answers") or []:
                value = answer.get("value")
                if not answer.get("relevant", True) or value in (None, "", []):
                    continue
                codes = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
                given.append(_Given(codes, _text(answer.get("display")), _text(answer.get("polarity"))))
            found.append(
                _QuestionFacts(
                    key=(item.template_id, section_id, _text(question.get("id"))),
                    section_title=_text(section.get("title")),
                    label=_text(question.get("label")),
                    type=kind,
                    levels=levels if scale and scale == judged_scale else (),
                    polarity=polarity,
                    answers=tuple(given),
                )
            )
    return tuple(found)


def _question_plans(items: Sequence[AnalysisReturn]) -> list[_QuestionPlan]:
    plans: dict[tuple[str, str, str], _QuestionPlan] = {}
    for item in items:
        for facts in item.question_facts:
            plan = plans.get(facts.key)
            if plan is None:
                template_id, section_id, question_id = facts.key
                plan = plans[facts.key] = _QuestionPlan(
                    template_id, section_id, facts.section_title, question_id, facts.label, facts.type, _Tally()
                )
                for code, label in facts.levels:
                    plan.tally.know(code, label)
            _count_question(plan, facts)
    return list(plans.values())


def _count_question(plan: _QuestionPlan, facts: _QuestionFacts) -> None:
    """Add one return's answers to a question (one per agency in a per-agency section)."""
    tally = plan.tally
    if facts.polarity is not None and not plan.polarity_read:
        plan.polarity_read = True
        for code, which in facts.polarity:
            tally.know(code, polarity=which)
        # "% good practice" only where some answer is declared good practice or a concern
        plan.declared = any(which != "neutral" for _, which in facts.polarity)
    for given in facts.answers:
        tally.n += 1
        single = len(given.codes) == 1
        for code in given.codes:
            if code in tally.counts:
                tally.counts[code] += 1
                if single and given.display and not tally.labels.get(code):
                    tally.labels[code] = given.display
            else:
                tally.add(code, given.display if single else "")
        if plan.declared:
            plan.good += given.polarity == "good"
            plan.concern += given.polarity == "concern"


def _distribution(plan: _QuestionPlan) -> QuestionDistribution:
    return QuestionDistribution(
        template_id=plan.template_id,
        section_id=plan.section_id,
        section_title=plan.section_title,
        question_id=plan.question_id,
        label=plan.label,
        type=plan.type,
        n=plan.tally.n,
        counts=plan.tally.result(),
        good=plan.good if plan.declared else None,
        concern=plan.concern if plan.declared else None,
    )


def _judged(
    item: AnalysisReturn, scope: str, code: str, label: str, record: ReturnModeration | None
) -> tuple[str, str, bool]:
    """The judgement counted for `scope`: the moderation record's rating when it gives one
    (with its label from the return's scale), else the self-assessed one."""
    given = record.ratings.get(scope, "") if record is not None else ""
    if not given:
        return code, label, False
    return given, next((lvl for c, lvl, _ in item.levels if c == given), given), True


def _grade_tallies(
    items: Sequence[AnalysisReturn],
    moderation: Callable[[str], ReturnModeration | None] | None = None,
) -> tuple[dict[tuple[str, str], tuple[str, str, _Tally]], ...]:
    """(sections, overall, agency overall, agency graded answers): (template, key) -> (title, scale, tally).
    With `moderation`, section and overall judgements count the moderated rating where a
    return's record gives one."""
    sections: dict[tuple[str, str], tuple[str, str, _Tally]] = {}
    overall: dict[tuple[str, str], tuple[str, str, _Tally]] = {}
    agency_overall: dict[tuple[str, str], tuple[str, str, _Tally]] = {}
    agency_grades: dict[tuple[str, str], tuple[str, str, _Tally]] = {}

    def slot(
        table: dict[tuple[str, str], tuple[str, str, _Tally]], item: AnalysisReturn, key: str, title: str
    ) -> _Tally:
        found = table.get((item.template_id, key))
        if found is None:
            tally = _Tally()
            for code, label, _ in item.levels:
                tally.know(code, label)
            found = table[(item.template_id, key)] = (title, item.scale, tally)
        return found[2]

    for item in items:
        record = moderation(item.return_id) if moderation is not None else None
        for section_id, title, agency, self_code, self_label in item.section_judgements:
            tally = slot(sections, item, section_id, title)
            scope = f"{section_id}@{agency}" if agency else section_id
            code, label, moderated = _judged(item, scope, self_code, self_label, record)
            if code:
                tally.n += 1
                tally.moderated += moderated
                tally.add(code, label)
        code, label, moderated = _judged(item, "overall", *item.overall, record)
        for table, key, title in (
            (overall, "overall", item.template_title),
            (agency_overall, item.agency, item.agency),
        ):
            tally = slot(table, item, key, title)
            if code:
                tally.n += 1
                tally.moderated += moderated
                tally.add(code, label)
        tally = slot(agency_grades, item, item.agency, item.agency)
        for level, number in item.grade_counts:
            tally.know(level)
            tally.counts[level] += number
            tally.n += number
    return sections, overall, agency_overall, agency_grades


def _grades(
    table: dict[tuple[str, str], tuple[str, str, _Tally]], *, sort: bool = False, basis: str = ""
) -> tuple[GradeDistribution, ...]:
    keys = sorted(table, key=lambda k: (k[0], k[1].casefold())) if sort else list(table)
    return tuple(
        GradeDistribution(
            template,
            key,
            table[(template, key)][0],
            table[(template, key)][1],
            tally.n,
            tally.result(),
            basis,
            tally.moderated,
        )
        for template, key in keys
        for tally in [table[(template, key)][2]]
    )


def s11_matrix(
    items: Sequence[AnalysisReturn],
    moderated: ModeratedRatings | None = None,
    *,
    history: Sequence[AnalysisReturn] = (),
    round_dates: Mapping[str, str] | None = None,
) -> S11Matrix:
    """The Section 11 matrix of the self-assessment returns among `items`, organisations in
    alphabetical order, then rounds in time order. A standard is a section the return judges, except the
    partnership's own moderation section. Each row's changes are measured against the same
    organisation's return in the previous round among `history` (every trusted return, so a
    filter on one round still finds the round before it); rounds are put in time order by
    `round_order` (`round_dates`: round id -> the partnership profile's period end or deadline)."""
    chosen = [i for i in items if i.kind == SELF_ASSESSMENT_KIND]
    standards: dict[str, str] = {}
    levels: list[tuple[str, str, str]] = []
    for item in (*chosen, *(h for h in history if h.kind == SELF_ASSESSMENT_KIND)):
        for level in item.levels:
            if level[0] not in {c for c, _, _ in levels}:
                levels.append(level)
    labels = {c: label for c, label, _ in levels}
    rank = {c: i for i, (c, _, _) in enumerate(levels)}
    rows: list[tuple[tuple[str, tuple[str, str], str], S11Row]] = []
    for item in chosen:
        for section_id, title, agency, _value, _label in item.section_judgements:
            if section_id != MODERATION_SECTION and not agency:
                standards.setdefault(section_id, title)
    pool = [h for h in history if h.kind == SELF_ASSESSMENT_KIND] or chosen
    order = round_order([*pool, *chosen], round_dates or {})
    by_organisation: dict[str, list[AnalysisReturn]] = {}
    for other in pool:
        by_organisation.setdefault(_organisation_key(other), []).append(other)
    moderated_rows = 0
    for item in chosen:
        record = moderated(item.return_id) if moderated is not None else None
        moderated_rows += record is not None
        row = _s11_row(item, tuple(standards), labels, record)
        previous = _previous_return(item, by_organisation.get(_organisation_key(item), []), order)
        if previous is not None:
            before = _s11_row(previous, tuple(standards), labels, moderated(previous.return_id) if moderated else None)
            row = _with_changes(row, before, previous, rank, labels)
        when = order.get(item.round.id or item.round.title, ("", item.round.label))
        rows.append(((row.organisation.casefold(), when, row.report_id), row))
    ordered = tuple(row for _key, row in sorted(rows, key=lambda pair: pair[0]))
    return S11Matrix(tuple(standards.items()), ordered, tuple(levels), moderated is not None, moderated_rows)


def _s11_row(
    item: AnalysisReturn, standards: tuple[str, ...], labels: Mapping[str, str], record: ReturnModeration | None
) -> S11Row:
    """Every standard in the matrix's order (`Not rated` where the return has none), with the
    moderated rating when the return has a moderation record."""
    ratings: dict[str, tuple[str, str]] = {}
    for section_id, _title, agency, value, label in item.section_judgements:
        if section_id != MODERATION_SECTION and not agency:
            ratings[section_id] = (value, label)

    def cell(scope: str, self_code: str, self_label: str) -> S11Cell:
        shown = self_label or (labels.get(self_code, self_code) if self_code else NOT_RATED)
        if record is None:
            return S11Cell(scope, self_code, shown)
        code = record.ratings.get(scope, "") or self_code
        return S11Cell(scope, self_code, shown, code, labels.get(code, code) if code else "")

    cells = tuple(cell(s, *ratings.get(s, ("", ""))) for s in standards)
    return S11Row(
        organisation=item.agency,
        round=item.round.label,
        report_id=item.report_id,
        return_id=item.return_id,
        cells=cells,
        overall=cell("overall", *item.overall),
        moderation=record.words if record is not None else NOT_MODERATED,
    )


def round_order(items: Iterable[AnalysisReturn], round_dates: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Each round's place in time (round id, else title -> sort key): the round's period end as
    the returns name it, else its period start, else the date the partnership profile gives
    (`round_dates`: period end or deadline), else the earliest signing date of its returns."""
    found: dict[str, tuple[str, str]] = {}
    for item in items:
        info = item.round
        key = info.id or info.title
        if not key:
            continue
        day = info.period_end or info.period_start or round_dates.get(info.id, "") or item.signed_date
        if key not in found or day < found[key][0]:
            found[key] = (day, key)
    return found


def _organisation_key(item: AnalysisReturn) -> str:
    return (item.round.agency or item.agency).casefold()


def _previous_return(
    item: AnalysisReturn, same_organisation: Sequence[AnalysisReturn], order: Mapping[str, tuple[str, str]]
) -> AnalysisReturn | None:
    """The organisation's latest-signed return in the latest round before `item`'s, among
    `same_organisation` (its returns)."""
    mine = order.get(item.round.id or item.round.title)
    if mine is None:
        return None
    earlier = [
        other
        for other in same_organisation
        if other.return_id != item.return_id
        and (place := order.get(other.round.id or other.round.title)) is not None
        and place < mine
    ]
    if not earlier:
        return None
    return max(earlier, key=lambda o: (order[o.round.id or o.round.title], o.signed_at, o.report_id))


def _change(now: str, before: str, rank: Mapping[str, int]) -> str:
    if not before:
        return NEWLY_RATED if now else ""
    if not now:
        return NO_LONGER_RATED
    if now == before:
        return SAME
    if now in rank and before in rank:
        return IMPROVED if rank[now] < rank[before] else DECLINED
    return CHANGED


def _with_changes(
    row: S11Row, before: S11Row, previous: AnalysisReturn, rank: Mapping[str, int], labels: Mapping[str, str]
) -> S11Row:
    earlier = {c.standard_id: c for c in (*before.cells, before.overall)}

    def changed(cell: S11Cell) -> S11Cell:
        old = earlier.get(cell.standard_id)
        was = old.used_code if old is not None else ""
        return replace(cell, change=_change(cell.used_code, was, rank), previous_label=labels.get(was, was))

    return replace(
        row,
        cells=tuple(changed(c) for c in row.cells),
        overall=changed(row.overall),
        previous_round=previous.round.label,
        previous_report_id=previous.report_id,
    )


def finding_theme(question_id: str, question_label: str, section_title: str = "") -> str:
    """``What went well`` or ``What needs to improve`` by the words of the question (then its
    section); else ``Other findings``."""
    for text in (f"{question_id} {question_label}", section_title):
        lowered = text.replace("_", " ").casefold()
        if any(w in lowered for w in _IMPROVE_WORDS):
            return TO_IMPROVE
        if any(w in lowered for w in _WELL_WORDS):
            return WENT_WELL
    return OTHER_FINDINGS


def _return_findings(item: AnalysisReturn) -> list[Finding]:
    found = []
    for entry in _get(item.data, "key_findings") or []:
        section = _text(entry.get("section_title"))
        question = _text(entry.get("question_label")) or _text(entry.get("label"))
        found.append(
            Finding(
                section=section,
                theme=finding_theme(_text(entry.get("question_id")), question, section),
                question=question,
                agency=_text(entry.get("agency_label")) or item.agency,
                text=_text(entry.get("text")),
                report_id=item.report_id,
                case_reference=item.case_reference,
            )
        )
    return found


def _findings(items: Sequence[AnalysisReturn]) -> list[Finding]:
    found = [f for item in items for f in item.findings]
    themes = (WENT_WELL, TO_IMPROVE, OTHER_FINDINGS)
    sections: dict[str, int] = {}
    for f in found:
        sections.setdefault(f.section, len(sections))
    return sorted(found, key=lambda f: (sections[f.section], themes.index(f.theme)))


def _actions(
    items: Sequence[AnalysisReturn], today: dt.date, updates: ActionUpdates | None = None
) -> list[ActionEntry]:
    found = []
    for item in items:
        mine = (updates or {}).get(item.return_id, ())
        for index, (action, measure, owner, due, status, section) in enumerate(item.action_fields):
            newest = latest((u for u in mine if u.action_index == index), today)
            code = newest.status if newest is not None else status
            found.append(
                ActionEntry(
                    action=action,
                    measure=measure,
                    owner=owner,
                    due=due,
                    status=status_label(code),
                    overdue=is_overdue(due, code, today),
                    agency=item.agency,
                    section=section,
                    report_id=item.report_id,
                    return_id=item.return_id,
                    case_reference=item.case_reference,
                    index=index,
                    status_code=code,
                    return_status=status_label(status),
                    status_from=_status_from(newest, item.report_id),
                    update_note=newest.note if newest is not None else "",
                    updated=newest.as_of if newest is not None else "",
                    reported_by=newest.reported_by if newest is not None else "",
                    updates=sum(1 for u in mine if u.action_index == index),
                )
            )
    return sorted(found, key=lambda a: (a.due or "9999", a.agency.casefold(), a.report_id, a.index))


def _status_from(newest: ActionUpdate | None, report_id: str) -> str:
    """``the return``, ``update of 28 Nov 2026``, or for an update recorded on an earlier
    revision, ``update of 28 Nov 2026 (on R-XXXX-XXXX, an earlier revision)``."""
    if newest is None:
        return FROM_RETURN
    words = f"update of {shown_date(newest.as_of)}"
    return words if newest.report_id == report_id else f"{words} (on {newest.report_id}, an earlier revision)"


def _return_row(item: AnalysisReturn) -> ReturnRow:
    info = item.round
    code, label = item.overall
    return ReturnRow(
        return_id=item.return_id,
        report_id=item.report_id,
        template_id=item.template_id,
        template_title=item.template_title,
        template_version=_text(_get(item.data, "template", "version")),
        agency=item.agency,
        round_id=info.id,
        round_title=info.label,
        phase=info.phase,
        locality=info.locality_name,
        signed_date=item.signed_date,
        overall_code=code,
        overall_label=label,
        case_reference=item.case_reference,
    )


def _answers(items: Sequence[AnalysisReturn]) -> list[AnswerRow]:
    rows = []
    for item in items:
        for section in _get(item.data, "sections") or []:
            for question in section.get("questions") or []:
                kind = _text(question.get("type"))
                if kind not in CHOICE_TYPES and kind != MULTI_CHOICE:
                    continue
                for answer in question.get("answers") or []:
                    value = answer.get("value")
                    if not answer.get("relevant", True) or value in (None, "", []):
                        continue
                    code = ";".join(str(v) for v in value) if isinstance(value, list) else str(value)
                    rows.append(
                        AnswerRow(
                            report_id=item.report_id,
                            agency=item.agency,
                            template_id=item.template_id,
                            section_id=_text(section.get("id")),
                            question_id=_text(question.get("id")),
                            question=_text(question.get("label")),
                            about_agency=_text(answer.get("agency_label")),
                            code=code,
                            label=_text(answer.get("display")),
                            polarity=_text(answer.get("polarity")),
                        )
                    )
    return rows


def _codebook(questions: Iterable[QuestionDistribution]) -> list[CodebookRow]:
    return [
        CodebookRow(q.template_id, q.question_id, q.label, q.type, c.code, c.label, c.polarity)
        for q in questions
        for c in q.counts
    ]


def _ordered(items: Iterable[AnalysisReturn]) -> list[AnalysisReturn]:
    return sorted(items, key=lambda i: (i.signed_at, i.report_id, i.return_id))


def analyse(
    items: Iterable[AnalysisReturn],
    analysis_filter: AnalysisFilter | None = None,
    *,
    today: dt.date,
    moderated: ModeratedRatings | None = None,
    basis: str = MODERATED_WHERE_RECORDED,
    updates: ActionUpdates | None = None,
    round_dates: Mapping[str, str] | None = None,
) -> Analysis:
    """Every figure for the returns among `items` that `analysis_filter` keeps (`items` must
    already be trusted, latest revisions only). `today` decides which actions are overdue and
    which progress updates count; `basis` whether judgements count moderated ratings where a
    record gives one (`MODERATED_WHERE_RECORDED`) or the self-assessments only (`SELF_ASSESSED`);
    `round_dates` (round id -> period end or deadline) orders rounds for the Section 11 changes."""
    if basis not in BASES:
        raise ValueError(f"count judgements as {' or '.join(BASES)}, not {basis!r}")
    every = list(items)
    chosen = analysis_filter or AnalysisFilter()
    kept = _ordered(i for i in every if chosen.matches(i))
    questions = tuple(_distribution(p) for p in _question_plans(kept))
    counting = moderated if basis == MODERATED_WHERE_RECORDED else None
    sections, overall, agency_overall, agency_grades = _grade_tallies(kept, counting)
    matrix = s11_matrix(kept, moderated, history=every, round_dates=round_dates)
    notes = []
    if matrix.rows and not matrix.moderation_available:
        notes.append("No moderation records are available, so the moderated ratings are left empty.")
    elif matrix.rows and not matrix.moderated_rows:
        notes.append("No Section 11 return here has a moderation record yet, so the moderated ratings are empty.")
    judged = basis if moderated is not None else SELF_ASSESSED
    if any(i.overall[0] or i.section_judgements for i in kept):
        moderated_count = sum(t.moderated for table in (sections, overall) for _, _, t in table.values())
        notes.append(_basis_note(judged, moderated_count))
    templates = {i.template_id for i in kept}
    if len(templates) > 1:
        notes.append(
            f"The returns use {len(templates)} templates; each question and judgement is counted within its template."
        )
    return Analysis(
        filter=chosen,
        n_returns=len(kept),
        questions=questions,
        sections=_grades(sections, basis=judged),
        overall=_grades(overall, basis=judged),
        agency_overall=_grades(agency_overall, sort=True, basis=judged),
        agency_grades=_grades(agency_grades, sort=True),
        s11=matrix,
        findings=tuple(_findings(kept)),
        actions=tuple(_actions(kept, today, updates)),
        notes=tuple(notes),
        items=tuple(kept),
    )


def _basis_note(basis: str, moderated: int) -> str:
    if basis == SELF_ASSESSED:
        return "Section and overall judgements count the self-assessments only."
    return (
        "Section and overall judgements count the moderated rating where a moderation record gives one, "
        f"else the self-assessment ({moderated} judgement(s) moderated)."
    )


# -- comparisons -----------------------------------------------------------------------------

ROUND = "round"
LOCALITY = "locality"


@dataclass(frozen=True)
class ComparisonRow:
    """One figure for both groups: `what` is the question (or judgement) and `answer` the code's
    label, or ``Good practice`` / ``Concern`` for a question's declared polarity. Percentages
    are of each group's own n; `difference` is B minus A in percentage points (None when either
    group has no n)."""

    what: str
    answer: str
    a_count: int
    a_n: int
    b_count: int
    b_n: int

    @property
    def a_percent(self) -> float | None:
        return _percent(self.a_count, self.a_n)

    @property
    def b_percent(self) -> float | None:
        return _percent(self.b_count, self.b_n)

    @property
    def difference(self) -> float | None:
        a, b = self.a_percent, self.b_percent
        return None if a is None or b is None else round(b - a, 1)


@dataclass(frozen=True)
class Comparison:
    dimension: str
    a: str
    b: str
    a_returns: int
    b_returns: int
    rows: tuple[ComparisonRow, ...]


def _group_filter(base: AnalysisFilter, dimension: str, value: str) -> AnalysisFilter:
    if dimension == ROUND:
        return replace(base, rounds=(value,))
    if dimension == LOCALITY:
        return replace(base, locality=value)
    raise ValueError(f"cannot compare by {dimension!r}: choose round or locality")


def compare(
    items: Sequence[AnalysisReturn],
    base: AnalysisFilter,
    dimension: str,
    a: str,
    b: str,
    *,
    today: dt.date,
    moderated: ModeratedRatings | None = None,
    basis: str = MODERATED_WHERE_RECORDED,
) -> Comparison:
    """Two groups side by side (two rounds, or two localities) under the same other filters
    (judgements counted on the same `basis`)."""
    first = analyse(items, _group_filter(base, dimension, a), today=today, moderated=moderated, basis=basis)
    second = analyse(items, _group_filter(base, dimension, b), today=today, moderated=moderated, basis=basis)
    rows: list[ComparisonRow] = []

    def pair(what: str, left: Sequence[Count], ln: int, right: Sequence[Count], rn: int) -> None:
        by_code = {c.code: c for c in right}
        seen = set()
        for c in left:
            other = by_code.get(c.code)
            rows.append(ComparisonRow(what, c.label, c.count, ln, other.count if other else 0, rn))
            seen.add(c.code)
        for c in right:
            if c.code not in seen:
                rows.append(ComparisonRow(what, c.label, 0, ln, c.count, rn))

    overall_b = {g.template_id: g for g in second.overall}
    for g in first.overall:
        other = overall_b.get(g.template_id)
        pair(f"Overall judgement ({g.title})", g.counts, g.n, other.counts if other else (), other.n if other else 0)
    questions_b = {q.key: q for q in second.questions}
    for q in first.questions:
        other_q = questions_b.get(q.key)
        if q.good is not None:
            rows.append(
                ComparisonRow(
                    q.label,
                    "Good practice",
                    q.good,
                    q.n,
                    (other_q.good or 0) if other_q else 0,
                    other_q.n if other_q else 0,
                )
            )
            rows.append(
                ComparisonRow(
                    q.label,
                    "Concern",
                    q.concern or 0,
                    q.n,
                    (other_q.concern or 0) if other_q else 0,
                    other_q.n if other_q else 0,
                )
            )
        pair(q.label, q.counts, q.n, other_q.counts if other_q else (), other_q.n if other_q else 0)
    known = {q.key for q in first.questions}
    for q in second.questions:
        if q.key not in known:
            if q.good is not None:
                rows.append(ComparisonRow(q.label, "Good practice", 0, 0, q.good, q.n))
                rows.append(ComparisonRow(q.label, "Concern", 0, 0, q.concern or 0, q.n))
            pair(q.label, (), 0, q.counts, q.n)
    return Comparison(dimension, a, b, first.n_returns, second.n_returns, tuple(rows))


# -- small-number suppression ----------------------------------------------------------------


def suppressed_mask(counts: Sequence[int], *, threshold: int = SUPPRESSION_THRESHOLD) -> list[bool]:
    """Which counts to hide: every count from 1 to threshold-1, and, when exactly one count is
    hidden, the next smallest non-zero count too (so the hidden one cannot be worked out by
    subtracting the others from the total). Zero is shown: it reveals no one."""
    mask = [0 < c < threshold for c in counts]
    if sum(mask) == 1:
        rest = [(c, i) for i, c in enumerate(counts) if not mask[i] and c > 0]
        if rest:
            mask[min(rest)[1]] = True
    return mask


def shown(count: int | None, hidden: bool) -> str | int | None:
    """A count as an aggregate output shows it."""
    if count is None:
        return None
    return SUPPRESSED if hidden else count


def shown_n(n: int, suppress: bool) -> str | int:
    """A total (n): hidden when from 1 to 4 and suppression is on."""
    return SUPPRESSED if suppress and 0 < n < SUPPRESSION_THRESHOLD else n
