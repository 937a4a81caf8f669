"""Parser for tables of clusters or organisations: CSV, XLSX and JSON, Polish or English.

Pure: bytes/text in, a :class:`TableRecord` out; nothing touches the database.  Every problem
is collected with its row and column and raised together as :class:`TableParseError`, so a bad
file is refused whole.  Cells are only ever read as text: a formula (``=SUM(B2:B9)``) is kept
verbatim where text is expected and refused where a number is, never evaluated.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ...text.folding import tokens
from ...text.tables import csv_grid
from ..records import FigureRecord, Span
from ..vocabulary import (
    POLISH_HEADER_WORDS,
    classify_header,
    classify_helix_value,
    header_key,
)

# Messages are constants: tests and callers rely on their wording.
NO_HEADER = (
    "no header row in the first {rows} rows: expected a name column such as "
    "'Nazwa', 'Nazwa klastra', 'Name' or 'Cluster'"
)
EMPTY_TABLE = "the table has a header row but no data rows"
DUPLICATE_FIELD = "columns '{first}' and '{second}' both hold the {field}; keep one"
NOT_A_NUMBER = "row {row}, column {column}: '{value}' is not a whole number"
FORMULA_IN_NUMBER = (
    "row {row}, column {column}: '{value}' is a formula; formulas are never evaluated, "
    "enter the number itself"
)
BRACKETS_NOT_ALLOWED = (
    "row {row}, column {column}: '{value}' has a number in brackets, which only a member "
    "count may have (members with enterprises in brackets)"
)
BAD_YEAR = "row {row}, column {column}: '{value}' is not a year between {low} and {high}"
BAD_DATE = (
    "row {row}, column {column}: '{value}' is not a date (use YYYY, YYYY-MM-DD or DD.MM.YYYY)"
)
MISSING_NAME = "row {row}, column {column}: the name is empty"
DUPLICATE_ROW = "row {row}, column {column}: '{value}' is already named in row {first}"
UNKNOWN_HELIX = (
    "row {row}, column {column}: '{value}' is not a helix role "
    "(use e.g. business/przedsiębiorstwo, BEI/IOB, academia/uczelnia, public authority/"
    "administracja, civil society/NGO)"
)
BAD_WEBSITE = "row {row}, column {column}: '{value}' is not a web address"
TWO_VALUES = (
    "row {row}: the {field} are stated twice with different values: {first} in column "
    "{first_column} and {second} in column {second_column}"
)
EXTRA_CELLS = "row {row}: the value '{value}' in column {column} has no header"
TOO_LONG = "row {row}, column {column}: the text is {length} characters; the limit is {limit}"
NOT_JSON = "not valid JSON: line {line}, column {col}: {reason}"
JSON_SHAPE = (
    "JSON must be a list of objects, or an object with a list under 'clusters', "
    "'organizations' or 'rows'"
)
JSON_ITEM_NOT_OBJECT = "row {row}: expected an object with named fields, got {what}"
JSON_NESTED = "row {row}, column {column}: a nested {what} cannot be a cell; give text or a number"
NOT_XLSX = "not a readable XLSX workbook ({reason})"
UNKNOWN_COLUMN = "column {column} is not recognised; its values were not imported"
UNUSED_COLUMN = "column {column} ({field}) does not apply to a table of {kind}; not imported"
EXTRA_SHEETS = "only the first sheet '{sheet}' was read; sheets {others} were ignored"
TOO_MANY_ROWS = (
    "the table has {count} rows; at most {limit:,} rows are imported from one file "
    "(setting HIGHLANDS_IMPORT_MAX_ROWS)"
)

HEADER_SEARCH_ROWS = 10
MAX_TEXT = 255
MAX_DESCRIPTION = 5000
YEAR_LOW, YEAR_HIGH = 1900, 2100

NAME_FIELDS = ("name", "name_en", "name_pl")
FIGURE_KINDS = {
    "members": "members",
    "enterprises": "enterprises",
    "business_environment_institutions": "business_environment_institutions",
    "universities": "universities",
    "member_clusters": "member_clusters",
}
ORGANIZATION_FIELDS = {"city", "helix_role", "website", "description"}
COMMON_COLUMNS = {*NAME_FIELDS, "row_number", "year", "as_of"}
COLUMNS_OF = {
    "clusters": COMMON_COLUMNS | {"coordinator", "members_enterprises", *FIGURE_KINDS},
    "organizations": COMMON_COLUMNS | ORGANIZATION_FIELDS | {"cluster"},
}
BLANKS = {
    "",
    "-",
    "–",
    "—",
    "n/a",
    "n a",
    "na",
    "nd",
    "n d",
    "b d",
    "bd",
    "brak",
    "?",
    "x",
    "none",
    "null",
}


class TableParseError(ValueError):
    """The table cannot be imported; ``errors`` names every problem with its row and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class TableRow:
    """One data row as the table states it."""

    row: int  # 1-based row of the sheet/CSV (header and preamble rows counted); JSON: item
    names: list[tuple[str, str]]  # (name, language); the first is the row's own name
    coordinator: str | None = None
    year: int | None = None
    figures: list[FigureRecord] = field(default_factory=list)
    as_of: date | None = None
    city: str = ""
    helix_role: str = ""
    org_type: str = ""
    website: str = ""
    description: str = ""
    cluster: str | None = None  # the cluster an organisation belongs to (member lists)

    @property
    def name(self) -> str:
        return self.names[0][0]

    @property
    def language(self) -> str:
        return self.names[0][1]

    def figure(self, kind: str) -> int | None:
        return next((f.value for f in self.figures if f.kind == kind), None)


