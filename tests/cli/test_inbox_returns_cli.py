"""`lscp-audit inbox save-pdf | recheck | show | case` end to end (in process, a real QA vault
made through the CLI, real signed returns from three agencies)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lscp_audit.cli import main
from lscp_audit.cli.vault_args import open_vault_from_args
from lscp_audit.services.report_service import verify_files
from tests.reports import pdf_tools
from tests.services.case_returns import AGENCY_RETURNS, CANARY, CaseReturns, make_case_returns

PASS = "correct horse battery staple"


def _v(path: Path) -> list[str]:
    return ["--vault", str(path), "--no-keychain"]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseReturns:
    return make_case_returns(tmp_path_factory.mktemp("agencies"))


@pytest.fixture()
def qa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    import keyring
    from keyring.backends import fail

    from lscp_audit.cli import vault_args
    from lscp_audit.storage.keyfile import TEST_POLICY

    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    path = tmp_path / "qa.lscp"
    assert main(["vault", "init", *_v(path)]) == 0
    yield path
    keyring.set_keyring(previous)


def _ids(qa: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Report id -> return id, from `inbox list --json`."""
    capsys.readouterr()
    assert main(["inbox", "list", *_v(qa), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    return {e["report_id"]: e["id"] for e in [*listing["returns"], *listing["quarantine"]]}


def test_save_pdf_and_recheck(qa: Path, case: CaseReturns, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inbox", "import", *_v(qa), str(case.pdfs[0])]) == 0
    return_id = _ids(qa, capsys)[case.report_ids[0]]
    out = tmp_path / "copy.pdf"
    assert main(["inbox", "save-pdf", *_v(qa), return_id, str(out)]) == 0
    assert f"Saved the signed PDF of {return_id}" in capsys.readouterr().out
    assert out.read_bytes() == case.pdfs[0].read_bytes()
    assert main(["inbox", "show", *_v(qa), return_id]) == 0
    assert "signed PDF: kept in the vault" in capsys.readouterr().out
    # Trusting the signer's certificate in another vault tool, then re-checking, releases the return.
    with open_vault_from_args(argparse.Namespace(vault=qa, no_keychain=True)) as vault:
        from lscp_audit.services.identity_service import IdentityService

        IdentityService(vault).trust_certificate(case.pems[0], "Police auditor")
    assert main(["inbox", "recheck", *_v(qa)]) == 0
    assert "Checked 1 return(s) again: 1 left quarantine, 0 moved into quarantine." in capsys.readouterr().out
    assert main(["inbox", "save-pdf", *_v(qa), "no-such-id", str(tmp_path / "x.pdf")]) != 0
    assert "No imported return with id no-such-id" in capsys.readouterr().err


def test_return_kept_by_an_earlier_version_says_so(
    qa: Path, case: CaseReturns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inbox", "import", *_v(qa), str(case.pdfs[0])]) == 0
    return_id = _ids(qa, capsys)[case.report_ids[0]]
    with open_vault_from_args(argparse.Namespace(vault=qa, no_keychain=True)) as vault:
        with vault.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM imported_return_files")
    assert main(["inbox", "show", *_v(qa), return_id]) == 0
    assert "signed PDF: not kept (imported by an earlier version" in capsys.readouterr().out
    assert main(["inbox", "recheck", *_v(qa)]) == 0
    assert "1 return(s) imported by an earlier version have no kept PDF" in capsys.readouterr().out
    assert main(["inbox", "save-pdf", *_v(qa), return_id, str(tmp_path / "copy.pdf")]) != 0
    assert "imported by an earlier version" in capsys.readouterr().err
    assert not (tmp_path / "copy.pdf").exists()


def test_case_view_text_json_and_signed_pdf(
    qa: Path, case: CaseReturns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, pem in enumerate(case.pems):
        cert = tmp_path / f"agency{number}.pem"
        cert.write_text(pem, encoding="ascii")
        assert main(["inbox", "trust", *_v(qa), str(cert)]) == 0
    assert main(["inbox", "import", *_v(qa), *map(str, case.pdfs)]) == 0
    capsys.readouterr()
    assert main(["inbox", "case", *_v(qa), CANARY]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Case {CANARY}, MACA 2026 round 3: 3 return(s)")
    assert "  Quality of the early help assessment\n    Children's social care: Requires improvement" in text
    assert all(agency[4] in text for agency in AGENCY_RETURNS)
    assert main(["inbox", "case", *_v(qa), CANARY, "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert [c["agency"] for c in view["columns"]] == ["Children's social care", "Health (ICB)", "Police"]
    assert main(["inbox", "case", *_v(qa), CANARY, "--round", "another round"]) != 0
    assert "No trusted returns" in capsys.readouterr().err
    assert main(["identity", "create", *_v(qa), "--name", "Priya Shah", "--role", "Chair", "--agency", "LSCP"]) == 0
    pdf = tmp_path / "case.pdf"
    assert main(["inbox", "case", *_v(qa), CANARY, "--pdf", str(pdf), "--marking", "OFFICIAL"]) == 0
    assert "signed by Priya Shah" in capsys.readouterr().out
    assert main(["verify", str(pdf)]) == 0  # the app's own verifier (signed, intact, whole file)
    [result] = verify_files([pdf])
    assert result.ok() and result.intact and result.whole_file and result.signer == "Priya Shah"
    assert "Signature is Valid." in pdf_tools.pdfsig(pdf) and pdf_tools.qpdf_check(pdf).returncode == 0
    pages = pdf_tools.run("pdftotext", str(pdf), "-").stdout
    assert "OFFICIAL-SENSITIVE" in pages  # never lower than the returns' own marking
