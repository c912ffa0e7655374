"""Section 11 sign-off end to end: an agency's vault exports its Section 11 return (signed by the
person who completed it), the senior lead signs it off with their own identity (service and the
real `lscp-audit sign-off` process), `lscp-audit verify` shows and checks both signatures, and
the QA inbox imports it, trusted only when both signers are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports import identity_certs
from lscp_audit.reports.signing import SignerIdentity
from lscp_audit.reports.verification import AUDITOR, SENIOR_LEAD, verify_pdf_bytes
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.sign_off_service import SignOffService
from tests.reports import forgery
from tests.reports.sample_audit import make_vault

S11 = paths.forms_dir() / "section-11-self-assessment.yaml"


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("s11")
    vault = make_vault(folder / "agency.lscp")
    template = load_template_file(S11)
    audit = replace(completed_audit(template), id="s11-0001")
    vault.audits.create(audit, "test", template_title=template.title)
    identities = IdentityService(vault)
    completer = identities.create("Ann Completer", "Named Nurse", "Testshire NHS Trust")
    lead = identities.create("Ngozi Adeyemi", "Chief Nurse", "Testshire NHS Trust", make_default=False)
    exported = ReportService(vault, actor="test").export("s11-0001", folder / "return.pdf")
    yield {
        "vault": vault,
        "folder": folder,
        "return": exported.path,
        "lead_id": lead.id,
        "completer_pem": identities.export_certificate_pem(completer.id),
        "lead_pem": identities.export_certificate_pem(lead.id),
    }
    vault.close()


@pytest.fixture(scope="module")
def signed_off(agency: dict[str, Any]) -> Path:
    result = SignOffService(agency["vault"]).sign_off(
        agency["return"], agency["folder"] / "signed-off.pdf", identity_id=agency["lead_id"]
    )
    assert result.completed_by == "Ann Completer" and result.senior_lead == "Ngozi Adeyemi"
    return result.path


def test_sign_off_adds_the_senior_leads_signature(agency: dict[str, Any], signed_off: Path) -> None:
    result = verify_pdf_bytes(signed_off.read_bytes())
    assert result.ok() and [s.role for s in result.signatures] == [AUDITOR, SENIOR_LEAD]
    assert [s.signer for s in result.signatures] == ["Ann Completer", "Ngozi Adeyemi"]
    assert agency["return"].read_bytes() != signed_off.read_bytes()  # the input is left as it was
    assert verify_pdf_bytes(agency["return"].read_bytes()).ok()


def test_sign_off_is_refused_when_it_does_not_belong(agency: dict[str, Any], signed_off: Path, tmp_path: Path) -> None:
    service = SignOffService(agency["vault"])
    with pytest.raises(ValidationError, match="already signed"):
        service.sign_off(signed_off, tmp_path / "again.pdf", identity_id=agency["lead_id"])
    moderator = identity_certs.create_self_signed("Mod Erator", "QA", "LSCP")
    countersigned = tmp_path / "countersigned.pdf"
    countersigned.write_bytes(
        forgery.countersign(agency["return"].read_bytes(), SignerIdentity(moderator, "Mod Erator", "QA", "LSCP"))
    )
    with pytest.raises(ValidationError, match="signs before that"):
        service.sign_off(countersigned, tmp_path / "late.pdf", identity_id=agency["lead_id"])
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(forgery.ATTACKS["freetext_overlay"](agency["return"].read_bytes()))
    with pytest.raises(ValidationError, match="cannot be signed off"):
        service.sign_off(tampered, tmp_path / "t.pdf", identity_id=agency["lead_id"])
    assert not (tmp_path / "t.pdf").exists() and not (tmp_path / "late.pdf").exists()
    with pytest.raises(ValidationError, match="new file"):
        service.sign_off(agency["return"], agency["return"], identity_id=agency["lead_id"])


def test_inbox_trusts_it_only_when_both_signers_are_trusted(
    agency: dict[str, Any], signed_off: Path, tmp_path: Path
) -> None:
    qa = make_vault(tmp_path / "qa.lscp")
    try:
        inbox = InboxService(qa)
        inbox.trust_certificate(agency["completer_pem"], "Completer")
        [result] = inbox.import_files([signed_off])
        entry = result.entry
        assert entry is not None and entry.quarantined
        assert [s.role for s in entry.signatures] == ["auditor", "senior_lead"]
        assert "Ngozi Adeyemi (senior lead's signature) is not trusted" in entry.trust_problem
        inbox.trust_certificate(agency["lead_pem"], "Senior lead")
        inbox.recheck()
        entry = inbox.get(entry.id)
        assert entry.trusted and all(s.trusted for s in entry.signatures)
    finally:
        qa.close()


def test_sign_off_and_verify_through_the_real_process(agency: dict[str, Any], tmp_path: Path) -> None:
    env = {**os.environ, "LSCP_AUDIT_PASSPHRASE": "correct horse battery staple 42", "LSCP_AUDIT_HOME": str(tmp_path)}

    def cli(*argv: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "lscp_audit", *map(str, argv)], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == code, (done.stdout, done.stderr)
        return done

    vault = tmp_path / "lead.lscp"
    cli("vault", "init", "--vault", vault, "--no-keychain")
    cli(
        "identity",
        "create",
        "--vault",
        vault,
        "--no-keychain",
        "--name",
        "Óscar Lead",
        "--role",
        "Director",
        "--agency",
        "Testshire Council",
    )
    cli("identity", "export-cert", "--vault", vault, "--no-keychain", "--out", tmp_path / "lead.pem")
    out = tmp_path / "signed-off.pdf"
    done = cli("sign-off", "--vault", vault, "--no-keychain", agency["return"], "--out", out)
    assert "completed and signed by Ann Completer, signed off by Óscar Lead" in done.stdout
    completer = tmp_path / "completer.pem"
    completer.write_text(agency["completer_pem"], encoding="ascii")
    shown = cli("verify", out, "--trust", completer, "--trust", tmp_path / "lead.pem", "--json")
    [verdict] = json.loads(shown.stdout)
    assert verdict["ok"] and [s["role"] for s in verdict["signatures"]] == ["auditor", "senior_lead"]
    plain = cli("verify", out, "--trust", completer, code=2).stdout
    assert "Óscar Lead (Testshire Council), senior lead, signed" in plain and "trusted: NO" in plain, plain
    refused = cli("sign-off", "--vault", vault, "--no-keychain", out, "--out", tmp_path / "x.pdf", code=1)
    assert "already signed" in refused.stderr
