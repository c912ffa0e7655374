"""Real signed Section 11 returns across two rounds, with improvement actions, made the way agencies
make them (a vault with the partnership profile, audits started "for round X", completed and
exported signed), then imported into a QA vault that trusts their signer and has a QA moderator.

The rounds are named so that neither their ids, their titles nor the order the returns were
signed in puts them in time order: only their periods do (``s11-previous`` covers 2024-25,
``s11-current`` 2025-26, and the current round's returns are signed first).

Every expected figure in the tests is computed from `SPECS` (ratings, actions with due dates and
statuses relative to the signing day), never from the analysis code."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lscp_audit.core.audit import Auditor
from lscp_audit.core.partnership import parse_profile_text
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.template_service import TemplateService
from tests.services.conftest import make_vault

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "actions"
TEMPLATE_ID = "test-s11-rounds"
CURRENT, PREVIOUS = "s11-current", "s11-previous"
ROUND_TITLES = {CURRENT: "Section 11 current round", PREVIOUS: "Section 11 previous round"}
AGENCY_LABELS = {"police": "Testshire Police", "health": "Testshire Health", "council": "Testshire Council"}
RAG = ("green", "amber", "red")  # best first
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


@dataclass(frozen=True)
class ActionSpec:
    """An action as written in a return: `due_days` after the signing day (None: no due date)."""

    text: str
    status: str
    due_days: int | None
    measure: str = "Audit of 20 records"
    role: str = "Safeguarding lead"


@dataclass(frozen=True)
class ReturnSpec:
    key: str
    agency: str
    round_id: str
    ratings: dict[str, str]
    actions: tuple[ActionSpec, ...] = ()


SPECS: tuple[ReturnSpec, ...] = (
    # the current round first, so the order of signing is not the order of the rounds
    ReturnSpec(
        "police-current",
        "police",
        CURRENT,
        {"s1": "amber", "s2": "green", "s3": "red"},
        (
            ActionSpec("Police: train custody staff on Was Not Brought", "open", 30),
            ActionSpec("Police: audit DA notifications", "complete", 20),
            ActionSpec("Police: refresh the safer recruitment policy", "open", 400),
            ActionSpec("Police: supervision audit", "in_progress", 60),
        ),
    ),
    ReturnSpec(
        "health-current",
        "health",
        CURRENT,
        {"s1": "green", "s2": "amber", "s3": "amber"},
        (ActionSpec("Health: GP letters say Was Not Brought", "in_progress", -10),),
    ),
    ReturnSpec("council-current", "council", CURRENT, {"s1": "green", "s2": "green", "s3": "amber"}),
    ReturnSpec(
        "police-previous",
        "police",
        PREVIOUS,
        {"s1": "red", "s2": "green", "s3": "amber"},
        (ActionSpec("Police: an old action", "open", -100),),
    ),
    ReturnSpec("health-previous", "health", PREVIOUS, {"s1": "amber", "s2": "red", "s3": "amber"}),
)


def profile_text() -> str:
    return (FIXTURES / "profile.yaml").read_text(encoding="utf-8")


def templates(folder: Path) -> TemplateService:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "s11-rounds.yaml", folder / "s11-rounds.yaml")
    return TemplateService(shipped_dir=folder, user_dir=folder / "user")


def action_value(spec: ActionSpec, signed: dt.date) -> dict[str, Any]:
    return {
        "action": spec.text,
        "owner_agency": "The partnership itself",
        "owner_role": spec.role,
        "due": (signed + dt.timedelta(days=spec.due_days)).isoformat() if spec.due_days is not None else "",
        "status": spec.status,
        "measure": spec.measure,
    }


#: The amended revision of police's current return: standard 3 re-rated Amber, its first action
#: reworded (so progress on it cannot carry over), the others as they were.
AMENDED_KEY = "police-current"
AMENDED_S3 = "amber"
REWORDED = "Police: train custody and front-desk staff on Was Not Brought"


@dataclass(frozen=True)
class SignedReturns:
    files: dict[str, Path]  # spec key -> signed PDF
    pem: str
    signed: dt.date  # the day they were signed (today)
    amended: Path  # revision 2 of police's current return (not imported by `import_returns`)


def make_signed_returns(folder: Path) -> SignedReturns:
    vault = make_vault(folder / "agency.lscp")
    try:
        forms = templates(folder / "forms")
        PartnershipService(vault, forms).install_profile(parse_profile_text(profile_text(), "profile.yaml"))
        audits = AuditService(
            VaultAuditStore(vault), forms, actor="tester", partnership=PartnershipService(vault, forms).profile
        )
        identities = IdentityService(vault)
        identities.create("Pat Lead", "Safeguarding lead", "Testshire", make_default=True)
        reports = ReportService(vault, actor="tester")
        signed = dt.datetime.now(dt.UTC).date()
        files: dict[str, Path] = {}
        for spec in SPECS:
            record = audits.new_audit(
                TEMPLATE_ID, {"agency": spec.agency}, auditor=Auditor("Pat Lead"), round_id=spec.round_id
            )
            for standard, code in spec.ratings.items():
                audits.save_answer(record.id, f"{standard}_rating", code)
            if spec.actions:
                audits.save_answer(record.id, "plan_actions", [action_value(a, signed) for a in spec.actions])
            audits.complete(record.id)
            files[spec.key] = reports.export(record.id, folder / f"{spec.key}.pdf").path
            if spec.key == AMENDED_KEY:
                first_revision = record.id
        revision = audits.amend(first_revision)
        audits.save_answer(revision.id, "s3_rating", AMENDED_S3)
        police = next(s for s in SPECS if s.key == AMENDED_KEY)
        values = [action_value(a, signed) for a in police.actions]
        values[0]["action"] = REWORDED
        audits.save_answer(revision.id, "plan_actions", values)
        for key in ("s3_rating", "plan_actions"):
            audits.set_amendment_reason(revision.id, key, "Corrected after the moderation panel")
        audits.complete(revision.id)
        amended = reports.export(revision.id, folder / f"{AMENDED_KEY}-revision-2.pdf").path
        return SignedReturns(files, identities.export_certificate_pem(), signed, amended)
    finally:
        vault.close()


def import_returns(vault: Any, made: SignedReturns) -> dict[str, str]:
    """Import every signed return into a QA vault that trusts their signer: spec key -> return id."""
    inbox = InboxService(vault)
    inbox.trust_certificate(made.pem, "Agency signer")
    ids = {}
    for key, path in made.files.items():
        [result] = inbox.import_files([path])
        assert result.entry is not None and result.entry.trusted, result
        ids[key] = result.entry.id
    return ids


def spec(key: str) -> ReturnSpec:
    return next(s for s in SPECS if s.key == key)
