"""The machine-readable copy of the audit inside the PDF: one JSON attachment.

The attachment is added in the same revision that the auditor's signature covers, so the
signature protects it. Its schema is `lscp_audit.core.report_data`, published as JSON Schema in
`schemas/report-data-v1.schema.json` (shipped in the package) and documented in
docs/report-data-schema.md. Readers find it by its file name in the EmbeddedFiles name tree;
reading is bounded (size, depth, string length) before anything is parsed, then the data is
validated against the schema: by a validator `fastjsonschema` compiles from it once per process
(about ten times faster than `jsonschema` on a return's data), and by `jsonschema` itself whenever
that one finds a fault, to name it (see `validate`).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
import re
from importlib import resources
from typing import Any

ATTACHMENT_NAME = "lscp-audit-report.json"
MIME_TYPE = "application/json"
SCHEMA_ID = "lscp-audit/report-data"
SCHEMA_VERSION = 1
SCHEMA_RESOURCE = "schemas/report-data-v1.schema.json"
# Reading limits, applied before parsing: a 30-page report's data is well under 1 MB.
MAX_DATA_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_STRING_BYTES = 1024 * 1024
MAX_NAME_TREE_NODES = 10_000
# one JSON string (kept by `split`, so the strings and what lies between them come in one pass)
_JSON_STRING = re.compile(rb'("[^"\\]*+(?:\\.[^"\\]*+)*+")', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# "[" and "{" become +1, "]" and "}" become -1 (0xFF as a signed byte), for a running depth
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


class ReportDataError(ValueError):
    """The embedded report data is missing a part, too large, malformed or off-schema."""


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
    """The (name, value) pairs of a name tree, walked without recursion; a tree with a cycle or
    more than `MAX_NAME_TREE_NODES` nodes is refused rather than followed for ever."""
    pairs: list[tuple[str, Any]] = []
    pending = [node]
    seen = 0
    while pending:
        current = pending.pop()
        seen += 1
        if seen > MAX_NAME_TREE_NODES:
            raise ReportDataError("the PDF's attachment list is malformed (too many nodes)")
        if not isinstance(current, dict):
            raise ReportDataError("the PDF's attachment list is malformed")
        names = current.get("/Names")
        if names is not None:
            names = names.get_object()
            for i in range(0, len(names) - 1, 2):
                pairs.append((str(names[i]), names[i + 1].get_object()))
        kids = current.get("/Kids")
        if kids is not None:
            pending.extend(kid.get_object() for kid in reversed(kids.get_object()))
    return pairs


def read_attachment(reader: Any) -> bytes | None:
    """The attachment's bytes as embedded (decoded from its stream filters), or None when the PDF
    has none. Raises `ReportDataError` when it is malformed or decodes to more than
    `MAX_DATA_BYTES` (decoding stops there, so a compression bomb costs nothing)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfError

    try:
        root = reader.root
        if "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]:
            return None
        pairs = _name_tree_pairs(root["/Names"]["/EmbeddedFiles"].get_object())
        matches = [spec for name, spec in pairs if name == ATTACHMENT_NAME]
        if not matches:
            return None
        if len(matches) > 1:
            raise ReportDataError(f"the PDF holds {len(matches)} attachments named {ATTACHMENT_NAME}")
        stream = matches[0]["/EF"]["/F"].get_object()
        if not isinstance(stream, generic.StreamObject):
            raise ReportDataError("the report data attachment is not a stream")
        raw = bytes(stream.read_data(expected_size=MAX_DATA_BYTES))
    except ReportDataError:
        raise
    except PdfError as exc:
        if type(exc).__name__ == "PdfDecodeLimitError":
            raise ReportDataError(_too_large()) from exc
        raise ReportDataError(f"the report data attachment cannot be read ({type(exc).__name__})") from exc
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ReportDataError(f"the report data attachment cannot be read ({type(exc).__name__})") from exc
    if len(raw) > MAX_DATA_BYTES:
        raise ReportDataError(_too_large())
    return raw


def _too_large() -> str:
    return f"the report data is larger than {MAX_DATA_BYTES // (1024 * 1024)} MB, the most LSCP Audit reads"


def extract_bytes(reader: Any) -> bytes | None:
    """The attachment's bytes from a pyHanko `PdfFileReader`, or None when absent or unreadable."""
    try:
        return read_attachment(reader)
    except ReportDataError:
        return None


def check_shape(raw: bytes) -> None:
    """Refuse, before parsing, JSON nested deeper than `MAX_DEPTH` or with a string longer than
    `MAX_STRING_BYTES` (as encoded). Raises `ReportDataError`."""
    pieces = _JSON_STRING.split(raw)  # outside a string, a string, outside, ..., outside
    longest = max(map(len, pieces[1::2]), default=2) - 2
    if longest > MAX_STRING_BYTES:
        raise ReportDataError(
            f"the report data holds a text of {longest:,} bytes; the most LSCP Audit reads is {MAX_STRING_BYTES:,}"
        )
    steps = memoryview(b"".join(pieces[0::2]).translate(_BRACKET_STEPS, _NOT_BRACKETS)).cast("b")
    if max(itertools.accumulate(steps), default=0) > MAX_DEPTH:
        raise ReportDataError(f"the report data is nested more than {MAX_DEPTH} levels deep")


