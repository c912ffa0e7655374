"""Records and QA moderation over real vaults, real signed returns and real signed records: a
subject access disclosure pack holds the moderation records of the case's returns (JSON and
PDF), and writing a moderation record file or a partnership pack is recorded in the export log
like any other export."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.records import ExportKind
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.moderation_service import JudgementInput, ModerationService
from lscp_audit.services.pack_service import PackService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.records_service import RecordsService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from tests.reports.sample_audit import CANARY, make_vault, stored_audit, yaml_template
from tests.services.round_returns import round_templates, test_profile
from tests.storage.conftest import MemoryKeyring

PASS = "correct horse battery staple 42"


@pytest.fixture(scope="module")
def signed_return(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("agency")
    vault = make_vault(folder / "agency.lscp")
    try:
        vault.audits.create(stored_audit(yaml_template()), "test", template_title="Multi-agency case audit: neglect")
        identities = IdentityService(vault)
        identities.create("Zofia Auditor", "Designated safeguarding lead", "Testshire Council")
        exported = ReportService(vault, actor="test").export("a-0001", folder / "signed.pdf")
        return {"pdf": exported.path, "pem": identities.export_certificate_pem(), "report_id": exported.report_id}
    finally:
        vault.close()


@pytest.fixture
def qa(tmp_path: Path, signed_return: dict[str, Any]) -> Iterator[dict[str, Any]]:
    service = VaultService(
        tmp_path / "qa.lscp", keystore=KeyStore(MemoryKeyring()), kdf_policy=TEST_POLICY, actor="Records Officer"
    )
    service.create(PASS, use_keychain=False)
    vault = service.vault
    inbox = InboxService(vault)
    inbox.trust_certificate(signed_return["pem"], "Auditor")
    [imported] = inbox.import_files([signed_return["pdf"]])
    assert imported.entry is not None and imported.entry.trusted
    identities = IdentityService(vault)
    chair = identities.create("Piotr Moderator", "QA subgroup chair", "Testshire LSCP")
    inbox.trust_certificate(identities.export_certificate_pem(chair.id), "Moderator", moderator=True)
    moderation = ModerationService(vault, actor="Piotr Moderator")
    form = moderation.form(imported.entry.id)
    section = next(s for s in form.scopes if s.scope != "overall")
    other = next(level for level in form.levels if level.code != section.self_rating)
    made = moderation.record(
        imported.entry.id,
        outcome="moderated",
        rationale="MOD-CANARY the panel read the chronology again.",
        judgements=[JudgementInput(section.scope, other.code, "The assessment was late.", section.agency)],
    )
    yield {
        "service": service,
        "vault": vault,
        "moderation": moderation,
        "record": made,
        "level": other,
        "section": section,
        "folder": tmp_path,
        "return_id": imported.entry.id,
    }
    service.lock()


def test_the_disclosure_pack_holds_the_moderation_of_the_cases_returns(qa: dict[str, Any]) -> None:
    records = RecordsService(qa["service"], "Records Officer")
    pack = records.subject_access(CANARY)
    [found] = pack["imported_returns"]
    [record] = found["moderation"]
    assert record["id"] == qa["record"].id and record["outcome"] == "moderated"
    assert record["moderator"]["name"] == "Piotr Moderator" and record["moderator"]["role"] == "QA subgroup chair"
    assert record["rationale"] == "MOD-CANARY the panel read the chronology again."
    [judgement] = record["judgements"]
    assert judgement["moderated"] == qa["level"].code and judgement["moderated_label"] == qa["level"].label
    assert judgement["self_rating"] == qa["section"].self_rating
    assert record["verified"] and "trusted as a QA moderator" in record["verification"]
    assert "third party" in " ".join(record["review"]) and pack["disclosure_pack"]["counts"]["moderation_records"] == 1
    # Another case's pack holds none of it.
    other = records.subject_access("NO-SUCH-CASE")
    assert "MOD-CANARY" not in json.dumps(other)

    out = qa["folder"] / "dp"
    out.mkdir()
    files = records.write_disclosure_pack(pack, out)
    assert json.loads(files.json_path.read_text(encoding="utf-8"))["imported_returns"][0]["moderation"]
    text = subprocess.run(
        ["pdftotext", "-layout", str(files.pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "QA moderation: Moderated by Piotr Moderator (QA subgroup chair, Testshire LSCP)" in flat
    assert "MOD-CANARY the panel read the chronology again." in flat and qa["level"].label in flat
    assert "QA moderation records 1" in flat


def test_moderation_record_files_and_partnership_packs_are_in_the_export_log(qa: dict[str, Any]) -> None:
    vault = qa["vault"]
    moderation: ModerationService = qa["moderation"]
    written = moderation.export(qa["record"].id, qa["folder"] / moderation.suggested_file_name(qa["record"].id))
    templates = round_templates(qa["folder"] / "forms")
    PartnershipService(vault, templates).install_profile(test_profile())
    pack = PackService(vault, templates, actor="QA lead").export_pack(
        qa["folder"] / "autumn.lscppack", round_ids=["s11-2026"]
    )
    log = vault.export_log.list()
    assert [(e.kind, e.file_name, e.actor) for e in log] == [
        (ExportKind.PARTNERSHIP_PACK, str(pack), "QA lead"),
        (ExportKind.MODERATION_RECORD, str(written), "Piotr Moderator"),
    ]
    entry = log[1]
    assert entry.report_id == qa["record"].report_id and entry.case_reference == CANARY
    assert entry.protection == "signed, not encrypted"
    # The case's subject access pack lists where the record file went.
    pack_data = RecordsService(qa["service"], "Records Officer").subject_access(CANARY)
    assert [e["what"] for e in pack_data["exports"]] == ["Moderation record (signed file)"]
    # A failed write is explained (the file and why) and not logged.
    with pytest.raises(LscpAuditError, match=r"The moderation record could not be saved to x\.lscpmod"):
        moderation.export(qa["record"].id, qa["folder"] / "missing" / "x.lscpmod")
    assert len(vault.export_log.list()) == 2
