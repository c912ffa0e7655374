"""Real XLSForm workbooks written with openpyxl at test time: small, medium (about 100
questions), one full of constructs the template format cannot carry, and malformed ones.

Each builder returns the path it wrote. Row numbers in the tests are spreadsheet rows (the
header is row 1), so a test can say exactly where the importer must point.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

Row = Sequence[object]

YES_NO = [("yn", "yes", "Yes"), ("yn", "no", "No")]


def write_xlsform(
    path: Path,
    survey: Sequence[Row] | None,
    choices: Sequence[Row] = (),
    settings: Sequence[Row] = (),
    extra_sheets: dict[str, Sequence[Row]] | None = None,
) -> Path:
    """Write a workbook; the first row of each sheet is its header. `survey` None: no survey sheet."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheets: list[tuple[str, Sequence[Row]]] = []
    if survey is not None:
        sheets.append(("survey", survey))
    if choices:
        sheets.append(("choices", choices))
    if settings:
        sheets.append(("settings", settings))
    sheets += list((extra_sheets or {}).items())
    for index, (name, rows) in enumerate(sheets):
        sheet = first if index == 0 else book.create_sheet(name)
        sheet.title = name
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def small_form(path: Path) -> Path:
    """Eight questions in two groups: every mapped type, relevant, constraint, required."""
    survey = [
        ["type", "name", "label", "hint", "relevant", "constraint", "constraint_message", "required"],
        ["begin group", "referral", "The referral"],
        ["select_one yn", "seen", "Was the child seen?", "Yes if the records show a visit.", None, None, None, "yes"],
        ["text", "why_not", "Why was the child not seen?", "From the case notes.", "${seen} = 'no'"],
        ["date", "referral_date", "Date of referral", "As recorded.", None, ". <= today()", "Not in the future."],
        ["integer", "visits", "How many visits?", "Count home visits.", None, ". >= 0", "Cannot be negative."],
        ["end group"],
        ["begin group", "risk", "Risk", None, "${seen} = 'yes'"],
        ["note", "risk_note", "Answer from the risk assessments on file."],
        ["select_multiple factors", "factors", "Which factors?", "Tick all.", None, None, None, "true()"],
        ["select_one level", "level", "Highest risk level", "From any assessment.", "selected(${factors}, 'dv')"],
        [
            "decimal",
            "score",
            "Risk score",
            "0 to 10.",
            "not(${level} = 'low') and ${visits} > 1",
            ". <= 10",
            "At most 10.",
        ],
        ["end group"],
    ]
    choices = [
        ["list_name", "name", "label"],
        *YES_NO,
        ("factors", "dv", "Domestic abuse"),
        ("factors", "sm", "Substance misuse"),
        ("level", "low", "Low"),
        ("level", "high", "High"),
    ]
    settings = [["form_title", "form_id", "version"], ["Home visits audit", "home_visits", "2024.1"]]
    return write_xlsform(path, survey, choices, settings)


