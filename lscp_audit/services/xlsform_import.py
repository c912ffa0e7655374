"""Convert an XLSForm (ODK / Kobo) into an audit template, listing what cannot be converted.

The workbook is read with pyxform, the XLSForm reference implementation: its reader (on
openpyxl) turns each sheet into rows with their spreadsheet row numbers, its header handling
resolves the column aliases (``relevance``, ``constraint message``, ``list name``) and
translations (``label::English (en)``), and its own conversion (`workbook_to_json`) is run as
the check that the file is a well-formed XLSForm. The rows are then mapped to the template
format:

- ``select_one`` / ``select_multiple`` with their choice list -> ``single_choice`` /
  ``multi_choice`` and an option list; a list whose codes are Yes/No (and Partly, Not known,
  Not applicable) -> ``yes_no``; a list whose codes are exactly a library scale's -> ``grade``
  on that scale;
- ``text`` -> ``long_text``, ``integer`` -> ``number`` that must be whole, ``decimal`` ->
  ``number``, ``date`` -> ``date``; ``note`` -> the section's description;
- ``begin group`` / ``end group`` -> sections (nested groups become their own sections, with
  the outer groups' conditions joined to their own);
- ``relevant``, ``constraint`` (and its message) and ``required`` (yes, or a condition) ->
  the same fields; ``hint`` and ``guidance_hint`` -> guidance.

Conditions are XPath in XLSForm and the template language follows XLSForm's conventions, so
most carry over as written; every one is checked by the real template checker, and one the
checker refuses (an unsupported function, a reference to a calculation that was not imported)
is left out and listed. Everything else (repeats, calculations, locations, media, choice
filters, defaults, display hints, other languages, other sheets...) is listed with its sheet
and row, never silently dropped. The result always passes `templates check`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.templates import Template, TemplateKind, check_template_text
from lscp_audit.core.templates.problems import Problem
from lscp_audit.core.templates.scales import YES_NO_OPTIONS
from lscp_audit.core.templates.scales_builder import library_scales

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CODE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
TEMPLATE_ID_RE = re.compile(r"^[a-z][a-z0-9-]{2,63}$")
PYXFORM_ROW_RE = re.compile(r"^\[row : (\d+)\]\s*")
REF_RE = re.compile(r"\$\{([^}]*)\}")
FUNCTION_RE = re.compile(r"([A-Za-z_][\w:.-]*)\s*\(")
CASE_REFERENCE_PATTERN = r"^[A-Z]{2,4}-\d{4}-\d{2,6}$"
NO_GUIDANCE = "No guidance was given in the XLSForm; write here how to answer this question."
MAX_CHECK_ROUNDS = 8

#: Survey types with no template equivalent, and why.
UNSUPPORTED_TYPES: dict[str, str] = {
    "calculate": "calculations are not supported; conditions that use it are listed too",
    "hidden": "hidden values are not supported",
    "geopoint": "locations are not recorded in audits",
    "geotrace": "locations are not recorded in audits",
    "geoshape": "locations are not recorded in audits",
    "start-geopoint": "locations are not recorded in audits",
    "photo": "images, audio, video and files are not stored in audits",
    "image": "images, audio, video and files are not stored in audits",
    "audio": "images, audio, video and files are not stored in audits",
    "background-audio": "images, audio, video and files are not stored in audits",
    "video": "images, audio, video and files are not stored in audits",
    "file": "images, audio, video and files are not stored in audits",
    "barcode": "barcodes are not supported",
    "range": "range sliders are not supported; use integer or decimal with a constraint",
    "time": "times of day are not supported (dates are)",
    "datetime": "dates with times are not supported (dates are)",
    "acknowledge": "acknowledgements are not supported; use a select_one yes/no",
    "trigger": "acknowledgements are not supported; use a select_one yes/no",
    "xml-external": "external data is not supported",
    "csv-external": "external data is not supported",
    "start": "device metadata is not recorded (the audit records its own dates)",
    "end": "device metadata is not recorded (the audit records its own dates)",
    "today": "device metadata is not recorded (the audit records its own dates)",
    "deviceid": "device metadata is not recorded",
    "subscriberid": "device metadata is not recorded",
    "simserial": "device metadata is not recorded",
    "phonenumber": "device metadata is not recorded",
    "username": "device metadata is not recorded (the audit records its auditor)",
    "email": "device metadata is not recorded (the audit records its auditor)",
    "audit": "device metadata is not recorded",
}

#: Survey columns with a known reason for not being imported (others get a general reason).
COLUMN_REASONS: dict[str, str] = {
    "control.appearance": "display hints have no equivalent in the app",
    "control.jr:count": "repeats are not supported",
    "default": "default answers are not supported; an audit starts unanswered",
    "choice_filter": "choice filters are not supported; every option is offered",
    "bind.readonly": "read-only questions are not supported",
    "bind.calculate": "calculations are not supported",
    "bind.jr:requiredMsg": "the app's own message is shown for a missing required answer",
    "parameters": "question parameters are not supported",
    "trigger": "triggers are not supported",
    "media": "images, audio and video are not shown in audits",
}


class XlsformError(LscpAuditError):
    """The file is not a usable XLSForm; `problems` says where (``FILE: sheet, row N: ...``)."""

    def __init__(self, file: str, problems: Iterable[str]) -> None:
        self.file = file
        self.problems = [f"{file}: {p}" for p in problems]
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, order=True)
class Unmapped:
    """One construct of the XLSForm that the template does not carry (or carries differently)."""

    sheet: str
    row: int
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet} sheet, row {self.row}: {self.what}: {self.reason}"


@dataclass(frozen=True)
class XlsformConversion:
    """The converted template: its YAML text, the checked `Template`, what was not converted,
    and pyxform's own warnings about the form."""

    source: Path
    text: str
    template: Template
    unmapped: tuple[Unmapped, ...]
    warnings: tuple[str, ...] = ()

    @property
    def question_count(self) -> int:
        return sum(1 for _ in self.template.all_questions())


