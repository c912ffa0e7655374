"""Every shipped template (forms/*.yaml), fully answered with long text, renders, signs and
verifies: pdfsig says valid and total, qpdf is happy, and every section title is in the text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports.pipeline import build_signed
from lscp_audit.reports.signing import SignerIdentity
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.report_service import report_inputs
from tests.reports import pdf_tools

SHIPPED = sorted(paths.forms_dir().glob("*.yaml"))


@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_report(template_file: Path, tmp_path: Path, signer: SignerIdentity) -> None:
    template = load_template_file(template_file)
    audit = completed_audit(template)
    data = build_report_data(
        audit, template, generated_at=dt.datetime.now(dt.UTC), inputs=report_inputs(audit, template)
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(build_signed(data, signer, compact=True).pdf)
    sig = pdf_tools.pdfsig(path)
    assert "Signature is Valid." in sig and "Total document signed" in sig
    assert pdf_tools.qpdf_check(path).returncode == 0
    text = " ".join(pdf_tools.pdftotext(path).split())
    for section in template.sections:
        if any(s["id"] == section.id and s["relevant"] for s in data["sections"]):
            assert " ".join(section.title.split()) in text
    assert verify_pdf(path).ok()
