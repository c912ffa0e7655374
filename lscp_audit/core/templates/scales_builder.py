"""Build declared scales: a template's ``scales:`` list and the shipped scale library.

A template's ``scales:`` item either declares a scale in full::

    - id: practice_continuum
      title: Practice continuum
      graded: false
      levels:
        - {code: proficient, label: Proficient, marker: P, colour: '#2e7d32', descriptor: ...}

or names one from the library shipped in the package (``scale_library/standard.yaml``)::

    - use: ofsted_4

Both go through the same `Block` checks as the rest of the template, so a bad field is reported
as ``FILE:LINE: scale 'x' level 2 colour ...``. A problem in the library file itself is a bug in
the app and raises `TemplateInvalid` naming that file.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from lscp_audit.core.templates.model import Scale, ScaleLevel
from lscp_audit.core.templates.problems import Problems
from lscp_audit.core.templates.reader import Block, yaml_type_name
from lscp_audit.core.templates.scales import BUILTIN_SCALES
from lscp_audit.core.templates.yaml_source import MarkedDict, parse_yaml

LIBRARY_RESOURCE = "scale_library/standard.yaml"
LIBRARY_KEYS = ("format", "scales")
SCALE_KEYS = ("id", "title", "graded", "levels")
USE_KEYS = ("use",)
LEVEL_KEYS = ("code", "label", "descriptor", "colour", "marker", "scored")
SCALE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_MARKER = 4


def build_scale(block: Block, source: str) -> Scale | None:
    """A `Scale` from a block with id, title, graded and levels (None when it has no id)."""
    block.check_keys(SCALE_KEYS, required=("id", "title", "levels"))
    scale_id = block.text("id")
    if scale_id and not SCALE_ID_RE.match(scale_id):
        block.error("id", f"id '{scale_id}' must be 2 to 40 lower-case letters, digits or '_', starting with a letter")
    graded = block.flag("graded", True)
    levels = _levels(block)
    if graded and levels and sum(level.scored for level in levels) < 2:
        block.error("levels", "is graded, so it needs at least two scored levels")
    return Scale(scale_id, block.text("title"), levels, graded, source, block.line) if scale_id else None


def _levels(block: Block) -> tuple[ScaleLevel, ...]:
    items = block.items("levels")
    if "levels" in block.data and not items:
        block.error("levels", "levels must list at least two levels, best first")
    levels: list[ScaleLevel] = []
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            block.problems.add(items.line_of(index), f"{block.what} level {index + 1} must be a block of fields")
            continue
        level = Block(item, f"{block.what} level {index + 1}", block.problems)
        level.check_keys(LEVEL_KEYS, required=("code", "label", "marker", "colour"))
        code = level.text("code")
        if code and not CODE_RE.match(code):
            level.error("code", f"code '{code}' may use only letters, digits, '_' and '-'")
        if code and any(existing.code == code for existing in levels):
            level.error("code", f"code '{code}' is already a level of this scale")
        colour = level.text("colour")
        if colour and not COLOUR_RE.match(colour):
            level.error("colour", f"colour '{colour}' must be written #RRGGBB, e.g. '#2e7d32' (in quotes)")
        marker = level.text("marker")
        if len(marker) > MAX_MARKER:
            level.error("marker", f"marker '{marker}' must be at most {MAX_MARKER} characters (e.g. RI, G, 3)")
        levels.append(
            ScaleLevel(code, level.text("label"), level.text("descriptor"), colour, marker, level.flag("scored", True))
        )
    return tuple(levels)


@cache
def library_scales() -> dict[str, Scale]:
    """The shipped scale library, by id (read once)."""
    text = resources.files("lscp_audit.core.templates").joinpath(LIBRARY_RESOURCE).read_text(encoding="utf-8")
    return parse_library(text, f"lscp_audit/core/templates/{LIBRARY_RESOURCE}")


def parse_library(text: str, file_name: str) -> dict[str, Scale]:
    """Scales of a library file; `TemplateInvalid` listing every problem when it has any."""
    problems = Problems(file_name)
    tree = parse_yaml(text, file_name)
    found: dict[str, Scale] = {}
    if not isinstance(tree, MarkedDict):
        problems.add(1, f"a scale library must be a block of fields, not {yaml_type_name(tree)}")
    else:
        top = Block(tree, "scale library", problems)
        top.check_keys(LIBRARY_KEYS, required=("format", "scales"))
        for index, item in enumerate(top.items("scales")):
            if not isinstance(item, MarkedDict):
                problems.add(top.items("scales").line_of(index), f"scale {index + 1} must be a block of fields")
                continue
            scale = build_scale(Block(item, f"scale '{item.get('id', index + 1)}'", problems), "library")
            if scale is not None:
                if scale.id in found or scale.id in BUILTIN_SCALES:
                    problems.add(item.line, f"scale id '{scale.id}' is used twice")
                found[scale.id] = scale
    problems.raise_if_any()
    return found


def build_template_scales(top: Block) -> dict[str, Scale]:
    """The scales a template declares under ``scales:`` (inline or ``use:`` from the library)."""
    declared: dict[str, Scale] = {}
    items = top.items("scales")
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            top.problems.add(
                items.line_of(index), f"scale {index + 1} must be a block of fields (id and levels, or use)"
            )
            continue
        scale = _declared(item, index, top.problems)
        if scale is None:
            continue
        if scale.id in declared:
            top.problems.add(item.line, f"scale '{scale.id}' is declared twice")
        declared[scale.id] = scale
    return declared


def _declared(item: MarkedDict, index: int, problems: Problems) -> Scale | None:
    name: Any = item.get("use", item.get("id", index + 1))
    block = Block(item, f"scale '{name}'", problems)
    if "use" in item:
        block.check_keys(USE_KEYS, required=USE_KEYS)
        wanted = block.text("use")
        library = library_scales()
        if wanted and wanted not in library:
            known = ", ".join(sorted(library))
            block.error("use", f"use '{wanted}' is not a scale in the shipped library; use one of: {known}")
            return None
        return library.get(wanted)
    scale = build_scale(block, "template")
    if scale is not None and (scale.id in BUILTIN_SCALES or scale.id in library_scales()):
        block.error(
            "id", f"id '{scale.id}' is the name of a shipped scale; write 'use: {scale.id}' or choose another id"
        )
        return None
    return scale


def all_shipped_scales() -> dict[str, Scale]:
    """Built-in and library scales, by id (for readers of report data from older templates)."""
    return {**BUILTIN_SCALES, **library_scales()}


def scale_from_levels(scale_id: str, levels: Any) -> Scale | None:
    """A `Scale` from the ``levels`` list written into report data (None when malformed)."""
    if not isinstance(levels, list) or not levels:
        return None
    built = []
    for level in levels:
        if not isinstance(level, dict) or not isinstance(level.get("code"), str):
            return None
        built.append(
            ScaleLevel(
                level["code"],
                str(level.get("label") or level["code"]),
                str(level.get("descriptor") or ""),
                str(level.get("colour") or ""),
                str(level.get("marker") or ""),
                level.get("score") is not None,
            )
        )
    return Scale(scale_id, scale_id, tuple(built), graded=True, source="report")


def report_scale(judgements: Any) -> Scale:
    """The scale of a report's ``judgements`` data: its own ``levels`` when present (report
    data from templates that declare scales), else the shipped scale with that id (older data
    names ``grade`` or ``rag``), else the built-in grade scale."""
    scale_id = str(judgements.get("scale", "grade")) if isinstance(judgements, dict) else "grade"
    from_data = scale_from_levels(scale_id, judgements.get("levels")) if isinstance(judgements, dict) else None
    if from_data is not None:
        return from_data
    return all_shipped_scales().get(scale_id, BUILTIN_SCALES["grade"])
