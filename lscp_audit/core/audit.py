"""Audit and answer value types shared by every layer.

These frozen dataclasses are the contract between storage (which persists them), services
(which build and change them), reports (which render and embed them) and the UI (which shows
them). They hold only JSON-compatible data so they can be embedded in a PDF and imported again.

Answer values by question type (all JSON-compatible):
- ``yes_no``: one of ``yes``, ``no``, ``partly``, ``not_known``, ``not_applicable``
- ``single_choice``: the chosen option's code (str)
- ``multi_choice``: a list of option codes
- ``grade``: ``outstanding``, ``good``, ``requires_improvement`` or ``inadequate``
- ``rag``: ``red``, ``amber`` or ``green``
- ``short_text`` / ``long_text``: str
- ``date``: ISO 8601 date string ``YYYY-MM-DD``
- ``number``: int or float
- ``actions``: a list of dicts with keys ``action``, ``owner_agency``, ``owner_role``, ``due``
  (ISO date) and ``status`` (``open``, ``in_progress``, ``complete``), and optionally
  ``measure`` (its measure of success) and ``link`` (what it answers: ``section:ID``,
  ``question:ID``, ``agency:CODE`` or empty); actions saved before these existed read as empty

A question in a section that repeats per agency has one `Answer` per agency (``agency`` set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lscp_audit.core.templates.model import ScaleLevel

AnswerValue = Any  # JSON-compatible: str | int | float | bool | list | dict | None


class AuditStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"
    SIGNED = "signed"
    AMENDED = "amended"  # superseded by a newer revision


@dataclass(frozen=True)
class Answer:
    """One answered question. ``agency`` is set only for per-agency repeated sections."""

    question_id: str
    value: AnswerValue
    agency: str | None = None
    evidence: str = ""
    warning_reason: str | None = None  # reason given when a soft warning was acknowledged

    @property
    def key(self) -> tuple[str, str]:
        return (self.question_id, self.agency or "")


@dataclass(frozen=True)
class JudgementOverride:
    """The auditor replaced a derived judgement; a rationale is mandatory."""

    scope: str  # "overall" or a section id
    value: str
    rationale: str
    agency: str | None = None


@dataclass(frozen=True)
class IdentifierAcknowledgement:
    """A likely identifier (`core.identifiers`) the auditor looked at and kept, with the reason.

    `hit_id` names the hit (its place, kind and text, hashed: the text itself is not kept
    here); `where` says where it is in words (``answer``, ``evidence``, ``action 2``...)."""

    hit_id: str
    kind: str
    reason: str
    question_id: str | None = None
    agency: str | None = None
    where: str = ""
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class Auditor:
    name: str = ""
    role: str = ""
    agency: str = ""


@dataclass(frozen=True)
class CarriedForward:
    """A self-assessment started from the agency's previous return: the audit it came from and
    the answer keys (``qid`` or ``qid@agency``) carried forward that are not confirmed yet."""

    from_audit_id: str
    from_report_id: str = ""
    pending: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditRecord:
    """A whole audit as stored in the vault, with the frozen template it was started with."""

    id: str
    template_id: str
    template_version: str
    template_hash: str
    template_source: str  # the frozen YAML text of the template at start
    subject: dict[str, Any]
    status: AuditStatus = AuditStatus.DRAFT
    auditor: Auditor = field(default_factory=Auditor)
    title: str = ""
    created_at: str = ""  # ISO 8601 UTC timestamps
    updated_at: str = ""
    completed_at: str | None = None
    revision: int = 1
    previous_revision_id: str | None = None
    amendment_reasons: dict[str, str] = field(default_factory=dict)  # answer key "qid" or "qid@agency" -> reason
    answers: tuple[Answer, ...] = ()
    overrides: tuple[JudgementOverride, ...] = ()
    identifier_acknowledgements: tuple[IdentifierAcknowledgement, ...] = ()
    carried_forward: CarriedForward | None = None

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Answer keys carried forward from the previous return and not confirmed yet."""
        return self.carried_forward.pending if self.carried_forward else ()

    def answer_map(self) -> dict[tuple[str, str], Answer]:
        return {a.key: a for a in self.answers}


@dataclass(frozen=True)
class AuditSummary:
    """One row of the audits list (no answer content).

    ``agency`` is the auditor's agency; ``agencies`` the codes of the agencies involved in the
    case (subject ``agencies``); ``organisation`` the organisation a self-assessment is about
    (subject ``agency``, empty for case audits). ``judgement`` of a draft is worked out from
    the answers so far, so it is provisional.
    """

    id: str
    case_reference: str
    title: str
    template_id: str
    template_title: str
    agency: str
    auditor: str
    status: AuditStatus
    judgement: str | None
    updated_at: str
    revision: int = 1
    organisation: str = ""
    agencies: tuple[str, ...] = ()
    template_version: str = ""
    template_hash: str = ""
    #: The judgement's level on the judgement scale of the template the audit was started with
    #: (label, colour and text marker), filled in by the audit service; None when not known.
    judgement_level: ScaleLevel | None = None
    #: Where the judgement sits on that scale, from 1.0 (the best level) down (the worst level of
    #: an n-level scale is 1/n), so audits on different scales sort together; None when not known.
    judgement_rank: float | None = None

    @property
    def judgement_is_provisional(self) -> bool:
        return self.status == AuditStatus.DRAFT and self.judgement is not None
