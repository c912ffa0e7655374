"""Qt table model over `InboxEntry` rows (the QA inbox's trusted returns, or its quarantine),
with a sort role per column, and the plain-text descriptions the inbox shows for a return."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from lscp_audit.services.inbox_service import InboxEntry, SignerEntry, fingerprint_text, role_words
from lscp_audit.ui.display import format_date, format_datetime, judgement_label
from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel

(
    COL_REPORT,
    COL_TEMPLATE,
    COL_ROUND,
    COL_SUBJECT,
    COL_SIGNER,
    COL_SIGNED,
    COL_VERIFIED,
    COL_OVERALL,
    COL_IMPORTED,
    COL_FLAGS,
    COL_MODERATED,
) = range(11)
HEADERS = (
    "Report id",
    "Template",
    "Round",
    "Case / organisation",
    "Signed by",
    "Signed",
    "Signature",
    "Overall judgement",
    "Imported",
    "Needs attention",
    "Moderated",
)
EntryRole = ObjectRole
SortRole = ObjectRole + 1
TRUSTED_COLOUR = QColor("#1b6b35")
UNTRUSTED_COLOUR = QColor("#8a4b00")
WARNING_COLOUR = QColor("#a11d1d")


def verified_text(entry: InboxEntry) -> str:
    """``Valid, trusted signer`` or ``Valid, signer not trusted`` (the status word in words)."""
    return "Valid, trusted signer" if entry.trusted else "Valid, signer not trusted"


def template_text(entry: InboxEntry) -> str:
    name = entry.template_title or entry.template_id
    return f"{name} ({entry.template_version})" if entry.template_version else name


def signer_text(entry: InboxEntry) -> str:
    """Who signed, and for whom when that is someone else (``A on behalf of B``)."""
    signer = entry.signer or "Unknown"
    return f"{signer} on behalf of {entry.auditor_name}" if entry.signed_on_behalf else signer


def flags(entry: InboxEntry) -> list[str]:
    """What the QA subgroup should look at for this return, in short phrases."""
    found = []
    if entry.conflict:
        found.append("Conflict: same report id from another signer" if "signed by" in entry.conflict else "Conflict")
    if entry.judgement_mismatch:
        found.append("Printed judgement differs from the data")
    if entry.signed_on_behalf:
        found.append("Signed on behalf of the auditor")
    if entry.superseded_by:
        found.append(f"Superseded by {entry.superseded_by}")
    if not entry.signatures:
        found.append("Signers not recorded (import again)")
    elif not entry.has_pdf:
        found.append("Signed PDF not kept (import again)")
    return found


def round_text(entry: InboxEntry, rounds: dict[str, str] | None = None) -> str:
    """The round the inbox filed the return under, by its title (its id when the round is not in
    this vault's profile), or ``Not filed under a round``."""
    if not entry.round_id:
        return "Not filed under a round"
    return (rounds or {}).get(entry.round_id) or entry.round_id


def display_row(entry: InboxEntry, moderated: str = "", rounds: dict[str, str] | None = None) -> tuple[str, ...]:
    """The texts shown in each column (dates as ``28 Nov 2026``); `moderated` is the newest
    moderation outcome (``Agreed`` or ``Moderated``), "" when there is none; `rounds` maps round
    ids to their titles."""
    return (
        entry.report_id if entry.revision <= 1 else f"{entry.report_id} (revision {entry.revision})",
        template_text(entry),
        round_text(entry, rounds),
        entry.subject,
        signer_text(entry),
        format_date(entry.signed_at),
        verified_text(entry),
        entry.overall_label or judgement_label(entry.overall_judgement),
        format_date(entry.imported_at),
        "; ".join(flags(entry)),
        moderated or "No",
    )


def sort_key(entry: InboxEntry, column: int, moderated: str = "") -> str:
    """Dates sort by their ISO text, everything else by its shown text without case."""
    if column == COL_SIGNED:
        return entry.signed_at
    if column == COL_IMPORTED:
        return entry.imported_at
    return display_row(entry, moderated)[column].casefold()


def signer_summary(signer: SignerEntry) -> str:
    """``Auditor's signature: Name (Organisation), signed 28 Nov 2026 14:05: trusted``."""
    who = signer.name or "no name"
    if signer.organisation:
        who += f" ({signer.organisation})"
    state = "trusted" if signer.trusted else "not trusted in this vault"
    if signer.role == "countersigner":
        state += "; a trusted QA moderator" if signer.moderator else "; not trusted as a QA moderator"
    if signer.problem:
        state += f"; {signer.problem}"
    when = format_datetime(signer.signed_at) or "time not given"
    words = role_words(signer.role)
    return f"{words[:1].upper()}{words[1:]}: {who}, signed {when}: {state}"


def details_html(entry: InboxEntry) -> str:
    """The selected return in full: each signer with the SHA-256 fingerprint of their
    certificate, who audited, and anything that needs attention."""
    e = html.escape
    parts = [f"<b>{e(entry.report_id)}</b>, revision {entry.revision}: {e(template_text(entry))}"]
    if entry.signed_on_behalf:
        parts.append(
            f"Signed by <b>{e(entry.signer)}</b> on behalf of <b>{e(entry.auditor_name)}</b>, the auditor named in the report."
        )
    elif entry.auditor_name:
        parts.append(f"Auditor: {e(entry.auditor_name)}")
    for signer in entry.signatures:
        fingerprint = fingerprint_text(signer.fingerprint) if signer.fingerprint else "unknown"
        parts.append(f"{e(signer_summary(signer))}<br>SHA-256 fingerprint: <tt>{e(fingerprint)}</tt>")
    if not entry.signatures:
        parts.append("The signers were not recorded (imported by an earlier version). Import the file again.")
    if not entry.has_pdf:
        parts.append(
            "<b>The signed PDF is not kept in the vault</b> (imported by an earlier version): its trust cannot be "
            "checked again and no copy can be saved. Import the file again to keep it."
        )
    if entry.quarantined:
        parts.append(f"<b>In quarantine:</b> {e(entry.trust_problem or 'a signer is not trusted')}.")
    if entry.conflict:
        parts.append(f"<b>Conflict:</b> {e(entry.conflict)}.")
    if entry.judgement_mismatch:
        parts.append(
            f"<b>The pages print the overall judgement as “{e(entry.page_judgement)}”, but the report data says "
            f"“{e(entry.overall_label)}”.</b> Ask the signer which is right."
        )
    if entry.superseded_by:
        parts.append(f"Superseded by {e(entry.superseded_by)}, a newer revision in the inbox.")
    return "<p>" + "</p><p>".join(parts) + "</p>"


class ReturnsTableModel(RowTableModel[InboxEntry]):
    """Rows are `InboxEntry` DTOs; `set_rows` replaces them all. `EntryRole` gives the entry.
    Each row's texts are worked out once, when the rows are set (a view asks for them many
    times: sizing columns, sorting, filtering). `moderation` maps a return id to its newest
    moderation outcome and `rounds` a round id to its title (set with `set_moderation` and
    `set_rounds` before `set_rows`)."""

    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shown: dict[str, tuple[str, ...]] = {}
        self.moderation: dict[str, str] = {}
        self.rounds: dict[str, str] = {}

    def set_moderation(self, outcomes: dict[str, str]) -> None:
        self.moderation = dict(outcomes)

    def set_rounds(self, rounds: dict[str, str]) -> None:
        self.rounds = dict(rounds)

    def set_rows(self, rows: Iterable[InboxEntry]) -> None:
        rows = list(rows)
        self._shown = {entry.id: display_row(entry, self.moderation.get(entry.id, ""), self.rounds) for entry in rows}
        super().set_rows(rows)

    def display_texts(self, column: int) -> list[str]:
        return [self._texts(entry)[column] for entry in self._rows]

    def _texts(self, entry: InboxEntry) -> tuple[str, ...]:
        found = self._shown.get(entry.id)
        return found if found is not None else display_row(entry, self.moderation.get(entry.id, ""), self.rounds)

    def cell(self, entry: InboxEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(entry)[column]
        if role == SortRole:
            if column in (COL_SIGNED, COL_IMPORTED):
                return sort_key(entry, column)
            return self._texts(entry)[column].casefold()
        if column == COL_VERIFIED:
            return self._verified_data(entry, role)
        if column == COL_FLAGS and role == Qt.ItemDataRole.ForegroundRole:
            return WARNING_COLOUR
        return None

    def _verified_data(self, entry: InboxEntry, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return TRUSTED_COLOUR if entry.trusted else UNTRUSTED_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and not entry.trusted:
            return self.tr(
                "The signature is valid and covers the whole file, but a signer is not trusted in this vault. "
                "Check the fingerprint with the signer, then trust them; the return leaves the quarantine."
            )
        return None


class ReturnsSortProxyModel(QSortFilterProxyModel):
    """Sorts by `SortRole` and filters on any column's text (case-insensitive)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