@dataclass
class TableRecord:
    """A whole table: what kind of rows it holds, its columns and its rows."""

    kind: str  # clusters | organizations
    columns: dict[str, str]  # column label → canonical field
    unknown_columns: list[str]
    rows: list[TableRow]
    as_of: date | None = None  # a date the table states for all its rows (title, metadata)
    warnings: list[str] = field(default_factory=list)
    title: str = ""  # the text of the rows above the header, if any


# -- entry points ---------------------------------------------------------------------------


def parse_csv(text: str, *, max_rows: int | None = None) -> TableRecord:
    """Parse CSV text (comma, semicolon or tab separated; the header may follow title rows).

    With ``max_rows``, a table of more data rows is refused before any row is parsed.
    """
    grid = csv_grid(text)
    return parse_grid(grid, max_rows=max_rows)


def parse_xlsx(data: bytes, *, max_rows: int | None = None) -> TableRecord:
    """Parse the first sheet of an XLSX workbook; formulas are read as their text.

    Check the archive first (``sources.check_workbook``): this reads what the zip holds.  With
    ``max_rows``, reading stops as soon as the sheet is known to hold more data rows.
    """
    import openpyxl  # imported here: only XLSX imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableParseError([NOT_XLSX.format(reason=type(exc).__name__)]) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise TableParseError([NOT_XLSX.format(reason="no sheets")])
        sheet = sheets[0]
        grid: list[list[str]] = []
        filled = 0
        # The header is within the first HEADER_SEARCH_ROWS rows: past this many non-empty
        # rows the sheet has more data rows than allowed, whatever it holds further down.
        stop = None if max_rows is None else max_rows + HEADER_SEARCH_ROWS + 1
        for values in sheet.iter_rows(min_row=1, values_only=True):
            cells = [_xlsx_cell_text(value) for value in values]
            filled += any(cells)
            if stop is not None and filled > stop:
                raise TableParseError(
                    [TOO_MANY_ROWS.format(count=f"more than {max_rows:,}", limit=max_rows)]
                )
            grid.append(cells)
        record = parse_grid(grid, max_rows=max_rows)
        if len(sheets) > 1:
            others = ", ".join(f"'{s.title}'" for s in sheets[1:])
            record.warnings.append(EXTRA_SHEETS.format(sheet=sheet.title, others=others))
        return record
    finally:
        workbook.close()


