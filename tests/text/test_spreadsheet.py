"""The one CSV writer: no cell any common reader makes of a field starts a formula."""

from __future__ import annotations

import csv
import io

import pytest

from highlands.text.spreadsheet import FORMULA_START, csv_text, neutralize

ATTACK = "LubTech;=cmd|' /C calc'!A0;x"
HOSTILE = [
    ATTACK,
    "LubTech,=cmd|' /C calc'!A0,x",
    "LubTech\t=cmd|' /C calc'!A0\tx",
    "LubTech|=cmd|' /C calc'!A0|x",
    "a; -2+3",
    'x,"=1+1"',
    "@SUM(A1:A9)",
    "+48 81 000 00 00",
    "\t=1",
    "\r=1",
    "first line\n=2+2",
    '  =HYPERLINK("http://example.invalid")',
]
SEPARATORS = [",", ";", "\t", "|"]


def _starts_formula(field: str) -> bool:
    stripped = field.lstrip(' "')
    return bool(field) and (field[0] in FORMULA_START or stripped[:1] in FORMULA_START)


@pytest.mark.parametrize("separator", SEPARATORS, ids=["comma", "semicolon", "tab", "pipe"])
def test_no_cell_starts_a_formula_under_any_separator(separator: str) -> None:
    document = csv_text(["name"], [[value] for value in HOSTILE])
    # A reader that honours quotes keeps each field whole ...
    for row in csv.reader(io.StringIO(document), delimiter=separator):
        for field in row:
            assert not _starts_formula(field), (separator, field)
    # ... and one that ignores quotes and splits on the separator still finds no formula.
    for line in document.splitlines():
        for field in line.split(separator):
            assert not _starts_formula(field), (separator, field)


def test_the_reported_bypass_is_closed_under_semicolons() -> None:
    """Issue 12 finding 5: read with ';', the field used to yield exactly ``=cmd|...``."""
    document = csv_text(["cluster"], [[ATTACK]])
    cells = [c for line in document.splitlines() for c in line.split(";")]
    assert "=cmd|' /C calc'!A0" not in cells
    assert "'=cmd|' /C calc'!A0" in cells
    (_header, row) = list(csv.reader(io.StringIO(document)))
    assert row == ["LubTech;'=cmd|' /C calc'!A0;x"]  # read with ',' it is one quoted field


def test_every_field_is_quoted_and_numbers_stay_numbers() -> None:
    document = csv_text(["n", "t", "none"], [[-5, "-5", None], [2.5, "plain", True]])
    assert document.splitlines() == [
        '"n","t","none"',
        '"-5","\'-5",""',
        '"2.5","plain","true"',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text, with commas; and semicolons", "plain text, with commas; and semicolons"),
        ("=1", "'=1"),
        ("a;=1", "a;'=1"),
        ("a; =1", "a; '=1"),
        ('a;"=1', "a;\"'=1"),
        ("a\t=1", "a\t'=1"),
        ("\t\t=1", "'\t'\t'=1"),
        ("steel-based, cold-rolled", "steel-based, cold-rolled"),
    ],
)
def test_neutralize(text: str, expected: str) -> None:
    assert neutralize(text) == expected
