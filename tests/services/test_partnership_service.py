"""PartnershipService over real SQLCipher vaults: the profile kept in the vault (default, edit,
install as from a pack), rounds, audits started "for round X" with their lists frozen, and real
signed returns imported into a QA vault, filed under their round and counted (only trusted
returns count; a return from a signer the vault does not trust stays in quarantine)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.partnership import (
    Agency,
    ExpectedAgency,
    Locality,
    PartnershipInvalid,
    Round,
    default_profile,
    profile_to_dict,
)
from lscp_audit.core.round_status import OVERDUE, RECEIVED
from lscp_audit.services.audit_types import AnswerRejected
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.template_service import TemplateService
from tests.services.conftest import make_vault
from tests.services.round_returns import (
    FIXTURES,
    RoundReturns,
    audit_service,
    make_round_returns,
    round_templates,
    test_profile,
)

_profile = test_profile
_audits = audit_service


@pytest.fixture
def templates(tmp_path: Path) -> TemplateService:
    return round_templates(tmp_path / "forms")


def test_a_new_vault_uses_the_shipped_profile_until_it_stores_its_own(vault: Any) -> None:
    service = PartnershipService(vault)
    assert service.profile() == default_profile() and service.profile().is_default
    edited = replace(
        default_profile(), name="Testshire LSCP", localities=(Locality("north", "North"), Locality("south", "South"))
    )
    saved = service.save_profile(edited)
    assert saved.name == "Testshire LSCP" and not saved.is_default
    assert vault.partnership.get() == saved  # kept in the vault
    with pytest.raises(PartnershipInvalid, match="localities\\[2\\].code: locality code 'north' is used twice"):
        service.save_profile(replace(saved, localities=(Locality("north", "N"), Locality("north", "N2"))))
    assert service.profile() == saved  # nothing stored


def test_a_round_keeps_the_lists_it_names(vault: Any, templates: TemplateService) -> None:
    service = PartnershipService(vault, templates)
    service.save_profile(replace(default_profile(), localities=(Locality("north", "North"), Locality("south", "S"))))
    item = Round("r-2026", "Round", "baseline", template_id="test-round-case", localities=("north", "south"))
    assert service.create_round(item) == item and service.round("r-2026") == item
    with pytest.raises(PartnershipInvalid, match="a round with id 'r-2026' already exists"):
        service.create_round(item)
    with pytest.raises(PartnershipInvalid, match="there is no template 'nope'"):
        service.upsert_round(replace(item, id="r-2", template_id="nope"))
    # A locality a round uses cannot be removed from the profile.
    with pytest.raises(PartnershipInvalid, match="'south' is not a locality of the partnership"):
        service.save_profile(replace(service.profile(), localities=(Locality("north", "North"),)))
    service.upsert_round(replace(item, title="Renamed"))
    assert [r.title for r in service.rounds()] == ["Renamed"]
    service.delete_round("r-2026")
    assert service.rounds() == ()
    with pytest.raises(NotFound):
        service.round_status("r-2026")


def test_install_profile_merges_or_replaces_rounds_and_refuses_bad_data(vault: Any) -> None:
    service = PartnershipService(vault)
    service.install_profile(_profile())
    mine = Round("local-1", "Local round", template_id="test-round-case")
    service.upsert_round(mine)
    incoming = replace(_profile(), name="Renamed", rounds=(replace(_profile().rounds[0], title="S11 (re-issued)"),))
    merged = service.install_profile(incoming)
    assert merged.name == "Renamed"
    assert [(r.id, r.title) for r in merged.rounds] == [
        ("s11-2026", "S11 (re-issued)"),
        ("da-2026-after", "Domestic abuse audit"),
        ("local-1", "Local round"),
    ]
    assert [r.id for r in service.install_profile(incoming, rounds="replace").rounds] == ["s11-2026"]
    bad = profile_to_dict(incoming)
    bad["agencies"][0]["sector"] = "space"
    with pytest.raises(PartnershipInvalid, match="pack.json: agencies\\[1\\].sector: 'space' is not one of"):
        service.install_profile(bad, source="pack.json")
    assert service.profile().name == "Renamed"


def test_new_audit_for_a_round_freezes_the_lists(vault: Any, templates: TemplateService) -> None:
    PartnershipService(vault).install_profile(_profile())
    audits = _audits(vault, templates)
    subject = {"case_reference": "DA-2026-001", "agencies": ["police"], "locality": "north"}
    record = audits.new_audit("test-round-case", subject, round_id="da-2026-after")
    assert record.subject["audit_round"] == "da-2026-after"
    assert record.template_source.startswith((FIXTURES / "round-case-audit.yaml").read_text(encoding="utf-8"))
    assert "\npartnership:\n" in record.template_source  # the lists as they are now
    with pytest.raises(AnswerRejected, match="round 's11-2026' uses test-round-return, not 'test-round-case'"):
        audits.new_audit("test-round-case", {"case_reference": "DA-2026-002", "locality": "north"}, round_id="s11-2026")
    with pytest.raises(AnswerRejected, match="Locality|locality"):
        audits.new_audit("test-round-case", {"case_reference": "DA-2026-003", "agencies": ["police"]})
    # The profile changes afterwards: the audit keeps the lists it started with.
    PartnershipService(vault).install_profile(
        replace(_profile(), agencies=(Agency("police", "Renamed Police", "police"),), rounds=()), rounds="replace"
    )
    template = audits.open_audit(record.id).template
    assert [o.label for o in template.subject_field("agencies").options][:2] == ["Testshire Police", "GP practice"]
    assert [o.code for o in template.subject_field("audit_round").options] == ["da-2026-after"]
    assert [o.label for o in audits.template("test-round-case").subject_field("agencies").options] == ["Renamed Police"]


@pytest.fixture
def returns(tmp_path: Path) -> RoundReturns:
    return make_round_returns(tmp_path / "agency")


def test_returns_are_filed_under_their_round_and_tracked(tmp_path: Path, returns: RoundReturns) -> None:
    qa = make_vault(tmp_path / "qa.lscp")
    try:
        partnership = PartnershipService(qa, today=lambda: dt.date(2026, 12, 1))
        partnership.install_profile(_profile())
        inbox = InboxService(qa)
        inbox.trust_certificate(returns.trusted_pem, "Pat Auditor")
        results = inbox.import_files(list(returns.files.values()))
        assert all(r.ok for r in results)
        entries = {r.entry.subject: r.entry for r in results if r.entry is not None}
        assert {name: (e.round_id, e.locality, e.trusted) for name, e in entries.items()} == {
            "Testshire Police": ("s11-2026", "north", True),
            "Hillside Youth Club": ("s11-2026", "", True),
            "GP practice": ("s11-2026", "north", False),
        }
        data = inbox.report_data(entries["Testshire Police"].id)
        assert data["round"] == {
            "id": "s11-2026",
            "title": "Section 11 2026",
            "phase": "baseline",
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "locality": "north",
            "locality_label": "North Testshire",
            "agency": "police",
            "agency_label": "Testshire Police",
            "partnership": "Testshire Safeguarding Children Partnership",
        }
        status = partnership.round_status("s11-2026")
        # Worked out by hand from the profile: four expected (police north, police south, GP
        # north, youth club anywhere); police north and the youth club are in and trusted; the GP
        # return is in quarantine, so it does not count; the deadline (30 Nov) has passed.
        assert (status.expected, status.received, status.outstanding, status.overdue) == (4, 2, 2, 2)
        assert [(r.key, r.locality, r.state) for r in status.rows] == [
            ("police", "north", RECEIVED),
            ("police", "south", OVERDUE),
            ("gp", "north", OVERDUE),
            ("youth_club", "", RECEIVED),
        ]
        assert status.rows[2].quarantined == (entries["GP practice"].id,)
        assert (status.quarantined, status.trusted) == (1, 2)
        # Trusting the GP's signer moves the return out of quarantine: now it counts.
        gp = entries["GP practice"]
        inbox.trust_signer(gp.id, gp.signer_fingerprint)
        after = partnership.round_status("s11-2026")
        assert (after.received, after.outstanding, after.quarantined) == (3, 1, 0)
        assert [r.label for r in after.outstanding_rows] == ["Testshire Police"]
        assert partnership.round_status("s11-2026", dt.date(2026, 11, 1)).overdue == 0
        # A round with returns filed under it is not deleted (their signed data names it); once
        # they are removed from the inbox it can be.
        with pytest.raises(ValidationError, match=r"3 return\(s\) in the inbox are filed under it"):
            partnership.delete_round("s11-2026")
        assert partnership.round("s11-2026").title == "Section 11 2026"
        for entry in entries.values():
            inbox.remove(entry.id)
        partnership.delete_round("s11-2026")
        assert "s11-2026" not in {r.id for r in partnership.rounds()}
    finally:
        qa.close()


def test_expected_agencies_must_be_in_the_register(vault: Any) -> None:
    service = PartnershipService(vault)
    service.install_profile(_profile())
    with pytest.raises(PartnershipInvalid, match="'fire' is not in the agencies register"):
        service.upsert_round(Round("r-x", "X", expected_agencies=(ExpectedAgency("fire"),)))
