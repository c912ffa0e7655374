"""The change history as people read it: question, section, agency names, before and after.

The vault keeps an exact, hash-chained log (`core.history.HistoryEntry`, JSON values, field
names such as ``answer:q3@police``). This module turns it into `ChangeLine` values for the
screen: labels from the audit's frozen template, answers written the way the report writes
them (`report_data.display_value`), agency names instead of codes.

Rules that keep the list readable without losing anything that matters:

- the answers a new audit or a new revision starts with (written in the same commit as the
  ``created`` entry) are counted, not listed: a revision's copied answers are not changes;
- consecutive saves of the same field by the same person within `MERGE_WINDOW` (autosave
  while typing) become one line from the first "before" to the last "after"; a net no-op
  disappears;
- the list column ``judgement`` (worked out again from the answers after each save) is not
  listed; overrides, which people choose, are.

For a revision, `amendments` compares it with the previous revision (value and evidence, as
completion does) and gives each change its recorded reason: the PDF's "Changes in this
revision" table. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lscp_audit.core.actions import link_label
from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.history import HistoryEntry
from lscp_audit.core.report_data import NOT_ANSWERED, agency_label, display_value, format_date
from lscp_audit.core.templates.model import Question, QuestionType, SubjectField, Template
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS, SCALE_LABELS

MERGE_WINDOW = dt.timedelta(minutes=15)
CASE_DETAILS = "Case details"
AUDIT = "Audit"
NO_REASON = "No reason given yet"

_STATUS_WORDS = {"draft": "Draft", "complete": "Complete", "signed": "Signed", "amended": "Amended"}
_HIDDEN_FIELDS = frozenset({"judgement", "case_reference"})  # derived, or repeated in "subject"


@dataclass(frozen=True)
class ChangeLine:
    """One readable change. `at` is the ISO time of the (last) save; `reason` is set for
    answers changed in an amendment (empty when none was given)."""

    at: str
    who: str
    what: str
    section: str = ""
    agency: str = ""
    before: str = ""
    after: str = ""
    reason: str = ""

    @property
    def question(self) -> str:
        """What changed, with the agency in brackets (as the PDF writes it)."""
        return f"{self.what} ({self.agency})" if self.agency else self.what


@dataclass(frozen=True)
class ChangeHistory:
    """An audit revision's history for people: `lines` oldest first; `amendments` (revision 2
    onwards) the answers that differ from the previous revision, in template order."""

    title: str
    revision: int
    lines: tuple[ChangeLine, ...]
    amendments: tuple[ChangeLine, ...] = ()
    carried_over: int = 0
    previous_revision: int | None = None


def readable_history(
    entries: Sequence[HistoryEntry], template: Template, record: AuditRecord, previous: AuditRecord | None = None
) -> ChangeHistory:
    """The readable history of `record` from its log `entries` (see the module docstring)."""
    formatter = _Formatter(template)
    lines: list[ChangeLine] = []
    starting: list[HistoryEntry] = []
    created_at: str | None = None
    changes: list[HistoryEntry] = []
    for entry in entries:
        if entry.field == "created":
            created_at = entry.at
            lines.append(formatter.created(entry, record))
        elif created_at is not None and entry.at == created_at and entry.field.startswith("answer:"):
            starting.append(entry)  # written with the audit: the answers it starts with
        elif entry.field not in _HIDDEN_FIELDS:
            if changes and _mergeable(changes[-1], entry):
                entry = replace(entry, old_value=changes.pop().old_value)
            changes.append(entry)
    for entry in changes:
        lines.extend(formatter.lines(entry))
    if starting and lines and created_at is not None:
        lines[0] = formatter.created_with(lines[0], len(starting), record, previous)
    kept = tuple(line for line in lines if line.before != line.after)
    return ChangeHistory(
        title=record.title or template.title,
        revision=record.revision,
        lines=kept,
        amendments=amendments(record, previous, template) if previous is not None else (),
        carried_over=len(starting) if record.previous_revision_id else 0,
        previous_revision=previous.revision if previous is not None else None,
    )


def amendments(record: AuditRecord, previous: AuditRecord, template: Template) -> tuple[ChangeLine, ...]:
    """Answers of `record` that differ (value or evidence) from `previous`, with their reasons."""
    formatter = _Formatter(template)
    before, after = previous.answer_map(), record.answer_map()
    order = {q.id: i for i, q in enumerate(template.all_questions())}
    keys = sorted(set(before) | set(after), key=lambda k: (order.get(k[0], len(order)), k[1]))
    changes = []
    for question_id, agency in keys:
        old, new = before.get((question_id, agency)), after.get((question_id, agency))
        if _comparable(old) == _comparable(new):
            continue
        show_evidence = (old.evidence if old else "") != (new.evidence if new else "")
        key = f"{question_id}@{agency}" if agency else question_id
        changes.append(
            ChangeLine(
                at=record.updated_at,
                who=record.auditor.name,
                what=formatter.question_label(question_id),
                section=formatter.section_title(question_id),
                agency=agency_label(template, agency) if agency else "",
                before=formatter.answer_text(question_id, old, show_evidence),
                after=formatter.answer_text(question_id, new, show_evidence),
                reason=record.amendment_reasons.get(key, ""),
            )
        )
    return tuple(changes)


def _comparable(answer: Answer | None) -> tuple[Any, str] | None:
    if answer is None or answer.value is None:
        return None
    return (answer.value, answer.evidence)


def _mergeable(earlier: HistoryEntry, later: HistoryEntry) -> bool:
    """Autosaves of one answer by one person in quick succession read as one change."""
    if earlier.field != later.field or not later.field.startswith("answer:") or earlier.actor != later.actor:
        return False
    try:
        gap = dt.datetime.fromisoformat(later.at) - dt.datetime.fromisoformat(earlier.at)
    except ValueError:
        return False
    return gap <= MERGE_WINDOW


class _Formatter:
    """Turns one log entry into readable lines, with the template's labels."""

    created_label = "Audit started"

    def __init__(self, template: Template) -> None:
        self.template = template

    # -- labels ----------------------------------------------------------------------------
    def question(self, question_id: str) -> Question | None:
        try:
            return self.template.question(question_id)
        except KeyError:
            return None

    def question_label(self, question_id: str) -> str:
        question = self.question(question_id)
        return question.label if question is not None else question_id

    def section_title(self, question_id: str) -> str:
        try:
            return self.template.section_of(question_id).title
        except KeyError:
            return ""

    def scope_title(self, scope: str) -> str:
        if scope == "overall":
            return "Overall judgement"
        try:
            return self.template.section(scope).title
        except KeyError:
            return scope

    # -- entries ---------------------------------------------------------------------------
    def created(self, entry: HistoryEntry, record: AuditRecord) -> ChangeLine:
        text = f"From the template {self.template.title}, version {self.template.version}"
        if record.previous_revision_id:
            text = f"Revision {record.revision}, amending revision {record.revision - 1}"
        return ChangeLine(entry.at, entry.actor, self.created_label, AUDIT, after=text)

    def created_with(
        self, line: ChangeLine, count: int, record: AuditRecord, previous: AuditRecord | None
    ) -> ChangeLine:
        plural = "answer" if count == 1 else "answers"
        if record.previous_revision_id:
            note = f"{count} {plural} carried over (not listed as changes)"
        else:
            note = f"started with {count} {plural}"
        return replace(line, after=f"{line.after}; {note}")

    def lines(self, entry: HistoryEntry) -> list[ChangeLine]:
        kind, _, rest = entry.field.partition(":")
        old, new = _loads(entry.old_value), _loads(entry.new_value)
        if kind == "answer":
            return [self.answer_line(entry, rest, old, new)]
        if entry.field == "subject":
            return self.subject_lines(entry, old, new)
        if entry.field == "amendment_reasons":
            return self.reason_lines(entry, old, new)
        if entry.field == "overrides":
            return [self._line(entry, "Judgement overrides", self.overrides_text(old), self.overrides_text(new))]
        if entry.field == "status":
            return [self._line(entry, "Status", _status(old), _status(new))]
        if entry.field == "completed_at":
            return [self._line(entry, "Completed on", format_date(old) if old else "", format_date(new))]
        if entry.field == "title":
            return [self._line(entry, "Audit title", str(old or ""), str(new or ""))]
        label = entry.field.replace("_", " ").capitalize()
        return [self._line(entry, label, _plain(old), _plain(new))]

    @staticmethod
    def _line(entry: HistoryEntry, what: str, before: str, after: str, section: str = AUDIT) -> ChangeLine:
        return ChangeLine(entry.at, entry.actor, what, section, before=before, after=after)

    def answer_line(self, entry: HistoryEntry, key: str, old: Any, new: Any) -> ChangeLine:
        question_id, _, agency = key.partition("@")
        old_answer, new_answer = _answer(question_id, agency, old), _answer(question_id, agency, new)
        value_same = (old_answer.value if old_answer else None) == (new_answer.value if new_answer else None)
        show_evidence = (old_answer.evidence if old_answer else "") != (new_answer.evidence if new_answer else "")
        show_reason = (old_answer.warning_reason if old_answer else None) != (
            new_answer.warning_reason if new_answer else None
        )
        return ChangeLine(
            at=entry.at,
            who=entry.actor,
            what=self.question_label(question_id),
            section=self.section_title(question_id),
            agency=agency_label(self.template, agency) if agency else "",
            before=self.answer_text(question_id, old_answer, show_evidence, show_reason, value=not value_same),
            after=self.answer_text(question_id, new_answer, show_evidence, show_reason, value=not value_same),
        )

    def answer_text(
        self,
        question_id: str,
        answer: Answer | None,
        evidence: bool = False,
        warning_reason: bool = False,
        *,
        value: bool = True,
    ) -> str:
        """The answer as the report writes it; evidence and the warning reason when asked for."""
        parts = []
        if value or not (evidence or warning_reason):
            parts.append(self.value_text(self.question(question_id), answer.value if answer else None))
        if evidence:
            parts.append("Evidence: " + ((answer.evidence if answer else "") or "none"))
        if warning_reason:
            parts.append("Reason for the warning: " + ((answer.warning_reason if answer else None) or "none"))
        return "\n".join(parts)

    def value_text(self, question: Question | None, value: Any) -> str:
        if question is not None and question.type == QuestionType.ACTIONS and isinstance(value, list) and value:
            return "\n".join(f"{i}. {self.action_text(a)}" for i, a in enumerate(value, 1))
        return display_value(question, value)

    def action_text(self, action: Any) -> str:
        if not isinstance(action, Mapping):
            return str(action)
        owner = str(action.get("owner_agency") or "")
        owner = agency_label(self.template, owner) if owner else ""
        details = [
            ", ".join(p for p in (owner, str(action.get("owner_role") or "")) if p),
            f"due {format_date(str(action['due']))}" if action.get("due") else "",
            next((o.label for o in ACTION_STATUS_OPTIONS if o.code == action.get("status")), ""),
            f"measure: {action['measure']}" if action.get("measure") else "",
            f"answers: {link_label(self.template, str(action['link']))}" if action.get("link") else "",
        ]
        extra = "; ".join(d for d in details if d)
        text = str(action.get("action") or "(no action text yet)")
        return f"{text} ({extra})" if extra else text

    def subject_lines(self, entry: HistoryEntry, old: Any, new: Any) -> list[ChangeLine]:
        old_map = old if isinstance(old, Mapping) else {}
        new_map = new if isinstance(new, Mapping) else {}
        lines = []
        fields = {f.id: f for f in self.template.subject_fields}
        for key in [*fields, *sorted(set(old_map) | set(new_map) - set(fields))]:
            if old_map.get(key) == new_map.get(key):
                continue
            spec = fields.get(key)
            question = _subject_question(spec) if spec is not None else None
            label = spec.label if spec is not None else key.replace("_", " ").capitalize()
            before = display_value(question, old_map.get(key))
            after = display_value(question, new_map.get(key))
            lines.append(self._line(entry, label, before, after, CASE_DETAILS))
        return lines

    def reason_lines(self, entry: HistoryEntry, old: Any, new: Any) -> list[ChangeLine]:
        old_map = old if isinstance(old, Mapping) else {}
        new_map = new if isinstance(new, Mapping) else {}
        lines = []
        for key in sorted(set(old_map) | set(new_map)):
            if old_map.get(key) == new_map.get(key):
                continue
            question_id, _, agency = str(key).partition("@")
            lines.append(
                ChangeLine(
                    at=entry.at,
                    who=entry.actor,
                    what="Reason for changing: " + self.question_label(question_id),
                    section=self.section_title(question_id),
                    agency=agency_label(self.template, agency) if agency else "",
                    before=str(old_map.get(key) or NO_REASON),
                    after=str(new_map.get(key) or NO_REASON),
                )
            )
        return lines

    def overrides_text(self, value: Any) -> str:
        if not isinstance(value, list) or not value:
            return "None"
        lines = []
        for item in value:
            if not isinstance(item, Mapping):
                continue
            scope = self.scope_title(str(item.get("scope", "")))
            agency = str(item.get("agency") or "")
            if agency:
                scope += f" ({agency_label(self.template, agency)})"
            grade = _judgement_word(str(item.get("value", "")), self.template)
            rationale = str(item.get("rationale") or "")
            lines.append(f"{scope}: {grade}" + (f", because {rationale}" if rationale else ""))
        return "\n".join(lines) or "None"


def _loads(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _answer(question_id: str, agency: str, payload: Any) -> Answer | None:
    if not isinstance(payload, Mapping) or payload.get("value") is None:
        return None
    return Answer(
        question_id,
        payload.get("value"),
        agency=agency or None,
        evidence=str(payload.get("evidence") or ""),
        warning_reason=payload.get("warning_reason"),
    )


def _subject_question(spec: SubjectField) -> Question:
    return Question(spec.id, spec.type, spec.label, options=spec.options)


def _status(value: Any) -> str:
    return _STATUS_WORDS.get(str(value), str(value or "").replace("_", " ").capitalize())


def _judgement_word(code: str, template: Template | None = None) -> str:
    scale = template.judgement_scale if template is not None else None
    if scale is not None and code in scale.labels:
        return scale.labels[code]
    for labels in SCALE_LABELS.values():
        if code in labels:
            return labels[code]
    return code.replace("_", " ").capitalize()


def _plain(value: Any) -> str:
    if value is None or value == "":
        return NOT_ANSWERED
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
