"""Build the typed model from the parsed YAML tree, reporting structural problems.

Structural means: the right keys with the right kinds of values (text, true/false, lists),
known question types, well-formed ids and options. Cross-references (unknown ids, expressions,
cycles, judgement rule inputs) are checked afterwards by `validator`.
"""

from __future__ import annotations

import re
from typing import Any

from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.partnership import REFERENCE_PREFIX, PartnershipProfile
from lscp_audit.core.templates import partnership_refs
from lscp_audit.core.templates.licences import licence_problem
from lscp_audit.core.templates.model import (
    FORMAT_VERSION,
    OPTION_TYPES,
    PER_AGENCY,
    SUBJECT_TYPES,
    Option,
    Polarity,
    Question,
    QuestionType,
    Scale,
    Section,
    SubjectField,
    Template,
    TemplateKind,
)
from lscp_audit.core.templates.problems import Problems
from lscp_audit.core.templates.reader import Block, yaml_type_name
from lscp_audit.core.templates.rules_builder import build_judgement_rules, build_self_tests
from lscp_audit.core.templates.scales import BUILTIN_SCALES, DEFAULT_SCALE_FOR_TYPE, FIXED_OPTIONS
from lscp_audit.core.templates.scales_builder import build_template_scales
from lscp_audit.core.templates.yaml_source import MarkedDict, MarkedList

ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TEMPLATE_ID_RE = re.compile(r"^[a-z][a-z0-9-]{2,63}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

TEMPLATE_KEYS = (
    "format",
    "id",
    "title",
    "version",
    "kind",
    "description",
    "intended_users",
    "attribution",
    "licence",
    "option_lists",
    "scales",
    "subject",
    "sections",
    "judgement_rules",
    "self_tests",
    "partnership",
)
SUBJECT_KEYS = ("id", "type", "label", "guidance", "required", "pattern", "pattern_message", "options")
SECTION_KEYS = ("id", "title", "description", "repeat", "relevant", "questions")
QUESTION_KEYS = (
    "id",
    "type",
    "label",
    "guidance",
    "required",
    "required_if",
    "evidence_prompt",
    "relevant",
    "constraint",
    "constraint_message",
    "warning",
    "warning_message",
    "options",
    "scale",
    "polarity",
)
POLARITY_KEYS = tuple(p.value for p in Polarity)
POLARITY_TYPES = frozenset({QuestionType.YES_NO, QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE})
OPTION_KEYS = ("code", "label", "description")


def build_template(
    tree: Any,
    file_name: str,
    source_text: str,
    problems: Problems,
    partnership: PartnershipProfile | None = None,
) -> Template | None:
    """Turn the YAML tree into a `Template` (None when the top level is not a block).

    `partnership` is the profile ``options: partnership.*`` resolve against when the template
    has no frozen ``partnership:`` block of its own (None: the profile shipped with the app)."""
    if not isinstance(tree, MarkedDict):
        problems.add(1, f"template must be a block of fields (id, title, sections, ...), not {yaml_type_name(tree)}")
        return None
    top = Block(tree, "template", problems)
    top.check_keys(TEMPLATE_KEYS, required=("id", "title", "version", "kind", "sections"))
    _check_format(top)
    lists = _option_lists(top)
    template_id = _template_id(top)
    profile, frozen = None, False
    if partnership_refs.PARTNERSHIP_KEY in top.data or partnership_refs.uses_partnership_lists(tree):
        profile, frozen = partnership_refs.effective_profile(top, partnership, template_id)
        if profile is not None:
            lists.update(partnership_refs.lists_for(profile))
    scales = {**BUILTIN_SCALES, **build_template_scales(top)}
    return Template(
        id=template_id,
        title=top.text("title"),
        version=_version(top),
        kind=_kind(top),
        description=top.text("description"),
        intended_users=top.text("intended_users"),
        attribution=top.text("attribution"),
        licence=_licence(top),
        subject_fields=tuple(_subject_fields(top, lists)),
        sections=tuple(_sections(top, lists, scales)),
        judgement_rules=build_judgement_rules(top),
        self_tests=build_self_tests(top),
        scales=scales,
        source_text=source_text,
        file_name=file_name,
        partnership=profile,
        partnership_frozen=frozen,
    )


def _check_format(top: Block) -> None:
    value = top.data.get("format", FORMAT_VERSION)
    if value != FORMAT_VERSION:
        top.error("format", f"format {value!r} is not supported; this app reads format {FORMAT_VERSION}")


def _template_id(top: Block) -> str:
    value = top.text("id")
    if value and not TEMPLATE_ID_RE.match(value):
        top.error("id", f"id '{value}' must be 3 to 64 lower-case letters, digits or hyphens, starting with a letter")
    return value


def _version(top: Block) -> str:
    value = top.data.get("version")
    if isinstance(value, int | float) and not isinstance(value, bool):
        top.error("version", "version must be text; put it in quotes, e.g. version: '2026.1'")
        return str(value)
    return top.text("version")


def _licence(top: Block) -> str:
    value = top.text("licence")
    problem = licence_problem(value)
    if problem is not None:
        top.error("licence", f"licence {problem}")
    return value


def _kind(top: Block) -> TemplateKind:
    value = top.text("kind")
    try:
        return TemplateKind(value)
    except ValueError:
        if value:
            kinds = ", ".join(k.value for k in TemplateKind)
            top.error("kind", f"kind '{value}' is not known; use one of: {kinds}")
        return TemplateKind.CASE_AUDIT


def _option_lists(top: Block) -> dict[str, tuple[Option, ...]]:
    data = top.block("option_lists")
    lists: dict[str, tuple[Option, ...]] = {}
    if data is None:
        return lists
    for name, items in data.items():
        owner = Block(data, f"option list '{name}'", top.problems)
        if not ID_RE.match(name):
            owner.error(name, "name must start with a letter and use only letters, digits and '_'")
        lists[name] = _option_items(owner, name, items, data.line_of(name))
    return lists


def _option_items(owner: Block, key: str, items: Any, line: int | None) -> tuple[Option, ...]:
    if not isinstance(items, MarkedList) or not items:
        owner.problems.add(line, f"{owner.what} options must be a non-empty list of {{code, label}} entries")
        return ()
    options: list[Option] = []
    for index, item in enumerate(items):
        item_line = items.line_of(index)
        if not isinstance(item, MarkedDict):
            owner.problems.add(item_line, f"{owner.what} option {index + 1} must be a block with code and label")
            continue
        block = Block(item, f"{owner.what} option {index + 1}", owner.problems)
        block.check_keys(OPTION_KEYS, required=("code",))
        code = item.get("code")
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else block.text("code")
        if code and not CODE_RE.match(code):
            block.error("code", f"code '{code}' may use only letters, digits, '_' and '-'")
        if any(o.code == code for o in options):
            owner.problems.add(item_line, f"{owner.what} has option code '{code}' twice")
        options.append(Option(code, block.text("label"), block.text("description")))
    return tuple(options)


def _resolve_options(
    block: Block,
    kind: QuestionType | None,
    lists: dict[str, tuple[Option, ...]],
    fixed: tuple[Option, ...] | None = None,
    *,
    subject: bool = False,
) -> tuple[Option, ...]:
    raw = block.data.get("options")
    if fixed is None:
        fixed = FIXED_OPTIONS.get(kind) if kind else None
    if raw is None:
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE):
            block.error(None, f"is a {kind.value} question but has no options")
        return fixed or ()
    if kind is not None and kind not in OPTION_TYPES:
        block.error("options", f"has options, but a {kind.value} question does not use them")
        return ()
    if isinstance(raw, str):
        if raw not in lists:
            if partnership_refs.reference_name(raw) is not None:
                if any(name.startswith(REFERENCE_PREFIX) for name in lists):
                    block.error("options", partnership_refs.unknown_reference_message(raw))
                return ()  # else the partnership block itself is broken and says so
            block.error("options", f"options refers to unknown option list '{raw}'")
            return ()
        options = lists[raw]
        if not subject and raw == REFERENCE_PREFIX + "rounds":
            block.error(
                "options", "options: partnership.rounds can be used only by a subject field (the audit's round)"
            )
            return ()
        if not options and partnership_refs.reference_name(raw) is not None:
            return options  # a partnership list may be empty (no rounds yet for this template)
    else:
        options = _option_items(block, "options", raw, block.line_of("options"))
    return _merge_fixed(block, kind, options, fixed) if fixed else options


