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
