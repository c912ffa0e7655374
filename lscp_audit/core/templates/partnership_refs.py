"""Templates that use the partnership's shared lists, and the frozen copy an audit keeps.

A question or subject field may name a partnership list instead of its own options::

    options: partnership.agencies      # the agencies register (code and label)
    options: partnership.localities    # boroughs or local authority areas
    options: partnership.rounds        # audit rounds that use this template (id, title, phase)

When a template is checked the lists come from, in order: the template's own ``partnership:``
block (an audit's frozen copy has one), the profile the caller passes (the vault's), or the
profile shipped with the app. When an audit starts, `freeze_source` appends a ``partnership:``
block holding the lists as they are then (rounds only those of this template, with id, title,
phase and period), so the audit's stored template text is self-contained and later edits of
the profile never change it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from lscp_audit.core.partnership import (
    LIST_AGENCIES,
    LIST_LOCALITIES,
    LIST_ROUNDS,
    REFERENCE_LISTS,
    REFERENCE_PREFIX,
    PartnershipInvalid,
    PartnershipProfile,
    default_profile,
    profile_from_dict,
    profile_to_dict,
)
from lscp_audit.core.templates.model import Option
from lscp_audit.core.templates.reader import Block
from lscp_audit.core.templates.yaml_source import MarkedDict

PARTNERSHIP_KEY = "partnership"
FROZEN_HEADER = (
    "# Partnership lists frozen when this audit was started (LSCP Audit adds this block;\n"
    "# the audit keeps these lists even if the partnership profile changes later).\n"
)


def reference_name(raw: Any) -> str | None:
    """``agencies`` for ``options: partnership.agencies`` (None when `raw` names no partnership list)."""
    if isinstance(raw, str) and raw.startswith(REFERENCE_PREFIX):
        return raw[len(REFERENCE_PREFIX) :]
    return None


def unknown_reference_message(raw: str) -> str:
    known = ", ".join(REFERENCE_PREFIX + name for name in REFERENCE_LISTS)
    return f"options refers to unknown partnership list '{raw}'; use one of: {known}"


def frozen_profile(top: Block) -> PartnershipProfile | None:
    """The template's own ``partnership:`` block (a frozen copy), checked; None when absent.
    Problems are reported on the template's lines."""
    data = top.data.get(PARTNERSHIP_KEY)
    if data is None:
        return None
    if not isinstance(data, MarkedDict):
        top.error(PARTNERSHIP_KEY, "partnership must be a block of fields (name, localities, agencies, rounds)")
        return None
    try:
        return profile_from_dict(data, top.problems.file)
    except PartnershipInvalid as exc:
        for problem in exc.problems:
            top.problems.add(problem.line, f"partnership {problem.field}: {problem.message}".replace(" : ", ": "))
        return None


def lists_for(profile: PartnershipProfile) -> dict[str, tuple[Option, ...]]:
    """The option lists a template sees, named ``partnership.<list>``, from the profile as the
    template sees it (`effective_profile`: its rounds are already only the template's)."""
    return {
        REFERENCE_PREFIX + LIST_AGENCIES: tuple(Option(a.code, a.label) for a in profile.agencies),
        REFERENCE_PREFIX + LIST_LOCALITIES: tuple(Option(loc.code, loc.label) for loc in profile.localities),
        REFERENCE_PREFIX + LIST_ROUNDS: tuple(Option(r.id, r.label, _period_text(r)) for r in profile.rounds),
    }


def _period_text(item: Any) -> str:
    if item.period_start and item.period_end:
        return f"Period reviewed {_date_text(item.period_start)} to {_date_text(item.period_end)}"
    return ""


def _date_text(iso: str) -> str:
    """``2026-01-31`` -> ``31 Jan 2026`` (the text as given when it is not a date)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


def effective_profile(
    top: Block, given: PartnershipProfile | None, template_id: str
) -> tuple[PartnershipProfile | None, bool]:
    """(the profile the template's lists come from, whether it is the template's frozen block).
    The returned profile keeps only the rounds the template sees."""
    frozen = frozen_profile(top)
    if frozen is not None:
        return frozen, True
    if PARTNERSHIP_KEY in top.data:
        return None, True  # a broken frozen block: its problems are reported, nothing else is used
    chosen = given if given is not None else default_profile()
    return template_view(chosen, template_id), False


def template_view(profile: PartnershipProfile, template_id: str) -> PartnershipProfile:
    """`profile` as template `template_id` sees it: its rounds only, template-facing fields only."""
    return PartnershipProfile(
        name=profile.name,
        localities=profile.localities,
        agencies=profile.agencies,
        rounds=tuple(r.template_facing() for r in profile.rounds_for(template_id)),
        is_default=profile.is_default,
    )


def uses_partnership_lists(tree: Any) -> bool:
    """True when any subject field or question of the parsed template names a partnership list."""
    if not isinstance(tree, dict):
        return False
    for item in tree.get("subject") or []:
        if isinstance(item, dict) and reference_name(item.get("options")) is not None:
            return True
    for section in tree.get("sections") or []:
        if not isinstance(section, dict):
            continue
        for question in section.get("questions") or []:
            if isinstance(question, dict) and reference_name(question.get("options")) is not None:
                return True
    return False


def freeze_source(text: str, profile: PartnershipProfile) -> str:
    """`text` with a ``partnership:`` block holding `profile`'s lists (as the template sees
    them) appended. Returned unchanged when it already has one."""
    from lscp_audit.core.templates.yaml_source import parse_yaml

    tree = parse_yaml(text, "<template>")
    if isinstance(tree, dict) and PARTNERSHIP_KEY in tree:
        return text
    block = profile_to_dict(profile, template_facing=True)
    dumped = yaml.safe_dump(
        {PARTNERSHIP_KEY: block}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    separator = "" if text.endswith("\n") else "\n"
    return f"{text}{separator}\n{FROZEN_HEADER}{dumped}"
