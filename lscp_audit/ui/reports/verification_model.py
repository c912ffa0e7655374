"""Table model over verification results (one row per PDF), and the words the Verify page shows
for a result: the verdict (never an exception's class name), every signer with role,
fingerprint and moderator standing, who audited, and the template by its title."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from lscp_audit.services.inbox_service import role_words, signature_problem
from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel

if TYPE_CHECKING:
    from lscp_audit.services.inbox_service import SignatureReport, VerificationResult

COL_FILE, COL_VERDICT, COL_SIGNER, COL_SIGNED_AT, COL_TRUSTED, COL_TEMPLATE = range(6)
HEADERS = ("File", "Verdict", "Signed by", "Signed at", "Trusted", "Template")
ResultRole = ObjectRole
_CLASS_NAME = re.compile(r"\s*\((?:[A-Za-z_][\w.]*)?(?:Error|Exception|Warning)\)")


def plain(message: str) -> str:
    """`message` without a programmer's exception class name (``not a readable PDF (PdfReadError)``
    becomes ``not a readable PDF``)."""
    return _CLASS_NAME.sub("", message).strip()


def signed_at_text(result: VerificationResult) -> str:
    when = result.signing_time
    return f"{when.day} {when:%b %Y %H:%M %Z}".strip() if when else ""


def verdict_text(result: VerificationResult) -> str:
    if result.ok():
        return "Valid"
    if result.problem:
        return f"Failed: {plain(result.problem)}"
    if not result.intact:
        reason = result.intact_reason
        return f"Failed: changed after signing ({plain(reason)})" if reason else "Failed: changed after signing"
    if not result.whole_file:
        return "Failed: content added after signing"
    return "Failed: signer not trusted"


def trusted_text(result: VerificationResult) -> str:
    if not result.trust_checked:
        return "Not checked"
    return "Yes" if result.trusted else "No"


def template_text(result: VerificationResult) -> str:
    """The template's title and version as printed on the report (not its internal id)."""
    template = (result.data or {}).get("template")
    if not isinstance(template, dict):
        return ""
    title = str(template.get("title") or "").strip() or "Untitled template"
    version = str(template.get("version") or "").strip()
    return f"{title} ({version})" if version else title


def _sig_role(sig: SignatureReport, number: int) -> str:
    return sig.role or ("auditor" if number == 0 else "countersigner")


def signers_text(result: VerificationResult) -> str:
    """Every signer, the auditor first: ``Ann Smith; Moderator Nowak (countersigner)``, with
    ``on behalf of`` when the report names another auditor."""
    names = []
    for number, sig in enumerate(result.signatures):
        name = sig.signer or "no name"
        role = _sig_role(sig, number)
        names.append(name if role == "auditor" else f"{name} ({role})")
    text = "; ".join(names)
    auditor = result.auditor_name
    if result.signed_on_behalf and auditor:
        text += f" on behalf of {auditor}"
    return text


def _fingerprint(value: str) -> str:
    digits = value.upper()
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4)) or "unknown"


def details_html(result: VerificationResult) -> str:
    """One file in full: the verdict, who audited, and each signature with its role, time,
    trust, moderator standing and the SHA-256 fingerprint of the certificate."""
    e = html.escape
    parts = [f"<b>{e(Path(result.path).name)}</b>: {e(verdict_text(result))}"]
    auditor = result.auditor_name
    if result.signed_on_behalf and auditor:
        parts.append(
            f"Signed by <b>{e(result.signer)}</b> <b>on behalf of {e(auditor)}</b>, the auditor named in the report."
        )
    elif auditor:
        parts.append(f"Auditor named in the report: {e(auditor)}")
    if result.data:
        parts.append(f"Template: {e(template_text(result))}")
    for number, sig in enumerate(result.signatures):
        role = _sig_role(sig, number)
        who = sig.signer or "no name"
        if sig.signer_organisation:
            who += f" ({sig.signer_organisation})"
        when = sig.signing_time
        at = f"{when.day} {when:%b %Y %H:%M %Z}".strip() if when else "time not given"
        if not result.trust_checked:
            state = "trust not checked"
        else:
            state = "trusted" if sig.trusted else "not trusted"
        if role == "countersigner":
            state += "; a trusted QA moderator" if sig.moderator else "; not from a trusted QA moderator"
        problem = signature_problem(sig.problem)
        if problem:
            state += f"; {plain(problem)}"
        fingerprint = _fingerprint(sig.fingerprint)
        words = role_words(role)
        parts.append(
            f"{e(words[:1].upper() + words[1:])}: {e(who)}, signed {e(at)}: {e(state)}<br>"
            f"SHA-256 fingerprint: <tt>{e(fingerprint)}</tt>"
        )
    return "<p>" + "</p><p>".join(parts) + "</p>"


class VerificationTableModel(RowTableModel["VerificationResult"]):
    """Rows of `VerificationResult`; `ResultRole` returns the result object."""

    headers = HEADERS

    def cell(self, result: VerificationResult, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(result, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_VERDICT:
            return QColor("#1b6b35") if result.ok() else QColor("#a11d1d")
        return None

    @staticmethod
    def _text(result: VerificationResult, column: int) -> str:
        texts = {
            COL_FILE: Path(result.path).name,
            COL_VERDICT: verdict_text(result),
            COL_SIGNER: signers_text(result),
            COL_SIGNED_AT: signed_at_text(result),
            COL_TRUSTED: trusted_text(result),
            COL_TEMPLATE: template_text(result),
        }
        return texts.get(column, "")
