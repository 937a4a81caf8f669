"""``apikit.routes.Routes``: one line per endpoint, the same operation as the six it replaces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema

from highlands.apikit.auth import READ_AUTH, SIGNED_IN_AUTH
from highlands.apikit.errors import CALLER_ERRORS, ErrorOut
from highlands.apikit.routes import Routes

SRC = Path(__file__).resolve().parents[2] / "src/highlands"


class ThingOut(Schema):
    id: int


def _operations(router: Router) -> dict[str, dict]:
    api = NinjaAPI(urls_namespace="routes-test")
    api.add_router("/", router)
    schema = api.get_openapi_schema(path_prefix="")
    return {
        op["operationId"]: {**op, "method": method, "path": path}
        for path, item in schema["paths"].items()
        for method, op in item.items()
    }


def test_a_route_is_the_operation_the_long_form_declares():
    long_form, short_form = Router(), Router()

    @long_form.post(
        "/things",
        response={201: ThingOut, **CALLER_ERRORS},
        auth=SIGNED_IN_AUTH,
        operation_id="kit_thing_create",
        summary="Make a thing",
    )
    def thing_create(request: HttpRequest) -> dict:
        return {"id": 1}

    route = Routes(short_form, errors=CALLER_ERRORS, prefix="kit", auth=SIGNED_IN_AUTH)
    assert route.post("/things", ThingOut, "Make a thing", status=201)(thing_create) is thing_create
    long_op, short_op = _operations(long_form), _operations(short_form)
    assert short_op == long_op


def test_what_an_endpoint_states_overrides_the_shared_part():
    router = Router()
    route = Routes(router, errors={404: ErrorOut}, prefix="kit", auth=SIGNED_IN_AUTH)

    @route.get("/things/{pk}", ThingOut, "One thing", auth=READ_AUTH, op="kit_one", errors={})
    def thing_get(request: HttpRequest, pk: int) -> dict:
        return {"id": pk}

    @route.delete("/things/{pk}", None, "Remove a thing", status=204)
    def thing_delete(request: HttpRequest, pk: int) -> None:
        return None

    @route.get("/many", summary="Several success statuses", response={200: ThingOut, 202: None})
    def many(request: HttpRequest) -> dict:
        return {"id": 1}

    ops = _operations(router)
    assert set(ops) == {"kit_one", "kit_thing_delete", "kit_many"}
    assert set(ops["kit_one"]["responses"]) == {200}
    assert set(ops["kit_thing_delete"]["responses"]) == {204, 404}
    assert set(ops["kit_many"]["responses"]) == {200, 202}


def test_an_endpoint_without_a_schema_or_a_summary_is_refused():
    route = Routes(Router(), errors=CALLER_ERRORS)
    with pytest.raises(TypeError, match="success schema"):
        route.get("/x", summary="No schema")
    with pytest.raises(TypeError, match="summary"):
        route.get("/x", ThingOut)


def test_every_router_declares_its_endpoints_through_routes():
    """No ``@router.get(...)`` left: the shared shape lives in one place."""
    for path in sorted(SRC.glob("*/api*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    call = decorator.func if isinstance(decorator, ast.Call) else None
                    if isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name):
                        owner = call.value.id
                        assert not owner.endswith("router"), f"{path.name}: {node.name}"
