"""Every CSV (and XLSX) the platform writes goes through this module: the CLI, the pages'
downloads, exports of every app.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula ("CSV injection").  Which text becomes a cell depends on the
separator the reader picks: a Polish-locale spreadsheet splits on ``;``, so the single
field ``LubTech;=cmd|' /C calc'!A0;x`` becomes the cell ``=cmd|' /C calc'!A0`` there.  So
the writer does two things:

- every field is quoted (``QUOTE_ALL``), so a reader that honours quotes keeps it whole
  under any separator;
- for readers that do not, every place where a cell could *start* under a common separator
  (``,`` ``;`` tab ``|`` or a line break) and that would start with a formula character
  (after blanks or a quote mark) gets an apostrophe in front, which spreadsheets show as
  text and do not evaluate.

Numbers are written as they are (``-5`` stays a number); only text is neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from ..errors import ApplicationError

FORMULA_START = frozenset("=+-@\t\r")
# Where a reader may start a new cell: the separators spreadsheets offer, and line breaks.
CELL_BREAKS = frozenset(",;\t|\n\r")
# What a reader may skip before the cell's first character.
LEADING_SKIPPED = frozenset(' "')
NEUTRAL_PREFIX = "'"


def neutralize(text: str) -> str:
    """The text with an apostrophe before every would-be formula start, under any separator."""
    out: list[str] = []
    at_cell_start = True
    for char in text:
        if at_cell_start:
            if char in FORMULA_START:
                out.append(NEUTRAL_PREFIX)
                at_cell_start = char in CELL_BREAKS  # a tab also starts the next cell
                out.append(char)
                continue
            if char in LEADING_SKIPPED:
                out.append(char)
                continue
        out.append(char)
        at_cell_start = char in CELL_BREAKS
    return "".join(out)


def cell(value: Any) -> str | int | float:
    """One value as a safe CSV cell: numbers as they are, ``None`` empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return neutralize(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document (header first, ``\\n`` line ends, every field quoted)."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()


def write_csv(stream: Any, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows to a text stream (a file, an ``HttpResponse``...)."""
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([cell(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])


# Tables of records (nested dicts) as downloads.
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UNKNOWN_DOWNLOAD_FORMAT = "Downloads are offered as CSV or XLSX."


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(_cell_text(v) for v in value)
        else:
            flat[name] = value
    return flat


def _cell_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def _cell_value(value: Any) -> Any:
    # Numbers stay numbers (the writer leaves them alone); everything else is text.
    return value if isinstance(value, int | float) else _cell_text(value)


def _table(rows: Iterable[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows flattened to one level (``source.document``), and every column any row has."""
    flat = [_flatten(r) for r in rows]
    columns: list[str] = []
    for row in flat:
        columns += [k for k in row if k not in columns]
    return columns, flat


def flat_table(rows: Iterable[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and flattened rows ``to_csv`` writes (for describing a CSV's schema)."""
    return _table(rows)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """Flattened rows as CSV through the shared writer (quoted, formulas neutralised)."""
    columns, flat = _table(rows)
    return csv_text(columns, ([_cell_value(row.get(k)) for k in columns] for row in flat))


def to_xlsx(rows: Iterable[dict[str, Any]], *, sheet: str = "export") -> bytes:
    """The same table as ``to_csv`` as an XLSX workbook: text neutralised by the shared
    writer's rule (no cell is a formula), numbers stay numbers."""
    from openpyxl import Workbook

    columns, flat = _table(rows)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([cell(name) for name in columns])
    for row in flat:
        ws.append([cell(_cell_value(row.get(k))) for k in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_response(rows: list[dict[str, Any]], *, name: str, fmt: str) -> HttpResponse:
    """``rows`` as a CSV or XLSX attachment (the pages' "download these results")."""
    if fmt not in DOWNLOAD_TYPES:
        raise ApplicationError(UNKNOWN_DOWNLOAD_FORMAT, code="invalid_format")
    if fmt == "csv":  # a BOM so that spreadsheet programs read UTF-8 (Polish letters)
        body: str | bytes = "\ufeff" + to_csv(rows)
    else:
        body = to_xlsx(rows, sheet=name)
    response = HttpResponse(body, content_type=DOWNLOAD_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="highlands-{name}.{fmt}"'
    return response