# -- reading ------------------------------------------------------------------------------------


@dataclass
class _Workbook:
    survey: list[dict[str, Any]]
    choices: dict[str, list[dict[str, Any]]]
    choice_columns: list[str]
    settings: dict[str, Any]
    sheet_names: list[str]
    language: str | None
    other_languages: list[str]
    warnings: list[str]


def _read_workbook(path: Path) -> _Workbook:
    """Read and check the XLSForm with pyxform; XlsformError names sheet and row of each problem."""
    from pyxform import aliases, constants
    from pyxform.errors import PyXFormError
    from pyxform.parsing.sheet_headers import dealias_and_group_headers
    from pyxform.question import MultipleChoiceQuestion, Option
    from pyxform.xls2json import dealias_types, workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    name = path.name
    if not path.is_file():
        raise XlsformError(str(path), ["file not found"])
    try:
        data = get_xlsform(str(path))
    except PyXFormError as exc:
        raise XlsformError(name, [f"cannot be read as an XLSForm workbook (.xlsx or .xls): {exc}"]) from None
    sheet_names = list(data.sheet_names or [])
    if not data.survey and not data.survey_header:
        present = ", ".join(f"'{s}'" for s in sheet_names) or "none"
        raise XlsformError(
            name, [f"has no 'survey' sheet (its sheets: {present}); an XLSForm lists its questions there"]
        )
    try:
        settings_rows = dealias_and_group_headers(
            sheet_name=SETTINGS,
            sheet_data=copy.deepcopy(data.settings or [{}]),
            sheet_header=copy.deepcopy(data.settings_header or [{}]),
            header_aliases=aliases.settings_header,
            header_columns=set(),
        ).data
        settings = dict(settings_rows[0]) if settings_rows else {}
        language = settings.get(constants.DEFAULT_LANGUAGE_KEY)
        default_language = str(language or constants.DEFAULT_LANGUAGE_VALUE)
        survey = dealias_and_group_headers(
            sheet_name=SURVEY,
            sheet_data=copy.deepcopy(data.survey or []),
            sheet_header=copy.deepcopy(data.survey_header or []),
            header_aliases=aliases.survey_header,
            header_columns=set(MultipleChoiceQuestion.get_slot_names()),
            headers_required={constants.TYPE},
            default_language=default_language,
            add_row_number=True,
        )
        rows = [{**r, "__type": r.get(constants.TYPE)} for r in survey.data]
        rows = dealias_types(dict_array=rows)  # the type as written stays in __type, for messages
        choices_rows: list[dict[str, Any]] = []
        choice_columns: list[str] = []
        if data.choices:
            sheet = dealias_and_group_headers(
                sheet_name=CHOICES,
                sheet_data=copy.deepcopy(data.choices),
                sheet_header=copy.deepcopy(data.choices_header or []),
                header_aliases=aliases.list_header,
                header_columns=set(Option.get_slot_names()),
                default_language=default_language,
                add_row_number=True,
            )
            choices_rows = [dict(r) for r in sheet.data]
            choice_columns = list(data.choices_header[0]) if data.choices_header else []
    except PyXFormError as exc:
        raise XlsformError(name, [_pyxform_message(str(exc))]) from None
    choices: dict[str, list[dict[str, Any]]] = {}
    for row in choices_rows:
        if row.get(constants.LIST_NAME_S):
            choices.setdefault(str(row[constants.LIST_NAME_S]), []).append(row)
    _check_list_names(name, rows, choices)
    warnings: list[str] = []
    try:
        workbook_to_json(copy.deepcopy(data), fallback_form_name=path.stem, warnings=warnings)
    except PyXFormError as exc:
        raise XlsformError(name, [_pyxform_message(str(exc))]) from None
    languages = _languages(rows, choices_rows)
    chosen = _choose_language(languages, language)
    return _Workbook(
        survey=rows,
        choices=choices,
        choice_columns=choice_columns,
        settings=settings,
        sheet_names=sheet_names,
        language=chosen,
        other_languages=[lang for lang in languages if lang != chosen],
        warnings=[_pyxform_message(w) for w in warnings],
    )