def _merge_fixed(
    block: Block, kind: QuestionType | None, options: tuple[Option, ...], fixed: tuple[Option, ...]
) -> tuple[Option, ...]:
    """Built-in scales may be relabelled, described or narrowed, but not extended."""
    known = {o.code: o for o in fixed}
    merged = []
    for option in options:
        base = known.get(option.code)
        if base is None:
            codes = ", ".join(known)
            block.error("options", f"option '{option.code}' is not a {kind} answer; use {codes}")
            continue
        merged.append(Option(option.code, option.label or base.label, option.description or base.description))
    return tuple(merged)


def _question_type(block: Block, key: str = "type") -> QuestionType | None:
    value = block.text(key)
    if not value:
        return None
    try:
        return QuestionType(value)
    except ValueError:
        types = ", ".join(t.value for t in QuestionType)
        block.error(key, f"type '{value}' is not a known question type; use one of: {types}")
        return None


def _element_id(block: Block) -> str:
    value = block.text("id")
    if value and not ID_RE.match(value):
        block.error("id", f"id '{value}' must start with a letter and use only letters, digits and '_'")
    return value


def _blocks(top: Block, key: str, noun: str) -> list[tuple[MarkedDict, str]]:
    """Each item of list `key` that is a block, with a name for messages (by id or position)."""
    found = []
    items = top.items(key)
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            top.problems.add(items.line_of(index), f"{top.what} {noun} {index + 1} must be a block of fields")
            continue
        name = item.get("id")
        found.append((item, f"{noun} '{name}'" if isinstance(name, str) else f"{noun} {index + 1} of {top.what}"))
    return found


