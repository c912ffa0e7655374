"""Files arriving at the QA inbox, whatever they are: signed returns (PDF) and moderation
records (`.lscpmod`), in one import.

A moderation record names the return it moderates, so it can only be stored once that return is
in the inbox: the returns among the files are imported first, then the records. The app's
import (drop, *Import signed PDFs…*, the watch folder) and `lscp-audit inbox import` both come
here, so they decide the same way what a file is and in which order it goes in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lscp_audit.core.errors import Cancelled
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.services.inbox_service import ImportStatus, InboxImportResult, InboxService
from lscp_audit.services.moderation_service import (
    FILE_SUFFIX,
    ModerationImportResult,
    ModerationService,
    ModerationStatus,
)

_STATUS = {
    ModerationStatus.STORED: ImportStatus.IMPORTED,
    ModerationStatus.DUPLICATE: ImportStatus.DUPLICATE,
    ModerationStatus.REFUSED: ImportStatus.REJECTED,
}


@dataclass(frozen=True)
class IncomingResult:
    """One file's outcome as a row of the import results. `awaiting_return`: a moderation record
    refused only because its return is not in the inbox yet (importing it again later may
    store it; the watch folder does)."""

    result: InboxImportResult
    awaiting_return: bool = False


def is_moderation_record(path: Path) -> bool:
    return path.suffix.lower() == FILE_SUFFIX


def moderation_row(outcome: ModerationImportResult, path: Path) -> InboxImportResult:
    """A moderation record file's import as a row of the import results: stored, a duplicate or
    refused, and why; `note` names the return and the outcome."""
    moderation = outcome.moderation
    note = (
        f"moderation record of report {moderation.report_id}: {moderation.outcome_words} by {moderation.moderator}"
        if moderation is not None
        else ""
    )
    return InboxImportResult(path=path, status=_STATUS[outcome.status], reason=outcome.reason, note=note)


def import_incoming(
    inbox: InboxService,
    moderation: ModerationService,
    files: Sequence[Path],
    *,
    password: str | None = None,
    progress: Progress = no_progress,
    cancel: SupportsCancel | None = None,
    yield_cpu: bool = False,
) -> Iterator[IncomingResult]:
    """Import `files`, each result as soon as it is known: the signed returns first (checked on
    every core, `InboxService.iter_import`), then the moderation records. After Cancel the
    records not yet imported are skipped, as the returns are."""
    returns = [path for path in files if not is_moderation_record(path)]
    records = [path for path in files if is_moderation_record(path)]
    if returns:
        for result in inbox.iter_import(
            returns, password=password, progress=progress, cancel=cancel, yield_cpu=yield_cpu
        ):
            yield IncomingResult(result)
    for path in records:
        if _cancelled(cancel):
            yield IncomingResult(InboxImportResult(path=path, status=ImportStatus.SKIPPED, reason="cancelled"))
            continue
        outcome = moderation.import_file(path)
        yield IncomingResult(moderation_row(outcome, path), awaiting_return=outcome.awaiting_return)


def _cancelled(cancel: SupportsCancel | None) -> bool:
    try:
        check(cancel)
    except Cancelled:
        return True
    return False
