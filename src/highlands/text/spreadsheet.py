"""Every CSV the platform writes (the CLI now, web downloads later) goes through this writer.

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
