"""Read template YAML into plain dicts and lists that remember their line numbers.

The loader is PyYAML's safe loader with three changes for hand-written templates:
- every mapping becomes a `MarkedDict` and every sequence a `MarkedList`, each knowing the
  1-based line of itself and of each key or item, so messages can say ``FILE:LINE``;
- a key repeated in one mapping is an error (plain YAML silently keeps the last one);
- only ``true``/``false`` are booleans and dates stay text, so ``answers: {q1: yes}`` means the
  answer code ``yes`` and ``2026-01-31`` stays the ISO text the answers use.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from lscp_audit.core.errors import TemplateError


class MarkedDict(dict[str, Any]):
    """A mapping with `line` (where it starts) and `key_lines` (where each key is)."""

    line: int | None = None
    key_lines: dict[str, int]
    flow: bool = False  # written inline as { ... }

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class MarkedList(list[Any]):
    """A sequence with `line` and `item_lines` (where each item starts)."""

    line: int | None = None
    item_lines: list[int]

    def line_of(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _AliasUsed(yaml.MarkedYAMLError):
    pass


def _construct_once(loader: Any, node: yaml.Node, deep: bool = False) -> Any:
    """Build each node once: a second request means an alias (``*name``), which templates do
    not allow. Aliases would let a small file expand into a huge tree (a "billion laughs")."""
    if node in loader.constructed_objects:
        raise _AliasUsed(None, None, "anchors and aliases (& and *) are not allowed in templates", node.start_mark)
    return yaml.constructor.BaseConstructor.construct_object(loader, node, deep)


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader with line-marked containers, duplicate-key errors and YAML 1.2-style scalars."""


_CBase: Any = getattr(yaml, "CSafeLoader", None)


def _plain_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's implicit resolvers without YAML 1.1 yes/no/on/off booleans and timestamps."""
    skip = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    return {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in skip]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_LOADERS: list[Any] = [_TemplateLoader]
if _CBase is not None:
    # libyaml scans about ten times faster; the Python loader is kept to word error messages
    # the same way on every machine.
    _LOADERS.insert(0, type("_FastTemplateLoader", (_CBase,), {}))
for _loader in _LOADERS:
    _loader.construct_object = _construct_once
    _loader.yaml_implicit_resolvers = _plain_resolvers()
    _loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> MarkedDict:
    result = MarkedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.flow = bool(node.flow_style)
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise _DuplicateKey(None, None, f"'{key}' appears twice in the same block", key_node.start_mark)
        result.key_lines[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


for _loader in _LOADERS:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


MAX_FLOW_DEPTH = 100  # real templates nest inline lists and mappings two or three deep


def _flow_depth(text: str) -> tuple[int, int | None]:
    """The deepest nesting of ``[``/``{`` outside quotes and comments, and the line where it was
    reached: a cheap check before parsing, because YAML parsers spend seconds (or recurse out)
    on tens of thousands of levels."""
    depth = deepest = 0
    deepest_line: int | None = None
    line = 1
    quote = ""
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line += 1
            if quote == "#":
                quote = ""
        elif quote == "#":
            pass
        elif quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            quote = "#"
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
                if deepest > MAX_FLOW_DEPTH:
                    break
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return deepest, deepest_line


def parse_yaml(text: str, file_name: str) -> Any:
    """Parse `text`; TemplateError(file, line, 'is not valid YAML: ...') when it cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: libyaml would fail with a bare UnicodeEncodeError
        line_no = text.count("\n", 0, exc.start) + 1
        raise TemplateError(file_name, line_no, "contains a character that is not valid Unicode text") from None
    depth, line = _flow_depth(text)
    if depth > MAX_FLOW_DEPTH:
        raise TemplateError(
            file_name,
            line,
            f"is nested too deeply to be a template (more than {MAX_FLOW_DEPTH} levels of [ ] or {{ }})",
        )
    try:
        return yaml.load(text, Loader=_LOADERS[0])  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise TemplateError(file_name, None, "is nested too deeply to be a template") from None
    except yaml.YAMLError as first:
        error: yaml.YAMLError = first
    if _LOADERS[0] is not _TemplateLoader:
        try:
            yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - same loader, Python scanner
        except yaml.YAMLError as again:
            error = again
        except RecursionError:
            pass
    raise _template_error(error, file_name) from None


def _template_error(exc: yaml.YAMLError, file_name: str) -> TemplateError:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return TemplateError(file_name, None, f"is not valid YAML: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = exc.problem or exc.context or "cannot be read"
    if isinstance(exc, _DuplicateKey):
        return TemplateError(file_name, line, f"duplicate key: {problem}")
    if isinstance(exc, _AliasUsed):
        return TemplateError(file_name, line, problem)
    return TemplateError(file_name, line, f"is not valid YAML: {problem}")
