"""`lscp-audit identity`, `export` and `verify` end to end (in process, real vault and files)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lscp_audit.cli import main
from lscp_audit.cli.vault_args import open_vault_from_args
from lscp_audit.reports.identity_certs import create_self_signed
from tests.reports import pdf_tools
from tests.reports.sample_audit import CANARY, stored_audit, yaml_template

PASS = "correct horse battery staple"


@pytest.fixture()
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A vault made through the CLI with the test KDF cost and no keychain, holding one audit."""
    import keyring
    from keyring.backends import fail

    from lscp_audit.cli import vault_args
    from lscp_audit.storage.keyfile import TEST_POLICY

    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    path = tmp_path / "v.lscp"
    assert main(["vault", "init", "--vault", str(path), "--no-keychain"]) == 0
    record = stored_audit(yaml_template())
    with open_vault_from_args(argparse.Namespace(vault=path, no_keychain=True)) as vault:
        vault.audits.create(record, "test")
    yield path
    keyring.set_keyring(previous)


def _v(path: Path) -> list[str]:
    return ["--vault", str(path), "--no-keychain"]


def test_identity_export_verify_round_trip(
    vault_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["identity", "create", *_v(vault_path), "--name", "Ayşe Yılmaz", "--role", "Nurse", "--agency", "Health"])
        == 0
    )
    cert = tmp_path / "me.pem"
    assert main(["identity", "export-cert", *_v(vault_path), "--out", str(cert)]) == 0
    pdf = tmp_path / "out" / "report.pdf"
    pdf.parent.mkdir()
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf), "--compact"]) == 0
    assert "Total document signed" in pdf_tools.pdfsig(pdf)
    capsys.readouterr()
    assert main(["verify", str(pdf), "--trust", str(cert)]) == 0
    text = capsys.readouterr().out
    assert "OK" in text and "Ayşe Yılmaz" in text and "maca-sample version 1.2.0" in text and CANARY not in text
    assert main(["verify", str(pdf), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)[0]
    assert info["ok"] and info["trusted"] is None and info["template_id"] == "maca-sample"


def test_verify_fails_on_tamper_untrusted_and_unsigned(
    vault_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    pdf = tmp_path / "r.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf)]) == 0
    other = tmp_path / "other.pem"
    other.write_text(create_self_signed("X", "Y", "Z").certificate_pem)
    capsys.readouterr()
    assert main(["verify", str(pdf), "--trust", str(other)]) == 2
    assert "trusted:     NO" in capsys.readouterr().out
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(pdf.read_bytes() + b"\n% trailing junk after signing\n")
    assert main(["verify", str(appended)]) == 2
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    capsys.readouterr()
    assert main(["verify", str(pdf), str(junk), "--json"]) == 2
    results = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in results] == [True, False]


def test_encrypted_export_with_password_env(vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    monkeypatch.setenv("LSCP_AUDIT_PDF_PASSWORD", "twelve chars!")
    pdf = tmp_path / "enc.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf), "--encrypt"]) == 0
    assert main(["verify", str(pdf)]) == 0  # the same env var unlocks it for verification
    monkeypatch.delenv("LSCP_AUDIT_PDF_PASSWORD")
    assert main(["verify", str(pdf)]) == 2


def test_partnership_root_cli(vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_AUDIT_CA_PASSWORD", "root password")
    monkeypatch.setenv("LSCP_AUDIT_P12_PASSWORD", "auditor password")
    ca, ca_pem, p12 = tmp_path / "ca.p12", tmp_path / "ca.pem", tmp_path / "auditor.p12"
    assert (
        main(["identity", "create-ca", "--partnership", "Testshire LSCP", "--out", str(ca), "--cert-out", str(ca_pem)])
        == 0
    )
    assert (
        main(
            [
                "identity",
                "issue",
                "--ca",
                str(ca),
                "--name",
                "Nguyễn Thị Thảo",
                "--role",
                "Health visitor",
                "--agency",
                "NHS",
                "--out",
                str(p12),
            ]
        )
        == 0
    )
    assert main(["identity", "import", *_v(vault_path), str(p12)]) == 0
    pdf = tmp_path / "r.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf)]) == 0
    assert main(["verify", str(pdf), "--trust", str(ca_pem)]) == 0


def test_export_without_identity_or_unknown_audit(
    vault_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(tmp_path / "r.pdf")]) != 0
    assert "identity create" in capsys.readouterr().err
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    assert main(["export", *_v(vault_path), "no-such-audit", "--out", str(tmp_path / "r.pdf")]) != 0
    assert not (tmp_path / "r.pdf").exists()


def test_export_marking_chosen_per_export(vault_path: Path, tmp_path: Path) -> None:
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    pdf = tmp_path / "marked.pdf"
    args = ["export", *_v(vault_path), "a-0001", "--out", str(pdf), "--marking", "OFFICIAL", "--descriptor", "personal"]
    assert main(args) == 0
    pages = [p for p in pdf_tools.pdftotext(pdf).split("\f") if p.strip()]
    assert all(page.count("OFFICIAL PERSONAL") >= 2 for page in pages)
    assert "OFFICIAL-SENSITIVE" not in "".join(pages)
    bad = ["export", *_v(vault_path), "a-0001", "--out", str(tmp_path / "x.pdf"), "--descriptor", "<b>"]
    assert main(bad) != 0 and not (tmp_path / "x.pdf").exists()


def test_export_also_writes_the_accessible_html_version(
    vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf), "--html", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page and CANARY in page
    assert "not signed" in page
    monkeypatch.setenv("LSCP_AUDIT_PDF_PASSWORD", "long enough password")
    other = tmp_path / "e.html"
    args = ["export", *_v(vault_path), "a-0001", "--out", str(tmp_path / "e.pdf"), "--encrypt", "--html", str(other)]
    assert main(args) != 0 and not other.exists() and not (tmp_path / "e.pdf").exists()


def test_verify_lists_every_signer_and_needs_a_moderator_for_a_countersignature(
    vault_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lscp_audit.reports.signing import SignerIdentity
    from tests.reports import forgery

    assert main(["identity", "create", *_v(vault_path), "--name", "Ayşe Yılmaz", "--role", "R", "--agency", "A"]) == 0
    cert = tmp_path / "auditor.pem"
    assert main(["identity", "export-cert", *_v(vault_path), "--out", str(cert)]) == 0
    pdf = tmp_path / "r.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf)]) == 0
    material = create_self_signed("Moderator Nowak", "QA chair", "Testshire LSCP")
    moderator = tmp_path / "moderator.pem"
    moderator.write_text(material.certificate_pem)
    counter = tmp_path / "countersigned.pdf"
    identity = SignerIdentity(material, "Moderator Nowak", "QA chair", "Testshire LSCP")
    counter.write_bytes(forgery.countersign(pdf.read_bytes(), identity))
    capsys.readouterr()

    assert main(["verify", str(counter), "--trust", str(cert)]) == 2
    text = capsys.readouterr().out
    assert "problem:     the countersignature is not from a moderator" in text
    assert "signer 1:    Ayşe Yılmaz" in text and ", auditor, signed " in text
    assert "signer 2:    Moderator Nowak (Testshire LSCP), countersigner" in text
    assert "moderator: NO" in text and text.count("certificate SHA-256 ") == 2

    assert main(["verify", str(counter), "--trust", str(cert), "--moderator", str(moderator), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)[0]
    assert info["ok"] and info["reasons"] == [] and info["intact_reason"] is None
    auditor, countersigner = info["signatures"]
    assert (auditor["role"], auditor["trusted"], auditor["moderator"]) == ("auditor", True, None)
    assert (countersigner["role"], countersigner["trusted"], countersigner["moderator"]) == (
        "countersigner",
        True,
        True,
    )
    assert len(countersigner["fingerprint"]) == 64 and countersigner["organisation"] == "Testshire LSCP"
    assert info["auditor"] and info["data_sha256"] and info["data_problem"] is None


def test_verify_json_gives_the_reason_when_not_intact(
    vault_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.reports import forgery

    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    pdf = tmp_path / "r.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf)]) == 0
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(forgery.literal_contents_override(pdf.read_bytes()))
    capsys.readouterr()
    assert main(["verify", str(forged), "--json"]) == 2
    info = json.loads(capsys.readouterr().out)[0]
    assert info["intact"] is False
    assert info["intact_reason"].startswith("the signature's byte range does not match the file")
    assert info["intact_reason"] in info["reasons"]


def test_missing_and_wrong_pdf_password_are_told_apart(
    vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["identity", "create", *_v(vault_path), "--name", "N", "--role", "R", "--agency", "A"]) == 0
    monkeypatch.setenv("LSCP_AUDIT_PDF_PASSWORD", "twelve chars!")
    pdf = tmp_path / "enc.pdf"
    assert main(["export", *_v(vault_path), "a-0001", "--out", str(pdf), "--encrypt"]) == 0
    monkeypatch.setenv("LSCP_AUDIT_PDF_PASSWORD", "not the password")
    capsys.readouterr()
    assert main(["verify", str(pdf)]) == 2
    assert "the password given does not open this PDF" in capsys.readouterr().out
    monkeypatch.delenv("LSCP_AUDIT_PDF_PASSWORD")
    assert main(["verify", str(pdf)]) == 2
    assert "password-protected and no password was given" in capsys.readouterr().out