def parse_json(text: str, *, max_rows: int | None = None) -> TableRecord:
    """Parse a JSON list of objects, or ``{"as_of": ..., "clusters"|"organizations": [...]}``."""
    try:
        payload = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        error = NOT_JSON.format(line=exc.lineno, col=exc.colno, reason=exc.msg)
        raise TableParseError([error]) from exc
    kind_hint: str | None = None
    stated_as_of: str | None = None
    if isinstance(payload, dict):
        stated_as_of = next(
            (str(payload[k]) for k in ("as_of", "stan_na", "date") if payload.get(k)), None
        )
        for key, hint in (
            ("clusters", "clusters"),
            ("klastry", "clusters"),
            ("organizations", "organizations"),
            ("organisations", "organizations"),
            ("organizacje", "organizations"),
            ("members", "organizations"),
            ("rows", None),
            ("data", None),
        ):
            if isinstance(payload.get(key), list):
                payload, kind_hint = payload[key], hint
                break
        else:
            raise TableParseError([JSON_SHAPE])
    if not isinstance(payload, list):
        raise TableParseError([JSON_SHAPE])
    if max_rows is not None and len(payload) > max_rows:
        raise TableParseError([TOO_MANY_ROWS.format(count=f"{len(payload):,}", limit=max_rows)])
    errors: list[str] = []
    headers: list[str] = []
    for item in payload:
        if isinstance(item, dict):
            headers += [str(k) for k in item if str(k) not in headers]
    grid: list[list[str]] = [headers]
    for number, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            errors.append(JSON_ITEM_NOT_OBJECT.format(row=number, what=type(item).__name__))
            grid.append([""] * len(headers))
            continue
        cells = []
        for header in headers:
            value = item.get(header)
            if isinstance(value, dict | list):
                what = "object" if isinstance(value, dict) else "list"
                errors.append(JSON_NESTED.format(row=number, column=f"'{header}'", what=what))
                value = None
            cells.append(_json_cell_text(value))
        grid.append(cells)
    if errors:
        raise TableParseError(errors)
    # JSON rows are numbered by their item (the header "row" is synthetic, hence -1).
    record = parse_grid(grid, row_offset=-1, kind_hint=kind_hint, letters=False, max_rows=max_rows)
    if stated_as_of and record.as_of is None:
        parsed = parse_date(stated_as_of)
        if parsed is None:
            raise TableParseError([BAD_DATE.format(row="-", column="'as_of'", value=stated_as_of)])
        record.as_of = parsed
    return record


# -- the grid: header detection, columns, rows ----------------------------------------------


def parse_grid(
    grid: list[list[str]],
    *,
    row_offset: int = 0,
    kind_hint: str | None = None,
    letters: bool = True,
    max_rows: int | None = None,
) -> TableRecord:
    """Find the header row, map columns to fields and parse every data row."""
    header_index = _find_header([[clean_cell(c) for c in row] for row in grid[:HEADER_SEARCH_ROWS]])
    if header_index is None:
        raise TableParseError([NO_HEADER.format(rows=HEADER_SEARCH_ROWS)])
    if max_rows is not None:
        count = sum(1 for row in grid[header_index + 1 :] if any(c.strip() for c in row))
        if count > max_rows:
            raise TableParseError([TOO_MANY_ROWS.format(count=f"{count:,}", limit=max_rows)])
    grid = [[clean_cell(c) for c in row] for row in grid]
    preamble, header = grid[:header_index], grid[header_index]
    body = grid[header_index + 1 :]
    width = max([len(header), *(len(r) for r in body)], default=0)
    while header and not header[-1]:
        header = header[:-1]
    header_width = len(header)  # cells right of the last header have no column
    header = header + [""] * (width - len(header))

    def label(index: int) -> str:
        text = header[index] or "(no header)"
        return f"'{text}' ({_column_letter(index)})" if letters else f"'{text}'"

    errors: list[str] = []
    fields: dict[int, str] = {}
    unknown: list[str] = []
    first_of: dict[str, int] = {}
    for index, text in enumerate(header[:header_width]):
        column_has_data = any(index < len(r) and r[index] for r in body)
        if not text:
            if column_has_data:
                unknown.append(label(index))
            continue
        canonical = classify_header(text)
        if canonical is None:
            unknown.append(label(index))
            continue
        if canonical in first_of and canonical != "row_number":
            errors.append(
                DUPLICATE_FIELD.format(
                    first=header[first_of[canonical]], second=text, field=canonical
                )
            )
            continue
        first_of[canonical] = index
        fields[index] = canonical
    if errors:
        raise TableParseError(errors)

    present = set(fields.values())
    # "Klaster" names the row itself in a table of clusters, the parent in a member list.
    if "cluster" in present and not present & set(NAME_FIELDS):
        fields = {i: ("name" if f == "cluster" else f) for i, f in fields.items()}
        present = set(fields.values())
    kind = kind_hint or _table_kind(present, [header[i] for i, f in fields.items() if f == "name"])
    unused: list[str] = []
    for index, table_field in list(fields.items()):
        if table_field not in COLUMNS_OF[kind]:
            del fields[index]
            unused.append(UNUSED_COLUMN.format(column=label(index), field=table_field, kind=kind))
    header_language = (
        "pl" if POLISH_HEADER_WORDS.search(" ".join(header_key(h) for h in header)) else "en"
    )
    table_as_of = _preamble_date(preamble)

    rows: list[TableRow] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(body, start=header_index + 2):
        number = offset + row_offset
        cells = cells + [""] * (width - len(cells))
        if not any(cells):
            continue
        row_errors: list[str] = []
        for index, value in enumerate(cells):
            if value and index >= header_width:
                row_errors.append(EXTRA_CELLS.format(row=number, value=value, column=label(index)))
        row = _parse_row(number, cells, fields, label, header_language, row_errors)
        if row is not None and not row_errors:
            key = header_key(row.name) + "\x1f" + (row.cluster or "")
            if key in seen:
                name_index = next(i for i, f in fields.items() if f in (*NAME_FIELDS,))
                row_errors.append(
                    DUPLICATE_ROW.format(
                        row=number, column=label(name_index), value=row.name, first=seen[key]
                    )
                )
            seen.setdefault(key, number)
            rows.append(row)
        errors += row_errors
    if errors:
        raise TableParseError(errors)
    if not rows:
        raise TableParseError([EMPTY_TABLE])
    columns = {header[i]: f for i, f in sorted(fields.items())}
    warnings = [UNKNOWN_COLUMN.format(column=c) for c in unknown] + unused
    return TableRecord(
        kind=kind,
        columns=columns,
        unknown_columns=unknown,
        rows=rows,
        as_of=table_as_of,
        warnings=warnings,
        title=_title(preamble),
    )


