"""ORM mapping of the current vault schema (version `CURRENT_SCHEMA_VERSION`).

The tables are *created and changed only by migrations* (``storage/migrations``); these classes
describe the latest shape so repositories can query it. ORM classes end in ``Row`` and never
leave the storage package: repositories convert them to the frozen core dataclasses.

Tables
- ``audits``: one row per audit revision. JSON columns: ``subject``, ``amendment_reasons``,
  ``overrides``, ``identifier_acknowledgements``, ``carried_forward`` (answers carried
  forward from a previous return and not yet confirmed). ``case_reference``, ``agency``, ``judgement``, ``status``, ``template_id`` and
  ``updated_at`` are separate indexed columns so the audits list is filtered in SQL.
- ``answers``: one row per (audit, question, agency) with ``agency = ''`` when not repeated.
- ``history``: append-only, hash-chained change log (see ``repositories/history.py``);
  SQL triggers refuse UPDATE and refuse DELETE while the audit still exists.
- ``identities``, ``trusted_certificates``: signing identities (with private keys) and trusted
  certificates. ``settings``: sensitive key/value settings (JSON values).
- ``imported_returns``: signed returns imported from other agencies (QA inbox): the listing
  columns; ``imported_return_data``: each return's report data (JSON), apart so listing never
  reads it; ``imported_return_signatures``: every signature of a return
  (certificate, fingerprint, role, trust); ``imported_return_files``: the original signed PDF.
  ``trusted_certificates.purpose`` is ``signer`` or ``moderator``.
- ``export_log``: every file that left the vault (kind, file name, protection, who, when);
  ``legal_holds``: holds on audits, returns, rounds or case references (released, never deleted).
- ``partnership_profile`` (one row) and ``partnership_rounds``: the partnership's shared lists
  and audit rounds (see ``repositories/partnership.py``); ``imported_returns.round_id``,
  ``locality`` and ``return_agency`` file each return under its round.
- ``drafts``: unfinished work behind one answer of a draft audit (JSON payload), deleted with
  the audit.
- ``moderation_records``: signed moderation records (the CMS file and its decoded JSON), found
  by the report id and data hash they are bound to.
- ``action_updates``: progress updates on the actions of imported returns, append-only (a
  trigger refuses UPDATE), deleted only with their return (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AuditRow(Base):
    __tablename__ = "audits"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    template_id: Mapped[str] = mapped_column(String, index=True)
    template_version: Mapped[str] = mapped_column(String, default="")
    template_hash: Mapped[str] = mapped_column(String, default="")
    template_title: Mapped[str] = mapped_column(String, default="")
    template_source: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="{}")
    title: Mapped[str] = mapped_column(String, default="")
    status: Mapped[str] = mapped_column(String, index=True, default="draft")
    auditor_name: Mapped[str] = mapped_column(String, default="")
    auditor_role: Mapped[str] = mapped_column(String, default="")
    auditor_agency: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[str] = mapped_column(String, default="")
    updated_at: Mapped[str] = mapped_column(String, index=True, default="")
    completed_at: Mapped[str | None] = mapped_column(String, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_revision_id: Mapped[str | None] = mapped_column(String, nullable=True)
    amendment_reasons: Mapped[str] = mapped_column(Text, default="{}")
    overrides: Mapped[str] = mapped_column(Text, default="[]")
    case_reference: Mapped[str] = mapped_column(String, index=True, default="")
    agency: Mapped[str] = mapped_column(String, index=True, default="")
    judgement: Mapped[str | None] = mapped_column(String, index=True, nullable=True)
    identifier_acknowledgements: Mapped[str] = mapped_column(Text, default="[]")
    carried_forward: Mapped[str] = mapped_column(Text, default="{}")


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("audit_id", "question_id", "agency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(String, ForeignKey("audits.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String)
    agency: Mapped[str] = mapped_column(String, default="")
    value: Mapped[str] = mapped_column(Text, default="null")
    evidence: Mapped[str] = mapped_column(Text, default="")
    warning_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[str] = mapped_column(String, default="")


class HistoryRow(Base):
    __tablename__ = "history"
    __table_args__ = (Index("ix_history_audit_seq", "audit_id", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)
    actor: Mapped[str] = mapped_column(String)
    field: Mapped[str] = mapped_column(String)
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String)
    hash: Mapped[str] = mapped_column(String)


class DraftRow(Base):
    __tablename__ = "drafts"

    audit_id: Mapped[str] = mapped_column(String, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True)
    answer_key: Mapped[str] = mapped_column(String, primary_key=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[str] = mapped_column(String, default="")


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String, default="")


class IdentityRow(Base):
    __tablename__ = "identities"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String, default="")
    role: Mapped[str] = mapped_column(String, default="")
    agency: Mapped[str] = mapped_column(String, default="")
    email: Mapped[str] = mapped_column(String, default="")
    certificate_pem: Mapped[str] = mapped_column(Text, default="")
    private_key_pem: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String, default="")
    is_default: Mapped[int] = mapped_column(Integer, default=0)


class TrustedCertificateRow(Base):
    __tablename__ = "trusted_certificates"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    label: Mapped[str] = mapped_column(String, default="")
    certificate_pem: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[str] = mapped_column(String, default="")
    purpose: Mapped[str] = mapped_column(String, default="signer")


class ImportedReturnRow(Base):
    __tablename__ = "imported_returns"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    file_hash: Mapped[str] = mapped_column(String, default="", index=True)
    data_hash: Mapped[str] = mapped_column(String, default="", index=True)
    report_id: Mapped[str] = mapped_column(String, default="", index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    audit_id: Mapped[str] = mapped_column(String, default="", index=True)
    previous_audit_id: Mapped[str] = mapped_column(String, default="", index=True)
    content_hash: Mapped[str] = mapped_column(String, default="")
    signer_fingerprint: Mapped[str] = mapped_column(String, default="")
    signer: Mapped[str] = mapped_column(String, default="")
    auditor_name: Mapped[str] = mapped_column(String, default="")
    signed_on_behalf: Mapped[int] = mapped_column(Integer, default=0)
    template_id: Mapped[str] = mapped_column(String, default="")
    template_title: Mapped[str] = mapped_column(String, default="")
    template_version: Mapped[str] = mapped_column(String, default="")
    kind: Mapped[str] = mapped_column(String, default="")
    subject: Mapped[str] = mapped_column(String, default="")
    signed_at: Mapped[str] = mapped_column(String, default="")
    overall_judgement: Mapped[str] = mapped_column(String, default="")
    overall_label: Mapped[str] = mapped_column(String, default="")
    page_judgement: Mapped[str] = mapped_column(String, default="")
    judgement_check: Mapped[str] = mapped_column(String, default="")
    verified: Mapped[str] = mapped_column(String, default="")
    trust_problem: Mapped[str] = mapped_column(String, default="")
    imported_at: Mapped[str] = mapped_column(String, default="")
    checked_at: Mapped[str] = mapped_column(String, default="")
    round_id: Mapped[str] = mapped_column(String, default="", index=True)
    locality: Mapped[str] = mapped_column(String, default="")
    return_agency: Mapped[str] = mapped_column(String, default="")


class ImportedReturnDataRow(Base):
    __tablename__ = "imported_return_data"

    return_id: Mapped[str] = mapped_column(
        String, ForeignKey("imported_returns.id", ondelete="CASCADE"), primary_key=True
    )
    audit_json: Mapped[str] = mapped_column(Text, default="{}")


class ImportedReturnSignatureRow(Base):
    __tablename__ = "imported_return_signatures"
    __table_args__ = (Index("ix_imported_return_signatures_fingerprint", "fingerprint"),)

    return_id: Mapped[str] = mapped_column(
        String, ForeignKey("imported_returns.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_name: Mapped[str] = mapped_column(String, default="")
    role: Mapped[str] = mapped_column(String, default="")
    signer: Mapped[str] = mapped_column(String, default="")
    organisation: Mapped[str] = mapped_column(String, default="")
    fingerprint: Mapped[str] = mapped_column(String, default="")
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    signed_at: Mapped[str] = mapped_column(String, default="")
    trusted: Mapped[int] = mapped_column(Integer, default=0)
    moderator: Mapped[int] = mapped_column(Integer, default=0)
    problem: Mapped[str] = mapped_column(String, default="")


class ImportedReturnFileRow(Base):
    __tablename__ = "imported_return_files"

    return_id: Mapped[str] = mapped_column(
        String, ForeignKey("imported_returns.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class ExportLogRow(Base):
    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exported_at: Mapped[str] = mapped_column(String, index=True)
    actor: Mapped[str] = mapped_column(String, default="")
    kind: Mapped[str] = mapped_column(String)
    audit_id: Mapped[str] = mapped_column(String, default="")
    report_id: Mapped[str] = mapped_column(String, default="")
    case_reference: Mapped[str] = mapped_column(String, index=True, default="")
    file_name: Mapped[str] = mapped_column(String, default="")
    protection: Mapped[str] = mapped_column(String, default="")
    marking: Mapped[str] = mapped_column(String, default="")


class LegalHoldRow(Base):
    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_target", "target_kind", "target"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String)
    target: Mapped[str] = mapped_column(String)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String, default="")
    placed_at: Mapped[str] = mapped_column(String)
    released_at: Mapped[str | None] = mapped_column(String, nullable=True)
    released_by: Mapped[str | None] = mapped_column(String, nullable=True)
    release_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class PartnershipProfileRow(Base):
    __tablename__ = "partnership_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, default="")
    lists_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[str] = mapped_column(String, default="")


class PartnershipRoundRow(Base):
    __tablename__ = "partnership_rounds"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    template_id: Mapped[str] = mapped_column(String, default="")
    title: Mapped[str] = mapped_column(String, default="")
    phase: Mapped[str] = mapped_column(String, default="")
    period_start: Mapped[str] = mapped_column(String, default="")
    period_end: Mapped[str] = mapped_column(String, default="")
    deadline: Mapped[str] = mapped_column(String, default="")
    round_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[str] = mapped_column(String, default="")
    updated_at: Mapped[str] = mapped_column(String, default="")


class ModerationRecordRow(Base):
    __tablename__ = "moderation_records"
    __table_args__ = (Index("ix_moderation_records_report", "report_id", "data_hash"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    report_id: Mapped[str] = mapped_column(String, default="")
    data_hash: Mapped[str] = mapped_column(String, default="")
    content_hash: Mapped[str] = mapped_column(String, default="")
    outcome: Mapped[str] = mapped_column(String, default="")
    moderator: Mapped[str] = mapped_column(String, default="")
    moderator_fingerprint: Mapped[str] = mapped_column(String, default="")
    moderated_at: Mapped[str] = mapped_column(String, default="")
    stored_at: Mapped[str] = mapped_column(String, default="")
    record_json: Mapped[str] = mapped_column(Text, default="{}")
    cms: Mapped[bytes] = mapped_column(LargeBinary)


class ActionUpdateRow(Base):
    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_return", "return_id", "action_index"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    return_id: Mapped[str] = mapped_column(String, ForeignKey("imported_returns.id", ondelete="CASCADE"))
    report_id: Mapped[str] = mapped_column(String, default="")
    action_index: Mapped[int] = mapped_column(Integer)
    action_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[str] = mapped_column(String)
    reported_by: Mapped[str] = mapped_column(String, default="")
    recorded_by: Mapped[str] = mapped_column(String, default="")
    recorded_at: Mapped[str] = mapped_column(String)
