"""The independent check of what changed after the auditor signed (beside pyHanko's difference
analysis): a genuine QA countersignature changes nothing else; every visible or data forgery
followed by a trusted countersignature is named by object."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.reports.revision_changes import forbidden_changes, same
from lscp_audit.reports.signing import QA_FIELD, SignerIdentity
from lscp_audit.reports.verification import CHANGED_SINCE_AUDITOR, verify_pdf_bytes
from tests.reports import forgery


def _changes(data: bytes, password: str | None = None) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if password:
        reader.decrypt(password)
    auditor = min(reader.embedded_signatures, key=lambda s: s.signed_revision)
    return forbidden_changes(reader, auditor.signed_revision, QA_FIELD)


def test_a_genuine_countersignature_changes_nothing_else(signed_pdf: Path, moderator: SignerIdentity) -> None:
    assert _changes(forgery.countersign(signed_pdf.read_bytes(), moderator)) == []


def test_a_genuine_countersignature_of_an_encrypted_report(
    report_data: dict[str, Any], signer: SignerIdentity, moderator: SignerIdentity
) -> None:
    from lscp_audit.reports.pipeline import build_signed

    pdf = build_signed(report_data, signer, password="open sesame 7", signed_at=dt.datetime.now(dt.UTC)).pdf
    counter = forgery.countersign(pdf, moderator, password="open sesame 7")
    assert _changes(counter, "open sesame 7") == []
    assert verify_pdf_bytes(counter, password="open sesame 7").ok()


@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        ("new_page", "object"),
        ("freetext_overlay", "object"),
        ("json_replaced", "object"),
        ("json_repointed", "object"),
        ("new_signature_field", "object"),
        ("qa_rect_moved", "the QA moderator's field was changed beyond its signature"),
    ],
)
def test_forgeries_before_a_trusted_countersignature_are_named(
    attack: str, expected: str, signed_pdf: Path, moderator: SignerIdentity
) -> None:
    forged = forgery.countersign(forgery.ATTACKS[attack](signed_pdf.read_bytes()), moderator)
    changes = _changes(forged)
    assert changes and expected in changes[0]


def test_values_are_compared_not_identities() -> None:
    from pyhanko.pdf_utils import generic

    def page(rect: int) -> Any:
        return generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 595, rect)]
                ),
                generic.pdf_name("/Contents"): generic.IndirectObject(7, 0, None),
            }
        )

    assert same(page(842), page(842))
    assert not same(page(842), page(841))
    moved = page(842)
    moved[generic.pdf_name("/Contents")] = generic.IndirectObject(8, 0, None)
    assert not same(page(842), moved)


def test_verify_names_the_change_after_the_auditor_signed(signed_pdf: Path, moderator: SignerIdentity) -> None:
    """The reason verify's own check gives (pyHanko's difference analysis flags the same file
    first, so the check is called directly here)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from lscp_audit.reports.verification import _changed_since

    forged = forgery.countersign(forgery.ATTACKS["freetext_overlay"](signed_pdf.read_bytes()), moderator)
    reader = PdfFileReader(io.BytesIO(forged), strict=False)
    signatures = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    reason = _changed_since(reader, signatures)
    assert reason is not None and reason.startswith(CHANGED_SINCE_AUDITOR + ": object ")
    assert not verify_pdf_bytes(forged).ok()
    genuine = PdfFileReader(io.BytesIO(forgery.countersign(signed_pdf.read_bytes(), moderator)), strict=False)
    assert _changed_since(genuine, sorted(genuine.embedded_signatures, key=lambda s: s.signed_revision)) is None
