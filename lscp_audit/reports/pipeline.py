"""From report data to a signed PDF in memory: layout, then signature (with the JSON attached).

This is the reports layer's one-call entry point for services: plain values in (the report
data dict and a `SignerIdentity`), bytes out. Progress goes to a plain callable and a
`CancelToken` is checked between steps (style R4); nothing here touches the vault or the disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.reports.signing import DEFAULT_REASON, FieldPlacement, SignerIdentity, SignOptions, sign_report


@dataclass(frozen=True)
class SignedReport:
    pdf: bytes
    page_count: int
    report_id: str
    encrypted: bool


def build_unsigned(
    data: dict[str, Any],
    *,
    compact: bool = False,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> Any:
    """The laid-out report (`BuiltReport`) without signature or attachment (for previews)."""
    from lscp_audit.reports.layout.builder import build_report_pdf

    return build_report_pdf(data, compact=compact, progress=progress, cancel=cancel)


def build_signed(
    data: dict[str, Any],
    identity: SignerIdentity,
    *,
    compact: bool = False,
    password: str | None = None,
    reason: str = DEFAULT_REASON,
    location: str = "",
    timestamp_url: str | None = None,
    signed_at: dt.datetime | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> SignedReport:
    """Lay out, attach `data` as JSON, optionally encrypt, and sign. Returns the signed bytes."""
    built = build_unsigned(data, compact=compact, progress=progress, cancel=cancel)
    check(cancel)
    progress(70, "Signing")
    placement = FieldPlacement(built.signature_page_index, built.auditor_box, built.qa_box)
    options = SignOptions(
        reason=reason,
        location=location,
        timestamp_url=timestamp_url,
        password=password,
        data=data,
        signed_at=signed_at,
    )
    pdf = sign_report(built.pdf, identity, placement, options)
    check(cancel)
    progress(90, "Signed")
    return SignedReport(pdf=pdf, page_count=built.page_count, report_id=data["report"]["id"], encrypted=bool(password))