def _subject_fields(top: Block, lists: dict[str, tuple[Option, ...]]) -> list[SubjectField]:
    fields = []
    for data, what in _blocks(top, "subject", "subject field"):
        block = Block(data, what, top.problems)
        block.check_keys(SUBJECT_KEYS, required=("id", "type", "label"))
        kind = _question_type(block)
        if kind is not None and kind not in SUBJECT_TYPES:
            allowed = ", ".join(sorted(t.value for t in SUBJECT_TYPES))
            block.error("type", f"type '{kind.value}' cannot be used for a subject field; use one of: {allowed}")
        pattern = block.optional_text("pattern")
        if pattern is not None:
            _check_pattern(block, pattern)
        fields.append(
            SubjectField(
                id=_element_id(block),
                type=kind or QuestionType.SHORT_TEXT,
                label=block.text("label"),
                guidance=block.text("guidance"),
                required=block.flag("required", True),
                pattern=pattern,
                pattern_message=block.text("pattern_message"),
                options=_resolve_options(block, kind, lists, subject=True),
                line=data.line,
                field_lines=dict(data.key_lines),
                options_ref=_options_ref(data),
            )
        )
    return fields


def _options_ref(data: MarkedDict) -> str:
    raw = data.get("options")
    return raw if isinstance(raw, str) and partnership_refs.reference_name(raw) is not None else ""


def _check_pattern(block: Block, pattern: str) -> None:
    problem = safe_regex.pattern_problem(pattern)
    if problem is not None:
        block.error("pattern", f"pattern cannot be used: {problem}")


