"""TemplateService: find, check, import and rebuild audit templates (Qt-free).

Shipped templates live in `paths.forms_dir()` and are read-only; the QA subgroup's own
templates are imported into `paths.user_templates_dir()` as ``<id>.yaml`` after full validation.
A user template may not reuse a shipped template's id, and re-importing the same id and version
with different content is refused (the version must change, because audits pin id, version
and content hash). Audits rebuild their frozen template with `load_frozen`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lscp_audit import paths
from lscp_audit.atomic_files import atomic_write_bytes, atomic_write_text
from lscp_audit.core.errors import NotFound, TemplateError
from lscp_audit.core.templates import (
    Problem,
    Template,
    TemplateInvalid,
    TemplateKind,
    check_template_file,
    check_template_text,
    load_template_text,
    template_key,
)
from lscp_audit.core.templates.loader import read_template_source

if TYPE_CHECKING:
    from lscp_audit.services.xlsform_import import XlsformConversion

log = logging.getLogger(__name__)

SHIPPED = "shipped"
USER = "user"
TEMPLATE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class TemplateInfo:
    """One row of the templates list."""

    id: str
    title: str
    version: str
    kind: str
    source: str  # "shipped" or "user"
    path: Path
    content_hash: str
    description: str = ""


def _info(template: Template, source: str, path: Path) -> TemplateInfo:
    return TemplateInfo(
        template.id,
        template.title,
        template.version,
        template.kind.value,
        source,
        path,
        template.content_hash,
        template.description,
    )


class TemplateService:
    """Use cases over template files; pass directories to override the app's defaults (tests)."""

    def __init__(self, shipped_dir: Path | None = None, user_dir: Path | None = None) -> None:
        self.shipped_dir = shipped_dir if shipped_dir is not None else paths.forms_dir()
        self.user_dir = user_dir if user_dir is not None else paths.user_templates_dir()
        self._cache: dict[tuple[Path, int, int], tuple[Template | None, list[Problem]]] = {}
        self._frozen: dict[str, Template] = {}
        self.last_problems: list[Problem] = []

    def _files(self, folder: Path) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in TEMPLATE_SUFFIXES and p.is_file())

    def _check_cached(self, path: Path) -> tuple[Template | None, list[Problem]]:
        try:
            stat = path.stat()
        except OSError:
            return check_template_file(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in self._cache:
            self._cache[key] = check_template_file(path)
        return self._cache[key]

    def _load_all(self) -> list[tuple[Template, str, Path]]:
        found: list[tuple[Template, str, Path]] = []
        self.last_problems = []
        for source, folder in ((SHIPPED, self.shipped_dir), (USER, self.user_dir)):
            for path in self._files(folder):
                template, problems = self._check_cached(path)
                if template is None:
                    log.warning("skipping invalid %s template file %s", source, path.name)
                    self.last_problems += problems
                    continue
                found.append((template, source, path))
        return found

    def list_templates(self) -> list[TemplateInfo]:
        """Every valid shipped and user template, shipped first, each sorted by title.

        Invalid files are skipped; their problems are kept in `last_problems`."""
        rows = [_info(t, source, path) for t, source, path in self._load_all()]
        return sorted(rows, key=lambda r: (r.source != SHIPPED, r.title.lower(), r.id))

    def get(self, template_id: str) -> Template:
        """The current template with this id; NotFound when there is none."""
        for template, _source, _path in self._load_all():
            if template.id == template_id:
                return template
        raise NotFound(f"there is no template with id '{template_id}'")

    def info(self, template_id: str) -> TemplateInfo:
        for template, source, path in self._load_all():
            if template.id == template_id:
                return _info(template, source, path)
        raise NotFound(f"there is no template with id '{template_id}'")

    def check_file(self, path: Path | str) -> tuple[Template | None, list[Problem]]:
        """The template in `path` (None when invalid) and every problem found, self-tests included."""
        return check_template_file(Path(path))

    def warnings(self, template: Template) -> list[Problem]:
        """Things worth fixing that do not stop `template` being used (``FILE:LINE: warning: ...``),
        such as a yes/no question in a graded section without a declared polarity."""
        from lscp_audit.core.templates.validator import template_warnings

        return template_warnings(template)

    def check_files(self, files: Iterable[Path | str]) -> list[Problem]:
        """Every problem in the given files (empty when all are valid)."""
        problems: list[Problem] = []
        for path in files:
            problems += check_template_file(Path(path))[1]
        return problems

    def preview(self, path: Path | str) -> Template:
        """Validate a file without importing it; raises TemplateInvalid with every problem."""
        template, problems = check_template_file(Path(path))
        if template is None:
            raise TemplateInvalid(problems)
        return template

    def import_template(self, path: Path | str) -> TemplateInfo:
        """Validate `path` and copy it into the user templates folder as ``<id>.yaml``."""
        path = Path(path)
        return self.import_template_text(read_template_source(path), path)

    def import_template_text(self, text: str, path: Path) -> TemplateInfo:
        """Validate template `text` (named `path` in messages) and add it as ``<id>.yaml``."""
        template, problems = check_template_text(text, str(path))
        if template is None:
            raise TemplateInvalid(problems)
        self._check_import_allowed(template, path)
        target = paths.ensure_private_dir(self.user_dir) / f"{template.id}.yaml"
        atomic_write_text(target, text)
        log.info("imported template %s", template_key(template.id, template.version))
        return _info(template, USER, target)

    def convert_xlsform(self, path: Path | str, kind: TemplateKind = TemplateKind.CASE_AUDIT) -> XlsformConversion:
        """Convert an XLSForm into template text that passes the checker, listing what was not
        converted (`XlsformConversion.unmapped`); XlsformError when the file is not a usable XLSForm.
        Nothing is imported: save the text (`save_conversion`) or import it (`import_template_text`)."""
        from lscp_audit.services.xlsform_import import convert_xlsform

        conversion = convert_xlsform(Path(path), kind)
        log.info(
            "converted an XLSForm: %d questions, %d constructs not converted",
            conversion.question_count,
            len(conversion.unmapped),
        )
        return conversion

    def save_conversion(self, conversion: XlsformConversion, target: Path | str, overwrite: bool = False) -> Path:
        """Write the converted template to `target`; refuses to replace a file unless `overwrite`."""
        target = Path(target)
        if target.exists() and not overwrite:
            raise TemplateError(str(target), None, "already exists; choose another file name or allow replacing it")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, conversion.text)
        return target

    def _check_import_allowed(self, template: Template, path: Path) -> None:
        for existing, source, _existing_path in self._load_all():
            if existing.id != template.id:
                continue
            if source == SHIPPED:
                raise TemplateError(
                    str(path), None, f"id '{template.id}' is used by a shipped template; give your template a new id"
                )
            if existing.version == template.version and existing.content_hash != template.content_hash:
                raise TemplateError(
                    str(path),
                    None,
                    f"template '{template.id}' version '{template.version}' is already imported with different "
                    "content; raise the version so existing audits keep theirs",
                )

    def check_for_install(self, text: str, file_name: str) -> tuple[Template, str]:
        """Check template `text` (named `file_name` in every problem) as `import_template` would,
        without writing anything. Returns the template and ``new``, ``update`` (another version
        of a user template is replaced) or ``same`` (this exact template is already installed).
        Raises `TemplateInvalid` or `TemplateError` saying why it cannot be installed."""
        template, problems = check_template_text(text, file_name)
        if template is None:
            raise TemplateInvalid(problems)
        self._check_import_allowed(template, Path(file_name))
        status = "new"
        for existing, _source, _path in self._load_all():
            if existing.id == template.id:
                status = "same" if existing.content_hash == template.content_hash else "update"
        return template, status

    def install_texts(self, items: Iterable[tuple[Template, str]]) -> Callable[[], None]:
        """Write each checked (template, text) into the user templates folder as ``<id>.yaml``
        (atomically, one file at a time) and return an `undo` that puts every file back as it was
        (restores the previous text, or removes a file that did not exist). If a write fails, the
        files already written are put back before the error is raised."""
        written: list[tuple[Path, bytes | None]] = []

        def undo() -> None:
            for target, previous in reversed(written):
                try:
                    if previous is None:
                        target.unlink(missing_ok=True)
                    else:
                        atomic_write_bytes(target, previous)
                except OSError:
                    log.warning("could not put back template file %s", target.name)
            self._cache.clear()

        try:
            for template, text in items:
                target = paths.ensure_private_dir(self.user_dir) / f"{template.id}.yaml"
                previous = target.read_bytes() if target.exists() else None
                written.append((target, previous))
                atomic_write_text(target, text)
                log.info("installed template %s", template_key(template.id, template.version))
        except BaseException:
            undo()
            raise
        self._cache.clear()
        return undo

    def load_frozen(self, source_text: str, file_name: str = "<frozen template>") -> Template:
        """Rebuild the template an audit was started with, from its stored source text."""
        cached = self._frozen.get(source_text)
        if cached is None:
            cached = load_template_text(source_text, file_name, run_tests=False)
            self._frozen[source_text] = cached
        return cached
