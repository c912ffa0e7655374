"""Records-management vocabulary (Qt-free, storage-free): legal holds, the export log and the
retention policy per record type.

A **legal hold** stops a record from being purged whatever its age: an audit, an imported return,
a whole audit round, or everything about one case reference. Holds are released, never deleted,
so the list of holds is itself a record. The **export log** says where copies of reports went.
The **retention policy** gives, per record type, how long after its date a record may be purged;
``None`` means "keep until deleted by hand".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class HoldTarget(StrEnum):
    AUDIT = "audit"
    RETURN = "return"
    ROUND = "round"
    CASE_REFERENCE = "case_reference"


HOLD_TARGET_LABELS: dict[HoldTarget, str] = {
    HoldTarget.AUDIT: "Audit",
    HoldTarget.RETURN: "Imported return",
    HoldTarget.ROUND: "Audit round",
    HoldTarget.CASE_REFERENCE: "Case reference",
}


@dataclass(frozen=True)
class LegalHold:
    id: str
    target_kind: HoldTarget
    target: str
    reason: str
    placed_by: str
    placed_at: str
    released_at: str | None = None
    released_by: str | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None


@dataclass(frozen=True)
class HoldSet:
    """The active holds, indexed for the purge's "is this held?" question."""

    holds: tuple[LegalHold, ...] = ()
    _index: dict[tuple[HoldTarget, str], LegalHold] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, holds: tuple[LegalHold, ...] | list[LegalHold]) -> HoldSet:
        active = tuple(h for h in holds if h.active)
        return cls(active, {(h.target_kind, h.target.casefold()): h for h in active})

    def holding(self, kind: HoldTarget, target: str) -> LegalHold | None:
        return self._index.get((kind, target.casefold())) if target else None

    def holding_any(self, *pairs: tuple[HoldTarget, str]) -> LegalHold | None:
        for kind, target in pairs:
            hold = self.holding(kind, target)
            if hold is not None:
                return hold
        return None


class ExportKind(StrEnum):
    REPORT_PDF = "report_pdf"
    REPORT_HTML = "report_html"
    ANSWERS_JSON = "answers_json"
    RETURN_COPY = "return_copy"
    CASE_VIEW_PDF = "case_view_pdf"
    DISCLOSURE_PACK = "disclosure_pack"
    ANALYSIS = "analysis"
    ACTIONS_REPORT = "actions_report"
    MODERATION_RECORD = "moderation_record"
    PARTNERSHIP_PACK = "partnership_pack"
    OTHER = "other"


EXPORT_KIND_LABELS: dict[ExportKind, str] = {
    ExportKind.REPORT_PDF: "Signed report (PDF)",
    ExportKind.REPORT_HTML: "Accessible HTML version",
    ExportKind.ANSWERS_JSON: "Answers file (JSON)",
    ExportKind.RETURN_COPY: "Copy of an imported return",
    ExportKind.CASE_VIEW_PDF: "Multi-agency case view (PDF)",
    ExportKind.DISCLOSURE_PACK: "Subject access disclosure pack",
    ExportKind.ANALYSIS: "Partnership analysis (XLSX, CSV, PDF or HTML)",
    ExportKind.ACTIONS_REPORT: "Quarterly action report (XLSX or CSV)",
    ExportKind.MODERATION_RECORD: "Moderation record (signed file)",
    ExportKind.PARTNERSHIP_PACK: "Partnership pack (signed file)",
    ExportKind.OTHER: "Other export",
}


@dataclass(frozen=True)
class ExportRecord:
    """One file that left the vault: what, where to, protected how, by whom and when."""

    kind: ExportKind
    file_name: str
    protection: str  # "none", "password (AES-256)", "sealed for: …"
    actor: str
    exported_at: str = ""
    audit_id: str = ""
    report_id: str = ""
    case_reference: str = ""
    marking: str = ""
    id: int = 0


class RecordType(StrEnum):
    AUDITS = "audits"
    RETURNS = "returns"
    EXPORT_LOG = "export_log"
    BACKUPS = "backups"


