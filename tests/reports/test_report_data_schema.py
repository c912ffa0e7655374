"""The published JSON Schema (lscp_audit/reports/schemas/report-data-v1.schema.json) accepts
what the builder writes for every shipped template, demo answers and an amended revision, and
names every key the builder writes, so the schema cannot silently fall behind the data."""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.report_data import build_report_data
from lscp_audit.core.templates.loader import load_template_file
from lscp_audit.reports import embedded_data
from lscp_audit.services.report_service import report_inputs
from tests.reports.sample_audit import GENERATED_AT, amended_revision, sample_audit, sample_inputs, sample_template

SHIPPED = sorted(paths.forms_dir().glob("*.yaml"))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node` with `$ref` and `allOf` merged in (enough for this schema's shapes)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {**schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    for part in node.get("allOf", []):
        base = _resolve(schema, part)
        node = {
            **base,
            **node,
            "properties": {**base.get("properties", {}), **node.get("properties", {})},
            "required": [*base.get("required", []), *node.get("required", [])],
        }
    return node


def _undeclared(schema: dict[str, Any], node: Any, value: Any, where: str) -> list[str]:
    """Keys in `value` that the schema node does not declare (objects with declared properties)."""
    if not isinstance(node, dict):
        return []  # `true`: any value
    node = _resolve(schema, node)
    if isinstance(value, dict) and "oneOf" in node:
        node = _resolve(schema, next(o for o in node["oneOf"] if o.get("type") == "object"))
    missing = []
    if isinstance(value, dict) and "properties" in node:
        for key, item in value.items():
            if key not in node["properties"]:
                missing.append(f"{where}.{key}")
            else:
                missing += _undeclared(schema, node["properties"][key], item, f"{where}.{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            missing += _undeclared(schema, node["items"], item, f"{where}[{index}]")
    return missing


def _check(data: dict[str, Any]) -> None:
    assert embedded_data.validate(copy.deepcopy(data)) == data
    schema = embedded_data.schema()
    assert _undeclared(schema, schema, data, "") == []


@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_data_matches_the_schema(template_file: Path) -> None:
    template = load_template_file(template_file)
    audit = completed_audit(template)
    _check(build_report_data(audit, template, generated_at=GENERATED_AT, inputs=report_inputs(audit, template)))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("template_file", SHIPPED, ids=lambda p: p.stem)
def test_demo_answers_match_the_schema(template_file: Path, seed: int) -> None:
    from lscp_audit.services import demo_content, demo_data

    template = load_template_file(template_file)
    rng = random.Random(seed)
    subject = demo_content.subject_for(rng, template, seed)
    answers = demo_data.generate_answers(rng, template, subject, ("strong", "weak", "mixed")[seed % 3])
    audit = replace(completed_audit(template), subject=subject, answers=tuple(answers))
    for mode in ("full", "compact"):
        inputs = report_inputs(audit, template)
        _check(build_report_data(audit, template, generated_at=GENERATED_AT, inputs=inputs, mode=mode))


def test_amended_revision_matches_the_schema() -> None:
    template = sample_template()
    first = sample_audit(template)
    second = amended_revision(first, "eh_quality", "good", "The manager confirmed the assessment was on time")
    data = build_report_data(
        second,
        template,
        generated_at=GENERATED_AT,
        inputs=sample_inputs(template, second),
        previous=first,
        previous_inputs=sample_inputs(template, first),
        partnership="Testshire LSCP",
    )
    assert data["amendment"]["changes"]
    _check(data)


def test_a_key_the_schema_does_not_name_is_found() -> None:
    template = sample_template()
    audit = sample_audit(template)
    data = build_report_data(audit, template, generated_at=GENERATED_AT, inputs=sample_inputs(template, audit))
    data["sections"][0]["questions"][0]["answers"][0]["surprise"] = 1
    schema = embedded_data.schema()
    assert _undeclared(schema, schema, data, "") == [".sections[0].questions[0].answers[0].surprise"]


def test_the_faster_inlined_schema_judges_exactly_like_the_published_one(report_data: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    published = Draft202012Validator(embedded_data.schema())
    fast = Draft202012Validator(embedded_data.inlined(embedded_data.schema()))
    samples: list[Any] = [copy.deepcopy(report_data), [], "text", {}]
    for path, bad in [
        (("template",), "a string"),
        (("report", "generated_at"), "yesterday"),
        (("report", "content_hash"), "sha256:XYZ"),
        (("judgements", "overall", "rule"), 7),
        (("judgements", "overall", "overridden"), "no"),
        (("judgements", "sections"), [{"value": "good"}]),
        (("sections",), [{"id": "s"}]),
        (("amendment",), {"changes": []}),
        (("grade_counts", "good"), -1),
        (("schema_version",), 2),
    ]:
        sample = copy.deepcopy(report_data)
        target = sample
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bad
        samples.append(sample)
    verdicts = [(published.is_valid(s), fast.is_valid(s)) for s in samples]
    assert verdicts[0] == (True, True)
    assert all(a == b for a, b in verdicts), verdicts
    assert sum(not a for a, _b in verdicts) == len(samples) - 1


# -- the compiled validator (fastjsonschema) against the reference one (jsonschema) -------------


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in `value` a fault can be put (object keys and list items), depth first."""
    found: list[tuple[str | int, ...]] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        found.append((*prefix, key))
        found += _paths(item, (*prefix, key))
    return found


def _reference() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(embedded_data.schema())


def test_the_shipped_schema_is_compiled() -> None:
    """The schema uses only keywords draft 7 reads as 2020-12 does, so the fast validator is used
    (were a keyword added that it reads differently, imports would fall back to jsonschema alone
    and this test would say so)."""
    assert embedded_data.compilable_for_draft7(embedded_data.inlined(embedded_data.schema()))
    assert embedded_data._fast_validator() is not None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "prefixItems": [{"type": "string"}]},
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        {"type": "object", "unevaluatedProperties": False},
        {"type": "array", "items": [{"type": "string"}]},
        {"$ref": "#/$defs/x"},
        {"type": "string", "format": "date-time"},
    ],
)
def test_a_keyword_draft_7_reads_otherwise_is_not_compiled(schema: dict[str, Any]) -> None:
    assert not embedded_data.compilable_for_draft7(schema)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.sampled_from([0, 1, -1, 2, 1.0, 0.5, 1e300])
    | st.sampled_from(["", "x", "R-AAAA-AAAA", "sha256:" + "0" * 64, "2026-11-28T10:00:00Z", "good", "full"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "value", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_compiled_validator_judges_exactly_like_jsonschema(report_data: dict[str, Any], data: Any) -> None:
    """Faults of every kind at every kind of place: a value replaced by another JSON value (wrong
    type, bool for a number, float for an integer, empty text, bad pattern), a key removed, a key
    added. The compiled validator accepts exactly what jsonschema accepts, and the service's
    `validate` gives jsonschema's verdict with its message naming the field."""
    sample = copy.deepcopy(report_data)
    paths = _paths(sample)
    for _ in range(data.draw(st.integers(1, 3), label="faults")):
        path = data.draw(st.sampled_from(paths), label="where")
        target: Any = sample
        try:
            for key in path[:-1]:
                target = target[key]
            action = data.draw(st.sampled_from(["replace", "remove", "add"]), label="how")
            if action == "replace":
                target[path[-1]] = data.draw(_JSON_VALUES, label="value")
            elif action == "remove" and isinstance(target, dict):
                del target[path[-1]]
            elif isinstance(target, dict):
                target["surprise_" + str(path[-1])] = data.draw(_JSON_VALUES, label="added")
        except (KeyError, IndexError, TypeError):
            continue  # an earlier fault changed what lies on this path
    expected = _reference().is_valid(sample)
    assert embedded_data.matches_schema(sample) == expected
    if expected:
        assert embedded_data.validate(sample) is sample
    else:
        with pytest.raises(
            embedded_data.ReportDataError, match="the report data (does not match its schema at|is version)"
        ):
            embedded_data.validate(sample)


def test_a_fault_is_named_by_field(report_data: dict[str, Any]) -> None:
    sample = copy.deepcopy(report_data)
    sample["judgements"]["overall"]["overridden"] = "no"
    assert not embedded_data.matches_schema(sample)
    with pytest.raises(embedded_data.ReportDataError) as caught:
        embedded_data.validate(sample)
    assert str(caught.value) == (
        "the report data does not match its schema at judgements.overall.overridden: 'no' is not of type 'boolean'"
    )


# -- bounds checked before parsing --------------------------------------------------------------


def test_depth_is_counted_outside_strings_only() -> None:
    limit = embedded_data.MAX_DEPTH
    embedded_data.check_shape(b"[" * limit + b"]" * limit)
    with pytest.raises(embedded_data.ReportDataError, match=f"nested more than {limit} levels deep"):
        embedded_data.check_shape(b"[" * (limit + 1) + b"]" * (limit + 1))
    brackets = b'"' + b"[{" * 500 + b'\\"[[[ \\\\"'  # brackets and escaped quotes inside one string
    embedded_data.check_shape(b'{"a": ' + brackets + b', "b": [1, {"c": "]]]"}]}')
    with pytest.raises(embedded_data.ReportDataError, match="nested more than"):
        embedded_data.check_shape(b'["]", ' + b"[" * limit + b"]" * limit + b"]")


def test_a_text_longer_than_the_limit_is_refused_before_parsing() -> None:
    limit = embedded_data.MAX_STRING_BYTES
    embedded_data.check_shape(b'{"a": "' + b"x" * limit + b'", "b": "y"}')
    with pytest.raises(embedded_data.ReportDataError, match=f"holds a text of {limit + 1:,} bytes"):
        embedded_data.check_shape(b'{"a": "y", "b": "' + b"x" * (limit + 1) + b'"}')
    with pytest.raises(embedded_data.ReportDataError, match="holds a text of"):
        embedded_data.check_shape(b'["' + b'\\"' * (limit // 2 + 1) + b'"]')
