"""What `AuditService` needs from the vault and the template catalogue, and the adapters to them.

`AuditStore` is the narrow storage interface the audit use cases are written against; the
production implementation `VaultAuditStore` delegates to the unlocked vault's ``audits`` and
``history`` repositories (``lscp_audit.storage``), whose writes all run on the vault's single
writer thread (style R6). `TemplateCatalogue` finds templates by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from lscp_audit.core.audit import (
    Answer,
    AuditRecord,
    AuditStatus,
    CarriedForward,
    IdentifierAcknowledgement,
    JudgementOverride,
)
from lscp_audit.core.audit_query import AuditFilter, AuditPage
from lscp_audit.core.history import HistoryEntry
from lscp_audit.core.templates.model import Template


def utc_now() -> str:
    """Current UTC time as ISO 8601 text with seconds (``2026-11-28T06:45:00+00:00``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class AuditStore(Protocol):
    """Persistence of audits (one row per revision), answers and the change history."""

    def list_summaries(self, filters: AuditFilter) -> AuditPage:
        """Matching audits, filtered, sorted and paged in SQL."""
        ...

    def frozen_template_source(self, template_id: str, version: str, template_hash: str) -> str | None:
        """The template text an audit in the vault was started with, for that id, version and hash."""
        ...

    def get(self, audit_id: str) -> AuditRecord:
        """The whole audit; `NotFound` when there is no such audit."""
        ...

    def create(self, record: AuditRecord, actor: str, *, template_title: str = "") -> None:
        """Insert a new audit with its answers (one transaction, history entry ``created``)."""
        ...

    def save_answers(self, audit_id: str, answers: Sequence[Answer], actor: str) -> None:
        """Upsert answers in one transaction; an answer whose value is None is deleted unless it
        carries evidence (evidence can be written before the answer). Each change is appended to
        the history."""
        ...

    def set_status(self, audit_id: str, status: AuditStatus, actor: str, completed_at: str | None = None) -> None:
        """Change the audit's status (and completion time)."""
        ...

    def set_overrides(self, audit_id: str, overrides: Sequence[JudgementOverride], actor: str) -> None:
        """Replace the audit's judgement overrides."""
        ...

    def set_judgement(self, audit_id: str, judgement: str | None, actor: str) -> None:
        """Store the effective overall judgement shown in the audits list."""
        ...

    def set_amendment_reasons(self, audit_id: str, reasons: dict[str, str], actor: str) -> None:
        """Replace the amendment reasons (answer key -> reason)."""
        ...

    def set_identifier_acknowledgements(
        self, audit_id: str, acknowledgements: Sequence[IdentifierAcknowledgement], actor: str
    ) -> None:
        """Replace the acknowledged likely identifiers (any status: no answer changes)."""
        ...

    def set_carried_forward(self, audit_id: str, value: CarriedForward | None, actor: str) -> None:
        """Record which answers carried forward from a previous return are still unconfirmed."""
        ...

    def history(self, audit_id: str) -> tuple[HistoryEntry, ...]:
        """The audit's history, oldest first."""
        ...

    def drafts(self, audit_id: str) -> dict[str, Any]:
        """Unfinished work kept behind answers: answer key -> JSON payload."""
        ...

    def save_draft(self, audit_id: str, key: str, payload: Any) -> None:
        """Keep (or replace) the draft behind answer `key`."""
        ...

    def delete_draft(self, audit_id: str, key: str) -> None:
        """Forget the draft behind answer `key` (nothing happens when there is none)."""
        ...


class TemplateInfoLike(Protocol):
    """What the catalogue lists for each template (`template_service.TemplateInfo`)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def description(self) -> str: ...


class TemplateCatalogue(Protocol):
    """Templates available for new audits (shipped in ``forms/`` and the user's folder), and the
    rebuilding of an audit's frozen template (`services.template_service.TemplateService`)."""

    def list_templates(self) -> Sequence[TemplateInfoLike]:
        """Every valid template."""
        ...

    def get(self, template_id: str) -> Template:
        """The template with this id; `NotFound` when there is none."""
        ...

    def load_frozen(self, source_text: str, file_name: str = ...) -> Template:
        """The template an audit was started with, rebuilt from its stored source (cached)."""
        ...


class VaultAuditStore:
    """`AuditStore` over an unlocked ``lscp_audit.storage`` vault."""

    def __init__(self, vault: Any) -> None:
        self._vault = vault

    def list_summaries(self, filters: AuditFilter) -> AuditPage:
        page: AuditPage = self._vault.audits.list_summaries(filters)
        return page

    def frozen_template_source(self, template_id: str, version: str, template_hash: str) -> str | None:
        source: str | None = self._vault.audits.frozen_template_source(template_id, version, template_hash)
        return source

    def get(self, audit_id: str) -> AuditRecord:
        record: AuditRecord = self._vault.audits.get(audit_id)
        return record

    def create(self, record: AuditRecord, actor: str, *, template_title: str = "") -> None:
        self._vault.audits.create(record, actor, template_title=template_title)

    def save_answers(self, audit_id: str, answers: Sequence[Answer], actor: str) -> None:
        # The repository's batch (one commit) deletes value-less answers, so evidence written
        # before the answer is chosen is upserted on its own.
        evidence_only = [a for a in answers if a.value is None and a.evidence]
        batch = [a for a in answers if not (a.value is None and a.evidence)]
        if batch:
            self._vault.audits.save_answers(audit_id, batch, actor)
        for answer in evidence_only:
            self._vault.audits.save_answer(audit_id, answer, actor)

    def set_status(self, audit_id: str, status: AuditStatus, actor: str, completed_at: str | None = None) -> None:
        self._vault.audits.set_status(audit_id, status, actor, completed_at=completed_at)

    def set_overrides(self, audit_id: str, overrides: Sequence[JudgementOverride], actor: str) -> None:
        self._vault.audits.set_overrides(audit_id, list(overrides), actor)

    def set_judgement(self, audit_id: str, judgement: str | None, actor: str) -> None:
        self._vault.audits.set_judgement(audit_id, judgement, actor)

    def set_amendment_reasons(self, audit_id: str, reasons: dict[str, str], actor: str) -> None:
        self._vault.audits.set_amendment_reasons(audit_id, reasons, actor)

    def set_identifier_acknowledgements(
        self, audit_id: str, acknowledgements: Sequence[IdentifierAcknowledgement], actor: str
    ) -> None:
        self._vault.audits.set_identifier_acknowledgements(audit_id, list(acknowledgements), actor)

    def set_carried_forward(self, audit_id: str, value: CarriedForward | None, actor: str) -> None:
        self._vault.audits.set_carried_forward(audit_id, value, actor)

    def history(self, audit_id: str) -> tuple[HistoryEntry, ...]:
        return tuple(self._vault.history.for_audit(audit_id))

    def drafts(self, audit_id: str) -> dict[str, Any]:
        drafts: dict[str, Any] = self._vault.drafts.for_audit(audit_id)
        return drafts

    def save_draft(self, audit_id: str, key: str, payload: Any) -> None:
        self._vault.drafts.save(audit_id, key, payload)

    def delete_draft(self, audit_id: str, key: str) -> None:
        self._vault.drafts.delete(audit_id, key)


def default_catalogue() -> TemplateCatalogue:
    """The shipped and user templates, through the templates service."""
    from lscp_audit.services.template_service import TemplateService

    catalogue: TemplateCatalogue = TemplateService()
    return catalogue
