"""No traceback from any file (issue 9, item 3): hostile structure and hostile report data each
give a per-file verdict with a plain reason; one bad file never stops a batch; the embedded data is
checked against its published JSON Schema, with size, depth and string-length caps applied before
parsing; `verify ... | head` ends quietly."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import embedded_data
from lscp_audit.reports.signing import FieldPlacement, SignerIdentity, SignOptions, sign_report
from lscp_audit.reports.verification import verify_pdf, verify_pdf_bytes
from lscp_audit.services.report_service import verify_files
from tests.reports import forgery


@pytest.fixture(scope="session")
def unsigned(report_data: dict[str, Any]) -> Any:
    from lscp_audit.reports.pipeline import build_unsigned

    return build_unsigned(report_data)


def _signed_with_attachment(unsigned: Any, signer: SignerIdentity, raw: bytes) -> bytes:
    """A validly signed report whose attachment holds exactly `raw` (what a signer with a broken
    or hostile build could produce): the signature is fine, the data is not."""
    placement = FieldPlacement(unsigned.signature_page_index, unsigned.auditor_box, unsigned.qa_box)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedded_data, "encode", lambda _data: raw)
        options = SignOptions(data={"placeholder": True}, signed_at=dt.datetime.now(dt.UTC))
        return sign_report(unsigned.pdf, signer, placement, options)


def _with_data(report_data: dict[str, Any], **changes: Any) -> bytes:
    data = copy.deepcopy(report_data)
    data.update(changes)
    return embedded_data.encode(data)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("template_is_a_string", "at template: 'a string' is not of type 'object'"),
        ("judgement_value_is_a_number", "at judgements.overall.value"),
        ("report_id_missing", "'id' is a required property"),
        ("future_schema_version", "version 2; this version of LSCP Audit reads version 1"),
        ("not_an_object", "at the top level"),
        ("nested_too_deep", "nested more than 64 levels deep"),
        ("string_too_long", "the most LSCP Audit reads is 1,048,576"),
        ("not_json", "not valid JSON"),
        ("not_utf8", "not UTF-8"),
        ("compression_bomb", "larger than 8 MB"),
    ],
)
def test_bad_report_data_is_refused_with_the_reason(
    case: str, expected: str, unsigned: Any, signer: SignerIdentity, report_data: dict[str, Any]
) -> None:
    overall = copy.deepcopy(report_data["judgements"])
    overall["overall"]["value"] = 3
    report = {k: v for k, v in report_data["report"].items() if k != "id"}
    raw = {
        "template_is_a_string": lambda: _with_data(report_data, template="a string"),
        "judgement_value_is_a_number": lambda: _with_data(report_data, judgements=overall),
        "report_id_missing": lambda: _with_data(report_data, report=report),
        "future_schema_version": lambda: _with_data(report_data, schema_version=2),
        "not_an_object": lambda: b'["lscp-audit/report-data"]',
        "nested_too_deep": lambda: b"[" * 100_000 + b"]" * 100_000,
        "string_too_long": lambda: json.dumps({"x": "a" * (2 * 1024 * 1024)}).encode(),
        "not_json": lambda: b'{"schema": "lscp-audit/report-data",',
        "not_utf8": lambda: b'{"x": "\xff\xfe"}',
        "compression_bomb": lambda: b" " * (40 * 1024 * 1024),  # compresses to ~40 kB
    }[case]()
    result = verify_pdf_bytes(_signed_with_attachment(unsigned, signer, raw), path=case)
    assert result.ok(), "the signature itself is fine"
    assert result.data is None and result.data_problem is not None
    assert expected in result.data_problem
    assert result.data_sha256 is not None or case == "compression_bomb"


def _deep_trailer(data: bytes, depth: int = 50_000) -> bytes:
    """An appended update whose trailer holds arrays nested `depth` deep."""
    update = forgery.raw_update(data, {(9999, 0): b"<< /Kind /Junk >>"})
    cut = update.rindex(b"/Prev")
    return update[:cut] + b"/Junk " + b"[" * depth + b"]" * depth + b" " + update[cut:]


def test_deeply_nested_pdf_structure_is_a_verdict_not_a_crash(signed_pdf: Path) -> None:
    result = verify_pdf_bytes(_deep_trailer(signed_pdf.read_bytes()))
    assert not result.ok() and (result.problem or result.intact_reason)


def test_schema_is_shipped_in_the_package_and_matches_the_builder(report_data: dict[str, Any]) -> None:
    from importlib import resources

    text = resources.files("lscp_audit.reports").joinpath(embedded_data.SCHEMA_RESOURCE).read_text("utf-8")
    assert json.loads(text)["$schema"].endswith("2020-12/schema")
    assert embedded_data.validate(copy.deepcopy(report_data)) == report_data


def test_one_bad_file_never_stops_a_batch(
    tmp_path: Path, signed_pdf: Path, unsigned: Any, signer: SignerIdentity, report_data: dict[str, Any]
) -> None:
    deep = tmp_path / "deep.pdf"
    deep.write_bytes(_deep_trailer(signed_pdf.read_bytes()))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    off_schema = tmp_path / "off-schema.pdf"
    off_schema.write_bytes(_signed_with_attachment(unsigned, signer, _with_data(report_data, template="a string")))
    files = [signed_pdf, deep, junk, tmp_path / "missing.pdf", off_schema, signed_pdf]
    results = verify_files(files)
    assert [Path(r.path).name for r in results] == [f.name for f in files]
    assert [r.ok() for r in results] == [True, False, False, False, True, True]
    assert results[4].data is None and results[4].data_problem


def test_cli_batch_with_hostile_files_has_no_traceback(tmp_path: Path, signed_pdf: Path) -> None:
    deep = tmp_path / "deep.pdf"
    deep.write_bytes(_deep_trailer(signed_pdf.read_bytes()))
    (tmp_path / "junk.pdf").write_bytes(b"not a pdf")
    for flags in ([], ["--json"]):
        run = subprocess.run(
            [sys.executable, "-m", "lscp_audit", "verify", *flags, str(signed_pdf), str(deep), "junk.pdf"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
        assert run.returncode == 2
        assert "Traceback" not in run.stderr and "Error" not in run.stderr.replace("error: ", "")
        assert run.stdout.count("FAILED") == 2 or len(json.loads(run.stdout)) == 3


@pytest.mark.parametrize("flags", ["", "--json"])
def test_verify_piped_into_head_ends_quietly(flags: str, tmp_path: Path, signed_pdf: Path) -> None:
    """60 files give more output than a pipe buffer holds, so the reader closing early breaks
    the pipe while verify is still writing (before the fix: a BrokenPipeError traceback)."""
    files = " ".join([str(signed_pdf)] * 60)
    run = subprocess.run(
        f"{sys.executable} -m lscp_audit verify {flags} {files} | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert len(run.stdout.splitlines()) == 2
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr


def test_missing_file_is_a_verdict(tmp_path: Path) -> None:
    result = verify_pdf(tmp_path / "nope.pdf")
    assert not result.ok() and result.problem is not None and "cannot read" in result.problem


def test_whitespace_tail_is_accepted_and_named_precisely(signed_pdf: Path) -> None:
    data = signed_pdf.read_bytes()
    result = verify_pdf_bytes(data + b"\r\n")
    assert result.ok() and result.whole_file
    assert result.notes == (
        "the file ends with 2 unsigned bytes of whitespace (CR, LF) after the last signature; "
        "whitespace there changes nothing in the document",
    )
    assert not verify_pdf_bytes(data + b"\n%\n").ok()  # a comment is not whitespace
