"""The analysis tables as an XLSX workbook (openpyxl) and as CSV (the csv module).

The workbook has one sheet per table (`core.analysis_tables`), each with the table's title in
the first row, the named headers in the second (bold, frozen, filtered) and the rows below.
Dates are real date cells shown ``28 Nov 2026``; Section 11 ratings are text with the level's
colour as the cell fill (and white or black text, whichever contrasts more), so the colour is
never the only sign. CSV is long format: one row per
answer (or per action in the quarterly action report), with a header row, dates in ISO 8601 and
formula-like text kept as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from lscp_audit.core.analysis_tables import S11, Table, text_colour_for

DATE_FORMAT = "d mmm yyyy"
_MAX_WIDTH = 60


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31]
    candidate = base
    number = 2
    while candidate in used:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate)
    return candidate


def xlsx_bytes(tables: Sequence[Table], *, colours: Mapping[str, str] | None = None, marking: str = "") -> bytes:
    """The workbook (openpyxl's write-only mode, so a large analysis is written in seconds).
    A table's own `colours` (rating text to ``#RRGGBB``) fill the cells showing that text, else
    `colours` does for the Section 11 sheet; `marking` (the
    protective marking) heads every sheet when given."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)

    def fills_for(pairs: Mapping[str, str]) -> dict[str, tuple[PatternFill, Font]]:
        return {
            label: (
                PatternFill("solid", start_color=colour.lstrip("#").upper(), end_color=colour.lstrip("#").upper()),
                Font(color=text_colour_for(colour).lstrip("#")),
            )
            for label, colour in pairs.items()
            if len(colour.lstrip("#")) == 6
        }

    fills = fills_for(colours or {})
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.name, used))
        widths = [len(h) for h in table.headers]
        for row in table.rows:
            for i, value in enumerate(row):
                if value is not None:
                    widths[i] = max(widths[i], min(_MAX_WIDTH, len(str(value))))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, width + 2)
        sheet.freeze_panes = "A3"
        if table.rows:
            sheet.auto_filter.ref = f"A2:{get_column_letter(len(table.headers))}{len(table.rows) + 2}"
        title = WriteOnlyCell(sheet, value=f"{marking} — {table.title}" if marking else table.title)
        title.font = bold
        sheet.append([title])
        headers = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            headers.append(cell)
        sheet.append(headers)
        own = fills_for(dict(table.colours)) if table.colours else (fills if table.name == S11 else {})
        for row in table.rows:
            sheet.append([_cell(sheet, value, own or None) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: object, value: object, fills: Mapping[str, tuple[Any, Any]] | None) -> object:
    """A plain value, or a cell when it needs a format: dates shown ``28 Nov 2026``, text that
    looks like a formula kept as text, a Section 11 rating with its colour."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, exactly as written, never run as a formula
        return cell
    if fills is not None and isinstance(value, str) and value in fills:
        cell = WriteOnlyCell(sheet, value=value)
        cell.fill, cell.font = fills[value]
        return cell
    return value


#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: object) -> object:
    """A value as CSV holds it: dates ISO 8601, empty for None, and text that a spreadsheet
    would run as a formula (``=``, ``+``, ``-``, ``@`` first) kept as text with a leading
    apostrophe, the way spreadsheets mark text."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(table: Table) -> str:
    """One table as CSV: a header row, then the rows (`csv_value`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()
