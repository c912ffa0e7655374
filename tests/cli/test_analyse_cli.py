"""`lscp-audit analyse` through the real CLI process on a real (passphrase) vault holding
trusted and quarantined returns: figures as JSON, filters, the XLSX and CSV read back, the
export log, suppression and a bad date."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from lscp_audit.cli.vault_args import open_vault_from_args
from lscp_audit.core.analysis import SUPPRESSED
from tests.services.analysis_returns import ROUNDS, CaseSpec, case_data, case_spec, store

PASS = "correct horse battery staple"
NUMBERS = tuple(range(12))


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LSCP_AUDIT_PASSPHRASE": PASS, "LSCP_AUDIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args], capture_output=True, text=True, env=env, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[CaseSpec]]:
    home = tmp_path_factory.mktemp("analyse-cli")
    path = home / "qa.lscp"
    done = _cli(home, "vault", "init", "--vault", str(path), "--no-keychain")
    assert done.returncode == 0, done.stderr
    os.environ["LSCP_AUDIT_PASSPHRASE"] = PASS
    specs = [case_spec(n) for n in NUMBERS]
    try:
        with open_vault_from_args(argparse.Namespace(vault=path, no_keychain=True)) as opened:
            for spec in specs:
                store(opened, f"r{spec.number}", case_data(spec), signed_at=spec.signed_at)
            held = case_spec(40)
            store(opened, "held", case_data(held), signed_at=held.signed_at, trusted=False)
    finally:
        del os.environ["LSCP_AUDIT_PASSPHRASE"]
    return home, path, specs


def _rows(table: dict[str, object], question_id: str) -> dict[str, list[object]]:
    headers = table["headers"]
    assert isinstance(headers, list)
    rows = table["rows"]
    assert isinstance(rows, list)
    found = [dict(zip(headers, r, strict=True)) for r in rows]
    return {str(r["Code"]): [r["Count"], r["n"], r["%"]] for r in found if r["Question id"] == question_id}


def test_analyse_json_xlsx_csv_and_export_log(vault: tuple[Path, Path, list[CaseSpec]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    home, path, specs = vault
    v = ["--vault", str(path), "--no-keychain"]
    xlsx, answers = tmp_path / "analysis.xlsx", tmp_path / "answers.csv"
    done = _cli(home, "analyse", *v, "--json", "--xlsx", str(xlsx), "--csv", str(answers), "--no-suppression")
    assert done.returncode == 0, done.stderr
    payload_text = done.stdout[: done.stdout.rindex("}") + 1]
    payload = json.loads(payload_text)
    assert payload["returns"] == len(specs)  # the quarantined return never counts
    assert any("quarantine" in note for note in payload["notes"])
    expected = Counter(s.rec_wnb for s in specs)
    rows = _rows(payload["tables"]["Questions"], "rec_wnb")
    assert rows["yes"] == [expected["yes"], len(specs), round(100 * expected["yes"] / len(specs), 1)]
    assert rows["no"] == [expected["no"], len(specs), round(100 * expected["no"] / len(specs), 1)]
    assert "WNB-2026-0" not in done.stdout  # no case references unless asked
    assert "XLSX workbook written to" in done.stdout and "CSV (answers in long format) written to" in done.stdout

    book = load_workbook(xlsx)
    assert len(list(book["Returns"].iter_rows(min_row=3))) == len(specs)
    with answers.open(encoding="utf-8", newline="") as handle:
        long = list(csv.DictReader(handle))
    assert Counter(r["Code"] for r in long if r["Question id"] == "rec_wnb") == expected

    log = _cli(home, "records", "export-log", "--json", *v)
    assert log.returncode == 0, log.stderr
    kinds = [(e["kind"], Path(e["file_name"]).name) for e in json.loads(log.stdout)]
    assert ("analysis", "analysis.xlsx") in kinds and ("analysis", "answers.csv") in kinds


def test_analyse_filters_suppress_and_compare(vault: tuple[Path, Path, list[CaseSpec]]) -> None:
    home, path, specs = vault
    v = ["--vault", str(path), "--no-keychain"]
    done = _cli(home, "analyse", *v, "--json", "--round", ROUNDS[0][0])
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    chosen = [s for s in specs if s.round == 0]
    assert payload["returns"] == len(chosen)
    rows = _rows(payload["tables"]["Questions"], "rec_wnb")
    yes = sum(s.rec_wnb == "yes" for s in chosen)
    assert yes == 3 and rows["yes"][0] == SUPPRESSED  # 3 of 6: fewer than 5
    assert rows["yes"][1] == len(chosen)

    compared = _cli(home, "analyse", *v, "--compare", "round", ROUNDS[0][0], ROUNDS[1][0], "--no-suppression")
    assert compared.returncode == 0, compared.stderr
    assert "Round wnb-2026-base (6 returns) against wnb-2027-after (6 returns)" in compared.stdout
    assert "Good practice" in compared.stdout

    wrong = _cli(home, "analyse", *v, "--from", "1 May 2026")
    assert wrong.returncode != 0 and "--from must be a date written YYYY-MM-DD" in wrong.stderr


def test_analyse_writes_the_signed_pdf_and_html_report(
    vault: tuple[Path, Path, list[CaseSpec]], tmp_path: Path
) -> None:
    from tests.reports import pdf_tools

    home, path, specs = vault
    v = ["--vault", str(path), "--no-keychain"]
    pdf, html = tmp_path / "board.pdf", tmp_path / "board.html"
    unsigned = _cli(home, "analyse", *v, "--pdf", str(pdf))
    assert unsigned.returncode != 0 and not pdf.exists()  # no identity to sign with yet
    made = _cli(home, "identity", "create", *v, "--name", "Priya Shah", "--role", "QA chair", "--agency", "LSCP")
    assert made.returncode == 0, made.stderr
    done = _cli(home, "analyse", *v, "--pdf", str(pdf), "--html", str(html), "--marking", "OFFICIAL",
                "--descriptor", "PERSONAL", "--compare", "round", ROUNDS[0][0], ROUNDS[1][0])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "PDF report A-" in done.stdout and "signed by Priya Shah" in done.stdout
    assert "HTML report A-" in done.stdout and "OFFICIAL PERSONAL" in done.stdout
    assert "Signature is Valid." in pdf_tools.pdfsig(pdf)
    text = " ".join(pdf_tools.pdftotext(pdf).split())
    good = sum(s.rec_wnb == "yes" for s in specs)
    assert (good, len(specs)) == (9, 12)  # 3 concerns hidden, and the 9 beside them too
    assert f"Good practice {SUPPRESSED}" in text and "9 of 12" not in text
    assert "OFFICIAL PERSONAL" in text and "Comparison of rounds" in text
    page = html.read_text("utf-8")
    assert "Protective marking: OFFICIAL PERSONAL" in page and pdf.name in page
    log = _cli(home, "records", "export-log", "--json", *v)
    entries = [(e["kind"], Path(e["file_name"]).name) for e in json.loads(log.stdout)]
    assert ("analysis", "board.pdf") in entries and ("analysis", "board.html") in entries
    bad = _cli(home, "analyse", *v, "--html", str(tmp_path / "x.html"), "--descriptor", "NOT OK 1")
    assert bad.returncode != 0 and "descriptor" in bad.stderr and not (tmp_path / "x.html").exists()
