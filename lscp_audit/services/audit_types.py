"""Plain, frozen values that `AuditService` takes and returns (no ORM rows, no Qt).

The GUI and the CLI build on these types only. Audit content types (`AuditRecord`, `Answer`,
`AuditSummary`, ...) come from `lscp_audit.core.audit`; the values here describe use-case
inputs and results: list filters, subject checks, progress, missing answers, judgements,
amendment changes. `AuditFilter`, `AuditPage`, `AuditSort` (core.audit_query) and
`HistoryEntry` (core.history) are re-exported so callers import everything from one place. It also holds the service-level errors, all
`LscpAuditError` subclasses whose messages name question ids, never answer text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lscp_audit.core.audit import AuditRecord, AuditStatus
from lscp_audit.core.audit_query import AuditFilter, AuditPage, AuditSort
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.core.history import HistoryEntry
from lscp_audit.core.templates.model import Template

# ---------------------------------------------------------------------------------------------
# Listing (filters and pages are `core.audit_query.AuditFilter` / `AuditPage`, re-exported here)


@dataclass(frozen=True)
class TemplateChoice:
    """A template the auditor can start an audit from (New audit screen)."""

    id: str
    title: str
    version: str
    kind: str
    description: str = ""


# ---------------------------------------------------------------------------------------------
# New audit


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one input field: `field_id` is a subject field or question id (or
    ``qid@agency``); `message` is plain English without the value itself."""

    field_id: str
    message: str


@dataclass(frozen=True)
class SubjectCheck:
    """Result of checking subject fields: `errors` block creation, `warnings` do not (for
    example a case reference that looks like a person's name)."""

    errors: tuple[FieldProblem, ...] = ()
    warnings: tuple[FieldProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Editing


@dataclass(frozen=True)
class OpenAudit:
    """An audit with the template rebuilt from its frozen source (what the editor shows)."""

    record: AuditRecord
    template: Template

    @property
    def read_only(self) -> bool:
        return self.record.status != AuditStatus.DRAFT


@dataclass(frozen=True)
class AnswerCheck:
    """Findings for one answer before it is saved.

    `errors` are hard constraint failures (the answer cannot be saved); `warning` is the soft
    warning message the auditor must acknowledge with a reason, or None.
    """

    errors: tuple[str, ...] = ()
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SaveResult:
    """Outcome of an autosave: the answer key (``qid`` or ``qid@agency``), the time it was
    stored (ISO 8601 UTC) and the warning that was acknowledged, if any."""

    audit_id: str
    key: str
    saved_at: str
    warning: str | None = None


@dataclass(frozen=True)
class SectionProgress:
    """Progress of one visible section (one per agency for per-agency sections).

    `answered` counts visible required questions that have an answer; `required` counts the
    visible required questions; `answered_any` counts every visible answered question.
    """

    section_id: str
    title: str
    agency: str | None
    answered: int
    required: int
    answered_any: int = 0

    @property
    def complete(self) -> bool:
        return self.answered >= self.required


@dataclass(frozen=True)
class MissingAnswer:
    """A visible required question without an answer (the GUI jumps to it on click)."""

    question_id: str
    section_id: str
    section_title: str
    label: str
    agency: str | None = None

    @property
    def key(self) -> str:
        return answer_key(self.question_id, self.agency)


@dataclass(frozen=True)
class AmendedAnswer:
    """An answer that differs from the previous revision (an amendment needs a reason each)."""

    key: str
    question_id: str
    agency: str | None
    label: str
    old_value: Any
    new_value: Any
    reason: str | None = None


@dataclass(frozen=True)
class FillReport:
    """What `fill_answers` stored: counts only (no content)."""

    audit_id: str
    answers_saved: int
    keys: tuple[str, ...] = field(default_factory=tuple)


def answer_key(question_id: str, agency: str | None) -> str:
    """``qid`` or ``qid@agency``: the key used in amendment reasons and messages."""
    return f"{question_id}@{agency}" if agency else question_id


# ---------------------------------------------------------------------------------------------
# Errors


class AuditReadOnly(LscpAuditError):
    """The audit is complete, signed or amended and cannot be edited (amend it instead)."""


class AnswerRejected(ValidationError):
    """One or more answers failed validation. `problems` hold ``key: message`` strings and
    `fields` the same as `FieldProblem`s so a caller can point at each question."""

    def __init__(self, fields: list[FieldProblem]) -> None:
        self.fields = tuple(fields)
        super().__init__([f"{p.field_id}: {p.message}" for p in fields])


class WarningNotAcknowledged(AnswerRejected):
    """A soft warning applies and no reason was given. `warning` is the template's message."""

    def __init__(self, key: str, warning: str) -> None:
        self.warning = warning
        super().__init__([FieldProblem(key, f"{warning} (give a reason to keep this answer)")])


class IncompleteAudit(ValidationError):
    """Completion refused: `missing` lists the visible required answers not given,
    `unexplained` the amended answers without a reason and `unconfirmed` the answers carried
    forward from the previous return that the user has not confirmed."""

    def __init__(
        self, missing: list[MissingAnswer], unexplained: list[str] | None = None, unconfirmed: list[str] | None = None
    ) -> None:
        self.missing = tuple(missing)
        self.unexplained = tuple(unexplained or ())
        self.unconfirmed = tuple(unconfirmed or ())
        problems = [f"{m.key} ({m.section_title}: {m.label}) is required" for m in self.missing]
        problems += [f"{key} was changed in this amendment without a reason" for key in self.unexplained]
        problems += [
            f"{key} was carried forward from the previous return and is not confirmed yet" for key in self.unconfirmed
        ]
        super().__init__(problems)


__all__ = [
    "AmendedAnswer",
    "AnswerCheck",
    "AnswerRejected",
    "AuditFilter",
    "AuditPage",
    "AuditReadOnly",
    "AuditSort",
    "FieldProblem",
    "FillReport",
    "HistoryEntry",
    "IncompleteAudit",
    "MissingAnswer",
    "OpenAudit",
    "SaveResult",
    "SectionProgress",
    "SubjectCheck",
    "TemplateChoice",
    "WarningNotAcknowledged",
    "answer_key",
]
