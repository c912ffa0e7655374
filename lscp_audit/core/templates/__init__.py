"""Audit templates: the typed model, YAML loader, validator, hashing and self-tests.

Start with `load_template_text(text, file_name)` (or `load_template_file(path)`), which returns
a validated, frozen `Template` or raises `TemplateError` listing every problem.
"""

from __future__ import annotations

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

__all__ = [
    "AGENCIES_FIELD",
    "FORMAT_VERSION",
    "PER_AGENCY",
    "Cap",
    "JudgementMethod",
    "JudgementRule",
    "JudgementRules",
    "Option",
    "Question",
    "QuestionType",
    "Section",
    "SelfTest",
    "SubjectField",
    "Template",
    "TemplateKind",
]
