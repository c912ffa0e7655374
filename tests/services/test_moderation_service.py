"""ModerationService over real vaults, real signed returns and real CMS signatures.

An auditor's vault exports a signed return; the QA subgroup's vault imports and trusts it, and
its moderator (an identity in the QA vault, trusted as a moderator) records outcomes. Every
forgery is built here at test time from a genuine record: another content hash, another report
id, a changed byte, a re-signed record from an untrusted key, a signer only trusted as an
auditor, a moderator named in the record who did not sign it, a scale code the return's scale
does not have. Each is refused with its reason and nothing is stored."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.progress import CancelToken
from lscp_audit.reports import identity_certs, moderation_record
from lscp_audit.reports.signing import SignerIdentity, _signer
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import ImportStatus, InboxService
from lscp_audit.services.incoming import import_incoming
from lscp_audit.services.moderation_service import (
    JudgementInput,
    ModerationService,
    ModerationStatus,
)
from lscp_audit.services.report_service import ReportService
from tests.reports.sample_audit import amended_revision, make_vault, stored_audit, yaml_template


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("agency")
    vault = make_vault(folder / "agency.lscp")
    first = stored_audit(yaml_template())
    vault.audits.create(first, "test", template_title="Multi-agency case audit: neglect")
    vault.audits.create(amended_revision(first, "eh_referral", "no", "Checked again"), "test", template_title="x")
    identities = IdentityService(vault)
    identities.create("Zofia Auditor", "Designated safeguarding lead", "Testshire Council")
    reports = ReportService(vault, actor="test")
    signed = reports.export("a-0001", folder / "signed.pdf")
    revision2 = reports.export("a-0002", folder / "revision2.pdf")
    yield {
        "signed": signed.path,
        "report_id": signed.report_id,
        "revision2": revision2.path,
        "pem": identities.export_certificate_pem(),
    }
    vault.close()


@pytest.fixture()
def qa(tmp_path: Path, returns: dict[str, Any]) -> Iterator[dict[str, Any]]:
    vault = make_vault(tmp_path / "qa.lscp")
    inbox = InboxService(vault)
    inbox.trust_certificate(returns["pem"], "Auditor")
    [imported] = inbox.import_files([returns["signed"]])
    assert imported.entry is not None and imported.entry.trusted
    identities = IdentityService(vault)
    moderator = identities.create("Piotr Moderator", "QA subgroup chair", "Testshire LSCP")
    inbox.trust_certificate(identities.export_certificate_pem(moderator.id), "Moderator", moderator=True)
    yield {
        "vault": vault,
        "inbox": inbox,
        "service": ModerationService(vault),
        "return_id": imported.entry.id,
        "moderator": moderator,
        "folder": tmp_path,
    }
    vault.close()


def _record_moderated(qa: dict[str, Any]) -> Any:
    service: ModerationService = qa["service"]
    form = service.form(qa["return_id"])
    section = next(s for s in form.scopes if s.scope != "overall")
    other = next(level.code for level in form.levels if level.code != section.self_rating)
    return service.record(
        qa["return_id"],
        outcome="moderated",
        rationale="Evidence for early help was thinner than the grade suggests.",
        judgements=[JudgementInput(section.scope, other, "The assessment was late.", section.agency)],
    )


def test_form_uses_the_returns_declared_scale_and_judgements(qa: dict[str, Any]) -> None:
    form = qa["service"].form(qa["return_id"])
    data = qa["inbox"].report_data(qa["return_id"])
    assert [level.code for level in form.levels] == [lvl["code"] for lvl in data["judgements"]["levels"]]
    assert form.scale_id == data["judgements"]["scale"] and form.scopes[-1].scope == "overall"
    assert {s.scope for s in form.scopes[:-1]} == {e["section_id"] for e in data["judgements"]["sections"]}


def test_agree_is_signed_bound_stored_and_shown(qa: dict[str, Any]) -> None:
    service: ModerationService = qa["service"]
    assert service.moderation_for(qa["return_id"]) is None and service.outcomes() == {}
    made = service.record(qa["return_id"], outcome="agree", rationale="The ratings match the evidence seen.")
    assert made.outcome == "agree" and made.summary == "Agreed" and made.moderator == "Piotr Moderator"
    assert made.moderator_role == "QA subgroup chair" and len(made.moderator_fingerprint) == 64
    assert service.moderation_for(qa["return_id"]) == made
    assert service.outcomes() == {qa["return_id"]: "Agreed"}
    # The stored file is a real CMS signature, readable by OpenSSL too.
    out = service.export(made.id, qa["folder"] / service.suggested_file_name(made.id))
    assert out.name.endswith(".lscpmod") and made.report_id in out.name
    shown = subprocess.run(
        ["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", str(out)],
        capture_output=True,
        check=True,
    )
    record = json.loads(shown.stdout)
    item = qa["vault"].imported_returns.get(qa["return_id"])
    assert record["return"]["report_id"] == item.report_id
    assert "sha256:" + record["return"]["data_sha256"] == item.data_hash
    assert record["return"]["content_hash"] == item.content_hash
    # Importing the same file again is a duplicate, not a second record.
    again = service.import_file(out)
    assert again.status == ModerationStatus.DUPLICATE and again.moderation == made


def test_moderated_rating_per_section_with_rationale(qa: dict[str, Any]) -> None:
    made = _record_moderated(qa)
    [judgement] = made.judgements
    assert made.summary == "Moderated: 1 judgement" and judgement.rationale == "The assessment was late."
    assert judgement.moderated_label and judgement.moderated_label != judgement.self_label
    assert qa["service"].outcomes() == {qa["return_id"]: "Moderated"}


def test_record_travels_to_another_vault_and_survives_reimport_of_the_return(
    qa: dict[str, Any], returns: dict[str, Any], tmp_path: Path
) -> None:
    made = _record_moderated(qa)
    file = qa["service"].export(made.id, tmp_path / "m.lscpmod")
    other = make_vault(tmp_path / "other.lscp")
    try:
        inbox = InboxService(other)
        inbox.trust_certificate(returns["pem"])
        service = ModerationService(other)
        # Not yet trusted as a moderator here: refused.
        refused = service.import_file(file)
        assert refused.status == ModerationStatus.REFUSED and "not trusted as a QA moderator" in refused.reason
        assert not refused.awaiting_return  # the signer is the problem, not the return
        pem = qa["service"].identities.export_certificate_pem(qa["moderator"].id)
        inbox.trust_certificate(pem, "Moderator", moderator=True)
        # Before the return is there, the record has nothing to bind to.
        refused = service.import_file(file)
        assert refused.status == ModerationStatus.REFUSED and "import the return first" in refused.reason
        assert refused.awaiting_return  # importing it again once the return is in may store it
        [entry] = [r.entry for r in inbox.import_files([returns["signed"]])]
        assert entry is not None
        stored = service.import_file(file)
        assert stored.status == ModerationStatus.STORED and stored.moderation is not None
        assert service.moderation_for(entry.id) == stored.moderation
        assert other.moderation.cms(made.id) == file.read_bytes()
    finally:
        other.close()


def test_one_import_takes_returns_and_records_in_any_order(
    qa: dict[str, Any], returns: dict[str, Any], tmp_path: Path
) -> None:
    """`import_incoming` (the app's import and `inbox import`): a record listed before its
    return is still stored, because returns go in first; a record whose return is not among the
    files nor in the inbox is refused as waiting for it; after Cancel, records are skipped."""
    made = _record_moderated(qa)
    record = qa["service"].export(made.id, tmp_path / "m.lscpmod")
    other = make_vault(tmp_path / "other.lscp")
    try:
        inbox, service = InboxService(other), ModerationService(other)
        inbox.trust_certificate(returns["pem"])
        pem = qa["service"].identities.export_certificate_pem(qa["moderator"].id)
        inbox.trust_certificate(pem, "Moderator", moderator=True)

        alone = list(import_incoming(inbox, service, [record]))
        assert [(o.result.status, o.awaiting_return) for o in alone] == [(ImportStatus.REJECTED, True)]
        assert "import the return first" in alone[0].result.reason

        token = CancelToken()
        token.cancel()
        skipped = list(import_incoming(inbox, service, [record], cancel=token))
        assert [o.result.status for o in skipped] == [ImportStatus.SKIPPED]

        both = list(import_incoming(inbox, service, [record, returns["signed"]]))
        assert [o.result.path for o in both] == [returns["signed"], record]
        assert [o.result.status for o in both] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED]
        entry = both[0].result.entry
        assert entry is not None and service.moderation_for(entry.id) is not None
        assert both[1].result.note == (
            f"moderation record of report {returns['report_id']}: Moderated by Piotr Moderator"
        )
    finally:
        other.close()


def test_only_a_moderator_certificate_can_record(qa: dict[str, Any]) -> None:
    service: ModerationService = qa["service"]
    someone = service.identities.create("Ann Auditor", "Auditor", "Health", make_default=True)
    with pytest.raises(ValidationError, match="not trusted as a QA moderator"):
        service.record(qa["return_id"], outcome="agree", rationale="Fine.")
    # Trusted as a signer (auditor) is not enough.
    qa["inbox"].trust_certificate(service.identities.export_certificate_pem(someone.id), "Ann")
    with pytest.raises(ValidationError, match="not trusted as a QA moderator"):
        service.record(qa["return_id"], outcome="agree", rationale="Fine.")
    assert service.moderation_for(qa["return_id"]) is None


def test_record_inputs_are_checked_against_the_returns_scale(qa: dict[str, Any]) -> None:
    service: ModerationService = qa["service"]
    form = service.form(qa["return_id"])
    scope = form.scopes[0]
    with pytest.raises(ValidationError) as caught:
        service.record(
            qa["return_id"],
            outcome="moderated",
            rationale=" ",
            judgements=[
                JudgementInput(scope.scope, "purple", "", scope.agency),
                JudgementInput("no_such_standard", form.levels[0].code, "x"),
            ],
        )
    problems = caught.value.problems
    assert any("rationale for the moderation outcome" in p for p in problems)
    assert any("'purple' is not a level" in p for p in problems)
    assert any("rationale for the moderated rating" in p for p in problems)
    assert any("no judgement 'no_such_standard'" in p for p in problems)
    with pytest.raises(ValidationError, match="at least one moderated rating"):
        service.record(qa["return_id"], outcome="moderated", rationale="x")
    with pytest.raises(ValidationError, match="the outcome must be"):
        service.record(qa["return_id"], outcome="maybe", rationale="x")
    with pytest.raises(NotFound):
        service.record("nope", outcome="agree", rationale="x")


def test_quarantined_return_cannot_be_moderated(qa: dict[str, Any], returns: dict[str, Any]) -> None:
    [result] = qa["inbox"].import_files([returns["revision2"]])
    assert result.entry is not None
    # Revision 2 is signed by the same trusted auditor, so make a quarantined return another way:
    qa["vault"].imported_returns.update_trust(
        result.entry.id,
        verified="untrusted signer",
        trust_problem="test",
        checked_at="x",
        signatures=qa["vault"].imported_returns.get(result.entry.id).signatures,
    )
    with pytest.raises(ValidationError, match="quarantine"):
        qa["service"].record(result.entry.id, outcome="agree", rationale="x")


# -- forgeries, each built now from a genuine record ------------------------------------------------


def _resign(record: dict[str, Any], material: identity_certs.SigningMaterial, name: str) -> bytes:
    """A record signed with pyHanko by `material`, skipping the schema check sign_record does."""
    from asn1crypto import cms

    content = cms.ContentInfo({"content_type": "data", "content": moderation_record.canonical_json(record)})
    signer = _signer(SignerIdentity(material, name, "Role", "Agency"))
    return bytes(asyncio.run(signer.async_sign_general_data(content, "sha256", detached=False)).dump())


def _moderator_material(qa: dict[str, Any]) -> identity_certs.SigningMaterial:
    return qa["service"].identities.signer(qa["moderator"].id).material


def _genuine(qa: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    made = _record_moderated(qa)
    blob = qa["vault"].moderation.cms(made.id)
    record = qa["vault"].moderation.record(made.id)
    qa["vault"].moderation.delete_for(made.report_id, qa["vault"].imported_returns.get(qa["return_id"]).data_hash)
    assert qa["service"].moderation_for(qa["return_id"]) is None
    return blob, record


def _refused(qa: dict[str, Any], blob: bytes, *words: str) -> None:
    result = qa["service"].import_bytes(blob)
    assert result.status == ModerationStatus.REFUSED, result
    for word in words:
        assert word in result.reason, result.reason
    assert qa["service"].moderation_for(qa["return_id"]) is None
    assert not result.awaiting_return or "import the return first" in result.reason  # a forgery is never retried


def test_genuine_record_is_accepted_again(qa: dict[str, Any]) -> None:
    blob, _record = _genuine(qa)
    assert qa["service"].import_bytes(blob).status == ModerationStatus.STORED


def test_forgery_other_content_hash_is_refused(qa: dict[str, Any]) -> None:
    _blob, record = _genuine(qa)
    forged = json.loads(json.dumps(record))
    forged["return"]["data_sha256"] = "0" * 64
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "different version of the return")
    forged = json.loads(json.dumps(record))
    forged["return"]["content_hash"] = "sha256:" + "1" * 64
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "names content hash")


def test_forgery_other_report_id_is_refused(qa: dict[str, Any]) -> None:
    _blob, record = _genuine(qa)
    forged = json.loads(json.dumps(record))
    forged["return"]["report_id"] = "R-AAAA-BBBB"
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "no return with report id R-AAAA-BBBB")


def test_forgery_tampered_bytes_are_refused(qa: dict[str, Any]) -> None:
    blob, record = _genuine(qa)
    # Change the rationale inside the signed content, keeping the length.
    assert b"The assessment was late." in blob and record["judgements"][0]["moderated"]
    tampered = blob.replace(b"The assessment was late.", b"The assessment was good.", 1)
    _refused(qa, tampered, "changed after it was signed")
    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0x01
    result = qa["service"].import_bytes(bytes(flipped))
    assert result.status == ModerationStatus.REFUSED and result.reason
    _refused(qa, b"not a record", "not a signed moderation record")
    _refused(qa, blob[:100], "not a signed moderation record")


def test_forgery_untrusted_or_non_moderator_signer_is_refused(qa: dict[str, Any], returns: dict[str, Any]) -> None:
    _blob, record = _genuine(qa)
    stranger = identity_certs.create_self_signed("Piotr Moderator", "QA subgroup chair", "Testshire LSCP")
    _refused(qa, _resign(record, stranger, "Piotr Moderator"), "not trusted as a QA moderator")
    # A certificate the vault trusts as a signer (auditor), not as a moderator.
    auditor = identity_certs.create_self_signed("Piotr Moderator", "Auditor", "Health")
    qa["inbox"].trust_certificate(auditor.certificate_pem, "auditor")
    _refused(qa, _resign(record, auditor, "Piotr Moderator"), "not trusted as a QA moderator")


def test_forgery_record_naming_another_moderator_is_refused(qa: dict[str, Any]) -> None:
    _blob, record = _genuine(qa)
    forged = json.loads(json.dumps(record))
    forged["moderator"]["name"] = "Somebody Senior"
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "names the moderator")


def test_forgery_code_outside_the_scale_or_schema_is_refused(qa: dict[str, Any]) -> None:
    _blob, record = _genuine(qa)
    forged = json.loads(json.dumps(record))
    forged["judgements"][0]["moderated"] = "purple"
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "not a level of the return's scale")
    forged = json.loads(json.dumps(record))
    forged["judgements"][0]["scope"] = "made_up"
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "has no judgement for")
    forged = json.loads(json.dumps(record))
    forged["outcome"] = "agree"  # an agree with moderated ratings breaks the schema
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "not a valid moderation record")
    forged = json.loads(json.dumps(record))
    forged["extra"] = "x"
    _refused(qa, _resign(forged, _moderator_material(qa), "Piotr Moderator"), "not a valid moderation record")


def test_removing_the_return_removes_its_moderation(qa: dict[str, Any]) -> None:
    made = qa["service"].record(qa["return_id"], outcome="agree", rationale="Agreed at panel.")
    qa["inbox"].remove(qa["return_id"])
    with pytest.raises(NotFound):
        qa["vault"].moderation.get(made.id)


def test_a_record_is_checked_again_when_the_moderators_trusted_change(qa: dict[str, Any]) -> None:
    """No longer trusting the moderator's certificate shows the stored record as not verified,
    in the return's moderation and the list column; trusting it again restores it. Nothing is
    imported again."""
    service: ModerationService = qa["service"]
    made = _record_moderated(qa)
    assert made.verified and "trusted as a QA moderator" in made.verification
    assert service.outcomes() == {qa["return_id"]: "Moderated"}
    vault = qa["vault"]
    [trusted] = vault.trusted_certs.list("moderator")
    vault.trusted_certs.delete(trusted.id)
    shown = service.moderation_for(qa["return_id"])
    assert shown is not None and not shown.verified
    assert "Piotr Moderator" in shown.verification and "not trusted as a QA moderator" in shown.verification
    assert shown.verified_words.startswith("Not verified: ")
    assert service.outcomes() == {qa["return_id"]: "Moderated (not verified)"}
    assert service.recheck() == {made.id: False}
    assert any(line.startswith("Not verified") for line in service.lines_for(qa["return_id"]))
    qa["inbox"].trust_certificate(trusted.certificate_pem, "Moderator", moderator=True)
    assert service.recheck() == {made.id: True}
    assert service.outcomes() == {qa["return_id"]: "Moderated"}
    again = service.moderation_for(qa["return_id"])
    assert again is not None and again.verified and again.id == made.id
