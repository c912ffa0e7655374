"""The machine-readable copy of the audit inside the PDF: one JSON attachment.

The attachment is added in the same revision that the auditor's signature covers, so the
signature protects it. Its schema is `lscp_audit.core.report_data` (documented in
docs/report-data-schema.md). Readers find it by its file name in the EmbeddedFiles name tree.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

ATTACHMENT_NAME = "lscp-audit-report.json"
MIME_TYPE = "application/json"


def encode(data: dict[str, Any]) -> bytes:
    """Canonical UTF-8 JSON (sorted keys) so the same audit always gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def attach(writer: Any, data: dict[str, Any], when: dt.datetime | None = None) -> None:
    """Embed `data` as the JSON attachment in a pyHanko writer (before signing)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file

    when = when or dt.datetime.now(dt.UTC)
    params = EmbeddedFileParams(creation_date=when, modification_date=when)
    stream = EmbeddedFileObject.from_file_data(writer, data=encode(data), mime_type=MIME_TYPE, params=params)
    spec = FileSpec(
        file_spec_string=ATTACHMENT_NAME,
        file_name=ATTACHMENT_NAME,
        embedded_data=stream,
        description="LSCP Audit report data (JSON)",
        af_relationship=generic.NameObject("/Data"),
    )
    embed_file(writer, spec)


def _name_tree_pairs(node: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    names = node.get("/Names")
    if names is not None:
        names = names.get_object()
        for i in range(0, len(names) - 1, 2):
            pairs.append((str(names[i]), names[i + 1].get_object()))
    kids = node.get("/Kids")
    for kid in kids.get_object() if kids is not None else []:
        pairs.extend(_name_tree_pairs(kid.get_object()))
    return pairs


def extract_bytes(reader: Any) -> bytes | None:
    """The attachment's bytes from a pyHanko `PdfFileReader`, or None when absent."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return None
    for name, spec in _name_tree_pairs(tree.get_object()):
        if name == ATTACHMENT_NAME:
            return bytes(spec["/EF"]["/F"].get_object().data)
    return None


def extract(reader: Any) -> dict[str, Any] | None:
    """The decoded attachment (a dict), or None when the PDF has none or it is not valid JSON."""
    raw = extract_bytes(reader)
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None
