"""Audit templates: the typed model, YAML loader, validator, hashing and self-tests.

Start with `load_template_text(text, file_name)` (or `load_template_file(path)`), which returns
a validated, frozen `Template` or raises `TemplateInvalid` (a `TemplateError`) listing every
problem as ``FILE:LINE: message``. `check_template_text` returns the problems instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lscp_audit.core.templates.hashing import content_hash, normalise_source, template_key
from lscp_audit.core.templates.model import (
    AGENCIES_FIELD,
    FORMAT_VERSION,
    PER_AGENCY,
    Cap,
    JudgementMethod,
    JudgementRule,
    JudgementRules,
    Option,
    Question,
    QuestionType,
    Section,
    SelfTest,
    SubjectField,
    Template,
    TemplateKind,
)
from lscp_audit.core.templates.problems import Problem, TemplateInvalid

if TYPE_CHECKING:
    from lscp_audit.core.templates.loader import (
        check_template_file,
        check_template_text,
        freeze_template,
        load_template_file,
        load_template_text,
    )

# The loader pulls in YAML and the expression compiler; load it on first use so that code which
# only needs the model (the CLI's start-up, for one) stays fast.
_LOADER_NAMES = frozenset(
    {"check_template_file", "check_template_text", "freeze_template", "load_template_file", "load_template_text"}
)


def __getattr__(name: str) -> Any:
    if name in _LOADER_NAMES:
        from lscp_audit.core.templates import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGENCIES_FIELD",
    "FORMAT_VERSION",
    "PER_AGENCY",
    "Cap",
    "JudgementMethod",
    "JudgementRule",
    "JudgementRules",
    "Option",
    "Problem",
    "Question",
    "QuestionType",
    "Section",
    "SelfTest",
    "SubjectField",
    "Template",
    "TemplateInvalid",
    "TemplateKind",
    "check_template_file",
    "check_template_text",
    "content_hash",
    "freeze_template",
    "load_template_file",
    "load_template_text",
    "normalise_source",
    "template_key",
]
