"""Funding calls from a table (CSV or XLSX): a pure parser, no database.

``ingest`` shares funding's layer, so its table parsers cannot be imported here; this one is
small and knows only the call columns. Headers are matched in Polish or English, in any case
and with or without diacritics ("Numer naboru", "call identifier", "Termin", "deadline"…);
each cell is read forgivingly (dates ``2025-03-31``, ``31.03.2025 15:00``; amounts
``1 000 000``, ``1.000.000,00 €``; rates ``85``, ``85 %``, ``0,85``) and a cell that cannot be
read is an error naming its row (as numbered in the file) and its column (as headed there).
Nothing is written here; ``services.calls_import`` checks every row and writes all or none.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..text.folding import fold
from ..text.tables import csv_grid

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_ROWS = 2000

# field → the headers it is known by (folded: lower case, no diacritics)
HEADERS: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "program", "programme name", "nazwa programu"),
    "identifier": (
        "identifier",
        "call identifier",
        "callidentifier",
        "call id",
        "identyfikator",
        "numer naboru",
        "nr naboru",
        "numer konkursu",
    ),
    "title": ("title", "title (en)", "tytul", "tytul (en)", "nazwa naboru", "call title"),
    "title_pl": ("title (pl)", "tytul (pl)", "tytul po polsku", "polish title"),
    "summary": ("summary", "summary (en)", "description", "opis (en)"),
    "summary_pl": ("summary (pl)", "opis", "opis (pl)", "streszczenie"),
    "topics": ("topics", "topic", "tematy", "temat", "obszary", "keywords", "slowa kluczowe"),
    "opens_at": (
        "opens",
        "opens at",
        "opening date",
        "start",
        "start date",
        "data rozpoczecia",
        "poczatek naboru",
        "otwarcie",
    ),
    "closes_at": (
        "closes",
        "closes at",
        "closing date",
        "deadline",
        "deadline date",
        "termin",
        "termin skladania",
        "data zakonczenia",
        "koniec naboru",
        "zamkniecie",
    ),
    "time_zone": ("time zone", "timezone", "strefa czasowa"),
    "budget_eur": ("budget", "budget (eur)", "budget eur", "budzet", "budzet (eur)", "alokacja"),
    "max_grant_eur": (
        "max grant",
        "maximum grant",
        "max grant (eur)",
        "maximum grant (eur)",
        "maksymalne dofinansowanie",
        "maksymalna kwota dofinansowania",
    ),
    "funding_rate": (
        "funding rate",
        "co-financing rate",
        "cofinancing rate",
        "poziom dofinansowania",
        "intensywnosc",
        "intensywnosc wsparcia",
    ),
    "url": ("url", "link", "website", "strona", "adres"),
    "source": ("source", "zrodlo"),
    "rules": ("rules", "eligibility rules", "eligibility", "reguly", "kryteria"),
}
_FIELD_OF = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
REQUIRED = ("programme", "identifier", "title", "closes_at")

NOT_A_TABLE = "The file is neither a CSV nor an XLSX table ({reason})."
TOO_LARGE = "The file is larger than {limit} MB."
NO_HEADER = "No header row: the first row must name the columns ({missing} missing)."
UNKNOWN_HEADER = "Column '{header}' is not a call field."
DUPLICATE_HEADER = "Columns '{first}' and '{second}' both give the {field}."
TOO_MANY_ROWS = "The table has more than {limit} rows."
EMPTY = "The table has no rows of calls."
BAD_DATE = "not a date (write 2025-03-31 or 31.03.2025, a time is optional)"
BAD_AMOUNT = "not a whole amount in euros"
BAD_RATE = "not a percentage between 1 and 100"
BAD_RULES = "not a JSON list of rules"


class TableError(ValueError):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class CellError:
    row: int  # as numbered in the file (a line of a CSV file, a row of a sheet)
    column: str  # the header as written
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column '{self.column}': {self.message}"


@dataclass
class CallRow:
    row: int
    data: dict[str, Any]
    headers: dict[str, str]  # field → the header as written


@dataclass
class CallTable:
    rows: list[CallRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def _grid_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="strict")  # Polish Excel's CSV
    if "\x00" in text:
        raise TableError(NOT_A_TABLE.format(reason="binary content"))
    return csv_grid(text)


def _grid_xlsx(data: bytes) -> list[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise TableError(NOT_A_TABLE.format(reason="the workbook unpacks too large"))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, TableError):
            raise
        raise TableError(NOT_A_TABLE.format(reason=type(exc).__name__)) from exc
    try:
        grid: list[list[Any]] = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            grid.append(list(values))
            if len(grid) > MAX_ROWS + 1:
                raise TableError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
        return grid
    finally:
        workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _date(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59))
    text = str(value).strip()
    match = re.fullmatch(
        r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?", text
    ) or re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?", text)
    if match is None:
        raise ValueError(BAD_DATE)
    parts = match.groups()
    year, month, day = (
        (parts[2], parts[1], parts[0]) if len(parts[0]) <= 2 else (parts[0], parts[1], parts[2])
    )
    hour, minute = (parts[3], parts[4]) if parts[3] is not None else ("23", "59")
    try:
        # Naive on purpose: the call's time zone (Europe/Warsaw by default) is applied later.
        return datetime(int(year), int(month), int(day), int(hour), int(minute))  # noqa: DTZ001
    except ValueError:
        raise ValueError(BAD_DATE) from None


def _amount(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(BAD_AMOUNT)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(BAD_AMOUNT)
        return int(value)
    text = re.sub(r"(?i)\s|\u00a0|€|eur|pln|zł", "", str(value))
    text = re.sub(r"[.,]00$", "", text)
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", text):
        raise ValueError(BAD_AMOUNT)
    return int(re.sub(r"[.,]", "", text))


def _rate(value: Any) -> int:
    """85, "85 %", "85%" → 85; a fraction without a percent sign (0.85, "0,85") → 85."""
    if isinstance(value, bool):
        raise ValueError(BAD_RATE)
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise ValueError(BAD_RATE) from None
    if not percent and 0 < number < 1:
        number *= 100
    rate = round(number)
    if abs(number - rate) > 1e-6 or not 1 <= rate <= 100:
        raise ValueError(BAD_RATE)
    return rate


def _topics(value: Any) -> list[str]:
    return [t.strip() for t in re.split(r"[;,\n]", str(value)) if t.strip()]


def _rules(value: Any) -> Any:
    try:
        rules = json.loads(str(value))
    except ValueError:
        raise ValueError(BAD_RULES) from None
    if not isinstance(rules, list):
        raise ValueError(BAD_RULES)
    return rules


READERS = {
    "opens_at": _date,
    "closes_at": _date,
    "budget_eur": _amount,
    "max_grant_eur": _amount,
    "funding_rate": _rate,
    "topics": _topics,
    "rules": _rules,
}


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(data: bytes, filename: str) -> CallTable:
    """The calls a CSV or XLSX file holds, with every cell error; raises ``TableError`` when
    the file as a whole cannot be read (not a table, too large, no header)."""
    if len(data) > MAX_BYTES:
        raise TableError(TOO_LARGE.format(limit=MAX_BYTES // 2**20))
    is_xlsx = filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    try:
        grid = _grid_xlsx(data) if is_xlsx else _grid_csv(data)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TableError(NOT_A_TABLE.format(reason=type(exc).__name__)) from exc
    # The header is the first row with a cell (an Excel "sep=" line is an empty row).
    start = next((i for i, row in enumerate(grid) if not all(_blank(c) for c in row)), None)
    if start is None:
        raise TableError(EMPTY)
    header_row = start + 1
    header = [_cell_text(h) if not _blank(h) else "" for h in grid[start]]
    table = CallTable()
    columns: dict[int, str] = {}
    written: dict[str, str] = {}
    for index, raw in enumerate(header):
        if not raw:
            continue
        name = _FIELD_OF.get(fold(raw).strip(" :*"))
        if name is None:
            table.errors.append(CellError(header_row, raw, UNKNOWN_HEADER.format(header=raw)))
            continue
        if name in written:
            table.errors.append(
                CellError(
                    header_row,
                    raw,
                    DUPLICATE_HEADER.format(first=written[name], second=raw, field=name),
                )
            )
            continue
        columns[index] = name
        written[name] = raw
    missing = [name for name in REQUIRED if name not in written]
    if missing:
        raise TableError(NO_HEADER.format(missing=", ".join(missing)))
    body = grid[header_row:]
    if len(body) > MAX_ROWS:
        raise TableError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
    for number, cells in enumerate(body, start=header_row + 1):
        if all(_blank(c) for c in cells):
            continue
        data_row: dict[str, Any] = {}
        for index, name in columns.items():
            value = cells[index] if index < len(cells) else None
            if _blank(value):
                continue
            try:
                data_row[name] = READERS[name](value) if name in READERS else _cell_text(value)
            except ValueError as error:
                table.errors.append(CellError(number, written[name], str(error)))
        table.rows.append(CallRow(number, data_row, written))
    if not table.rows and not table.errors:
        raise TableError(EMPTY)
    return table
