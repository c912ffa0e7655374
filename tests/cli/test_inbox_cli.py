"""`lscp-audit inbox import|list|remove|trust` end to end (in process, real vaults and signed files):
an auditor's vault exports a report, the QA subgroup's vault imports it."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lscp_audit.cli import main
from lscp_audit.cli.vault_args import open_vault_from_args
from tests.reports.sample_audit import CANARY, stored_audit, yaml_template

PASS = "correct horse battery staple"


def _v(path: Path) -> list[str]:
    return ["--vault", str(path), "--no-keychain"]


@pytest.fixture()
def vaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(auditor vault holding one completed audit and a signing identity, empty QA vault), both
    made through the CLI with the test KDF cost and no keychain."""
    import keyring
    from keyring.backends import fail

    from lscp_audit.cli import vault_args
    from lscp_audit.storage.keyfile import TEST_POLICY

    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    auditor, qa = tmp_path / "auditor.lscp", tmp_path / "qa.lscp"
    for path in (auditor, qa):
        assert main(["vault", "init", *_v(path)]) == 0
    with open_vault_from_args(argparse.Namespace(vault=auditor, no_keychain=True)) as vault:
        vault.audits.create(stored_audit(yaml_template()), "test")
    assert (
        main(["identity", "create", *_v(auditor), "--name", "Ayşe Yılmaz", "--role", "Nurse", "--agency", "Health"])
        == 0
    )
    yield auditor, qa
    keyring.set_keyring(previous)


@pytest.fixture()
def signed(vaults: tuple[Path, Path], tmp_path: Path) -> Path:
    pdf = tmp_path / "out" / "report.pdf"
    pdf.parent.mkdir()
    assert main(["export", *_v(vaults[0]), "a-0001", "--out", str(pdf)]) == 0
    return pdf


def _export_cert(auditor: Path, out: Path) -> Path:
    assert main(["identity", "export-cert", *_v(auditor), "--out", str(out)]) == 0
    return out


def test_import_list_remove(vaults: tuple[Path, Path], signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _auditor, qa = vaults
    capsys.readouterr()
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"{signed}: imported into quarantine (R-") and "untrusted signer" in lines[0]
    assert lines[1].startswith("  note: held in quarantine: Ayşe Yılmaz (auditor's signature) is not trusted")
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    assert f"{signed}: duplicate" in capsys.readouterr().out
    assert main(["inbox", "list", *_v(qa)]) == 0
    listing = capsys.readouterr().out
    trusted_part, quarantine_part = listing.split("Quarantine (1)")
    assert trusted_part.startswith("Trusted returns (0)\n  none")
    assert "maca-sample 1.2.0" in quarantine_part and "signed by Ayşe Yılmaz on " in quarantine_part
    assert "on behalf of" in quarantine_part  # the report names another auditor
    assert "auditor's signature: Ayşe Yılmaz (Health), SHA-256 " in quarantine_part and CANARY not in listing
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["returns"] == []
    [entry] = document["quarantine"]
    assert entry["subject"] == CANARY and entry["verified"] == "untrusted signer" and entry["quarantined"]
    assert entry["signatures"][0]["role"] == "auditor" and len(entry["signatures"][0]["fingerprint"]) == 64
    assert main(["inbox", "remove", *_v(qa), entry["id"]]) == 0
    assert main(["inbox", "remove", *_v(qa), entry["id"]]) == 1  # NotFound
    assert "No imported return" in capsys.readouterr().err
    assert main(["inbox", "list", *_v(qa)]) == 0
    assert "The inbox is empty" in capsys.readouterr().out


