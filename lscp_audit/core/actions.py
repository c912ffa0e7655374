"""SMART actions: who owns one and what it answers.

An action's ``link`` says what it answers: ``section:ID`` (a theme, or a Section 11 standard),
``question:ID`` (a finding), ``agency:CODE`` (an agency's practice), or empty: then it answers
the section its actions question is in, as before links existed. The owner is any agency of
the template's register, or the partnership itself (an action need not belong to an agency
involved in the case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.templates.model import QuestionType, Template

LINK_PREFIXES = ("section:", "question:", "agency:")
PARTNERSHIP_OWNER = "The partnership itself"
#: Words in a section or question id that mark findings (key findings, learning, strengths...).
FINDING_WORDS = ("finding", "learning", "summary", "strength", "improve")


@dataclass(frozen=True)
class LinkChoice:
    """Something an action can answer: `code` is the stored link, `label` what people read."""

    code: str
    label: str
    kind: str  # "section", "question" or "agency"


def is_link(text: str) -> bool:
    prefix = next((p for p in LINK_PREFIXES if text.startswith(p)), None)
    return prefix is not None and bool(text[len(prefix) :].strip())


def is_finding(section_id: str, question_id: str) -> bool:
    return any(w in section_id.lower() or w in question_id.lower() for w in FINDING_WORDS)


def section_word(template: Template) -> str:
    """``Standard`` in a self-assessment (its sections are the Section 11 standards), else
    ``Section``."""
    return "Standard" if str(template.kind) == "agency_self_assessment" else "Section"


def link_choices(template: Template) -> tuple[LinkChoice, ...]:
    """What an action in `template` can answer: every section, every finding question (long
    text in a findings section or named for findings), every agency of the register."""
    choices = [LinkChoice(f"section:{s.id}", s.title, "section") for s in template.sections]
    for section in template.sections:
        for question in section.questions:
            if question.type == QuestionType.LONG_TEXT and is_finding(section.id, question.id):
                choices.append(LinkChoice(f"question:{question.id}", f"Finding: {question.label}", "question"))
    choices += [LinkChoice(f"agency:{o.code}", f"Agency: {o.label}", "agency") for o in template.agency_options]
    return tuple(choices)


def owner_choices(template: Template) -> tuple[str, ...]:
    """The owners an action can have: every agency of the template's register, then the
    partnership itself."""
    return (*(o.label for o in template.agency_options), PARTNERSHIP_OWNER)


def link_label(template: Template, link: str) -> str:
    """What `link` names, as people read it (the stored text when it names nothing known)."""
    kind, _, ident = link.partition(":")
    if kind == "section":
        return next((s.title for s in template.sections if s.id == ident), ident)
    if kind == "question":
        try:
            return f"Finding: {template.question(ident).label}"
        except KeyError:
            return ident
    if kind == "agency":
        return "Agency: " + next((o.label for o in template.agency_options if o.code == ident), ident)
    return link


def action_row(item: Mapping[str, Any]) -> dict[str, str]:
    """Every action field as text ("" when missing: actions saved before measure and link)."""
    from lscp_audit.core.templates.scales import ACTION_FIELDS

    return {key: str(item.get(key, "") or "") for key in ACTION_FIELDS}
