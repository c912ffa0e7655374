"""The multi-agency case view: the returns for one case reference (and round) side by side.

Pure functions of the returns' embedded report data (see docs/report-data-schema.md): every
return is a column, labelled with its agency; every question is a row (a per-agency section has
one row per question and agency answered), so the case discussion reads question by question and
agency by agency. Each return's overall and section judgements are rows of their own, and the
key findings and actions of every return are gathered (each marked with its agency).

Questions are matched by section id and question id, so returns on different versions of a
template still line up; `CaseView.notes` says when the templates differ. A cell a return does
not fill says so (``Not in this return``) rather than staying blank. `CaseView.moderation` holds
the QA moderation of each return (filled in by the service that checks the signed records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.report_data import NOT_APPLICABLE

NOT_IN_RETURN = "Not in this return"
NO_JUDGEMENT = "No judgement"


@dataclass(frozen=True)
class CaseReturn:
    """One trusted return going into the view: its listing details and its report data."""

    return_id: str
    report_id: str
    signer: str
    signed_at: str
    data: dict[str, Any]
    round_id: str = ""  # the partnership round the inbox filed it under ("" when none)


@dataclass(frozen=True)
class CaseColumn:
    """One return: `agency` heads its column (the auditor's agency, else the signer)."""

    return_id: str
    report_id: str
    agency: str
    auditor: str
    signer: str
    signed_at: str
    template: str
    overall_label: str
    overall_code: str
    marking: str


@dataclass(frozen=True)
class CaseCell:
    """One return's answer to one question: the printed answer, its evidence and any warning
    the auditor acknowledged (with their reason); `note` says why a judgement was set by hand.
    `present` is False when the return does not
    hold the question (another template version, or an agency it does not cover)."""

    display: str
    evidence: str = ""
    warning: str = ""
    present: bool = True
    code: str = ""
    note: str = ""

    @property
    def text(self) -> str:
        """The cell as one plain text (answer, then evidence, the warning and any note)."""
        parts = [self.display]
        if self.evidence:
            parts.append(f"Evidence: {self.evidence}")
        parts += [p for p in (self.warning, self.note) if p]
        return "\n".join(parts)


@dataclass(frozen=True)
class CaseRow:
    """A question (and, in a per-agency section, the agency it is about) with one cell per column.
    `judgement` rows carry a section's judgement instead of an answer."""

    key: str
    label: str
    cells: tuple[CaseCell, ...]
    agency_label: str = ""
    judgement: bool = False

    @property
    def differs(self) -> bool:
        """True when the returns that answer this row do not all give the same answer."""
        given = {c.code or c.display for c in self.cells if c.present and c.display != NOT_APPLICABLE}
        return len(given) > 1


@dataclass(frozen=True)
class CaseSection:
    section_id: str
    title: str
    rows: tuple[CaseRow, ...]


@dataclass(frozen=True)
class CaseFinding:
    """A key finding of one return: `title` is the question (or section) it answers."""

    title: str
    agency: str
    text: str
    about: str = ""


@dataclass(frozen=True)
class CaseAction:
    agency: str
    action: str
    owner: str
    due: str
    status: str
    section: str


@dataclass(frozen=True)
class ModeratedRating:
    """One judgement a moderator changed: the return's own rating and the moderated one."""

    title: str
    self_label: str
    moderated_label: str
    rationale: str


@dataclass(frozen=True)
class CaseModeration:
    """The newest QA moderation record of one return in the view. `agency` is the return's
    column label; `moderated_at` is ISO 8601; `verified` and `verification` say whether the
    signed record checks out now against the moderators this vault trusts."""

    agency: str
    report_id: str
    outcome: str
    moderator: str
    moderated_at: str
    rationale: str
    verified: bool
    verification: str
    ratings: tuple[ModeratedRating, ...] = ()


@dataclass(frozen=True)
class CaseView:
    """The returns of one case (and round), side by side. `template_title` names the template
    (the first return's when they differ; `notes` then says so)."""

    case_reference: str
    round: str
    template_title: str
    columns: tuple[CaseColumn, ...]
    overall: CaseRow
    sections: tuple[CaseSection, ...]
    findings: tuple[CaseFinding, ...]
    actions: tuple[CaseAction, ...]
    notes: tuple[str, ...] = ()
    moderation: tuple[CaseModeration, ...] = ()

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(c.agency for c in self.columns)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def round_of(data: dict[str, Any]) -> str:
    """The audit round a return names in its subject (``audit_round``), or ""."""
    return _text(_get(data, "subject", "audit_round")).strip()


def case_reference_of(data: dict[str, Any]) -> str:
    return _text(_get(data, "subject", "case_reference")).strip()


def agency_of(item: CaseReturn) -> str:
    """Who a return speaks for: the auditor's agency, else the auditor, else the signer."""
    return (
        _text(_get(item.data, "auditor", "agency")).strip()
        or _text(_get(item.data, "auditor", "name")).strip()
        or item.signer
        or item.report_id
    )


def _column(item: CaseReturn, agency: str) -> CaseColumn:
    data = item.data
    template = _get(data, "template") or {}
    title = _text(template.get("title")) or _text(template.get("id"))
    version = _text(template.get("version"))
    return CaseColumn(
        return_id=item.return_id,
        report_id=item.report_id,
        agency=agency,
        auditor=_text(_get(data, "auditor", "name")),
        signer=item.signer,
        signed_at=item.signed_at,
        template=f"{title} (version {version})" if version else title,
        overall_label=_text(_get(data, "judgements", "overall", "label")) or NO_JUDGEMENT,
        overall_code=_text(_get(data, "judgements", "overall", "value")),
        marking=_text(_get(data, "report", "marking")),
    )


def _unique_labels(items: Sequence[CaseReturn]) -> list[str]:
    """Column labels: the agency, with the report id added where two returns share an agency."""
    labels = [agency_of(i) for i in items]
    return [
        f"{label} ({item.report_id})" if labels.count(label) > 1 else label
        for label, item in zip(labels, items, strict=True)
    ]


def _cell(answer: dict[str, Any] | None) -> CaseCell:
    if answer is None:
        return CaseCell(NOT_IN_RETURN, present=False)
    if not answer.get("relevant", True):
        return CaseCell(NOT_APPLICABLE)
    warning = ""
    if answer.get("warning_reason"):
        message = _text(answer.get("warning_message")) or "A warning was shown"
        warning = f"Warning acknowledged: {message}. Reason: {_text(answer.get('warning_reason'))}"
    value = answer.get("value")
    code = value if isinstance(value, str) else ""
    return CaseCell(_text(answer.get("display")), _text(answer.get("evidence")), warning, True, code)


def _row_key(section_id: str, question_id: str, agency: str) -> str:
    return f"{section_id}/{question_id}@{agency}" if agency else f"{section_id}/{question_id}"


@dataclass
class _RowPlan:
    key: str
    label: str
    agency_label: str
    answers: dict[int, dict[str, Any]]


@dataclass
class _SectionPlan:
    section_id: str
    title: str
    rows: dict[str, _RowPlan]
    judgements: dict[str, dict[int, dict[str, Any]]]
    judgement_labels: dict[str, str]


def _plan_sections(items: Sequence[CaseReturn]) -> list[_SectionPlan]:
    """Every section and question of every return, in the order they first appear."""
    plans: dict[str, _SectionPlan] = {}
    for column, item in enumerate(items):
        for section in _get(item.data, "sections") or []:
            section_id = _text(section.get("id"))
            plan = plans.setdefault(section_id, _SectionPlan(section_id, _text(section.get("title")), {}, {}, {}))
            for question in section.get("questions") or []:
                for answer in question.get("answers") or []:
                    agency = _text(answer.get("agency"))
                    key = _row_key(section_id, _text(question.get("id")), agency)
                    row = plan.rows.setdefault(
                        key,
                        _RowPlan(key, _text(question.get("label")), _text(answer.get("agency_label")) or agency, {}),
                    )
                    row.answers[column] = answer
        for entry in _get(item.data, "judgements", "sections") or []:
            section_id = _text(entry.get("section_id"))
            plan = plans.setdefault(section_id, _SectionPlan(section_id, _text(entry.get("title")), {}, {}, {}))
            agency = _text(entry.get("agency"))
            plan.judgements.setdefault(agency, {})[column] = entry
            plan.judgement_labels[agency] = _text(entry.get("agency_label")) or agency
    return list(plans.values())


def _judgement_cell(entry: dict[str, Any] | None) -> CaseCell:
    if entry is None:
        return CaseCell(NOT_IN_RETURN, present=False)
    label = _text(entry.get("label")) or NO_JUDGEMENT
    rationale = _text(entry.get("rationale"))
    note = f"Set by the auditor: {rationale}" if entry.get("overridden") and rationale else ""
    return CaseCell(label, code=_text(entry.get("value")), note=note)


def _section(plan: _SectionPlan, count: int) -> CaseSection:
    rows: list[CaseRow] = []
    for agency, by_column in plan.judgements.items():
        label = plan.judgement_labels.get(agency, "")
        rows.append(
            CaseRow(
                key=f"{plan.section_id}/judgement@{agency}" if agency else f"{plan.section_id}/judgement",
                label="Section judgement",
                cells=tuple(_judgement_cell(by_column.get(c)) for c in range(count)),
                agency_label=label,
                judgement=True,
            )
        )
    for row in plan.rows.values():
        rows.append(
            CaseRow(row.key, row.label, tuple(_cell(row.answers.get(c)) for c in range(count)), row.agency_label)
        )
    return CaseSection(plan.section_id, plan.title, tuple(rows))


def _findings(items: Sequence[CaseReturn], labels: Sequence[str]) -> list[CaseFinding]:
    found: list[CaseFinding] = []
    for item, agency in zip(items, labels, strict=True):
        for finding in _get(item.data, "key_findings") or []:
            title = _text(finding.get("question_label")) or _text(finding.get("label"))
            section = _text(finding.get("section_title"))
            about = _text(finding.get("agency_label"))
            found.append(
                CaseFinding(f"{section}: {title}" if section else title, agency, _text(finding.get("text")), about)
            )
    order = {f.title: n for n, f in reversed(list(enumerate(found)))}
    return sorted(found, key=lambda f: order[f.title])  # grouped by finding, returns in column order


def _actions(items: Sequence[CaseReturn], labels: Sequence[str]) -> list[CaseAction]:
    found: list[CaseAction] = []
    for item, agency in zip(items, labels, strict=True):
        for action in _get(item.data, "actions") or []:
            owner = ", ".join(v for v in (_text(action.get("owner_agency")), _text(action.get("owner_role"))) if v)
            found.append(
                CaseAction(
                    agency=agency,
                    action=_text(action.get("action")),
                    owner=owner,
                    due=_text(action.get("due")),
                    status=_text(action.get("status")),
                    section=_text(action.get("section_title")),
                )
            )
    return found


def _notes(items: Sequence[CaseReturn]) -> list[str]:
    templates = []
    for item in items:
        key = (_text(_get(item.data, "template", "id")), _text(_get(item.data, "template", "version")))
        if key not in templates:
            templates.append(key)
    if len(templates) > 1:
        named = ", ".join(f"{t} version {v}" for t, v in templates)
        return [f"The returns use different templates or versions ({named}); questions are matched by their ids."]
    return []


def build_case_view(
    items: Sequence[CaseReturn], *, case_reference: str = "", round_label: str = "", notes: Sequence[str] = ()
) -> CaseView:
    """The side-by-side view of `items` (in the order given: one column each)."""
    labels = _unique_labels(items)
    count = len(items)
    columns = tuple(_column(item, label) for item, label in zip(items, labels, strict=True))
    overall = CaseRow(
        key="overall",
        label="Overall judgement",
        cells=tuple(_judgement_cell(_get(i.data, "judgements", "overall")) for i in items),
        judgement=True,
    )
    first = items[0].data if items else {}
    return CaseView(
        case_reference=case_reference or (case_reference_of(first) if items else ""),
        round=round_label,
        template_title=_text(_get(first, "template", "title")),
        columns=columns,
        overall=overall,
        sections=tuple(_section(plan, count) for plan in _plan_sections(items)),
        findings=tuple(_findings(items, labels)),
        actions=tuple(_actions(items, labels)),
        notes=(*_notes(items), *notes),
    )
