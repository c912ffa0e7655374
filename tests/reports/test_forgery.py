"""The forgery suite (issue 9): every attack is built at test time from a real signed export, alone
and followed by an untrusted or a trusted countersignature, and must fail verification with the
auditor's and moderator's certificates trusted; none may be stored as trusted by the QA inbox.
The literal-/Contents override and the padding digit are regression tests for the issue."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports import identity_certs
from lscp_audit.reports.byte_ranges import MISMATCH, PADDING_NOTE
from lscp_audit.reports.signing import SignerIdentity
from lscp_audit.reports.verification import VerificationResult, load_trust_certificates, verify_pdf_bytes
from tests.reports import forgery, pdf_tools

VARIANTS = ("alone", "untrusted_countersignature", "trusted_countersignature")
CASES = [f"{attack}-{variant}" for attack in forgery.ATTACKS for variant in VARIANTS]


@pytest.fixture(scope="session")
def mallory() -> SignerIdentity:
    """Someone outside the partnership who countersigns forged files."""
    material = identity_certs.create_self_signed("Mallory Outsider", "QA subgroup chair", "Elsewhere LSCP")
    return SignerIdentity(material, "Mallory Outsider", "QA subgroup chair", "Elsewhere LSCP")


@pytest.fixture(scope="session")
def genuine(signed_pdf: Path) -> bytes:
    return signed_pdf.read_bytes()


@pytest.fixture(scope="session")
def forged_files(genuine: bytes, moderator: SignerIdentity, mallory: SignerIdentity) -> dict[str, bytes]:
    """Every case's bytes, built once per session (case id -> PDF bytes)."""
    files = {}
    for attack_name, attack in forgery.ATTACKS.items():
        forged = attack(genuine)
        files[f"{attack_name}-alone"] = forged
        files[f"{attack_name}-untrusted_countersignature"] = forgery.countersign(forged, mallory)
        files[f"{attack_name}-trusted_countersignature"] = forgery.countersign(forged, moderator)
    return files


def _verify(data: bytes, case: str, signer: SignerIdentity, moderator: SignerIdentity) -> VerificationResult:
    """Verify as the QA subgroup would: the auditor trusted, the moderator trusted as a signer and
    as a moderator (so a trusted countersignature really is trusted)."""
    trust = load_trust_certificates([signer.material.certificate_pem, moderator.material.certificate_pem])
    moderators = load_trust_certificates([moderator.material.certificate_pem])
    return verify_pdf_bytes(data, path=case, trust=trust, moderator_trust=moderators)


