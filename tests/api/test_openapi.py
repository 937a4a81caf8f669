"""The OpenAPI schema builds, and every endpoint is documented the way STYLE.md asks."""

from http import HTTPStatus

import pytest

from highlands.config.api import api

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def openapi() -> dict:
    return api.get_openapi_schema()


def _operations(openapi: dict):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_schema_builds_with_every_required_endpoint(openapi):
    paths = set(openapi["paths"])
    for required in (
        "/api/v1/health",
        "/api/v1/highlands",
        "/api/v1/clusters",
        "/api/v1/clusters/{slug}",
        "/api/v1/organizations",
        "/api/v1/organizations/{slug}",
        "/api/v1/memberships",
        "/api/v1/figures",
        "/api/v1/issues",
    ):
        assert required in paths


def test_operation_ids_are_unique_and_explicit(openapi):
    ids = [op.get("operationId") for _, _, op in _operations(openapi)]
    assert all(ids), "every endpoint needs an operation_id"
    assert len(ids) == len(set(ids))


def test_every_endpoint_documents_success_and_error_responses(openapi):
    for path, method, op in _operations(openapi):
        codes = {str(code) for code in op["responses"]}
        success = {c for c in codes if c.startswith("2")}
        assert success, f"{method} {path} documents no success response"
        assert codes - success, f"{method} {path} documents no error response"
        for code in codes - success:
            ref = (op["responses"].get(code) or op["responses"][int(code)])["content"][
                "application/json"
            ]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), f"{method} {path} {code} is not ErrorOut"
        if op.get("parameters"):
            assert "422" in codes, f"{method} {path} takes parameters but documents no 422"
        if "{slug}" in path:
            assert "404" in codes


def test_output_schemas_follow_the_entity_out_convention(openapi):
    for name in openapi["components"]["schemas"]:
        assert name.endswith(("Out", "In")), name


@pytest.mark.django_db
def test_openapi_json_and_docs_are_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["info"]["title"] == "Highlands API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == HTTPStatus.OK
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in body  # served locally, never from a CDN
    assert "cdn" not in body.lower()
