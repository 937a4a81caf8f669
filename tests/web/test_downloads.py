"""Directory and search results download as CSV and XLSX, with formula cells neutralised."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from openpyxl import load_workbook

from highlands.ecosystem.models import Organization


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_cluster_directory_downloads_what_the_filters_show(client, seeded):
    response = client.get("/downloads/clusters/", {"q": "metal", "format": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="highlands-clusters.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert [r["name"] for r in rows] == ["Eastern Metal Processing Cluster"]
    assert rows[0]["counts.members"] == "99"  # the same columns as `highlands export`
    assert rows[0]["year_established"] == "2009"
    everything = _csv(client.get("/downloads/clusters/", {"format": "csv"}))
    assert len(everything) == 20


def test_xlsx_keeps_numbers_and_neutralises_formulas(client, seeded):
    Organization.objects.filter(slug="politechnika-lubelska").update(
        name='=HYPERLINK("http://evil.example","Politechnika")'
    )
    response = client.get("/pl/downloads/organizations/", {"format": "xlsx", "q": "HYPERLINK"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","Politechnika")'
    assert sheet.cell(row=2, column=header.index("name") + 1).data_type == "s"  # text, not f
    clusters = load_workbook(
        io.BytesIO(client.get("/downloads/clusters/", {"format": "xlsx"}).content)
    ).active
    column = [c.value for c in clusters[1]].index("year_established")
    years = [r[column].value for r in clusters.iter_rows(min_row=2) if r[column].value]
    assert len(years) > 10
    assert all(isinstance(y, int) for y in years)


def test_csv_neutralises_formulas_too(client, seeded):
    Organization.objects.filter(slug="politechnika-lubelska").update(name="=1+1 Politechnika")
    rows = _csv(client.get("/downloads/organizations/", {"format": "csv", "q": "Politechnika"}))
    assert rows[0]["name"] == "'=1+1 Politechnika"


def test_an_unknown_format_is_refused_in_the_page_language(client, seeded):
    response = client.get("/pl/downloads/clusters/", {"format": "pdf"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Dane można pobrać jako CSV lub XLSX." in response.content.decode()


@pytest.mark.django_db
def test_search_results_download(client, settings, tmp_path, seeded):
    from highlands.search.indexing import rebuild

    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    rebuild()
    page = client.get("/search/", {"q": "hartowanie stali"}).content.decode()
    assert "/search/download/?q=hartowanie+stali&amp;format=csv" in page
    rows = _csv(client.get("/search/download/", {"q": "hartowanie stali", "format": "csv"}))
    assert rows[0]["name"] == "Eastern Metal Processing Cluster"
    assert rows[0]["matches_words"] == "true"
    assert rows[0]["url"].startswith("http://testserver/clusters/")