def medium_form(path: Path, groups: int = 10, per_group: int = 10) -> Path:
    """`groups` x `per_group` questions (100 by default), in English and Welsh, with chains of
    conditions, a nested group, numeric choice codes and an Ofsted 4-point grade list."""
    header = [
        "type",
        "name",
        "label::English (en)",
        "label::Cymraeg (cy)",
        "hint::English (en)",
        "relevant",
        "constraint",
        "constraint_message::English (en)",
        "required",
    ]
    survey: list[Row] = [header]
    kinds = ["select_one yn", "select_one freq", "select_multiple agencies", "integer", "text", "date", "decimal"]
    for g in range(groups):
        survey.append(
            [
                "begin_group",
                f"g{g}",
                f"Theme {g + 1}",
                f"Thema {g + 1}",
                None,
                f"${{g{g - 1}_q0}} != 'no'" if g else None,
            ]
        )
        if g == 3:
            survey.append(["begin_group", f"g{g}_inner", "Inner checks", "Gwiriadau"])
        for q in range(per_group - 1):
            name = f"g{g}_q{q}"
            kind = kinds[q % len(kinds)]
            relevant = constraint = message = None
            if q and kinds[(q - 1) % len(kinds)] == "select_one yn":
                relevant = f"${{g{g}_q{q - 1}}} = 'yes'"
            if kind == "select_one freq" and q > 2:  # XLSForm compares numeric codes without quotes
                relevant = f"${{g{g}_q1}} = 2 or selected(${{g{g}_q2}}, 'police')"
            if kind == "select_multiple agencies":
                constraint, message = "count-selected(.) <= 3", "Three agencies at most."
            if kind == "integer":
                constraint, message = ". >= 0 and . <= 50", "From 0 to 50."
            required = "yes" if q % 3 == 0 else None
            survey.append(
                [
                    kind,
                    name,
                    f"Question {g + 1}.{q + 1}",
                    f"Cwestiwn {g + 1}.{q + 1}",
                    f"Guidance {g}.{q}",
                    relevant,
                    constraint,
                    message,
                    required,
                ]
            )
            if g == 3 and q == 4:
                survey.append(["end_group"])
        survey.append(
            ["select_one grades", f"g{g}_grade", f"Grade for theme {g + 1}", f"Gradd {g + 1}", "Use the descriptors."]
        )
        survey.append(["end_group"])
    choices: list[Row] = [
        ["list_name", "name", "label::English (en)", "label::Cymraeg (cy)"],
        ("yn", "yes", "Yes", "Ydy"),
        ("yn", "no", "No", "Nac ydy"),
        ("freq", "1", "Never", "Byth"),
        ("freq", "2", "Sometimes", "Weithiau"),
        ("freq", "3", "Always", "Bob amser"),
        ("agencies", "police", "Police", "Heddlu"),
        ("agencies", "health", "Health", "Iechyd"),
        ("agencies", "school", "School", "Ysgol"),
        ("agencies", "csc", "Children's social care", "Gofal cymdeithasol plant"),
        ("grades", "outstanding", "Outstanding", "Rhagorol"),
        ("grades", "good", "Good", "Da"),
        ("grades", "requires_improvement", "Requires improvement to be good", "Angen gwella"),
        ("grades", "inadequate", "Inadequate", "Annigonol"),
    ]
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        ["Thematic audit", "thematic", "3", "English (en)"],
    ]
    return write_xlsform(path, survey, choices, settings)


#: survey row -> what the importer must say about it, for `unsupported_form`.
UNSUPPORTED_ROWS = {
    3: "calculate 'total'",
    4: "geopoint 'where'",
    5: "image 'picture'",
    6: "select_one_from_file agencies.csv 'from_file'",
    7: "repeat 'visits'",
    9: "relevant of 'later': ${total} > 2",
    10: "select_one yn or_other 'other'",
    11: "relevant of 'fancy': jr:choice-name(${seen}, '${seen}') = 'Yes'",
    12: "note 'caution' relevant",
    13: "name 'q-dash'",
    14: "label of text 'shown'",
    15: "datetime 'when'",
}


def unsupported_form(path: Path) -> Path:
    """Constructs with no template equivalent, one a row (see UNSUPPORTED_ROWS), plus columns
    (default, appearance, choice_filter, required_message), a second language, an extra sheet
    and a setting the template cannot carry."""
    survey = [
        [
            "type",
            "name",
            "label",
            "label::Français (fr)",
            "hint",
            "relevant",
            "calculation",
            "default",
            "appearance",
            "choice_filter",
            "required",
            "required_message",
        ],
        [
            "select_one yn",
            "seen",
            "Seen?",
            "Vu ?",
            "From the notes.",
            None,
            None,
            "yes",
            "minimal",
            "county = 'x'",
            "yes",
            "Please answer",
        ],
        ["calculate", "total", None, None, None, None, "1 + 1"],
        ["geopoint", "where", "Where?"],
        ["image", "picture", "Photo"],
        ["select_one_from_file agencies.csv", "from_file", "Agency"],
        ["begin repeat", "visits", "Visits"],
        ["integer", "visit_no", "Visit number", None, "Count."],
        ["text", "later", "Later", None, "Explain.", "${total} > 2"],
        ["select_one yn or_other", "other", "Other?", None, "Pick."],
        ["text", "fancy", "Fancy", None, "Explain.", "jr:choice-name(${seen}, '${seen}') = 'Yes'"],
        ["note", "caution", "Be careful", None, None, "${seen} = 'no'"],
        ["text", "q-dash", "Dashed name", None, "Explain."],
        ["text", "shown", "You said ${seen}", None, "Explain."],
        ["datetime", "when", "When exactly?"],
        ["end repeat"],
    ]
    choices = [["list_name", "name", "label", "county"], *YES_NO]
    settings = [["form_title", "form_id", "instance_name"], ["Awkward form", "awkward", "concat('x', ${seen})"]]
    return write_xlsform(path, survey, choices, settings, extra_sheets={"notes": [["anything"], ["free text"]]})
