"""The pure table parser: headers in Polish and English, delimiters, encodings, cells."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from highlands.ingest.parsers import tables
from highlands.ingest.parsers.tables import (
    CellError,
    Count,
    TableParseError,
    parse_count,
    parse_csv,
    parse_json,
    parse_xlsx,
)
from highlands.text.tables import sniff_delimiter

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str, encoding: str = "utf-8") -> str:
    return (FIXTURES / name).read_bytes().decode(encoding)


def _figures(row: tables.TableRow) -> dict[str, int]:
    return {f.kind: f.value for f in row.figures}


def test_polish_headers_semicolons_cp1250_and_a_dated_title_row():
    raw = (FIXTURES / "city_2019_pl_cp1250.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is Windows-1250
    table = parse_csv(raw.decode("cp1250"))
    assert table.kind == "clusters"
    assert table.columns == {
        "Lp.": "row_number",
        "Nazwa klastra": "name",
        "Koordynator": "coordinator",
        "Rok powstania": "year",
        "Liczba członków": "members",
        "w tym przedsiębiorstw": "enterprises",
    }
    assert table.as_of == date(2019, 12, 31)
    assert table.unknown_columns == ["'Uwagi' (G)"]
    assert table.warnings == [tables.UNKNOWN_COLUMN.format(column="'Uwagi' (G)")]
    first = table.rows[0]
    assert (first.row, first.name, first.language) == (3, "Wschodni Klaster Obróbki Metali", "pl")
    assert first.coordinator == "Wojewódzki Klub Techniki i Racjonalizacji"
    assert first.year == 2009
    assert _figures(first) == {"members": 65, "enterprises": 58}
    tourism = table.rows[3]
    assert _figures(tourism) == {"members": 1020}  # '1 020', and a blank enterprises cell


def test_english_headers_commas_utf8_bom_and_combined_cells():
    text = _read("clusters_en_utf8_bom.csv")
    assert text.startswith("\ufeff")
    table = parse_csv(text)
    assert table.columns["Cluster name"] == "name"
    assert table.columns["Members (of which enterprises)"] == "members_enterprises"
    assert table.columns["Year of establishment"] == "year"
    assert table.unknown_columns == ["'Contact e-mail' (G)"]
    by_name = {r.name: r for r in table.rows}
    assert _figures(by_name["Cluster of Hotels and Restaurants"]) == {
        "members": 63,
        "enterprises": 47,
    }
    assert _figures(by_name["Eastern ICT Cluster"]) == {
        "members": 174,
        "enterprises": 158,
        "universities": 2,
    }
    assert _figures(by_name["Lublin Video Games Cluster"]) == {"members": 1250, "universities": 0}
    # '5 clusters' counts member clusters, not organisations: no member figure at all.
    assert _figures(by_name["Lubelskie Cluster Network"]) == {"member_clusters": 5}
    assert all(r.language == "en" for r in table.rows)


def test_polish_utf8_semicolons_and_polish_combined_cells():
    table = parse_csv(_read("clusters_pl_utf8.csv"))
    assert table.columns["Liczba członków (w tym przedsiębiorstw)"] == "members_enterprises"
    rows = {r.name: r for r in table.rows}
    assert _figures(rows["Klaster Hoteli i Restauracji"]) == {"members": 63, "enterprises": 47}
    assert _figures(rows["Klaster Klastrów Lubelszczyzny"]) == {"member_clusters": 5}
    assert rows["Klaster Hoteli i Restauracji"].language == "pl"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("63 (47)", Count(63, 47)),
        ("63 (w tym 47 firm)", Count(63, 47)),
        ("5 klastrów", Count(5, unit="clusters")),
        ("5 clusters", Count(5, unit="clusters")),
        ("1 234", Count(1234)),
        ("1\u00a0234", Count(1234)),
        ("1.234", Count(1234)),
        ("1,234", Count(1234)),
        ("  12 ", Count(12)),
        ("12 członków", Count(12)),
        ("0", Count(0)),
        ("", None),
        ("-", None),
        ("brak", None),
        ("n/a", None),
    ],
)
def test_count_cells(cell, expected):
    assert parse_count(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("=SUM(B2:B9)", tables.FORMULA_IN_NUMBER),
        ("+48 81 000", tables.FORMULA_IN_NUMBER),
        ("@A1", tables.FORMULA_IN_NUMBER),
        ("-5", tables.NOT_A_NUMBER),
        ("1,5", tables.NOT_A_NUMBER),
        ("ok. 60", tables.NOT_A_NUMBER),
        ("dużo", tables.NOT_A_NUMBER),
        ("12 ton", tables.NOT_A_NUMBER),
    ],
)
def test_cells_that_are_not_counts(cell, message):
    with pytest.raises(CellError) as info:
        parse_count(cell)
    assert info.value.message == message


def test_brackets_only_in_member_counts():
    with pytest.raises(CellError) as info:
        parse_count("47 (3)", allow_breakdown=False)
    assert info.value.message == tables.BRACKETS_NOT_ALLOWED


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a;b;c\n1;2,5;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a\tb\n1\t2\n", "\t")],
)
def test_delimiter_sniffing(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_bad_cells_are_all_named_with_row_and_column():
    with pytest.raises(TableParseError) as info:
        parse_csv(_read("bad_cells.csv"))
    assert info.value.errors == [
        tables.FORMULA_IN_NUMBER.format(row=2, column="'Liczba członków' (B)", value="=SUM(B3:B9)"),
        tables.MISSING_NAME.format(row=3, column="'Nazwa' (A)"),
        tables.NOT_A_NUMBER.format(row=4, column="'Liczba członków' (B)", value="dużo"),
        tables.BAD_YEAR.format(
            row=4, column="'Rok utworzenia' (C)", value="20O9", low=1900, high=2100
        ),
        tables.TWO_VALUES.format(
            row=5,
            field="enterprises",
            first=47,
            first_column="'Liczba członków' (B)",
            second=50,
            second_column="'w tym przedsiębiorstw' (D)",
        ),
    ]


def test_no_header_and_empty_table():
    with pytest.raises(TableParseError) as info:
        parse_csv("foo;bar\n1;2\n")
    assert info.value.errors == [tables.NO_HEADER.format(rows=tables.HEADER_SEARCH_ROWS)]
    with pytest.raises(TableParseError) as info:
        parse_csv("Nazwa;Rok utworzenia\n;\n")
    assert info.value.errors == [tables.EMPTY_TABLE]


def test_duplicate_columns_and_rows_are_refused():
    with pytest.raises(TableParseError) as info:
        parse_csv("Name;Nazwa;Year\nA;B;2000\n")
    assert info.value.errors == [
        tables.DUPLICATE_FIELD.format(first="Name", second="Nazwa", field="name")
    ]
    with pytest.raises(TableParseError) as info:
        parse_csv("Name;Year\nESTA Cluster;2024\nesta  cluster;2024\n")
    assert info.value.errors == [
        tables.DUPLICATE_ROW.format(row=3, column="'Name' (A)", value="esta cluster", first=2)
    ]


def test_cells_beyond_the_header_are_an_error():
    with pytest.raises(TableParseError) as info:
        parse_csv("Name,Year\nESTA Cluster,2024,surprise\n")
    assert info.value.errors == [
        tables.EXTRA_CELLS.format(row=2, value="surprise", column="'(no header)' (C)")
    ]


def _xlsx(rows: list[list[object]], *, extra_sheet: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Członkowie"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notatki").append(["cokolwiek"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_member_list_with_formulas_kept_as_text():
    data = _xlsx(
        [
            ["Lista członków klastrów", None, None, None, None, None],
            ["Nazwa", "Miasto", "Typ", "Strona www", "Opis", "Klaster"],
            [
                "Politechnika Lubelska",
                "Lublin",
                "uczelnia",
                "www.pollub.pl",
                '=HYPERLINK("http://evil.example","kliknij")',
                "Klaster Wyżyna Przemysłowa",
            ],
            ["Nowa Firma IT sp. z o.o.", "Świdnik", "przedsiębiorstwo", None, "Software", None],
        ],
        extra_sheet=True,
    )
    table = parse_xlsx(data)
    assert table.kind == "organizations"
    assert table.columns["Klaster"] == "cluster"
    assert table.warnings == [tables.EXTRA_SHEETS.format(sheet="Członkowie", others="'Notatki'")]
    pollub, firm = table.rows
    assert pollub.row == 3
    assert (pollub.helix_role, pollub.website) == ("academia", "https://www.pollub.pl")
    assert pollub.description == '=HYPERLINK("http://evil.example","kliknij")'
    assert pollub.cluster == "Klaster Wyżyna Przemysłowa"
    assert (firm.helix_role, firm.org_type, firm.city) == ("business", "company", "Świdnik")


def test_xlsx_numbers_dates_and_formula_in_a_number_column():
    table = parse_xlsx(
        _xlsx(
            [
                ["Name", "Number of members", "Year of establishment", "As of"],
                [
                    "Eastern ICT Cluster",
                    174,
                    2007.0,
                    date(2020, 3, 31),  # openpyxl reads it back as a datetime
                ],
            ]
        )
    )
    (row,) = table.rows
    assert (row.figure("members"), row.year, row.as_of) == (174, 2007, date(2020, 3, 31))
    with pytest.raises(TableParseError) as info:
        parse_xlsx(_xlsx([["Name", "Number of members"], ["ESTA Cluster", "=10*3"]]))
    assert info.value.errors == [
        tables.FORMULA_IN_NUMBER.format(row=2, column="'Number of members' (B)", value="=10*3")
    ]


def test_xlsx_that_is_not_a_workbook():
    with pytest.raises(TableParseError) as info:
        parse_xlsx(b"PK\x03\x04 definitely not a workbook")
    assert info.value.errors == [tables.NOT_XLSX.format(reason="BadZipFile")]


def test_json_with_a_stated_date():
    table = parse_json(_read("clusters_2021.json"))
    assert table.kind == "clusters"
    assert table.as_of == date(2021, 6, 30)
    rows = {r.name: r for r in table.rows}
    assert _figures(rows["Wschodni Klaster Obróbki Metali"]) == {"members": 80, "enterprises": 74}
    assert _figures(rows["Klaster Hoteli i Restauracji"]) == {"members": 60, "enterprises": 45}
    assert _figures(rows["Lubelski Klaster Kreatywny"]) == {}
    assert rows["Lubelski Klaster Kreatywny"].row == 3


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "{",
            tables.NOT_JSON.format(
                line=1, col=2, reason="Expecting property name enclosed in double quotes"
            ),
        ),
        ('{"foo": 1}', tables.JSON_SHAPE),
        ('[{"name": "A"}, 3]', tables.JSON_ITEM_NOT_OBJECT.format(row=2, what="int")),
        (
            '[{"name": {"en": "A"}}]',
            tables.JSON_NESTED.format(row=1, column="'name'", what="object"),
        ),
    ],
)
def test_bad_json(text, error):
    with pytest.raises(TableParseError) as info:
        parse_json(text)
    assert info.value.errors == [error]


def test_cluster_column_is_the_name_in_a_table_of_clusters():
    table = parse_csv("Klaster;Liczba członków\nKlaster ESTA;30\n")
    assert table.kind == "clusters"
    assert table.rows[0].name == "Klaster ESTA"


def test_columns_that_do_not_apply_are_reported():
    table = parse_csv("Name;Members;Website\nESTA Cluster;30;www.esta.example\n")
    assert table.kind == "clusters"
    assert table.warnings == [
        tables.UNUSED_COLUMN.format(column="'Website' (C)", field="website", kind="clusters")
    ]


def test_two_name_columns_give_both_languages():
    table = parse_csv(
        "Name (EN);Nazwa (PL)\nEastern Metal Processing Cluster;Wschodni Klaster Obróbki Metali\n"
    )
    assert table.rows[0].names == [
        ("Eastern Metal Processing Cluster", "en"),
        ("Wschodni Klaster Obróbki Metali", "pl"),
    ]


def test_unknown_helix_role_and_bad_website():
    with pytest.raises(TableParseError) as info:
        parse_csv("Nazwa;Typ;WWW\nFirma;kosmici;nie mam\n")
    assert info.value.errors == [
        tables.UNKNOWN_HELIX.format(row=2, column="'Typ' (B)", value="kosmici"),
        tables.BAD_WEBSITE.format(row=2, column="'WWW' (C)", value="nie mam"),
    ]


def test_labelled_fixture_is_well_formed():
    labels = json.loads(_read("reconcile_labels.json"))
    table = parse_csv(_read("reconcile_labelled.csv"))
    assert [r.name for r in table.rows] == [r["name"] for r in labels["rows"]]
    assert len(table.rows) >= 15


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nazwa klastra;Koordynator;Opis\nKlaster ESTA;ESTA;IT\n", "clusters"),
        ("Nazwa organizacji;Rok założenia\nFirma X;2001\n", "organizations"),
        ("Name;City\nFirm X;Lublin\n", "organizations"),
        ("Name;Year\nESTA Cluster;2024\n", "clusters"),
        ("Nazwa\nKlaster ESTA\n", "clusters"),
    ],
)
def test_table_kind_from_its_columns(text, kind):
    assert parse_csv(text).kind == kind


def test_a_dash_is_no_name():
    with pytest.raises(TableParseError) as info:
        parse_csv("Nazwa;Liczba członków\n-;5\n")
    assert info.value.errors == [tables.MISSING_NAME.format(row=2, column="'Nazwa' (A)")]


def test_excel_sep_line_names_the_delimiter():
    table = parse_csv("sep=;\nNazwa;Opis\nKlaster ESTA;IT, software, usługi\n")
    assert table.rows[0].name == "Klaster ESTA"
    assert table.rows[0].row == 3  # the sep line is a line of the file
    assert table.title == ""
