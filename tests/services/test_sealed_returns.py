"""Sealed returns (issue 18) over real vaults, real signatures and real files: an auditor seals a
signed report for two QA subgroup members; each opens and verifies it with the private key in
their own vault (no password), a third identity cannot and is told whom it is sealed for, a
tampered sealed file is detected, an old identity still opens an old return, and an inbox batch
mixing sealed, password-protected and plain returns gives the right outcome for each."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import identity_certs
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import ImportStatus, InboxService
from lscp_audit.services.report_service import ExportOptions, ReportService
from tests.reports.sample_audit import CANARY, NAMES, make_vault, stored_audit, yaml_template

PASSWORD = "a long enough password"


class Member:
    """A QA subgroup member's vault with its own signing identity."""

    def __init__(self, folder: Path, name: str) -> None:
        self.vault = make_vault(folder / f"{name}.lscp")
        self.identities = IdentityService(self.vault)
        self.info = self.identities.create(name, "QA subgroup member", "Testshire LSCP")
        self.pem = self.identities.export_certificate_pem()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("sealed")
    auditor = make_vault(folder / "auditor.lscp")
    auditor.audits.create(stored_audit(yaml_template()), "test", template_title="Multi-agency case audit: neglect")
    IdentityService(auditor).create(NAMES["polish"], "Designated safeguarding lead", "Testshire Council")
    qa1, qa2, eve = Member(folder, "Quinn Adebayo"), Member(folder, "Rowan Singh"), Member(folder, "Eve Outsider")
    reports = ReportService(auditor, actor="test")
    sealed = reports.export("a-0001", folder / "sealed.pdf", ExportOptions(seal_for=(qa1.pem, qa2.pem)))
    only_qa2 = reports.export("a-0001", folder / "sealed-qa2.pdf", ExportOptions(seal_for=(qa2.pem,)))
    password = reports.export("a-0001", folder / "password.pdf", ExportOptions(password=PASSWORD))
    plain = reports.export("a-0001", folder / "plain.pdf")
    auditor_pem = reports.identities.export_certificate_pem()
    for member in (qa1, qa2, eve):
        member.identities.trust_certificate(auditor_pem)
    yield {
        "folder": folder,
        "auditor": auditor,
        "reports": reports,
        "qa1": qa1,
        "qa2": qa2,
        "eve": eve,
        "sealed": sealed,
        "only_qa2": only_qa2.path,
        "password": password.path,
        "plain": plain.path,
    }
    for vault in (auditor, qa1.vault, qa2.vault, eve.vault):
        vault.close()


def test_sealed_for_two_recipients_each_opens_and_verifies(world: dict[str, Any]) -> None:
    sealed = world["sealed"]
    assert sealed.encrypted and sealed.sealed_for == (NAMES["polish"], "Quinn Adebayo", "Rowan Singh")
    for member in (world["qa1"], world["qa2"]):
        [result] = ReportService(member.vault).verify([sealed.path])
        assert result.ok(), result.reasons()
        assert result.sealed and result.signed and result.intact and result.whole_file and result.trusted
        assert result.data is not None and result.data["report"]["id"] == sealed.report_id
    # the auditor reopens what they sent
    [own] = world["reports"].verify([sealed.path])
    assert own.sealed and own.intact and own.data is not None


def test_a_third_identity_cannot_open_it_and_is_told_whom_it_is_sealed_for(world: dict[str, Any]) -> None:
    eve: Member = world["eve"]
    [result] = ReportService(eve.vault).verify([world["sealed"].path])
    assert not result.ok() and result.sealed and not result.signed and result.data is None
    assert result.problem is not None and result.problem.startswith("this report is sealed for: ")
    assert "No private key in this vault belongs to one of them" in result.problem
    assert "Quinn Adebayo" in result.problem and "Rowan Singh" in result.problem  # issuer names (self-signed)
    # once the vault knows their certificates (a partnership pack's recipients), names and fingerprints
    qa1, qa2 = world["qa1"], world["qa2"]
    eve.identities.trust_certificate(qa1.pem + qa2.pem, purpose="recipient")
    [named] = ReportService(eve.vault).verify([world["sealed"].path])
    for member in (qa1, qa2):
        fingerprint = member.info.fingerprint_sha256.replace(":", "").lower()
        assert f"{member.info.name} (SHA-256 {fingerprint})" in (named.problem or "")
    assert len(named.sealed_for) == 3


def test_nothing_readable_outside_the_encryption(world: dict[str, Any]) -> None:
    data = world["sealed"].path.read_bytes()
    assert b"/Adobe.PubSec" in data and b"/adbe.pkcs7.s5" in data and b"/AESV3" in data
    for secret in (CANARY, "MACA", NAMES["polish"], "Quinn Adebayo"):
        assert secret.encode() not in data
    # qpdf recognises the file as encrypted with a handler it does not implement (it only reads
    # password encryption), and so cannot read a byte of it
    shown = subprocess.run(["qpdf", "--show-encryption", str(world["sealed"].path)], capture_output=True, text=True)
    assert shown.returncode != 0 and "unsupported encryption filter" in shown.stderr


