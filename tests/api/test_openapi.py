"""The OpenAPI schema builds, and every endpoint is documented the way STYLE.md asks."""

import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest

from highlands.apikit.openapi import DOCUMENT, openapi_text
from highlands.config.api import api

ROOT = Path(__file__).resolve().parents[2]

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


def test_committed_openapi_document_is_current():
    committed = (ROOT / DOCUMENT).read_text(encoding="utf-8")
    assert committed == openapi_text(api), (
        f"{DOCUMENT} differs from the API: run `python scripts/openapi.py` and commit it"
    )


def test_openapi_script_checks_the_committed_document():
    done = subprocess.run(
        [sys.executable, "scripts/openapi.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi["components"]["schemas"][name]
    return schema


def _numbers(openapi: dict, schema: dict, where: str, seen: frozenset = frozenset()):
    """Every integer or number inside ``schema``, with where it is."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    seen = seen | {ref} if ref else seen
    schema = _resolve(openapi, schema)
    if schema.get("type") in {"integer", "number"}:
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _numbers(openapi, part, where, seen)
    if "items" in schema:
        yield from _numbers(openapi, schema["items"], f"{where}[]", seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _numbers(openapi, sub, f"{where}.{name}", seen)


def _inputs(openapi: dict):
    for path, method, op in _operations(openapi):
        for parameter in op.get("parameters", []):
            yield f"{method} {path} {parameter['name']}", parameter["schema"]
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            yield f"{method} {path} body", body["schema"]


def test_every_numeric_input_is_bounded(openapi):
    unbounded = [
        where
        for name, schema in _inputs(openapi)
        for where, number in _numbers(openapi, schema, name)
        if "maximum" not in number or "minimum" not in number
    ]
    assert len(list(_inputs(openapi))) > 40
    assert not unbounded, f"bound these with apikit.types: {unbounded}"


def test_every_query_and_path_string_is_bounded(openapi):
    loose = [
        f"{method} {path} {p['name']}"
        for path, method, op in _operations(openapi)
        for p in op.get("parameters", [])
        for s in [_resolve(openapi, p["schema"])]
        for s in ([s] if "type" in s else s.get("anyOf", [])) + [s.get("items", {})]
        if s.get("type") == "string" and "maxLength" not in s and "enum" not in s
    ]
    assert not loose, f"bound these with apikit.types: {loose}"


def test_no_two_schemas_share_a_name() -> None:
    """The OpenAPI components are keyed by class name: two ``RegistrationIn`` (events' and
    onboarding's) made one endpoint document the other's body, and the fuzzer's valid
    requests were refused."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import highlands

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.walk_packages(highlands.__path__, "highlands."):
        if not info.name.rsplit(".", 1)[-1].startswith("api") or ".config." in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert len(seen) > 50
    assert clashes == []
