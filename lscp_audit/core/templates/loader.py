"""Public entry points: YAML text (or a file) to a validated, frozen `Template`.

The stages run in order and stop at the first stage with problems, so messages never cascade:
YAML syntax, structure (`builder`), cross-references (`validator`), expressions and cycles
(`logic`), then the template's own self-tests. Reading a path is the only I/O in the core.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lscp_audit.core.errors import TemplateError
from lscp_audit.core.partnership import PartnershipProfile
from lscp_audit.core.templates.builder import build_template
from lscp_audit.core.templates.hashing import content_hash
from lscp_audit.core.templates.logic import compile_logic
from lscp_audit.core.templates.model import Template
from lscp_audit.core.templates.partnership_refs import freeze_source, template_view
from lscp_audit.core.templates.problems import Problem, Problems, TemplateInvalid
from lscp_audit.core.templates.selftests import run_self_tests
from lscp_audit.core.templates.validator import validate_template
from lscp_audit.core.templates.yaml_source import parse_yaml

MAX_TEMPLATE_CHARS = 2_000_000  # far above any real template; refuses runaway files


def check_template_text(
    text: str,
    file_name: str = "<template>",
    run_tests: bool = True,
    partnership: PartnershipProfile | None = None,
) -> tuple[Template | None, list[Problem]]:
    """Build and check a template; returns it (None if it has problems) and every problem.

    `partnership` is the profile ``options: partnership.*`` resolve against when the text has
    no frozen ``partnership:`` block (None: the profile shipped with the app)."""
    problems = Problems(file_name)
    if len(text) > MAX_TEMPLATE_CHARS:
        problems.add(None, f"is too large to be a template ({len(text)} characters)")
        return None, problems.items
    try:
        tree = parse_yaml(text, file_name)
    except TemplateError as exc:
        return None, [Problem(file_name, exc.line, exc.detail)]
    try:
        return _check_tree(tree, text, file_name, problems, run_tests, partnership)
    except RecursionError:  # a deeply nested value somewhere the builder walks recursively
        return None, [Problem(file_name, None, "is nested too deeply to be a template")]


def _check_tree(
    tree: object,
    text: str,
    file_name: str,
    problems: Problems,
    run_tests: bool,
    partnership: PartnershipProfile | None = None,
) -> tuple[Template | None, list[Problem]]:
    template = build_template(tree, file_name, text, problems, partnership)
    if template is None or problems:
        return None, problems.items
    validate_template(template, problems)
    if problems:
        return None, problems.items
    logic = compile_logic(template, problems)
    if logic is None:
        return None, problems.items
    template = replace(template, compiled=logic, content_hash=content_hash(text))
    if run_tests:
        run_self_tests(template, problems)
    return (None if problems else template), problems.items


def load_template_text(
    text: str,
    file_name: str = "<template>",
    run_tests: bool = True,
    partnership: PartnershipProfile | None = None,
) -> Template:
    """A validated template from YAML text; raises TemplateInvalid listing every problem.

    Use this (with ``run_tests=False``: the self-tests passed when the audit started) to rebuild
    the frozen template stored with an audit (`AuditRecord.template_source`).
    """
    template, problems = check_template_text(text, file_name, run_tests, partnership)
    if template is None:
        raise TemplateInvalid(problems)
    return template


def freeze_template(template: Template, partnership: PartnershipProfile | None = None) -> Template:
    """The copy of `template` an audit keeps: when it names partnership lists and has no frozen
    block yet, its source with the lists from `partnership` (None: the shipped profile) appended
    as a ``partnership:`` block, rebuilt (without self-tests, which `template` passed). Any other
    template comes back as it is."""
    if template.partnership is None or template.partnership_frozen:
        return template
    view = template.partnership if partnership is None else template_view(partnership, template.id)
    text = freeze_source(template.source_text, view)
    return load_template_text(text, template.file_name or "<frozen template>", run_tests=False)


def read_template_source(path: Path) -> str:
    """The text of a template file; TemplateError when it cannot be read as UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError(str(path), None, "file not found") from None
    except UnicodeDecodeError:
        raise TemplateError(str(path), None, "is not UTF-8 text") from None
    except OSError as exc:
        raise TemplateError(str(path), None, f"cannot be read ({exc.strerror or exc})") from None


def load_template_file(path: Path | str) -> Template:
    """A validated template from a file; messages name the file as given."""
    path = Path(path)
    return load_template_text(read_template_source(path), str(path))


def check_template_file(
    path: Path | str, partnership: PartnershipProfile | None = None
) -> tuple[Template | None, list[Problem]]:
    """`check_template_text` for a file, turning read errors into problems."""
    path = Path(path)
    try:
        text = read_template_source(path)
    except TemplateError as exc:
        return None, [Problem(exc.file, exc.line, exc.detail)]
    return check_template_text(text, str(path), partnership=partnership)