@pytest.mark.parametrize("case", CASES)
def test_forgery_fails_verification(
    case: str, forged_files: dict[str, bytes], signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    result = _verify(forged_files[case], case, signer, moderator)
    assert not result.ok(), f"{case} passed verification"
    assert result.reasons(), "a failure always says why"
    assert not (result.intact and result.whole_file and result.problem is None), result.reasons()


def _pyhanko_alone(data: bytes) -> Any:
    """What pyHanko 0.38 on its own says about the first signature (the behaviour issue 9 found)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
    return validate_pdf_signature(
        sig, signer_validation_context=ValidationContext(trust_roots=[], allow_fetching=False)
    )


def test_regression_literal_contents_override_is_a_byte_range_mismatch(
    forged_files: dict[str, bytes], genuine: bytes, signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    forged = forged_files["literal_contents_override-alone"]
    # the attack is real: pyHanko alone accepts it as intact and covering the entire file ...
    status = _pyhanko_alone(forged)
    assert status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # ... with the forged judgement in the attachment and a page painted over
    tampered = verify_pdf_bytes(forged)
    assert tampered.data is not None and tampered.data["judgements"]["overall"]["value"] == "good"
    assert verify_pdf_bytes(genuine).data_sha256 != tampered.data_sha256
    # and the independent byte-range check rejects it, saying why
    result = _verify(forged, "literal", signer, moderator)
    assert not result.ok() and not result.intact
    assert result.intact_reason is not None and result.intact_reason.startswith(MISMATCH)
    assert result.signatures[0].problem == result.intact_reason


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("byte_range_stretched-alone", "not the one inside the signed bytes"),
        ("byte_range_not_from_zero-alone", "start at offset 1"),
        ("byte_range_zero-alone", "[0 0 0 0]"),
        ("empty_contents-alone", "/Contents differs"),
    ],
)
def test_byte_range_attacks_name_the_mismatch(
    case: str, detail: str, forged_files: dict[str, bytes], signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    result = _verify(forged_files[case], case, signer, moderator)
    assert result.intact_reason is not None
    assert result.intact_reason.startswith(MISMATCH) and detail in result.intact_reason


def test_removed_signature_is_named(
    forged_files: dict[str, bytes], signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    alone = _verify(forged_files["signature_removed-alone"], "removed", signer, moderator)
    assert alone.problem is not None and "removed" in alone.problem
    countersigned = _verify(forged_files["signature_removed-trusted_countersignature"], "removed", signer, moderator)
    assert countersigned.intact_reason is not None and "removed" in countersigned.intact_reason


def test_regression_padding_digit_is_the_same_signed_report(
    genuine: bytes, signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    """The zero padding after the CMS object inside /Contents is not covered by the signature:
    changing it gives different file bytes but the same signed content, so verification may say
    ok, and the embedded data (what identifies the report for the inbox) is identical."""
    changed = forgery.padding_digit_changed(genuine)
    assert changed != genuine
    before = _verify(genuine, "genuine", signer, moderator)
    after = _verify(changed, "padding", signer, moderator)
    assert before.ok() and after.ok()
    assert after.data_sha256 == before.data_sha256 and after.data == before.data
    assert after.signatures[0].fingerprint == before.signatures[0].fingerprint
    assert after.notes == (PADDING_NOTE,) and before.notes == ()


def test_genuine_countersigned_report_still_passes(
    genuine: bytes, signer: SignerIdentity, moderator: SignerIdentity, tmp_path: Path
) -> None:
    counter = forgery.countersign(genuine, moderator)
    result = _verify(counter, "countersigned", signer, moderator)
    assert result.ok(), result.reasons()
    assert [s.role for s in result.signatures] == ["auditor", "countersigner"]
    assert result.signatures[1].moderator
    path = tmp_path / "countersigned.pdf"
    path.write_bytes(counter)
    text = pdf_tools.pdfsig(path)  # poppler agrees, independently
    assert text.count("Signature is Valid.") == 2 and "Total document signed" in text


def test_pdfsig_agrees_on_the_genuine_export(signed_pdf: Path) -> None:
    text = pdf_tools.pdfsig(signed_pdf)
    assert "Signature is Valid." in text and "Total document signed" in text


@pytest.mark.parametrize("case", ["literal_contents_override-alone", "json_replaced-alone", "freetext_overlay-alone"])
def test_pdfsig_also_sees_the_forgery_is_not_wholly_signed(
    case: str, forged_files: dict[str, bytes], tmp_path: Path
) -> None:
    """An independent cross-check: poppler does not accept these as wholly signed either (for
    the literal /Contents override, unlike pyHanko 0.38 on its own)."""
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(forged_files[case])
    text = pdf_tools.pdfsig(path)
    assert "Not total document signed" in text and "Total document signed" not in text.replace("Not total", "")


# -- through the real CLI process --------------------------------------------------------------

KEY_CASES = [
    "literal_contents_override-alone",
    "literal_contents_override-trusted_countersignature",
    "byte_range_stretched-alone",
    "empty_contents-alone",
    "signature_removed-trusted_countersignature",
    "freetext_overlay-trusted_countersignature",
    "json_replaced-trusted_countersignature",
    "json_repointed-alone",
    "new_signature_field-trusted_countersignature",
    "qa_rect_moved-trusted_countersignature",
    "new_page-untrusted_countersignature",
]


@pytest.fixture()
def on_disk(
    tmp_path: Path, forged_files: dict[str, bytes], signer: SignerIdentity, moderator: SignerIdentity
) -> Iterator[Callable[[str], Path]]:
    def write(case: str) -> Path:
        path = tmp_path / f"{case}.pdf"
        path.write_bytes(forged_files[case])
        return path

    (tmp_path / "auditor.pem").write_text(signer.material.certificate_pem)
    (tmp_path / "moderator.pem").write_text(moderator.material.certificate_pem)
    yield write


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", "verify", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_key_forgeries_fail_verify_trust_in_the_cli_process(
    tmp_path: Path, on_disk: Callable[[str], Path], genuine: bytes
) -> None:
    (tmp_path / "genuine.pdf").write_bytes(genuine)
    files = [on_disk(case).name for case in KEY_CASES]
    trust = ["--trust", "auditor.pem", "--trust", "moderator.pem", "--moderator", "moderator.pem"]
    run = _cli(*trust, "--json", "genuine.pdf", *files, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    verdicts = {Path(r["file"]).stem: r for r in json.loads(run.stdout)}
    assert verdicts["genuine"]["ok"] is True
    for case in KEY_CASES:
        assert verdicts[case]["ok"] is False, case
        assert verdicts[case]["reasons"], case
    assert verdicts["literal_contents_override-alone"]["intact_reason"].startswith(MISMATCH)
    text = _cli(*trust, "literal_contents_override-alone.pdf", cwd=tmp_path)
    assert text.returncode == 2 and MISMATCH in text.stdout and "Traceback" not in text.stderr


# -- the QA inbox ------------------------------------------------------------------------------


def test_inbox_stores_no_forgery_as_trusted(
    tmp_path: Path, forged_files: dict[str, bytes], signer: SignerIdentity, moderator: SignerIdentity, genuine: bytes
) -> None:
    from lscp_audit.services.inbox_service import InboxService
    from tests.reports.sample_audit import make_vault

    paths = []
    for case, data in sorted(forged_files.items()):
        path = tmp_path / f"{case}.pdf"
        path.write_bytes(data)
        paths.append(path)
    vault = make_vault(tmp_path / "inbox.lscp")
    try:
        inbox = InboxService(vault)
        inbox.trust_certificate(signer.material.certificate_pem, "auditor")
        inbox.trust_certificate(moderator.material.certificate_pem, "moderator")
        results = inbox.import_files(paths)
        assert len(results) == len(paths)
        trusted = [r.path.stem for r in results if r.entry is not None and r.entry.trusted]
        assert trusted == [], f"forgeries stored as trusted: {trusted}"
        assert all(entry.trusted is False for entry in inbox.list_returns())
    finally:
        vault.close()