@functools.cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of report data version 1 (shipped inside the package)."""
    text = resources.files("lscp_audit.reports").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(inlined(schema()))


# Keywords whose meaning is the same in draft 7 (what `fastjsonschema` implements) and in draft
# 2020-12 (what the schema is written in). `items` only as one schema for every item (2020-12
# gave the list form to `prefixItems`); no `$ref` may be left after `inlined`.
DRAFT7_SAME = frozenset(
    "type enum const properties required additionalProperties items minItems maxItems minLength maxLength "
    "pattern minimum maximum allOf anyOf oneOf not title description $comment".split()
)


def compilable_for_draft7(node: Any, root: bool = True) -> bool:
    """Whether `node` (an `inlined` schema) uses only keywords that draft 7 reads exactly as
    2020-12 does, so a draft 7 validator judges it as the published schema is meant."""
    if isinstance(node, bool):
        return True
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if root and key in ("$schema", "$id"):
            continue
        if key not in DRAFT7_SAME:
            return False
        if key == "properties":
            if not isinstance(value, dict) or not all(compilable_for_draft7(v, False) for v in value.values()):
                return False
        elif key in ("items", "additionalProperties", "not"):
            if not compilable_for_draft7(value, False):
                return False
        elif key in ("allOf", "anyOf", "oneOf"):
            if not isinstance(value, list) or not all(compilable_for_draft7(v, False) for v in value):
                return False
    return True


@functools.cache
def _fast_validator() -> Any:
    """The schema compiled to Python by `fastjsonschema` (once per process), or None when the
    schema uses a keyword draft 7 would read differently (then only `jsonschema` is used)."""
    import fastjsonschema

    compiled = copy.deepcopy(inlined(schema()))  # fastjsonschema may rewrite what it is given
    if not compilable_for_draft7(compiled):
        return None
    compiled = {key: value for key, value in compiled.items() if key not in ("$schema", "$id")}
    compiled["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(compiled, use_default=False, use_formats=False)


def matches_schema(value: Any) -> bool:
    """The compiled validator's verdict: True only when `value` is report data matching the
    schema (False also when there is no compiled validator)."""
    import fastjsonschema

    check = _fast_validator()
    if check is None:
        return False
    try:
        check(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def inlined(root: dict[str, Any]) -> dict[str, Any]:
    """The same schema with its local `$ref`s replaced by the definitions and single `allOf`
    wrappers merged, which validates a large report about a third faster with `jsonschema`.
    Only rewrites that keep the meaning exactly are made (a `$ref` with no sibling keywords;
    an `allOf` whose parts share no keyword but `properties` and `required`, which are
    unions); anything else is left as written."""
    definitions = root.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/") and ref[8:] in definitions:
            return walk(definitions[ref[8:]])
        node = {key: walk(value) for key, value in node.items() if key != "$defs" or node is not root}
        parts = node.get("allOf")
        if isinstance(parts, list) and all(isinstance(p, dict) and "$ref" not in p for p in parts):
            merged = {key: value for key, value in node.items() if key != "allOf"}
            for part in parts:
                for key, value in part.items():
                    if key not in merged:
                        merged[key] = value
                    elif key == "properties" and set(value).isdisjoint(merged[key]):
                        merged[key] = {**merged[key], **value}
                    elif key == "required":
                        merged[key] = sorted({*merged[key], *value})
                    else:
                        return node  # a real conjunction: keep allOf as written
            return merged
        return node

    result: dict[str, Any] = walk(root)
    result.pop("$defs", None)
    return result


def validate(value: Any) -> dict[str, Any]:
    """`value` when it is report data matching the schema, else `ReportDataError` saying where not.

    The compiled validator (`matches_schema`) accepts good data; whatever it refuses is judged
    again by `jsonschema` (the reference implementation of draft 2020-12), whose verdict stands
    and whose best-matching error names the field. So the outcome is always `jsonschema`'s
    (tests compare the two on good data and on every kind of fault), and only a file with a
    fault pays for it."""
    if isinstance(value, dict) and value.get("schema") == SCHEMA_ID and value.get("schema_version") != SCHEMA_VERSION:
        raise ReportDataError(
            f"the report data is version {str(value.get('schema_version'))[:20]}; "
            f"this version of LSCP Audit reads version {SCHEMA_VERSION}"
        )
    if matches_schema(value):
        assert isinstance(value, dict)
        return value
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(value))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        raise ReportDataError(f"the report data does not match its schema at {where or 'the top level'}: {message}")
    assert isinstance(value, dict)
    return value


def parse(raw: bytes) -> dict[str, Any]:
    """Decode and validate attachment bytes; raises `ReportDataError` with a plain reason."""
    if len(raw) > MAX_DATA_BYTES:
        raise ReportDataError(_too_large())
    check_shape(raw)
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ReportDataError("the report data is not UTF-8 text") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ReportDataError(f"the report data is not valid JSON ({type(exc).__name__})") from exc
    return validate(value)


def extract(reader: Any) -> dict[str, Any] | None:
    """The decoded, schema-checked attachment, or None when the PDF has none or it is invalid."""
    try:
        raw = read_attachment(reader)
        return None if raw is None else parse(raw)
    except ReportDataError:
        return None