def _pyxform_message(text: str) -> str:
    """pyxform's ``[row : 6] message`` as ``survey sheet, row 6: message``."""
    text = " ".join(text.split())
    match = PYXFORM_ROW_RE.match(text)
    if match:
        return f"survey sheet, row {match.group(1)}: {text[match.end() :]}"
    return text


def _check_list_names(name: str, rows: list[dict[str, Any]], choices: Mapping[str, Any]) -> None:
    """Every select names a list on the choices sheet (pyxform stops at the first one)."""
    problems = []
    for row in rows:
        parsed = _select(str(row.get("type", "")))
        if parsed is not None and not parsed[2] and parsed[1] not in choices:
            known = ", ".join(f"'{n}'" for n in sorted(choices)) or "none: the form has no choices sheet"
            problems.append(
                f"survey sheet, row {row['__row']}: {row['type']!s} names the choice list '{parsed[1]}', "
                f"which is not on the choices sheet (its lists: {known})"
            )
    if problems:
        raise XlsformError(name, problems)


def _select(type_text: str) -> tuple[str, str, bool] | None:
    """(``one`` | ``multiple`` | an unsupported command, list name, from a file or external)."""
    from pyxform import aliases, constants
    from pyxform.xls2json import RE_SELECT

    match = RE_SELECT.match(" ".join(type_text.split()))
    if match is None:
        return None
    command = match.group("select_command")
    external = command in aliases.select_from_file or aliases.select[command] == constants.SELECT_ONE_EXTERNAL
    kind = {constants.SELECT_ONE: "one", constants.SELECT_ALL_THAT_APPLY: "multiple"}.get(
        aliases.select[command], command
    )
    return kind, match.group("list_name"), external


