"""Property-based: mutate bytes of a signed report and append random incremental updates; verify
never raises, and never says ok for a file whose visible content or embedded data differs from
what was signed. The only changes that may still verify are bytes inside the hex `/Contents`
gap that leave the CMS object as signed (its zero padding) and a whitespace-only tail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lscp_audit.reports.signing import SignerIdentity
from lscp_audit.reports.verification import verify_pdf_bytes
from tests.reports import forgery

WHITESPACE = b"\x00\t\n\x0c\r "
_CACHE: dict[str, Any] = {}


@pytest.fixture(scope="module", params=["signed", "countersigned"])
def original(request: pytest.FixtureRequest, signed_pdf: Path, moderator: SignerIdentity) -> dict[str, Any]:
    """The genuine export, or the export countersigned by the QA moderator (then the last
    signature's hex gap is the one whose padding is unsigned; the auditor's gap is inside the
    countersignature's signed bytes)."""
    data = signed_pdf.read_bytes()
    if request.param == "countersigned":
        data = forgery.countersign(data, moderator)
    auditor = forgery.auditor_sig(data)
    gap = _last_gap(data) if request.param == "countersigned" else (auditor.gap_start, auditor.gap_end)
    genuine = verify_pdf_bytes(data)
    assert genuine.ok()
    return {"data": data, "gap": gap, "sha": genuine.data_sha256}


def _last_gap(data: bytes) -> tuple[int, int]:
    """The hex gap of the signature that ends at the end of the file."""
    import re

    last = [m for m in re.finditer(rb"/ByteRange\s*\[0 (\d+) (\d+) (\d+)\]", data)][-1]
    return int(last.group(1)), int(last.group(2))


json_values = st.dictionaries(
    st.text(max_size=8),
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.lists(st.integers(), max_size=3),
    max_size=5,
)


def _update(data: bytes, kind: str, text: str, blob: bytes, value: Any) -> bytes:
    if kind == "overlay":
        return forgery.incremental(data, lambda w: forgery.overlay_page(w, text.encode("ascii", "replace").decode()))
    if kind == "json":
        payload = json.dumps(value).encode()
        return forgery.incremental(data, lambda w: forgery.replace_json(w, payload))
    if kind == "annotation":
        return forgery.incremental(data, forgery.freetext_overlay)
    if kind == "raw":
        return data + blob
    if kind == "whitespace":
        return data + bytes(WHITESPACE[b % len(WHITESPACE)] for b in blob)
    if kind == "truncate":
        return data[: max(0, len(data) - 1 - len(blob))]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    mutations=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=4),
    gap_mutations=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(b"0123456789abcdefX <>")), max_size=2
    ),
    kind=st.sampled_from(["none", "overlay", "json", "annotation", "raw", "whitespace", "truncate"]),
    text=st.text(max_size=30),
    blob=st.binary(max_size=64),
    value=json_values,
)
def test_verify_never_crashes_and_never_passes_a_changed_report(
    original: dict[str, Any],
    mutations: list[tuple[float, int]],
    gap_mutations: list[tuple[float, int]],
    kind: str,
    text: str,
    blob: bytes,
    value: Any,
) -> None:
    data = bytearray(original["data"])
    gap_start, gap_end = original["gap"]
    changed_outside_gap = False
    for where, byte in mutations:
        at = int(where * len(data))
        changed_outside_gap |= data[at] != byte and not gap_start <= at < gap_end
        data[at] = byte
    for where, byte in gap_mutations:  # aim some mutations at the unsigned hex gap itself
        data[gap_start + int(where * (gap_end - gap_start))] = byte
    try:
        mutated = _update(bytes(data), kind, text, blob, value)
    except Exception:  # pyHanko cannot even write an update onto this mutation: just append junk
        mutated = bytes(data) + blob
    result = verify_pdf_bytes(mutated)  # must not raise, whatever the bytes
    if not result.ok():
        assert result.reasons()
        return
    tail = mutated[len(original["data"]) :] if len(mutated) >= len(original["data"]) else None
    assert tail is not None, "a truncated file verified"
    assert not tail.strip(WHITESPACE), f"an update ({kind}) after signing verified"
    assert not changed_outside_gap, "a change to signed bytes verified"
    assert result.data_sha256 == original["sha"], "different embedded data verified"
