"""Returns for the analysis tests and benchmark: real report data built by the real builder
(`build_report_data` with the template engine's judgements and visibility) from the shipped
"Was Not Brought" case audit and Section 11 self-assessment, stored in a real vault's inbox
through the repository as imported returns (trusted, quarantined or superseded).

Each return's answers are chosen from its number, so tests can compute every expected figure
from `CaseSpec` / `S11Spec` independently of the analysis code."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.core.templates.model import Template
from lscp_audit.services.report_service import report_inputs

FORMS = Path(__file__).resolve().parents[2] / "forms"
ROUNDS = (
    ("wnb-2026-base", "WNB baseline 2026", "baseline"),
    ("wnb-2027-after", "WNB after training 2027", "after training"),
)
LOCALITIES = (("north", "North Borough"), ("south", "South Borough"), ("east", "East Borough"))
AGENCIES = ("Police", "Health (ICB)", "Children's social care")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
STATUSES = ("open", "in_progress", "complete")


@cache
def wnb_template() -> Template:
    return load_template_file(FORMS / "was-not-brought.yaml")


@cache
def s11_template() -> Template:
    return load_template_file(FORMS / "section-11-self-assessment.yaml")


@dataclass(frozen=True)
class CaseSpec:
    """One Was Not Brought return: who, which round and locality, and its answers."""

    number: int
    round: int  # index into ROUNDS
    locality: int  # index into LOCALITIES
    agency: str
    rec_wnb: str  # yes / no
    rec_chronology: str
    rec_grade: str
    cur_grade: str
    themes: tuple[str, ...]
    action_due: str
    action_status: str
    signed_at: str


def case_spec(number: int) -> CaseSpec:
    return CaseSpec(
        number=number,
        round=number % 2,
        locality=number % 3,
        agency=AGENCIES[number % len(AGENCIES)],
        rec_wnb="yes" if number % 4 else "no",
        rec_chronology="yes" if number % 3 == 0 else "no",
        rec_grade=GRADES[number % 4],
        cur_grade=GRADES[(number // 2) % 4],
        themes=("recording", "curiosity") if number % 2 else ("recording",),
        action_due=f"2026-{(number % 12) + 1:02d}-15",
        action_status=STATUSES[number % 3],
        signed_at=f"2026-{(number % 12) + 1:02d}-{(number % 27) + 1:02d}T10:00:00Z",
    )


def _case_audit(spec: CaseSpec, template: Template) -> AuditRecord:
    answers = [
        Answer("actions_needed", "yes"),
        Answer("rec_wnb", spec.rec_wnb),
        Answer("rec_chronology", spec.rec_chronology),
        Answer("rec_grade", spec.rec_grade),
        Answer("cur_grade", spec.cur_grade),
        Answer("went_well", f"Return {spec.number}: the health visitor followed up quickly."),
        Answer("needs_to_improve", f"Return {spec.number}: letters still say Did Not Attend."),
        Answer("learning_themes", list(spec.themes)),
        Answer(
            "action_plan",
            [
                {
                    "action": f"Action of return {spec.number}",
                    "owner_agency": spec.agency,
                    "owner_role": "Named nurse",
                    "due": spec.action_due,
                    "status": spec.action_status,
                    "measure": "Audit of 20 records",
                }
            ],
        ),
    ]
    return AuditRecord(
        id=f"aud-{spec.number:04d}",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject={"case_reference": f"WNB-2026-{spec.number:03d}", "agencies": [], "audit_round": ROUNDS[spec.round][1]},
        status=AuditStatus.COMPLETE,
        auditor=Auditor(f"Auditor {spec.number}", "Safeguarding lead", spec.agency),
        title="WNB audit",
        created_at="2026-01-02T10:00:00Z",
        updated_at=spec.signed_at,
        completed_at=spec.signed_at,
        answers=tuple(answers),
    )


def case_data(spec: CaseSpec) -> dict[str, Any]:
    template = wnb_template()
    audit = _case_audit(spec, template)
    data = build_report_data(
        audit, template, generated_at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC), inputs=report_inputs(audit, template)
    )
    round_id, title, phase = ROUNDS[spec.round]
    locality, locality_label = LOCALITIES[spec.locality]
    data["round"] = {
        "id": round_id,
        "title": title,
        "phase": phase,
        "locality": locality,
        "locality_label": locality_label,
        "agency": None,
        "agency_label": None,
    }
    return data


@dataclass(frozen=True)
class S11Spec:
    number: int
    organisation: str
    ratings: dict[str, str]  # standard id -> rag code


S11_ORGANISATIONS = ("Borough Council", "City Police", "Community Health Trust")


def s11_spec(number: int) -> S11Spec:
    rag = ("green", "amber", "red")
    ratings = {f"s{i}": rag[(number + i) % 3] for i in range(1, 9)}
    return S11Spec(number, S11_ORGANISATIONS[number % 3], ratings)


def s11_data(spec: S11Spec) -> dict[str, Any]:
    template = s11_template()
    answers = [Answer("sc_include_voice", "no"), Answer("sc_previous", "yes")]
    answers += [Answer(f"{sid}_rating", code) for sid, code in spec.ratings.items()]
    audit = AuditRecord(
        id=f"s11-{spec.number:04d}",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject={"agency": spec.organisation, "sector": "local_authority"},
        status=AuditStatus.COMPLETE,
        auditor=Auditor(f"Lead {spec.number}", "Safeguarding lead", spec.organisation),
        title="Section 11",
        created_at="2026-01-02T10:00:00Z",
        updated_at="2026-06-01T10:00:00Z",
        completed_at="2026-06-01T10:00:00Z",
        answers=tuple(answers),
    )
    return build_report_data(
        audit, template, generated_at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC), inputs=report_inputs(audit, template)
    )


def store(
    vault: Any,
    return_id: str,
    data: dict[str, Any],
    *,
    signed_at: str,
    trusted: bool = True,
    previous_audit_id: str = "",
) -> ImportedReturn:
    """Put one return (its listing row and data) into the vault's inbox, as import does."""
    text = repr(sorted(data.items())).encode()
    item = ImportedReturn(
        id=return_id,
        file_hash="sha256:" + hashlib.sha256(return_id.encode()).hexdigest(),
        report_id=str(data["report"]["id"]),
        signer=str(data["auditor"]["name"]),
        verified="trusted" if trusted else "untrusted signer",
        data_hash="sha256:" + hashlib.sha256(text).hexdigest(),
        revision=int(data["audit"]["revision"]),
        audit_id=str(data["audit"]["id"]),
        previous_audit_id=previous_audit_id,
        content_hash=str(data["report"]["content_hash"]),
        signer_fingerprint=hashlib.sha256(return_id.encode()).hexdigest(),
        auditor_name=str(data["auditor"]["name"]),
        template_id=str(data["template"]["id"]),
        template_title=str(data["template"]["title"]),
        template_version=str(data["template"]["version"]),
        kind=str(data["template"]["kind"]),
        subject=str(data["subject"].get("case_reference") or data["subject"].get("agency") or ""),
        signed_at=signed_at,
        overall_judgement=str(data["judgements"]["overall"]["value"] or ""),
        overall_label=str(data["judgements"]["overall"]["label"] or ""),
        trust_problem="" if trusted else "the auditor's signature is not trusted in this vault",
    )
    stored: ImportedReturn = vault.imported_returns.add(item, data)
    return stored
