"""Table model over verification results (one row per PDF)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from lscp_audit.ui.row_table_model import ObjectRole, RowTableModel

COL_FILE, COL_VERDICT, COL_SIGNER, COL_SIGNED_AT, COL_TRUSTED, COL_TEMPLATE = range(6)
HEADERS = ("File", "Verdict", "Signer", "Signed at", "Trusted", "Template")
ResultRole = ObjectRole


def signed_at_text(result: Any) -> str:
    when = result.signing_time
    return f"{when.day} {when:%b %Y %H:%M %Z}".strip() if when else ""


def verdict_text(result: Any) -> str:
    if result.ok():
        return "Valid"
    if result.problem:
        return f"Failed: {result.problem}"
    if not result.intact:
        return "Failed: changed after signing"
    if not result.whole_file:
        return "Failed: content added after signing"
    return "Failed: signer not trusted"


def trusted_text(result: Any) -> str:
    if not result.trust_checked:
        return "Not checked"
    return "Yes" if result.trusted else "No"


def template_text(result: Any) -> str:
    template = (result.data or {}).get("template") or {}
    return f"{template.get('id')} {template.get('version')}" if template else ""


class VerificationTableModel(RowTableModel[Any]):
    """Rows of `VerificationResult`; `ResultRole` returns the result object."""

    headers = HEADERS

    def cell(self, result: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(result, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_VERDICT:
            return QColor("#1b6b35") if result.ok() else QColor("#a11d1d")
        return None

    @staticmethod
    def _text(result: Any, column: int) -> str:
        from pathlib import Path

        texts = {
            COL_FILE: Path(result.path).name,
            COL_VERDICT: verdict_text(result),
            COL_SIGNER: result.signer,
            COL_SIGNED_AT: signed_at_text(result),
            COL_TRUSTED: trusted_text(result),
            COL_TEMPLATE: template_text(result),
        }
        return texts.get(column, "")