def _languages(*sheets: Iterable[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for sheet in sheets:
        for row in sheet:
            for key in ("label", "hint", "guidance_hint"):
                value = row.get(key)
                if isinstance(value, dict):
                    found += [lang for lang in value if lang not in found]
    return found


def _choose_language(languages: list[str], preferred: Any) -> str | None:
    if not languages:
        return None
    if preferred in languages:
        return str(preferred)
    english = [lang for lang in languages if lang.lower().startswith("english")]
    if "default" in languages:
        return "default"
    return english[0] if english else languages[0]


# -- converting ---------------------------------------------------------------------------------


@dataclass
class _Question:
    id: str
    row: int
    type: str
    label: str
    guidance: str
    options: str | None = None
    scale: str | None = None
    required: bool = False
    required_if: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str = ""
    whole_number: bool = False


@dataclass
class _Section:
    id: str
    title: str
    row: int
    relevant: str | None = None
    description: list[str] = field(default_factory=list)
    questions: list[_Question] = field(default_factory=list)


@dataclass
class _Group:
    name: str
    label: str
    row: int
    relevant: str | None
    repeat: bool
    sections: int = 0


class _Converter:
    def __init__(self, book: _Workbook, kind: TemplateKind) -> None:
        self.book = book
        self.kind = kind
        self.unmapped: list[Unmapped] = []
        self.used_ids: set[str] = {"overall"}
        self.renamed: dict[str, str] = {}  # XLSForm name -> template id
        self.option_lists: dict[str, list[dict[str, str]]] = {}
        self.list_info: dict[str, tuple[str, str | None, str]] = {}  # list -> (type, scale, list id)
        self.scales_used: list[str] = []
        self.sections: list[_Section] = []
        self.stack: list[_Group] = []
        self.current: _Section | None = None
        self.subject: list[dict[str, Any]] = self._subject()
        self.choice_ids: set[str] | None = None  # questions with options, once the survey is read
        self.not_imported: dict[str, int] = {}  # XLSForm name -> row, for questions left out

    # -- helpers

    def note(self, sheet: str, row: int, what: str, reason: str) -> None:
        self.unmapped.append(Unmapped(sheet, row, what, reason))

    def text(self, value: Any) -> str:
        if isinstance(value, dict):
            if self.book.language and self.book.language in value:
                value = value[self.book.language]
            else:
                value = next(iter(value.values()), "")
        return " ".join(str(value or "").split()) if "\n" not in str(value or "") else str(value).strip()

    def unique_id(self, name: str, fallback: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name.strip()) or fallback
        if not ID_RE.match(base):
            base = f"q_{base}"
        candidate, number = base, 2
        while candidate in self.used_ids:
            candidate, number = f"{base}_{number}", number + 1
        self.used_ids.add(candidate)
        return candidate

    def _subject(self) -> list[dict[str, Any]]:
        if self.kind == TemplateKind.AGENCY_SELF_ASSESSMENT:
            self.used_ids.add("agency")
            return [
                {
                    "id": "agency",
                    "type": "short_text",
                    "label": "Organisation",
                    "guidance": "The full name of the organisation the return covers.",
                }
            ]
        self.used_ids.add("case_reference")
        return [
            {
                "id": "case_reference",
                "type": "short_text",
                "label": "Case reference",
                "guidance": "The partnership's pseudonymised audit reference, for example DA-2026-014. "
                "Never a name, initials or a date of birth.",
                "pattern": CASE_REFERENCE_PATTERN,
                "pattern_message": "Use capital letters, the year and a case number, for example DA-2026-014.",
            }
        ]

    # -- survey rows

    def convert(self) -> None:
        self._sheets_and_settings()
        for row in self.book.survey:  # pyxform has checked that groups begin and end in pairs
            self._row(row)
        self._languages()

    def _row(self, row: dict[str, Any]) -> None:
        number = int(row["__row"])
        type_text = " ".join(str(row.get("type", "")).split())
        written = " ".join(str(row.get("__type") or type_text).split())
        if not type_text:
            if len(row) > 1:
                self.note(SURVEY, number, "row without a type", "not imported")
            return
        lowered = type_text.lower().replace("_", " ")
        if lowered in ("begin group", "begin repeat", "begin loop"):
            self._begin(row, number, repeat=lowered != "begin group")
        elif lowered in ("end group", "end repeat", "end loop"):
            if self.stack:
                self.stack.pop()
            self.current = None
        elif lowered == "note":
            self._note_row(row, number)
        else:
            self._question_row(row, number, type_text, written)

    def _begin(self, row: dict[str, Any], number: int, repeat: bool) -> None:
        name = str(row.get("name", "")) or f"group_{number}"
        label = self.text(row.get("label")) or name.replace("_", " ").capitalize()
        relevant = self._bind(row).get("relevant")
        if repeat:
            self.note(
                SURVEY,
                number,
                f"repeat '{name}'",
                "repeats are not supported (a section repeats only once per agency); its questions are "
                "imported once, in their own section",
            )
        self.stack.append(_Group(name, label, number, relevant, repeat))
        self._extra_columns(row, number, {"type", "name", "label", "bind.relevant"}, f"group '{name}'")
        self.current = None

    def _section(self, number: int) -> _Section:
        if self.current is not None:
            return self.current
        if self.stack:
            group = self.stack[-1]
            title = ": ".join(g.label for g in self.stack)
            if group.sections:
                title += " (continued)"
            group.sections += 1
            conditions = [g.relevant for g in self.stack if g.relevant]
            section = _Section(
                id=self.unique_id(group.name, "section"),
                title=title,
                row=group.row,
                relevant=" and ".join(f"({c})" for c in conditions)
                if len(conditions) > 1
                else next(iter(conditions), None),
            )
        else:
            section = _Section(id=self.unique_id("questions", "questions"), title="Questions", row=number)
        self.sections.append(section)
        self.current = section
        return section

    def _bind(self, row: dict[str, Any]) -> dict[str, Any]:
        bind = row.get("bind")
        return {k: v for k, v in bind.items() if v not in (None, "")} if isinstance(bind, dict) else {}

    def _note_row(self, row: dict[str, Any], number: int) -> None:
        name = str(row.get("name", "")) or f"note_{number}"
        text = self.text(row.get("label"))
        hint = self.text(row.get("hint"))
        section = self._section(number)
        section.description += [t for t in (text, hint) if t]
        if self._bind(row).get("relevant"):
            self.note(
                SURVEY,
                number,
                f"note '{name}' relevant",
                "a note becomes text in its section's description, which is always shown",
            )
        self._refs_in_label(text, number, f"note '{name}'")
        self._extra_columns(row, number, {"type", "name", "label", "hint", "bind.relevant"}, f"note '{name}'")

    def _question_row(self, row: dict[str, Any], number: int, type_text: str, written: str) -> None:
        name = str(row.get("name", "")) or f"row_{number}"
        kind = self._question_kind(type_text, number, name, written)
        if kind is None:
            self.not_imported[name] = number
            return
        type_text = written
        qtype, list_id, scale = kind
        question_id = self.unique_id(name, f"q{number}")
        self.renamed[name] = question_id
        if question_id != name:
            self.note(
                SURVEY, number, f"name '{name}'", f"renamed '{question_id}' (template ids use letters, digits and _)"
            )
        label = self.text(row.get("label"))
        if not label:
            label = name.replace("_", " ").capitalize()
            self.note(SURVEY, number, f"{type_text} '{name}'", f"has no label; its name was used: '{label}'")
        self._refs_in_label(label, number, f"{type_text} '{name}'")
        guidance = "\n\n".join(t for t in (self.text(row.get("hint")), self.text(row.get("guidance_hint"))) if t)
        if not guidance:
            guidance = NO_GUIDANCE
            self.note(
                SURVEY,
                number,
                f"{type_text} '{name}'",
                "has no hint; every template question needs guidance, so write how to answer it in the template",
            )
        bind = self._bind(row)
        question = _Question(question_id, number, qtype, label, guidance, options=list_id, scale=scale)
        question.whole_number = type_text.split()[0].lower() in ("integer", "int")
        question.relevant = bind.get("relevant")
        question.constraint = bind.get("constraint")
        message = self.text(bind.get("jr:constraintMsg"))
        if question.constraint:
            question.constraint_message = (
                message or f"This answer is not allowed (the form's rule: {question.constraint})."
            )
        elif message:
            self.note(SURVEY, number, f"constraint_message of '{name}'", "there is no constraint for it to explain")
        self._required(question, bind.get("required"), name)
        section = self._section(number)
        section.questions.append(question)
        known = {"type", "name", "label", "hint", "guidance_hint", "bind.relevant", "bind.constraint"}
        known |= {"bind.jr:constraintMsg", "bind.required"}
        self._extra_columns(row, number, known, f"{type_text} '{name}'")

    def _required(self, question: _Question, value: Any, name: str) -> None:
        from pyxform import aliases

        if value is None or value == "":
            return
        text = str(value).strip()
        if text in aliases.yes_no:
            question.required = bool(aliases.yes_no[text])
        else:
            question.required_if = text

    def _question_kind(
        self, type_text: str, number: int, name: str, written: str
    ) -> tuple[str, str | None, str | None] | None:
        select = _select(type_text)
        if select is not None:
            return self._select_kind(select, written, number, name)
        simple = type_text.split()[0].lower()
        mapped = {
            "text": "long_text",
            "integer": "number",
            "int": "number",
            "decimal": "number",
            "date": "date",
        }.get(simple)
        if mapped is not None:
            return mapped, None, None
        from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

        reason = UNSUPPORTED_TYPES.get(simple, "this question type is not supported")
        if type_text not in QUESTION_TYPE_DICT and simple not in UNSUPPORTED_TYPES:
            reason = f"'{written}' is not an XLSForm question type (is it misspelt?)"
        self.note(SURVEY, number, f"{written} '{name}'", f"not imported: {reason}")
        return None

    def _select_kind(
        self, select: tuple[str, str, bool], type_text: str, number: int, name: str
    ) -> tuple[str, str | None, str | None] | None:
        command, list_name, external = select
        if external or command not in ("one", "multiple"):
            why = "choices from a file or external list are not supported" if external else "ranking is not supported"
            self.note(SURVEY, number, f"{type_text} '{name}'", f"not imported: {why}")
            return None
        if re.search(r"\bor[ _](specify )?other$", type_text):
            self.note(
                SURVEY,
                number,
                f"{type_text} '{name}'",
                "'or_other' is not imported; add an 'other' option and a text question if you need one",
            )
        qtype, scale, list_id = self._option_list(list_name)
        if command == "multiple":
            return "multi_choice", list_id, None
        return qtype, list_id, scale

    def _option_list(self, list_name: str) -> tuple[str, str | None, str]:
        """(question type for a select_one, scale, option list id) for a choice list."""
        if list_name in self.list_info:
            return self.list_info[list_name]
        list_id = re.sub(r"[^A-Za-z0-9_]", "_", list_name)
        if not ID_RE.match(list_id):
            list_id = f"list_{list_id}"
        while list_id in self.option_lists:
            list_id += "_"
        options: list[dict[str, str]] = []
        for row in self.book.choices.get(list_name, []):
            code = str(row.get("name", "")).strip()
            label = self.text(row.get("label")) or code
            if not CODE_RE.match(code):
                new = re.sub(r"[^A-Za-z0-9_-]", "_", code).lstrip("-") or "option"
                self.note(
                    CHOICES,
                    int(row["__row"]),
                    f"choice '{code}' of list '{list_name}'",
                    f"renamed '{new}' (option codes use letters, digits, _ and -); conditions that compare with "
                    f"'{code}' are listed if they no longer hold",
                )
                code = new
            while any(o["code"] == code for o in options):
                code += "_"
            options.append({"code": code, "label": label})
        self.option_lists[list_id] = options
        codes = [o["code"] for o in options]
        qtype, scale = "single_choice", None
        yes_no = {o.code for o in YES_NO_OPTIONS}
        if {"yes", "no"} <= set(codes) <= yes_no:
            qtype = "yes_no"
        else:
            for scale_id, library in library_scales().items():
                if set(codes) == {level.code for level in library.levels}:
                    qtype, scale = "grade", scale_id
                    if scale_id not in self.scales_used:
                        self.scales_used.append(scale_id)
                    break
        self.list_info[list_name] = (qtype, scale, list_id)
        return self.list_info[list_name]

    def _refs_in_label(self, text: str, number: int, what: str) -> None:
        if REF_RE.search(text):
            self.note(
                SURVEY, number, f"label of {what}", "shows answers with ${...}; the template shows the text as written"
            )

    def _extra_columns(self, row: dict[str, Any], number: int, known: set[str], what: str) -> None:
        for key, value in row.items():
            if key in ("__row", "__type") or value in (None, "", {}):
                continue
            if isinstance(value, dict) and key in ("bind", "control", "instance", "body"):
                for sub, sub_value in value.items():
                    full = f"{key}.{sub}"
                    if full not in known and sub_value not in (None, ""):
                        self._column_note(number, what, full, sub_value)
            elif key not in known and key not in ("label", "hint", "guidance_hint"):
                self._column_note(number, what, key, value)

    def _column_note(self, number: int, what: str, column: str, value: Any) -> None:
        reason = COLUMN_REASONS.get(column, COLUMN_REASONS.get(column.split(".")[0], "this column is not imported"))
        shown = column.split(".", 1)[1] if column.startswith(("bind.", "control.")) else column
        shown = {"jr:constraintMsg": "constraint_message", "jr:requiredMsg": "required_message"}.get(shown, shown)
        text = self.text(value) if not isinstance(value, dict) else ", ".join(map(str, value))
        self.note(SURVEY, number, f'{what} {shown} "{text[:60]}"', reason)

    # -- sheets, settings, languages

    def _sheets_and_settings(self) -> None:
        for sheet in self.book.sheet_names:
            if sheet.lower() not in (SURVEY, CHOICES, SETTINGS):
                self.note(sheet, 1, f"sheet '{sheet}'", "only the survey, choices and settings sheets are imported")
        for column, value in self.book.settings.items():
            if column not in ("title", "id_string", "version", "default_language", "name") and value:
                self.note(
                    SETTINGS,
                    2,
                    f'setting {column} "{value}"',
                    "form settings other than title, id and version are not imported",
                )
        skip = {"list_name", "list name", "name", "label", "image", "audio", "video", "big-image"}
        for column in self.book.choice_columns:
            base = column.split("::")[0].strip().lower()
            if base not in skip and base != "media":
                self.note(CHOICES, 1, f"column '{column}'", "choice filters and extra choice columns are not imported")
            elif base in ("image", "audio", "video", "big-image", "media"):
                self.note(CHOICES, 1, f"column '{column}'", COLUMN_REASONS["media"])

    def _languages(self) -> None:
        chosen = self.book.language
        kept = "the columns without a language" if chosen == "default" else f"'{chosen}'"
        for language in self.book.other_languages:
            shown = "without a language" if language == "default" else f"in '{language}'"
            self.note(SURVEY, 1, f"labels and hints {shown}", f"only one language is imported: {kept}")

    # -- expressions

    def translate(self, text: str | None, number: int, what: str) -> str | None:
        """`text` with ${name} references renamed and numeric choice codes quoted."""
        if text is None:
            return None
        result = REF_RE.sub(lambda m: "${" + self.renamed.get(m.group(1).strip(), m.group(1).strip()) + "}", text)
        if self.choice_ids is None:
            self.choice_ids = {q.id for s in self.sections for q in s.questions if q.options}
        for question_id in sorted(set(REF_RE.findall(result)) & self.choice_ids):
            ref = re.escape("${" + question_id + "}")
            result = re.sub(rf"({ref}\s*!?=\s*)(\d+)(?![\d.])", r"\1'\2'", result)
            result = re.sub(rf"((?<![\w.])\d+)(\s*!?=\s*{ref})", r"'\1'\2", result)
            result = re.sub(rf"(selected\(\s*{ref}\s*,\s*)(\d+)(\s*\))", r"\1'\2'\3", result)
        return " ".join(result.split())


# -- the template -------------------------------------------------------------------------------


def _template_id(book: _Workbook, path: Path) -> str:
    raw = str(book.settings.get("id_string") or path.stem)
    value = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not value or not value[0].isalpha():
        value = f"xlsform-{value}".strip("-")
    value = value[:64].rstrip("-")
    return value if TEMPLATE_ID_RE.match(value) else "xlsform-import"


class _Document:
    """The template as data, rendered to YAML and checked until the checker accepts it."""

    def __init__(self, converter: _Converter, path: Path) -> None:
        self.c = converter
        self.path = path
        book = converter.book
        self.title = converter.text(book.settings.get("title")) or path.stem.replace("_", " ").replace("-", " ")
        self.id = _template_id(book, path)
        self.version = str(book.settings.get("version") or "1")
        self.exprs: dict[tuple[str, str], str] = {}  # (element id, field) -> translated text
        self.rows: dict[str, int] = {}
        for section in converter.sections:
            self.rows[section.id] = section.row
            if section.relevant:
                self._expr(section.id, "relevant", section.relevant, section.row, f"group '{section.id}'")
            for q in section.questions:
                self.rows[q.id] = q.row
                for name in ("relevant", "constraint", "required_if"):
                    self._expr(q.id, name, getattr(q, name), q.row, f"'{q.id}'")

    def _expr(self, element: str, name: str, text: str | None, row: int, what: str) -> None:
        translated = self.c.translate(text, row, what)
        if translated:
            self.exprs[(element, name)] = translated

    def drop(self, element: str, name: str, reason: str) -> bool:
        text = self.exprs.pop((element, name), None)
        if text is None:
            return False
        reason = self._plain_reason(text, reason)
        row = self.rows.get(element, 1)
        effect = {
            "relevant": "so it is always shown",
            "constraint": "so any answer is accepted",
            "required_if": "so it is not required",
        }[name]
        shown = "required" if name == "required_if" else name
        self.c.note(SURVEY, row, f"{shown} of '{element}': {text}", f"not translated ({reason}); left out, {effect}")
        return True

    def _plain_reason(self, text: str, reason: str) -> str:
        """The checker's reason, or a plainer one for the usual causes."""
        from lscp_audit.core.expressions import FUNCTIONS

        unknown = [f for f in FUNCTION_RE.findall(text) if f not in FUNCTIONS and f not in ("and", "or", "div", "mod")]
        if unknown:
            return f"uses {unknown[0]}(), which the template language does not have"
        missing = re.search(r"unknown (?:question|id|field) '([^']+)'", reason)
        if missing and missing.group(1) in self.c.not_imported:
            return (
                f"refers to '{missing.group(1)}' (row {self.c.not_imported[missing.group(1)]}), which was not imported"
            )
        return reason

    def data(self) -> dict[str, Any]:
        c = self.c
        top: dict[str, Any] = {
            "format": 1,
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "kind": c.kind.value,
            "description": f"Converted from the XLSForm {self.path.name}. Review the guidance, add scales, "
            "polarity and judgement rules where the audit needs them, then raise the version.",
        }
        if c.scales_used:
            top["scales"] = [{"use": s} for s in c.scales_used]
        used_lists = {q.options for s in c.sections for q in s.questions if q.options}
        lists = {name: items for name, items in c.option_lists.items() if name in used_lists}
        if lists:
            top["option_lists"] = lists
        top["subject"] = c.subject
        top["sections"] = [self._section(s) for s in c.sections if s.questions]
        return top

    def _section(self, section: _Section) -> dict[str, Any]:
        out: dict[str, Any] = {"id": section.id, "title": section.title}
        if section.description:
            out["description"] = "\n\n".join(section.description)
        relevant = self.exprs.get((section.id, "relevant"))
        if relevant:
            out["relevant"] = relevant
        out["questions"] = [self._question(q) for q in section.questions]
        return out

    def _question(self, q: _Question) -> dict[str, Any]:
        out: dict[str, Any] = {"id": q.id, "type": q.type}
        if q.scale:
            out["scale"] = q.scale
        out["label"] = q.label
        out["guidance"] = q.guidance
        if q.options:
            out["options"] = q.options
        required_if = self.exprs.get((q.id, "required_if"))
        if q.required:
            out["required"] = True
        elif required_if:
            out["required_if"] = required_if
        relevant = self.exprs.get((q.id, "relevant"))
        if relevant:
            out["relevant"] = relevant
        constraint = self.exprs.get((q.id, "constraint"))
        if q.whole_number:
            message = "Enter a whole number."
            if constraint:
                constraint = f"int(.) = . and ({constraint})"
                message = f"{q.constraint_message.rstrip().rstrip('.')}. Enter a whole number."
            else:
                constraint = "int(.) = ."
            out["constraint"], out["constraint_message"] = constraint, message
        elif constraint:
            out["constraint"], out["constraint_message"] = constraint, q.constraint_message
        return out

    def render(self) -> str:
        c = self.c
        lines = [
            f"# Converted from the XLSForm {self.path.name} by `lscp-audit templates import-xlsform`.",
            "# Format reference: docs/templates.md. Check after editing:  lscp-audit templates check FILE",
        ]
        if c.unmapped:
            lines.append(f"# Not converted or converted differently ({len(c.unmapped)}):")
            lines += [f"#   {_one_line(str(u))}" for u in sorted(c.unmapped)]
        body = yaml.dump(self.data(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(lines) + "\n" + body


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Dumper(yaml.SafeDumper):
    """Block style, and text that reads as a boolean, number or date in YAML 1.1 quoted."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


_EXPRESSION_PROBLEM = re.compile(
    r"^(?:question|section) '(?P<id>[^']+)' (?P<field>relevant|constraint|required_if)\b\s*(?P<reason>.*)$"
)


def convert_xlsform(path: Path | str, kind: TemplateKind = TemplateKind.CASE_AUDIT) -> XlsformConversion:
    """Convert the XLSForm at `path`; XlsformError when it is not a usable XLSForm.

    The result has passed the template checker (`check_template_text`); every condition the
    checker refused was left out and is listed in `unmapped` with its sheet and row."""
    path = Path(path)
    book = _read_workbook(path)
    converter = _Converter(book, kind)
    converter.convert()
    if not any(s.questions for s in converter.sections):
        raise XlsformError(
            path.name,
            ["survey sheet: has no question that can be converted", *(str(u) for u in sorted(converter.unmapped))],
        )
    _keep_descriptions(converter.sections)
    document = _Document(converter, path)
    out_name = path.with_suffix(".yaml").name
    for _round in range(MAX_CHECK_ROUNDS):
        text = document.render()
        template, problems = check_template_text(text, out_name)
        if template is not None:
            return XlsformConversion(path, text, template, tuple(sorted(converter.unmapped)), tuple(book.warnings))
        if not _drop_refused(document, problems):
            break
    raise XlsformError(
        path.name,
        ["the converted template does not pass the checker:"] + [str(p) for p in problems],
    )


def _drop_refused(document: _Document, problems: list[Problem]) -> bool:
    """Leave out each condition the checker refused (listing it); False when none could be."""
    dropped = False
    for problem in problems:
        match = _EXPRESSION_PROBLEM.match(problem.message)
        if match and document.drop(match.group("id"), match.group("field"), match.group("reason").strip()):
            dropped = True
    return dropped


def _keep_descriptions(sections: list[_Section]) -> None:
    """A section with notes but no questions passes its text on to the next (or previous) one."""
    for index, section in enumerate(sections):
        if section.questions or not section.description:
            continue
        later = [s for s in sections[index + 1 :] if s.questions]
        earlier = [s for s in sections[:index] if s.questions]
        if later:
            later[0].description[:0] = [f"{section.title}: {section.description[0]}", *section.description[1:]]
        elif earlier:
            earlier[-1].description += [f"{section.title}: {section.description[0]}", *section.description[1:]]
