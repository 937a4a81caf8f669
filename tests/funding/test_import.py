"""Importing funding calls from CSV and XLSX: Polish and English headers, forgiving cells,
errors that name the row and the column, all rows or none."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from http import HTTPStatus

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from highlands.accounts.services import api_token_create
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.funding import services, table_import
from highlands.funding.models import FundingCall
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db

POLISH_CSV = (
    "Program;Numer naboru;Tytuł;Tytuł (PL);Tematy;Data rozpoczęcia;Termin;Budżet;"
    "Maksymalne dofinansowanie;Poziom dofinansowania;Link\n"
    "Fundusze Europejskie dla Lubelskiego 2021-2027;FELU.01.03-IZ.00-001/25;SME innovation;"
    "Innowacje w MŚP;R&D, Industry 4.0;01.02.2030;31.03.2030 15:00;12 000 000;"
    "1.500.000,00 €;85 %;https://funduszeue.lubelskie.pl/\n"
    "Fundusze Europejskie dla Lubelskiego 2021-2027;FELU.06.03-IZ.00-001/25;Green transition;;"
    "circular economy;;2030-06-30;;;0,7;\n"
).encode("cp1250")


def test_polish_headers_and_forgiving_cells_in_cp1250() -> None:
    table = table_import.parse(POLISH_CSV, "nabory.csv")
    assert table.errors == []
    first, second = (row.data for row in table.rows)
    assert first["identifier"] == "FELU.01.03-IZ.00-001/25"
    assert first["title_pl"] == "Innowacje w MŚP"
    assert first["topics"] == ["R&D", "Industry 4.0"]
    assert first["opens_at"] == datetime(2030, 2, 1, 23, 59)  # noqa: DTZ001
    assert first["closes_at"] == datetime(2030, 3, 31, 15, 0)  # noqa: DTZ001
    assert first["budget_eur"] == 12_000_000
    assert first["max_grant_eur"] == 1_500_000
    assert first["funding_rate"] == 85
    assert second["funding_rate"] == 70
    assert "opens_at" not in second  # an empty cell is not stated


def test_excel_sep_line_names_the_delimiter_and_rows_keep_their_file_numbers() -> None:
    # Excel's "sep=;" line names the delimiter; the rows keep the numbers of their lines.
    data = b"sep=;\n" + POLISH_CSV.replace(b"31.03.2030 15:00", b"31 marca")
    table = table_import.parse(data, "nabory.csv")
    assert [row.row for row in table.rows] == [3, 4]
    assert [(e.row, e.column) for e in table.errors] == [(3, "Termin")]


def test_an_import_creates_then_updates(funding) -> None:
    result = services.calls_import(actor=SYSTEM, data=POLISH_CSV, filename="nabory.csv")
    assert len(result.created) == 2
    assert result.updated == []
    call = FundingCall.objects.get(identifier="FELU.01.03-IZ.00-001/25")
    assert call.topics == ["industry 4.0", "r&d"]
    # "31.03.2030 15:00" is Warsaw time (the call's zone): 13:00 UTC in summer time.
    assert call.closes_at.astimezone(UTC) == datetime(2030, 3, 31, 13, 0, tzinfo=UTC)
    changed = POLISH_CSV.replace(b"12 000 000", b"13 000 000")
    again = services.calls_import(actor=SYSTEM, data=changed, filename="nabory.csv")
    assert (len(again.created), len(again.updated)) == (0, 2)
    call.refresh_from_db()
    assert call.budget_eur == 13_000_000


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_english_headers_and_real_dates(funding) -> None:
    data = _xlsx(
        [
            [
                "Programme",
                "Call identifier",
                "Title",
                "Deadline",
                "Co-financing rate",
                "Budget (EUR)",
            ],
            [
                "Horizon Europe",
                "HORIZON-CL4-2030-TWIN-01",
                "Twin transition",
                datetime(2030, 9, 17),  # noqa: DTZ001 (a cell has no zone)
                0.7,
                5e6,
            ],
        ]
    )
    result = services.calls_import(actor=SYSTEM, data=data, filename="calls.xlsx")
    call = result.created[0]
    assert call.identifier == "HORIZON-CL4-2030-TWIN-01"
    assert call.funding_rate == 70
    assert call.budget_eur == 5_000_000


@pytest.mark.parametrize(
    ("cell", "column", "words"),
    [
        (("Termin", "31.02.2030"), "Termin", "not a date"),
        (("Termin", "soon"), "Termin", "not a date"),
        (("Budżet", "lots"), "Budżet", "not a whole amount"),
        (("Budżet", "12,5"), "Budżet", "not a whole amount"),
        (("Poziom dofinansowania", "150 %"), "Poziom dofinansowania", "between 1 and 100"),
        (("Link", "ftp://x"), "Link", "not a valid web address"),
        (("Tytuł", ""), "Tytuł", "empty; every call needs it"),
        (("Data rozpoczęcia", "01.05.2030"), "Data rozpoczęcia", "open before it closes"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    funding, cell, column, words
) -> None:
    header = ["Program", "Numer naboru", "Tytuł", "Data rozpoczęcia", "Termin", "Budżet",
              "Poziom dofinansowania", "Link"]  # fmt: skip
    good = ["FEL", "A/1", "Good call", "", "30.04.2030", "1000", "80", "https://example.org/"]
    bad = dict(zip(header, good, strict=True)) | {"Numer naboru": "A/2", cell[0]: cell[1]}
    text = "\n".join(";".join(r) for r in [header, good, [bad[h] for h in header]])
    with pytest.raises(ApplicationError) as caught:
        services.calls_import(actor=SYSTEM, data=text.encode(), filename="calls.csv")
    message = caught.value.message
    assert f"row 3, column '{column}'" in message
    assert words in message
    assert "nothing was imported" in message
    assert not FundingCall.objects.exists()


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"Programme,Title\nX,Y\n", "c.csv", "identifier, closes_at missing"),
        (b"PK\x03\x04garbage", "c.xlsx", "neither a CSV nor an XLSX"),
        (b"", "c.csv", "no rows"),
        (b"\x00\x01\x02", "c.csv", "neither a CSV nor an XLSX"),
    ],
)
def test_a_file_that_is_not_a_call_table_is_refused(funding, data, filename, words) -> None:
    with pytest.raises(ApplicationError, match=words):
        services.calls_import(actor=SYSTEM, data=data, filename=filename)


def test_unknown_and_duplicate_columns_and_rows_are_named(funding) -> None:
    text = (
        "Programme,Identifier,Title,Deadline,Termin,Colour\n"
        "P,X-1,T,2030-01-01,2030-01-02,red\n"
        "P,X-1,T again,2030-01-01,,\n"
    )
    with pytest.raises(ApplicationError) as caught:
        services.calls_import(actor=SYSTEM, data=text.encode(), filename="c.csv")
    errors = caught.value.extra["errors"]
    assert "row 1, column 'Colour': Column 'Colour' is not a call field." in errors
    assert any("row 1, column 'Termin'" in e and "both give" in e for e in errors)
    assert any(e.startswith("row 3, column 'Identifier'") and "also in row 2" in e for e in errors)


def test_only_call_keepers_import(funding) -> None:
    with pytest.raises(PermissionDeniedError):
        services.calls_import(
            actor=funding.users["representative"], data=POLISH_CSV, filename="c.csv"
        )


def test_the_api_and_the_cli_import(funding, tmp_path) -> None:
    token = api_token_create(actor=funding.users["city_admin"], name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        "/api/v1/funding/calls/import", {"file": SimpleUploadedFile("c.csv", POLISH_CSV)}
    )
    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["created"]) == 2
    path = tmp_path / "calls.csv"
    path.write_bytes(POLISH_CSV.replace(b"12 000 000", b"oops"))
    with pytest.raises(CommandError, match="row 2, column 'Budżet'"):
        call_command("funding-import", str(path))
    path.write_bytes(POLISH_CSV)
    out = io.StringIO()
    call_command("funding-import", str(path), stdout=out)
    assert "0 created, 2 updated" in out.getvalue()