def test_trusted_import(
    vaults: tuple[Path, Path], signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    auditor, qa = vaults
    cert = _export_cert(auditor, tmp_path / "auditor.pem")
    assert main(["inbox", "trust", *_v(qa), str(cert), "--label", "Health auditor"]) == 0
    assert "Trusted as a signer: Health auditor" in capsys.readouterr().out
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    assert ", trusted, id " in capsys.readouterr().out
    assert main(["inbox", "list", *_v(qa)]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("Trusted returns (1)") and "Quarantine" not in listing


def test_trust_signer_from_quarantine_needs_the_fingerprint(
    vaults: tuple[Path, Path], signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _auditor, qa = vaults
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    capsys.readouterr()
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["quarantine"]
    fingerprint = entry["signatures"][0]["fingerprint"]
    # Not on a terminal and no --fingerprint: the fingerprint is shown and nothing is trusted.
    assert main(["inbox", "trust-signer", *_v(qa), entry["id"]]) == 1
    out = capsys.readouterr()
    assert fingerprint[:4].upper() in out.out and "--fingerprint" in out.err
    assert main(["inbox", "trust-signer", *_v(qa), entry["id"], "--fingerprint", "00" * 32]) == 1
    assert "does not match" in capsys.readouterr().err
    assert main(["inbox", "trust-signer", *_v(qa), entry["id"], "--fingerprint", fingerprint]) == 0
    out = capsys.readouterr().out
    assert "Trusted as a signer: Ayşe Yılmaz" in out and "1 left quarantine" in out
    assert main(["inbox", "show", *_v(qa), entry["id"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] == "trusted"


def test_moderator_trust_list(vaults: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    auditor, qa = vaults
    cert = _export_cert(auditor, tmp_path / "moderator.pem")
    assert main(["inbox", "trust", *_v(qa), str(cert), "--moderator"]) == 0
    assert "Trusted as a QA moderator: Ayşe Yılmaz" in capsys.readouterr().out
    with open_vault_from_args(argparse.Namespace(vault=qa, no_keychain=True)) as vault:
        assert [c.purpose for c in vault.trusted_certs.list()] == ["moderator"]


def test_list_into_a_closed_pipe_prints_no_traceback(
    vaults: tuple[Path, Path], signed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``inbox list | head``: the reader has gone away before anything is written."""
    import os
    import sys

    _auditor, qa = vaults
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    capsys.readouterr()
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        for argv in (["list"], ["list", "--json"], ["import", str(signed)]):
            assert main(["inbox", argv[0], *_v(qa), *argv[1:]]) == 0
        monkeypatch.undo()
    assert "Traceback" not in capsys.readouterr().err


def test_rejected_file_makes_the_exit_status_fail(
    vaults: tuple[Path, Path], signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _auditor, qa = vaults
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed.read_bytes() + b"\n% trailing junk after signing\n")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    capsys.readouterr()
    assert main(["inbox", "import", *_v(qa), str(signed), str(appended), str(junk)]) == 2
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert lines[0].startswith(f"{signed}: imported")
    assert lines[-2].startswith(f"{appended}: rejected: ") and lines[-1].startswith(f"{junk}: rejected: not a readable")
    assert "2 of 3 file(s) were not imported" in out.err
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["quarantine"]) == 1


def test_newer_revision_supersedes_in_the_listing(
    vaults: tuple[Path, Path], signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Revision 2 of the audit is exported too; with the signer trusted, the plain list shows the
    latest revision and says an older one is hidden; --all shows both, marked."""
    from lscp_audit.core.audit import AuditStatus
    from tests.reports.sample_audit import amended_revision

    auditor, qa = vaults
    with open_vault_from_args(argparse.Namespace(vault=auditor, no_keychain=True)) as vault:
        first = vault.audits.get("a-0001")
        second = amended_revision(first, "eh_referral", "no", "Checked the referral log again")
        vault.audits.create(dataclasses.replace(second, status=AuditStatus.COMPLETE), "test")
    revision2 = tmp_path / "out" / "revision2.pdf"
    assert main(["export", *_v(auditor), "a-0002", "--out", str(revision2)]) == 0
    cert = _export_cert(auditor, tmp_path / "auditor.pem")
    assert main(["inbox", "trust", *_v(qa), str(cert)]) == 0
    assert main(["inbox", "import", *_v(qa), str(signed), str(revision2)]) == 0
    capsys.readouterr()
    assert main(["inbox", "list", *_v(qa)]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("Trusted returns (1)") and "(revision 2)" in listing
    assert "1 older revision(s) superseded by a newer one are not shown" in listing
    assert main(["inbox", "list", *_v(qa), "--all"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("Trusted returns (2)") and "  superseded by R-" in listing
