"""Sealed reports (issue 18): export + sign + seal for the QA subgroup (the auditor and two QA
members, EC P-256) on the largest shipped template with long answers, against the same export
signed without encryption in the same run (goal: sealing adds under 20%), with the password
(AES-256) export beside it; then opening and verifying a sealed file with a recipient's key.

Signed, sealed and password exports are timed in alternation (one of each per round), so a busy
machine slows all three alike.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_reports import completed_audit, largest_template
from bench.harness import Row, median, time_call


def run() -> list[Row]:
    from lscp_audit.atomic_files import atomic_write_bytes
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.reports import identity_certs
    from lscp_audit.reports.pipeline import build_signed
    from lscp_audit.reports.sealing import DecryptionKey
    from lscp_audit.reports.signing import SignerIdentity
    from lscp_audit.reports.verification import verify_pdf
    from lscp_audit.services.report_service import report_inputs

    template = largest_template()
    audit = completed_audit(template)
    material = identity_certs.create_self_signed("Ayşe Yılmaz", "Designated nurse", "Health (ICB)")
    signer = SignerIdentity(material, "Ayşe Yılmaz", "Designated nurse", "Health (ICB)")
    qa = [identity_certs.create_self_signed(f"QA member {i}", "QA subgroup", "Testshire LSCP") for i in (1, 2)]
    recipients = (material.certificate_pem, *(m.certificate_pem for m in qa))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def data() -> dict[str, Any]:
            return build_report_data(
                audit, template, generated_at=dt.datetime.now(dt.UTC), inputs=report_inputs(audit, template)
            )

        def signed() -> None:
            atomic_write_bytes(out / "signed.pdf", build_signed(data(), signer).pdf)

        def sealed() -> None:
            atomic_write_bytes(out / "sealed.pdf", build_signed(data(), signer, seal_for=recipients).pdf)

        def password() -> None:
            atomic_write_bytes(out / "password.pdf", build_signed(data(), signer, password="bench password 1").pdf)

        times: dict[str, list[float]] = {"signed": [], "sealed": [], "password": []}
        for fn in (signed, sealed, password):
            fn()  # warm-up
        for _ in range(7):
            for name, fn in (("signed", signed), ("sealed", sealed), ("password", password)):
                start = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - start) * 1000)
        key = DecryptionKey(qa[0].certificate_pem, qa[0].private_key_pem)
        verify_signed = median(time_call(lambda: verify_pdf(out / "signed.pdf"), repeats=5))
        verify_sealed = median(time_call(lambda: verify_pdf(out / "sealed.pdf", keys=[key]), repeats=5))
        assert verify_pdf(out / "sealed.pdf", keys=[key]).intact
    signed_ms, sealed_ms, password_ms = (median(times[k]) for k in ("signed", "sealed", "password"))
    extra = f"{template.id}, {len(audit.answers)} answers, 3 recipients (EC P-256)"
    return [
        Row("sealing: export + sign, not encrypted (baseline)", signed_ms, extra=extra),
        Row(
            "sealing: export + sign + seal for 3 recipients",
            sealed_ms,
            "export + sign",
            sealed_ms / signed_ms,
            "ratio < 1.20",
            extra,
        ),  # fmt: skip
        Row("sealing: export + sign + password (AES-256)", password_ms, "export + sign", password_ms / signed_ms),
        Row("sealing: verify a signed PDF (baseline)", verify_signed),
        Row(
            "sealing: open (recipient key) + verify a sealed PDF",
            verify_sealed,
            "verify a signed PDF",
            verify_sealed / verify_signed,
        ),  # fmt: skip
    ]
