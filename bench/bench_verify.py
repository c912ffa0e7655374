"""Verification of 1,000 signed reports: what the issue 9 checks cost over pyHanko alone.

Twenty distinct reports of the largest shipped template with long answers are signed (half of
them also countersigned by a QA moderator) and copied to 1,000 files. Each round reads and
verifies all 1,000 three ways, in interleaved chunks of 50 files so machine noise hits every
way alike (the ratio is the median of the chunks' ratios):

* **pyHanko only (before)**: what verification did before issue 9: read the file, let pyHanko
  find and validate every signature (digest, CMS, certificate chain, its own coverage and
  difference analysis), read the attachment with `json.loads`;
* **+ issue 9 integrity checks**: `verify_pdf` with the JSON Schema step skipped: adds the
  independent byte-range checks, the removed-signature and countersignature checks, the
  data-unchanged-since-signing comparison and bounded reading of the attachment;
* **+ checks + JSON Schema**: `verify_pdf` as shipped.

Goal: the integrity checks add under 10 %. The components are timed on their own as well, so a
regression can be traced.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.harness import Row, median, time_call

FILES = 1000
DISTINCT = 20
CHUNK = 50


def pyhanko_only(path: Path, trust: Sequence[Any]) -> bool:
    """Verification as it was before issue 9 (pyHanko's checks and a plain JSON read)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from lscp_audit.reports import embedded_data

    reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    ok = True
    statuses = []
    for sig in reader.embedded_signatures:
        context = ValidationContext(trust_roots=list(trust), allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sig, signer_validation_context=context, key_usage_settings=usage)
        statuses.append(status)
        ok = ok and status.intact and status.valid and status.trusted
    ok = ok and statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    raw = embedded_data.extract_bytes(reader)
    return ok and raw is not None and isinstance(json.loads(raw), dict)


def _reports(folder: Path) -> tuple[list[Path], list[Any], list[Any]]:
    from bench.bench_reports import completed_audit, largest_template
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.reports import identity_certs
    from lscp_audit.reports.pipeline import build_signed
    from lscp_audit.reports.signing import QA_FIELD, SignerIdentity, _signer
    from lscp_audit.reports.verification import load_trust_certificates
    from lscp_audit.services.report_service import report_inputs

    template = largest_template()
    audit = completed_audit(template)
    inputs = report_inputs(audit, template)
    auditor = identity_certs.create_self_signed("Ayşe Yılmaz", "Designated nurse", "Health (ICB)")
    qa = identity_certs.create_self_signed("Moderator Nowak", "QA chair", "Testshire LSCP")
    distinct = []
    for n in range(DISTINCT):
        when = dt.datetime(2026, 11, 1, 9, n, tzinfo=dt.UTC)
        data = build_report_data(audit, template, generated_at=when, inputs=inputs)
        pdf = build_signed(data, SignerIdentity(auditor, "Ayşe Yılmaz", "Designated nurse", "Health (ICB)")).pdf
        if n % 2:
            pdf = _countersign(pdf, _signer(SignerIdentity(qa, "Moderator Nowak", "QA chair", "LSCP")), QA_FIELD)
        distinct.append(pdf)
    paths = []
    for i in range(FILES):
        path = folder / f"report-{i:04d}.pdf"
        path.write_bytes(distinct[i % DISTINCT])
        paths.append(path)
    trust = load_trust_certificates([auditor.certificate_pem, qa.certificate_pem])
    return paths, trust, load_trust_certificates([qa.certificate_pem])


def _countersign(pdf: bytes, signer: Any, field: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    out = signers.PdfSigner(meta, signer=signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True, output=io.BytesIO()
    )
    return bytes(out.getvalue())


def _components(sample: bytes) -> dict[str, float]:
    """Median ms per file of the added pieces, on one countersigned report."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    from lscp_audit.reports import byte_ranges, embedded_data, verification
    from lscp_audit.reports.verification import _removed_signature

    def reader() -> Any:
        return PdfFileReader(io.BytesIO(sample), strict=False)

    r = reader()
    fields = [field for _name, _value, field in enumerate_sig_fields(r, filled_status=True)]
    raw = embedded_data.read_attachment(r)
    assert raw is not None
    value = json.loads(raw)
    n = 200
    return {
        "byte-range checks": median(time_call(lambda: byte_ranges.check_signatures(sample, r, fields), repeats=n)),
        "removed-signature check": median(time_call(lambda: _removed_signature(reader()), repeats=n // 4)),
        "size/depth caps": median(time_call(lambda: embedded_data.check_shape(raw), repeats=n)),
        "JSON Schema validation": median(time_call(lambda: embedded_data.validate(value), repeats=n // 4)),
        "json.loads": median(time_call(lambda: json.loads(raw), repeats=n)),
        "full verify (one file)": median(time_call(lambda: verification.verify_pdf_bytes(sample), repeats=n // 10)),
    }


def run() -> list[Row]:
    from lscp_audit.reports import embedded_data
    from lscp_audit.reports.verification import verify_pdf

    def checks_without_schema(path: Path) -> bool:
        """The issue 9 integrity checks alone: full `verify_pdf` with schema validation skipped."""
        original = embedded_data.validate
        embedded_data.validate = lambda value: value  # type: ignore[assignment,return-value]
        try:
            return verify_pdf(path, trust=trust, moderator_trust=moderators).ok()
        finally:
            embedded_data.validate = original

    with tempfile.TemporaryDirectory() as folder:
        paths, trust, moderators = _reports(Path(folder))
        assert all(verify_pdf(p, trust=trust, moderator_trust=moderators).ok() for p in paths[:DISTINCT])
        assert all(pyhanko_only(p, trust) for p in paths[:DISTINCT])
        variants = {
            "before": lambda p: pyhanko_only(p, trust),
            "checks": checks_without_schema,
            "full": lambda p: verify_pdf(p, trust=trust, moderator_trust=moderators).ok(),
        }
        totals = dict.fromkeys(variants, 0.0)
        chunk_ratios: dict[str, list[float]] = {"checks": [], "full": []}
        for start in range(0, FILES, CHUNK):  # interleaved chunks: load changes hit every variant alike
            chunk = paths[start : start + CHUNK]
            spent = {}
            for name, verify in variants.items():
                spent[name] = time_call(lambda v=verify, c=chunk: [v(p) for p in c], repeats=1, warmup=0)[0]
                totals[name] += spent[name]
            for name in chunk_ratios:
                chunk_ratios[name].append(spent[name] / spent["before"])
        parts = _components(paths[1].read_bytes())
    base = totals["before"]
    detail = ", ".join(f"{name} {ms:.2f}" for name, ms in parts.items())
    return [
        Row(f"verify: {FILES} signed reports, pyHanko only (before)", base, extra=f"{base / FILES:.1f} ms per file"),
        Row(
            f"verify: {FILES} reports + issue 9 integrity checks",
            totals["checks"],
            "pyHanko only (before)",
            median(chunk_ratios["checks"]),
            "<= 1.10",
            f"{totals['checks'] / FILES:.1f} ms per file; median of {len(chunk_ratios['checks'])} chunk ratios",
        ),
        Row(
            f"verify: {FILES} reports + checks + JSON Schema",
            totals["full"],
            "pyHanko only (before)",
            median(chunk_ratios["full"]),
            "",
            f"{totals['full'] / FILES:.1f} ms per file; half countersigned",
        ),
        Row("verify: byte-range checks per file", parts["byte-range checks"], extra=detail),
    ]
