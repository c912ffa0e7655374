"""`lscp-audit templates list|show|check|import|import-xlsform`: browse, check and import audit templates."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lscp_audit.core.templates import Template
    from lscp_audit.services.template_service import TemplateService


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "templates", help="list, show, check and import audit templates (also from XLSForms)"
    )
    commands = parser.add_subparsers(dest="templates_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list shipped and imported templates")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="show one template in full")
    show.add_argument("id", metavar="ID", help="template id, as shown by 'templates list'")
    show.add_argument("--json", action="store_true", help="print the parsed template as JSON")
    show.set_defaults(handler=run_show)

    check = commands.add_parser("check", help="check template files and run their self-tests")
    check.add_argument("files", metavar="FILE", nargs="+", help="template file(s) to check")
    check.set_defaults(handler=run_check)

    imported = commands.add_parser("import", help="check a template file and add it to your templates")
    imported.add_argument("file", metavar="FILE", help="template file to import")
    imported.set_defaults(handler=run_import)

    xlsform = commands.add_parser(
        "import-xlsform",
        help="convert an XLSForm (ODK / Kobo .xlsx) into a template file",
        description="Convert an XLSForm into a template file that passes 'templates check'. Every construct "
        "that cannot be converted (repeats, calculations, locations, media, unsupported functions, ...) is "
        "listed with its sheet and row, and at the top of the file. Nothing is imported: check the file, "
        "add guidance where it says so, then run 'lscp-audit templates import FILE'.",
    )
    xlsform.add_argument("form", metavar="FORM.xlsx", help="the XLSForm workbook (.xlsx, or the older .xls)")
    xlsform.add_argument(
        "--out", metavar="FILE.yaml", help="where to write the template (default: FORM.yaml beside the form)"
    )
    xlsform.add_argument(
        "--kind",
        choices=[k.value for k in _kinds()],
        default="case_audit",
        help="what the template audits (default: case_audit, which adds a case reference)",
    )
    xlsform.add_argument("--force", action="store_true", help="replace FILE.yaml if it exists")
    xlsform.set_defaults(handler=run_import_xlsform)


def run_list(args: argparse.Namespace) -> int:
    service = _service()
    rows = service.list_templates()
    if args.json:
        keys = ("id", "title", "version", "kind", "source")
        print(json.dumps([{k: getattr(r, k) for k in keys} for r in rows], indent=2))
        return 0
    if not rows:  # the shipped folder is never empty (paths.forms_dir), so every template was invalid
        for problem in service.last_problems:
            print(f"invalid template: {problem}", file=sys.stderr)
        print("lscp-audit: error: no valid template found", file=sys.stderr)
        return 1
    width = max(len(r.id) for r in rows)
    print(f"{'ID':<{width}}  {'VERSION':<10} {'KIND':<23} {'SOURCE':<8} TITLE")
    for r in rows:
        print(f"{r.id:<{width}}  {r.version:<10} {r.kind:<23} {r.source:<8} {r.title}")
    for problem in service.last_problems:
        print(f"skipped invalid template: {problem}", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    template = _service().get(args.id)
    if args.json:
        print(json.dumps(_template_dict(template), indent=2, ensure_ascii=False))
    else:
        print(outline(template))
    return 0


def outline(template: Template) -> str:
    """A readable plain-text outline of a template."""
    lines = [
        f"{template.title}",
        f"id {template.id}, version {template.version}, {template.kind.value}, {template.content_hash}",
    ]
    if template.attribution:
        lines.append(f"Attribution: {template.attribution}")
    if template.licence:
        from lscp_audit.core.templates.licences import licence_display

        lines.append(f"Template text licence: {licence_display(template.licence)}")
    lines.append("")
    lines.append("Subject:")
    lines += [f"  {f.id} ({f.type.value}): {f.label}" for f in template.subject_fields]
    for section in template.sections:
        repeat = " [one per agency]" if section.per_agency else ""
        lines.append("")
        lines.append(f"{section.title}{repeat}  ({section.id})")
        for q in section.questions:
            flags = " *" if q.required else ""
            condition = f"  [shown when {q.relevant}]" if q.relevant else ""
            lines.append(f"  {q.id} ({q.type.value}){flags}: {q.label}{condition}")
    if template.judgement_rules is not None:
        lines += ["", f"Judgements on the {template.judgement_rules.scale} scale."]
    lines += ["", f"{len(template.self_tests)} self-test(s). * = required."]
    return "\n".join(lines)


def run_check(args: argparse.Namespace) -> int:
    service = _service()
    failed = False
    for name in args.files:
        template, problems = service.check_file(name)
        for problem in problems:
            print(problem)
        if template is None:
            failed = True
            continue
        for warning in service.warnings(template):
            print(warning)
        count = sum(1 for _ in template.all_questions())
        tests = len(template.self_tests)
        print(f"{name}: ok ({template.id} {template.version}, {count} questions, {tests} self-tests passed)")
    return 1 if failed else 0


def run_import(args: argparse.Namespace) -> int:
    info = _service().import_template(args.file)
    print(f"Imported template '{info.id}' version {info.version} into {info.path.parent}")
    return 0


def run_import_xlsform(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lscp_audit.core.templates import TemplateKind

    service = _service()
    form = Path(args.form)
    target = Path(args.out) if args.out else form.with_suffix(".yaml")
    conversion = service.convert_xlsform(form, TemplateKind(args.kind))
    service.save_conversion(conversion, target, overwrite=args.force)
    sections = len(conversion.template.sections)
    print(
        f"Converted {form.name}: {conversion.question_count} questions in {sections} section{'' if sections == 1 else 's'}, "
        f"written to {target} (passes templates check)."
    )
    if conversion.unmapped:
        print(f"Not converted, or converted differently ({len(conversion.unmapped)}):")
        for item in conversion.unmapped:
            print(f"  {item}")
    else:
        print("Everything in the form was converted.")
    for warning in conversion.warnings:
        print(f"XLSForm warning: {warning}")
    print(f"Next: review {target}, then: lscp-audit templates import {target}")
    return 0


def _kinds() -> list[Any]:
    from lscp_audit.core.templates import TemplateKind

    return list(TemplateKind)


def _service() -> TemplateService:
    from lscp_audit.services.template_service import TemplateService

    return TemplateService()


def _template_dict(template: Template) -> dict[str, object]:
    from lscp_audit.core.templates.export import template_to_dict

    return template_to_dict(template)