_ORGANIZATION_NAME_HEADER = re.compile(
    r"\b(?:organi[sz]ation|organizacj\w*|company|firm\w*|podmiot\w*|member|czlon\w*|instytucj\w*)\b"
)


def _table_kind(present: set[str], name_headers: list[str]) -> str:
    """'organizations' for a member list, else 'clusters' (by the columns the table has)."""
    if "cluster" in present:  # the cluster each organisation belongs to
        return "organizations"
    if "coordinator" in present or _has_figures(present):
        return "clusters"
    if present & ORGANIZATION_FIELDS:
        return "organizations"
    if any(_ORGANIZATION_NAME_HEADER.search(header_key(h)) for h in name_headers):
        return "organizations"
    return "clusters"


def _title(preamble: list[list[str]]) -> str:
    """The text above the header (an Excel 'sep=' line is not a title)."""
    cells = [c for row in preamble for c in row if c and not c.startswith("sep=")]
    return " ".join(cells)[:MAX_TEXT]


def _has_figures(present: set[str]) -> bool:
    return bool(present & (set(FIGURE_KINDS) | {"members_enterprises"}))


def _find_header(grid: list[list[str]]) -> int | None:
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found = [classify_header(c) for c in row if c]
        # A name column makes a header; a lone "Klaster" cell may be a title, not a header.
        names = [f for f in found if f in NAME_FIELDS]
        if names or ("cluster" in found and len([f for f in found if f]) >= 2):
            return index
    return None


