"""Shared report fixtures: one template, audit, identity and signed PDF per test session (signing
is cheap, but building fewer PDFs keeps the suite quick on shared two-core machines)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.report_data import build_report_data
from lscp_audit.reports import identity_certs
from lscp_audit.reports.signing import SignerIdentity
from tests.reports.sample_audit import GENERATED_AT, NAMES, sample_audit, sample_inputs, sample_template


@pytest.fixture(scope="session")
def template() -> Any:
    return sample_template()


@pytest.fixture(scope="session")
def audit(template: Any) -> Any:
    return sample_audit(template)


@pytest.fixture(scope="session")
def report_data(template: Any, audit: Any) -> dict[str, Any]:
    return build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))


@pytest.fixture(scope="session")
def signer() -> SignerIdentity:
    material = identity_certs.create_self_signed(NAMES["polish"], "Designated safeguarding lead", "Testshire Council")
    return SignerIdentity(material, NAMES["polish"], "Designated safeguarding lead", "Testshire Council")


@pytest.fixture(scope="session")
def signed_pdf(tmp_path_factory: pytest.TempPathFactory, report_data: dict[str, Any], signer: SignerIdentity) -> Path:
    from lscp_audit.reports.pipeline import build_signed

    signed = build_signed(report_data, signer, signed_at=dt.datetime.now(dt.UTC))
    path = tmp_path_factory.mktemp("signed") / "report.pdf"
    path.write_bytes(signed.pdf)
    return path


@pytest.fixture(scope="session")
def moderator() -> SignerIdentity:
    """A QA moderator who countersigns reports (a separate self-signed identity)."""
    material = identity_certs.create_self_signed("Moderator Nowak", "QA subgroup chair", "Testshire LSCP")
    return SignerIdentity(material, "Moderator Nowak", "QA subgroup chair", "Testshire LSCP")