RECORD_TYPE_LABELS: dict[RecordType, str] = {
    RecordType.AUDITS: "Completed audits",
    RecordType.RETURNS: "Imported returns (QA inbox)",
    RecordType.EXPORT_LOG: "Export log entries",
    RecordType.BACKUPS: "Backups",
}

# What each type's age is counted from, said the same way in the app, the CLI and the docs.
RECORD_TYPE_DATES: dict[RecordType, str] = {
    RecordType.AUDITS: "completion",
    RecordType.RETURNS: "import into the QA inbox",
    RecordType.EXPORT_LOG: "the export",
    RecordType.BACKUPS: "the backup",
}

MIN_RETENTION_DAYS = 30
DEFAULT_RETENTION_DAYS = 2557  # 7 years (84 months), the common local schedule for audit records


@dataclass(frozen=True)
class RetentionPolicy:
    """Days after its date each record type may be purged (None: kept until deleted by hand).
    Backups also rotate by count (Settings → Backups); their entry here bounds how long a backup
    that still holds purged records may be kept."""

    audits_days: int = DEFAULT_RETENTION_DAYS
    returns_days: int = DEFAULT_RETENTION_DAYS
    export_log_days: int | None = DEFAULT_RETENTION_DAYS
    backups_days: int = 90

    def days(self, record_type: RecordType) -> int | None:
        return {
            RecordType.AUDITS: self.audits_days,
            RecordType.RETURNS: self.returns_days,
            RecordType.EXPORT_LOG: self.export_log_days,
            RecordType.BACKUPS: self.backups_days,
        }[record_type]

    def problems(self) -> list[str]:
        out = []
        for record_type in RecordType:
            days = self.days(record_type)
            if days is not None and days < MIN_RETENTION_DAYS:
                out.append(
                    f"{RECORD_TYPE_LABELS[record_type]}: the retention period must be at least "
                    f"{MIN_RETENTION_DAYS} days (it is {days})"
                )
        return out


@dataclass(frozen=True)
class PurgeItem:
    """One record the policy would delete, or keeps only because of a hold."""

    record_type: RecordType
    id: str
    description: str  # no answer text: case reference, template, dates
    dated: str  # ISO date the age is counted from
    due: str  # ISO date it becomes (or became) purgeable
    held_by: LegalHold | None = None


@dataclass(frozen=True)
class PurgePlan:
    """What a purge now would delete (`due`), what it keeps because of a hold (`held`), and what
    becomes purgeable next (`upcoming`, soonest first), per record type."""

    due: tuple[PurgeItem, ...]
    held: tuple[PurgeItem, ...]
    upcoming: tuple[PurgeItem, ...]
    backups_after_purge_days: int

    def count(self, record_type: RecordType) -> int:
        return sum(1 for item in self.due if item.record_type == record_type)

    def ids(self, record_type: RecordType) -> list[str]:
        return [item.id for item in self.due if item.record_type == record_type]


ROUND_SUBJECT_KEYS = ("round_id", "round", "audit_round")


def audit_hold_keys(audit_id: str, case_reference: str, subject: dict[str, object]) -> list[tuple[HoldTarget, str]]:
    """What a hold on this audit could be placed on: the audit, its case reference, its round."""
    keys = [(HoldTarget.AUDIT, audit_id), (HoldTarget.CASE_REFERENCE, case_reference)]
    keys += [(HoldTarget.ROUND, str(subject[k])) for k in ROUND_SUBJECT_KEYS if subject.get(k)]
    return keys


def return_hold_keys(return_id: str, case_reference: str, round_id: str = "") -> list[tuple[HoldTarget, str]]:
    """What a hold on this imported return could be placed on: the return, its case reference, its round."""
    keys = [(HoldTarget.RETURN, return_id), (HoldTarget.CASE_REFERENCE, case_reference)]
    if round_id:
        keys.append((HoldTarget.ROUND, round_id))
    return keys