def _parse_row(
    number: int,
    cells: list[str],
    fields: dict[int, str],
    label: Any,
    header_language: str,
    errors: list[str],
) -> TableRow | None:
    values = {f: (cells[i], i) for i, f in fields.items()}
    names: list[tuple[str, str]] = []
    for name_field in NAME_FIELDS:
        if name_field in values and not is_blank(values[name_field][0]):
            text, index = values[name_field]
            if len(text) > MAX_TEXT:
                errors.append(
                    TOO_LONG.format(
                        row=number, column=label(index), length=len(text), limit=MAX_TEXT
                    )
                )
                continue
            language = {"name_en": "en", "name_pl": "pl"}.get(name_field) or name_language(
                text, header_language
            )
            names.append((text, language))
    if not names:
        index = next(i for i, f in fields.items() if f in NAME_FIELDS)
        errors.append(MISSING_NAME.format(row=number, column=label(index)))
        return None
    row = TableRow(row=number, names=names)
    span = Span.line(number)
    stated: dict[str, tuple[int, str]] = {}  # figure kind → (value, column label)

    def state(kind: str, value: int, raw: str, index: int) -> None:
        if kind in stated and stated[kind][0] != value:
            errors.append(
                TWO_VALUES.format(
                    row=number,
                    field=kind.replace("_", " "),
                    first=stated[kind][0],
                    first_column=stated[kind][1],
                    second=value,
                    second_column=label(index),
                )
            )
            return
        if kind not in stated:
            stated[kind] = (value, label(index))
            row.figures.append(FigureRecord(kind=kind, value=value, span=span, raw=raw[:MAX_TEXT]))

    for table_field, (text, index) in values.items():
        if not text:
            continue
        if table_field in ("members", "members_enterprises") or table_field in FIGURE_KINDS:
            try:
                count = parse_count(
                    text, allow_breakdown=table_field in ("members", "members_enterprises")
                )
            except CellError as exc:
                errors.append(exc.message.format(row=number, column=label(index), value=text))
                continue
            if count is None:
                continue
            kind = FIGURE_KINDS.get(table_field, "members")
            if count.unit == "clusters":
                kind = "member_clusters"
            state(kind, count.value, text, index)
            if count.in_brackets is not None:
                state("enterprises", count.in_brackets, text, index)
        elif table_field == "year":
            year = parse_year(text)
            if year is None and not is_blank(text):
                errors.append(
                    BAD_YEAR.format(
                        row=number, column=label(index), value=text, low=YEAR_LOW, high=YEAR_HIGH
                    )
                )
            row.year = year
        elif table_field == "as_of":
            row.as_of = parse_date(text)
            if row.as_of is None and not is_blank(text):
                errors.append(BAD_DATE.format(row=number, column=label(index), value=text))
        elif table_field == "helix_role":
            if is_blank(text):
                continue
            helix = classify_helix_value(text)
            if helix is None:
                errors.append(UNKNOWN_HELIX.format(row=number, column=label(index), value=text))
            else:
                row.helix_role, row.org_type = helix
        elif table_field == "website":
            if is_blank(text):
                continue
            url = parse_website(text)
            if url is None:
                errors.append(BAD_WEBSITE.format(row=number, column=label(index), value=text))
            else:
                row.website = url
        elif table_field in ("coordinator", "city", "cluster", "description"):
            limit = MAX_DESCRIPTION if table_field == "description" else MAX_TEXT
            if len(text) > limit:
                errors.append(
                    TOO_LONG.format(row=number, column=label(index), length=len(text), limit=limit)
                )
                continue
            if is_blank(text):
                continue
            if table_field == "coordinator":
                row.coordinator = text
            elif table_field == "cluster":
                row.cluster = text
            else:
                setattr(row, table_field, text)
    return row


# -- cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is a template with row/column/value slots."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Count:
    value: int
    in_brackets: int | None = None  # '63 (47)': enterprises among the members
    unit: str = ""  # '' | 'clusters' ('5 klastrów': the members are clusters)


_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f\u2009.,']\d{3})+|\d+"
_COUNT = re.compile(
    rf"^(?P<n>{_NUMBER})\s*(?:\(\s*(?:w tym|incl\.?|including|of which)?\s*(?P<sub>{_NUMBER})"
    rf"(?:\s*[a-ząćęłńóśźż.]+)?\s*\))?\s*(?P<unit>[^\d()]*)$",
    re.IGNORECASE,
)
_CLUSTER_UNIT = re.compile(r"^(?:klast(?:er|ra|ry|row|rów)|clusters?)$", re.IGNORECASE)
_MEMBER_UNIT = re.compile(
    r"^(?:czlonk\w*|członk\w*|members?|podmiot\w*|organizacj\w*|organi[sz]ations?|"
    r"entities|firm\w*|przedsiębiorstw\w*|przedsiebiorstw\w*)$",
    re.IGNORECASE,
)
FORMULA_START = ("=", "+", "@")


_LONGEST_BLANK = max(len(b) for b in BLANKS)
_LETTERS_OR_DIGITS = re.compile(r"[^\W_]")


def is_blank(text: str) -> bool:
    # More letters and digits than the longest blank word: text, whatever else it holds.
    if (
        len(text) > _LONGEST_BLANK
        and len(_LETTERS_OR_DIGITS.findall(text, 0, 64)) > 2 * _LONGEST_BLANK
    ):
        return False
    return header_key(text) in BLANKS or text.strip() in BLANKS


