"""Text and JSON output of the ``audit`` commands: tables, problem lists, dates as ``28 Nov 2026``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lscp_audit.core.identifier_check import IdentifierCheck, IdentifierHit
    from lscp_audit.services.identifier_checks import IdentifiersNotAcknowledged

VALIDATION_EXIT = 1


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def print_problems(headline: str, problems: Sequence[str]) -> int:
    """Print ``lscp-audit: error: <headline>:`` then one problem per line; returns exit code 1."""
    print(f"lscp-audit: error: {headline}:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return VALIDATION_EXIT


def identifier_json(hit: IdentifierHit) -> dict[str, Any]:
    """One likely identifier for ``--json``: where, what kind, the found text masked."""
    ack = hit.acknowledgement
    return {
        "id": hit.id,
        "kind": str(hit.kind),
        "kind_label": hit.kind_label,
        "question_id": hit.question_id,
        "agency": hit.agency,
        "where": hit.where,
        "found": hit.masked_text,
        "acknowledged": None if ack is None else {"reason": ack.reason, "by": ack.by, "at": ack.at},
    }


def identifier_lines(check: IdentifierCheck) -> list[str]:
    """The check as lines: one per hit (found text masked: terminals and logs outlive the vault's
    encryption), then what to do."""
    if not check.hits:
        return ["No likely identifiers found."]
    lines = []
    for hit in check.hits:
        state = f"kept: {hit.acknowledgement.reason}" if hit.acknowledgement else "not acknowledged"
        key = f"{hit.answer_key}: " if hit.answer_key else ""
        lines.append(f"{key}{hit.kind_label} ({hit.masked_text}) in {hit.where} [{state}]")
    waiting = len(check.unacknowledged)
    if waiting:
        lines.append(
            f"{waiting} not acknowledged: correct the text (it is never changed for you), "
            "or keep them with --acknowledge REASON."
        )
    return lines


def print_identifiers_refusal(exc: IdentifiersNotAcknowledged) -> int:
    """The listing for a completion or export refused by the identifier check; exit code 1."""
    count = len(exc.check.unacknowledged)
    print_problems(
        f"the audit was not {exc.doing}: {count} likely identifier{'s' if count != 1 else ''} in its text",
        exc.problems,
    )
    print(
        "  Correct the text (audit fill, or in the app; it is never changed for you), or keep them with "
        "--acknowledge-identifiers REASON.",
        file=sys.stderr,
    )
    return VALIDATION_EXIT


def display_date(iso: str | None) -> str:
    """``2026-11-28T06:45:00+00:00`` -> ``28 Nov 2026`` (empty text for none)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%b %Y}"


def display_time(iso: str) -> str:
    """``2026-11-28T06:45:00+00:00`` -> ``28 Nov 2026 06:45 UTC``."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{display_date(iso)} {moment:%H:%M} UTC"


def summary_rows(page: Any) -> list[str]:
    """The audits list as an aligned table, with a count line."""
    if not page.items:
        return ["No audits match. Start one with: lscp-audit audit new --template ID --subject case_reference=..."]
    header = ("ID", "CASE REFERENCE", "TEMPLATE", "STATUS", "JUDGEMENT", "CHANGED")
    rows = [
        (s.id, s.case_reference, s.template_id, s.status.value, s.judgement or "", display_date(s.updated_at))
        for s in page.items
    ]
    lines = _table([header, *rows])
    lines.append(f"{len(rows)} of {page.total} audit(s)")
    return lines


def history_rows(entries: Iterable[Any]) -> list[str]:
    rows = [(display_time(e.at), e.actor, e.field, _short(e.old_value), _short(e.new_value)) for e in entries]
    return _table([("WHEN", "WHO", "FIELD", "FROM", "TO"), *rows]) if rows else ["No changes recorded."]


def document_lines(document: dict[str, Any]) -> list[str]:
    """A readable summary of ``audit show`` (answers in full only with ``--json``)."""
    lines = [
        f"{document['title']}",
        f"  id:        {document['id']} (revision {document['revision']})",
        f"  template:  {document['template']['id']} version {document['template']['version']}",
        f"  status:    {document['status']}",
        f"  changed:   {display_date(document['updated_at'])}",
        f"  answers:   {_count_answers(document['answers'])}",
    ]
    for judgement in document["judgements"]:
        scope = judgement["scope"] + (f" ({judgement['agency']})" if judgement["agency"] else "")
        lines.append(f"  judgement: {scope}: {judgement['value'] or 'not yet derived'}")
    return lines


def _count_answers(answers: dict[str, Any]) -> int:
    return sum(len(v) if isinstance(v, dict) and "value" not in v else 1 for v in answers.values())


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