def test_tampering_with_a_sealed_file_is_detected(world: dict[str, Any], tmp_path: Path) -> None:
    data = bytearray(world["sealed"].path.read_bytes())
    start = data.index(b"stream", len(data) // 3) + 20  # inside an encrypted content stream
    data[start] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    [result] = ReportService(world["qa1"].vault).verify([tampered])
    assert not result.ok()
    assert not result.intact or result.problem is not None


def test_an_old_identity_still_opens_an_old_return(world: dict[str, Any], tmp_path: Path) -> None:
    qa1: Member = world["qa1"]
    old = world["reports"].export("a-0001", tmp_path / "old.pdf", ExportOptions(seal_for=(qa1.pem,)))
    qa1.identities.create("Quinn Adebayo", "QA chair", "Testshire LSCP", make_default=True)  # a new identity
    [result] = ReportService(qa1.vault).verify([old.path])
    assert result.ok() and result.sealed


def test_inbox_batch_mixing_sealed_password_and_plain(world: dict[str, Any]) -> None:
    qa1: Member = world["qa1"]
    inbox = InboxService(qa1.vault)
    files = [world["sealed"].path, world["only_qa2"], world["password"], world["plain"]]
    results = inbox.import_files(files)  # no password given
    outcome = {r.path.name: (r.status, r.reason) for r in results}
    assert outcome["sealed.pdf"][0] == ImportStatus.IMPORTED
    assert outcome["sealed-qa2.pdf"][0] == ImportStatus.REJECTED
    assert outcome["sealed-qa2.pdf"][1].startswith("this report is sealed for: ")
    assert "Rowan Singh" in outcome["sealed-qa2.pdf"][1]
    assert outcome["password.pdf"] == (ImportStatus.REJECTED, "the PDF is password-protected and no password was given")
    assert outcome["plain.pdf"][0] == ImportStatus.DUPLICATE  # the same signed report as the sealed one
    stored = results[0].entry
    assert stored is not None and stored.trusted and stored.judgement_check == "match"  # pages read from the sealed PDF
    again = inbox.import_files([world["password"]], password=PASSWORD)
    assert again[0].status == ImportStatus.DUPLICATE
    # the kept (sealed) PDF is checked again with the vault's key, no password needed
    recheck = inbox.recheck()
    assert recheck.not_checked == ()


def test_sealing_refuses_a_password_as_well(world: dict[str, Any], tmp_path: Path) -> None:
    from lscp_audit.core.errors import ValidationError

    with pytest.raises(ValidationError, match="not both"):
        world["reports"].export(
            "a-0001", tmp_path / "x.pdf", ExportOptions(password=PASSWORD, seal_for=(world["qa1"].pem,))
        )


def test_a_certification_authority_certificate_is_not_a_recipient(world: dict[str, Any], tmp_path: Path) -> None:
    from lscp_audit.reports.sealing import SealingFailed

    root = identity_certs.create_partnership_ca("Testshire")
    with pytest.raises(SealingFailed, match="certification authority"):
        world["reports"].export("a-0001", tmp_path / "ca.pdf", ExportOptions(seal_for=(root.certificate_pem,)))
    assert not (tmp_path / "ca.pdf").exists()


def test_the_signer_must_be_a_recipient_of_what_they_seal(world: dict[str, Any]) -> None:
    from lscp_audit.reports import signing
    from lscp_audit.reports.sealing import SealingFailed

    reports: ReportService = world["reports"]
    built = reports.preview_pdf("a-0001")
    signer = reports.identities.signer()
    placement = signing.FieldPlacement(0, (40, 40, 200, 90))
    with pytest.raises(SealingFailed, match="signer's own certificate"):
        signing.sign_report(built, signer, placement, signing.SignOptions(seal_for=(world["qa1"].pem,)))


def test_the_exported_pkcs12_opens_a_sealed_report(world: dict[str, Any]) -> None:
    """What a PDF reader such as Acrobat does with the member's PKCS#12: key and certificate from
    the file open the sealed report (pyHanko's reader here)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from lscp_audit.reports.sealing import DecryptionKey
    from lscp_audit.reports.verification import verify_pdf

    qa2: Member = world["qa2"]
    data = qa2.identities.export_pkcs12(b"a long p12 password")
    key, cert, _chain = pkcs12.load_key_and_certificates(data, b"a long p12 password")
    assert key is not None and cert is not None
    opened = DecryptionKey(
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    )
    result = verify_pdf(world["sealed"].path, keys=[opened])
    assert result.sealed and result.intact and result.whole_file and result.data is not None
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b"wrong password")