def _sections(top: Block, lists: dict[str, tuple[Option, ...]], scales: dict[str, Scale]) -> list[Section]:
    sections = []
    for data, what in _blocks(top, "sections", "section"):
        block = Block(data, what, top.problems)
        block.check_keys(SECTION_KEYS, required=("id", "title", "questions"))
        repeat = block.optional_text("repeat")
        if repeat is not None and repeat != PER_AGENCY:
            block.error("repeat", f"repeat '{repeat}' is not known; the only repeat is '{PER_AGENCY}'")
        sections.append(
            Section(
                id=_element_id(block),
                title=block.text("title"),
                description=block.text("description"),
                repeat=repeat,
                relevant=block.optional_text("relevant"),
                questions=tuple(_questions(block, lists, scales)),
                line=data.line,
                field_lines=dict(data.key_lines),
            )
        )
    return sections


def _question_scale(block: Block, kind: QuestionType | None, scales: dict[str, Scale]) -> Scale | None:
    """The scale a grade or rag question is answered on; reports a `scale` on other types."""
    named = block.optional_text("scale")
    if kind not in DEFAULT_SCALE_FOR_TYPE:
        if named is not None and kind is not None:
            block.error("scale", f"has a scale, but a {kind.value} question does not use one; use type grade")
        return None
    scale_id = named or DEFAULT_SCALE_FOR_TYPE[kind]
    if scale_id not in scales:
        known = ", ".join(sorted(scales))
        block.error("scale", f"scale '{scale_id}' is not declared; declare it under scales: or use one of: {known}")
        return None
    return scales[scale_id]


def _polarity(block: Block, kind: QuestionType | None, options: tuple[Option, ...]) -> dict[str, Polarity]:
    data = block.block("polarity")
    if data is None:
        return {}
    if kind is not None and kind not in POLARITY_TYPES:
        block.error("polarity", f"has a polarity, but a {kind.value} question cannot declare one")
        return {}
    owner = Block(data, f"{block.what} polarity", block.problems)
    owner.check_keys(POLARITY_KEYS)
    codes = {o.code for o in options}
    found: dict[str, Polarity] = {}
    for polarity in Polarity:
        for code in owner.text_list(polarity.value):
            if code not in codes:
                owner.error(polarity.value, f"{polarity.value} names '{code}', which is not an answer of this question")
            elif code in found and found[code] != polarity:
                owner.error(polarity.value, f"puts '{code}' under both {found[code].value} and {polarity.value}")
            found[code] = polarity
    if not found:
        owner.error(None, "must list answer codes under good, concern or neutral")
    return found


def _questions(section: Block, lists: dict[str, tuple[Option, ...]], scales: dict[str, Scale]) -> list[Question]:
    questions = []
    for data, what in _blocks(section, "questions", "question"):
        block = Block(data, what, section.problems)
        block.check_keys(QUESTION_KEYS, required=("id", "type", "label"))
        kind = _question_type(block)
        if "required" in data and isinstance(data["required"], str):
            block.error("required", "required must be true or false; use required_if for a condition")
        scale = _question_scale(block, kind, scales)
        options = _resolve_options(block, kind, lists, scale.options if scale else None)
        questions.append(
            Question(
                id=_element_id(block),
                type=kind or QuestionType.SHORT_TEXT,
                label=block.text("label"),
                guidance=block.text("guidance"),
                required=False if isinstance(data.get("required"), str) else block.flag("required"),
                required_if=block.optional_text("required_if"),
                evidence_prompt=block.text("evidence_prompt"),
                relevant=block.optional_text("relevant"),
                constraint=block.optional_text("constraint"),
                constraint_message=block.text("constraint_message"),
                warning=block.optional_text("warning"),
                warning_message=block.text("warning_message"),
                options=options,
                scale=scale.id if scale else None,
                polarity=_polarity(block, kind, options),
                line=data.line,
                field_lines=dict(data.key_lines),
            )
        )
    return questions
