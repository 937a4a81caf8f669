"""The API endpoint, the portal page and the CLI over the same search."""

from __future__ import annotations

import json
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_search_returns_documented_shape(client, shared_index):
    response = client.get("/api/v1/search", {"q": "Swidnik helicopters", "type": "cluster"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["query"] == "Swidnik helicopters"
    assert body["results"][0]["name"] == "Lublin Cluster of Advanced Aviation Technologies"
    assert set(body["results"][0]) >= {"type", "id", "name", "score", "why", "url"}
    assert body["facets"]["type"]


def test_api_filters_and_errors(client, shared_index):
    response = client.get(
        "/api/v1/search", {"q": "foundation", "type": "organization", "helix_role": "bei"}
    )
    assert response.status_code == HTTPStatus.OK
    assert {r["type"] for r in response.json()["results"]} == {"organization"}
    # A blank query breaks the documented schema (q needs a non-space character): 422.
    empty = client.get("/api/v1/search", {"q": " "})
    assert empty.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert empty.json()["code"] == "validation_error"
    years = client.get("/api/v1/search", {"q": "x", "year_min": 2020, "year_max": 2000})
    assert years.status_code == HTTPStatus.BAD_REQUEST


def test_openapi_documents_search(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert operation["operationId"] == "search"
    assert {"200", "400"} <= set(operation["responses"])
    params = {p["name"] for p in operation["parameters"]}
    assert {"q", "type", "limit", "highland", "helix_role", "year_min", "size_max"} <= params
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_search_page_and_htmx_partial(client, shared_index):
    page = client.get(reverse("search:search"), {"q": "światłowody"})
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Photonics and Optical Fiber Cluster" in html
    assert "django_htmx/htmx-2.min.js" in html
    assert "<html" in html
    partial = client.get(reverse("search:search"), {"q": "światłowody"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "Photonics and Optical Fiber Cluster" in body
    assert "<html" not in body


def test_cli_prints_one_json_object_per_query(shared_index):
    out = StringIO()
    call_command(
        "search",
        "Swidnik helicopters",
        "hartowanie stali",
        "--type",
        "cluster",
        "--limit",
        "2",
        "--json",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["query"] for line in lines] == ["Swidnik helicopters", "hartowanie stali"]
    for line in lines:
        assert set(line) == {"query", "took_ms", "results"}
        assert len(line["results"]) <= 2
        assert set(line["results"][0]) == {"type", "id", "name", "score", "why"}
    assert lines[1]["results"][0]["name"] == "Eastern Metal Processing Cluster"


def test_index_command_rebuild_and_status(seeded):
    out, err = StringIO(), StringIO()
    call_command("search-index", "rebuild", stdout=out, stderr=err)
    assert "Rebuilt the search index" in out.getvalue()
    assert "records" in err.getvalue()
    status = StringIO()
    call_command("search-index", "status", stdout=status)
    assert "pending: 0" in status.getvalue()


def test_every_search_command_and_setting_is_documented():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs/search.md").read_text()
    commands = Path(__file__).resolve().parents[2] / "src/highlands/search/management/commands"
    for module in commands.glob("*.py"):
        if module.stem != "__init__":
            assert f"highlands {module.stem}" in docs, module.stem
    for setting in (
        "HIGHLANDS_SEARCH_DIR",
        "HIGHLANDS_SEARCH_SYNC",
        "HIGHLANDS_SEARCH_ENCODER_THREADS",
        "HIGHLANDS_SEARCH_PRELOAD",
    ):
        assert setting in docs, setting


def test_polish_search_page_explains_matches_in_polish(client, shared_index):
    page = client.get("/pl" + reverse("search:search"), {"q": "hartowanie stali"})
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "słowa: " in html
    assert "keyword: " not in html
    api = client.get("/api/v1/search", {"q": "hartowanie stali"}).json()
    assert api["results"][0]["why"][0].startswith("keyword: ")  # the API stays English


def test_search_page_reports_an_inverted_year_range_and_keeps_the_other_filters(
    client, shared_index
):
    page = client.get(
        "/pl" + reverse("search:search"),
        {"q": "metal", "year_min": "2020", "year_max": "2000", "helix_role": "academia"},
    )
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "jest późniejszy niż rok" in html
    assert '<option value="academia" selected>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"cluster": "99999999999999999999"},
        {"cluster": "0"},
        {"year_min": "-9223372036854775809"},
        {"year_max": "9223372036854775808"},
        {"size_min": "-1"},
        {"size_max": "99999999999999999999999"},
    ],
)
def test_api_refuses_numbers_the_engine_cannot_hold(client, shared_index, params):
    """Found by an outside probe: these reached Tantivy ("Expected I64 type") as a 500."""
    response = client.get("/api/v1/search", {"q": "a", **params})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["details"][0]["loc"]) & set(params)  # names the parameter


def test_api_accepts_the_largest_numbers_it_documents(client, shared_index):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]
    }
    largest = {
        "cluster": parameters["cluster"]["items"]["maximum"],
        "year_min": parameters["year_min"]["anyOf"][0]["maximum"],
        "size_max": parameters["size_max"]["anyOf"][0]["maximum"],
    }
    # Documented, and within what the engine's 64-bit fields hold.
    assert all(0 < value <= 2**63 - 1 for value in largest.values())
    response = client.get("/api/v1/search", {"q": "metal", **largest})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["results"] == []


def test_search_page_reports_a_year_out_of_range(client, shared_index):
    page = client.get(reverse("search:search"), {"q": "metal", "year_min": "99999999999999999999"})
    assert page.status_code == HTTPStatus.OK
    # Reported next to the field (the page's plausible years), the other filters kept.
    assert "Enter a year between 1800 and 2100." in page.content.decode()