def parse_count(text: str, *, allow_breakdown: bool = True) -> Count | None:
    """Read a count cell: '1 234', '63 (47)', '5 klastrów'; None when blank.

    Raises :class:`CellError` (a message template) when the cell is not a count.
    """
    text = clean_cell(text)
    if is_blank(text):
        return None
    if text.startswith(FORMULA_START) or (text.startswith("-") and len(text) > 1):
        if text.startswith(("=", "@", "+")):
            raise CellError(FORMULA_IN_NUMBER)
        raise CellError(NOT_A_NUMBER)
    match = _COUNT.match(text)
    if match is None:
        raise CellError(NOT_A_NUMBER)
    unit = match["unit"].strip().rstrip(".")
    if unit and _CLUSTER_UNIT.match(unit):
        unit = "clusters"
    elif unit and _MEMBER_UNIT.match(unit):
        unit = ""
    elif unit:
        raise CellError(NOT_A_NUMBER)
    if match["sub"] is not None and not allow_breakdown:
        raise CellError(BRACKETS_NOT_ALLOWED)
    sub = _to_int(match["sub"]) if match["sub"] is not None else None
    return Count(value=_to_int(match["n"]), in_brackets=sub, unit=unit)


def _to_int(number: str) -> int:
    return int(re.sub(r"[^\d]", "", number))


def parse_year(text: str) -> int | None:
    """'2009', '2009 r.', '2009-05-12' → 2009; None when blank or not a plausible year."""
    text = clean_cell(text)
    match = re.fullmatch(r"(\d{4})(?:\s*r\.?|-\d{2}-\d{2}(?:[ T][\d:.]+)?)?", text)
    if match is None:
        return None
    year = int(match[1])
    return year if YEAR_LOW <= year <= YEAR_HIGH else None


def parse_date(text: str) -> date | None:
    """'2019' (→ 1 January), '2019-06', '2019-06-30', '30.06.2019', '30/06/2019'; else None."""
    text = clean_cell(text).rstrip(".").removesuffix(" r").strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date(int(text[:4]), int(text[5:]), 1)
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T][\d:.]+)?", text)
        if match:
            return date.fromisoformat(match[1])
        match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


_PREAMBLE_DATE = re.compile(
    r"(?:stan na|wg stanu na|według stanu na|as of|as at|data|dane na|dane z|date)\s*:?\s*"
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}|\d{4})",
    re.IGNORECASE,
)


def _preamble_date(preamble: list[list[str]]) -> date | None:
    """A date the rows above the header state ('Stan na 31.12.2019', 'As of 2019')."""
    for row in preamble:
        text = " ".join(c for c in row if c)
        match = _PREAMBLE_DATE.search(text)
        if match:
            return parse_date(match[1])
    for row in preamble:
        years = re.findall(r"(?<![\d.-])(?:19|20)\d{2}(?![\d.-])", " ".join(row))
        if len(years) == 1:
            return date(int(years[0]), 1, 1)
    return None


_URL = URLValidator(schemes=["http", "https"])


_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def parse_website(text: str) -> str | None:
    """A web address; 'www.example.pl' gains 'https://'.  None when not an address."""
    url = text.strip()
    if not _SCHEME.match(url):
        url = "https://" + url
    try:
        _URL(url)
    except ValidationError:
        return None
    return url


def clean_cell(value: str) -> str:
    """Collapse whitespace (incl. no-break spaces); the text is otherwise kept as stated."""
    return re.sub(r"\s+", " ", value).strip() if value else ""


_POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
_POLISH_WORDS = {
    "klaster",
    "klastra",
    "klastrow",
    "stowarzyszenie",
    "fundacja",
    "lubelski",
    "lubelska",
    "lubelskie",
    "wschodni",
    "wschodnia",
    "polski",
    "polska",
    "spolka",
    "uniwersytet",
    "politechnika",
    "w",
    "i",
    "oraz",
    "dla",
    "na",
}
_ENGLISH_WORDS = {
    "cluster",
    "association",
    "foundation",
    "of",
    "the",
    "and",
    "in",
    "for",
    "university",
    "eastern",
    "polish",
    "ltd",
}


def name_language(name: str, default: str) -> str:
    """'pl' or 'en' by the name's own words and letters; ``default`` (the headers') if unsure."""
    words = tokens(name)
    polish = sum(w in _POLISH_WORDS for w in words) + (2 if _POLISH_LETTERS.search(name) else 0)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if polish > english:
        return "pl"
    if english > polish:
        return "en"
    return default


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "text"):  # openpyxl ArrayFormula / DataTableFormula: keep the formula text
        return str(value.text)
    return str(value)


def _json_cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
