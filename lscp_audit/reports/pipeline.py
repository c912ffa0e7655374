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
from lscp_audit.reports.signing import (
    DEFAULT_REASON,
    FieldPlacement,
    SignerIdentity,
    SignOptions,
    format_stamp_time,
    sign_report,
)
from lscp_audit.reports.stamp import StampText, same_person


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
    stamp: StampText | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> Any:
    """The laid-out report (`BuiltReport`) without signature or attachment (for previews).

    With `stamp` the signer's stamp is drawn in the signature box (as `build_signed` does)."""
    from lscp_audit.reports.layout.builder import build_report_pdf

    return build_report_pdf(data, compact=compact, stamp=stamp, progress=progress, cancel=cancel)


def stamp_for(
    data: dict[str, Any], identity: SignerIdentity, signed_at: dt.datetime, reason: str, location: str
) -> StampText:
    """What the visible signature says; "on behalf of" the cover's auditor when someone else signs."""
    auditor = str((data.get("auditor") or {}).get("name") or "")
    on_behalf = auditor if auditor and not same_person(identity.name, auditor) else ""
    return StampText(
        name=identity.name,
        role=identity.role,
        agency=identity.agency,
        signed_at=format_stamp_time(signed_at),
        reason=reason,
        location=location,
        on_behalf_of=on_behalf,
    )


def build_signed(
    data: dict[str, Any],
    identity: SignerIdentity,
    *,
    compact: bool = False,
    password: str | None = None,
    seal_for: tuple[str, ...] = (),
    reason: str = DEFAULT_REASON,
    location: str = "",
    timestamp_url: str | None = None,
    signed_at: dt.datetime | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
) -> SignedReport:
    """Lay out, attach `data` as JSON, optionally encrypt, and sign. Returns the signed bytes."""
    signed_at = signed_at or dt.datetime.now(dt.UTC)
    stamp = stamp_for(data, identity, signed_at, reason, location)
    built = build_unsigned(data, compact=compact, stamp=stamp, progress=progress, cancel=cancel)
    check(cancel)
    progress(70, "Signing")
    placement = FieldPlacement(
        built.signature_page_index,
        built.auditor_box,
        built.qa_box,
        auditor_label=f"Digital signature of {identity.name}"
        + (f" on behalf of {stamp.on_behalf_of}" if stamp.on_behalf_of else ""),
        qa_label="QA moderator's countersignature",
        lead_box=built.lead_box,
        lead_label="Senior lead's signature (sign-off, second signature)",
    )
    options = SignOptions(
        reason=reason,
        location=location,
        timestamp_url=timestamp_url,
        password=password,
        seal_for=seal_for,
        data=data,
        signed_at=signed_at,
    )
    pdf = sign_report(built.pdf, identity, placement, options)
    check(cancel)
    progress(90, "Signed")
    return SignedReport(
        pdf=pdf, page_count=built.page_count, report_id=data["report"]["id"], encrypted=bool(password) or bool(seal_for)
    )
