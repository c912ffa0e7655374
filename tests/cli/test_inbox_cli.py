"""`lscp-audit inbox import|list|remove|trust` end to end (in process, real vaults and signed files):
an auditor's vault exports a report, the QA subgroup's vault imports it."""

from __future__ import annotations

import argparse
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


def test_import_list_remove(vaults: tuple[Path, Path], signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _auditor, qa = vaults
    capsys.readouterr()
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{signed}: imported (R-") and "untrusted signer" in line
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    assert f"{signed}: duplicate" in capsys.readouterr().out
    assert main(["inbox", "list", *_v(qa)]) == 0
    listing = capsys.readouterr().out
    assert "maca-sample 1.2.0" in listing and "signed by Ayşe Yılmaz on " in listing and CANARY not in listing
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["subject"] == CANARY and entry["verified"] == "untrusted signer"
    assert main(["inbox", "remove", *_v(qa), entry["id"]]) == 0
    assert main(["inbox", "remove", *_v(qa), entry["id"]]) == 1  # NotFound
    assert "No imported return" in capsys.readouterr().err
    assert main(["inbox", "list", *_v(qa)]) == 0
    assert "The inbox is empty" in capsys.readouterr().out


def test_trusted_import(
    vaults: tuple[Path, Path], signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    auditor, qa = vaults
    cert = tmp_path / "auditor.pem"
    assert main(["identity", "export-cert", *_v(auditor), "--out", str(cert)]) == 0
    assert main(["inbox", "trust", *_v(qa), str(cert), "--label", "Health auditor"]) == 0
    capsys.readouterr()
    assert main(["inbox", "import", *_v(qa), str(signed)]) == 0
    assert ", trusted, id " in capsys.readouterr().out


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
    assert lines[1].startswith(f"{appended}: rejected: ") and lines[2].startswith(f"{junk}: rejected: not a readable")
    assert "2 of 3 file(s) were not imported" in out.err
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
