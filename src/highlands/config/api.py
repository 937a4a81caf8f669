"""The one NinjaAPI at /api/v1/; each app contributes a router from its own ``api.py``.

Every error leaves the API as ``ErrorOut`` (``code``, ``message``, ``details``): domain errors
(``ApplicationError``), request validation (422), ninja's own ``HttpError`` / ``Http404`` and,
through ``config.urls.handler404``, unknown paths under /api/.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError, ValidationError

from ..ecosystem.api import ROUTERS
from ..ecosystem.api_write import router as manage_router
from ..errors import ApplicationError
from .schemas import ErrorOut

__all__ = ["ErrorOut", "api"]

VALIDATION_FAILED = "The request parameters are not valid."
NOT_FOUND = "Nothing at this address."

api = NinjaAPI(
    title="Highlands API",
    version="1.0.0",
    description=(
        "Open data and services of the Lublin Economic Highlands ecosystem. Lists are "
        "paginated (`page`, `page_size`); `lang=pl|en` picks the language of translatable "
        "content, which falls back to the other language with `fallback: true`."
    ),
    urls_namespace="api",
)


class HealthOut(Schema):
    status: str
    database: str


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    """The ``ErrorOut`` body as a plain dict."""
    return {"code": code, "message": message, "details": details or []}


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, error_body(exc.code, exc.message), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return api.create_response(
        request, error_body("validation_error", VALIDATION_FAILED, details), status=422
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", NOT_FOUND), status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, error_body("http_error", str(exc.message)), status=exc.status_code
    )


@api.get(
    "/health",
    response={200: HealthOut, 503: ErrorOut},
    operation_id="health",
    tags=["meta"],
    summary="Liveness and database check for monitoring",
)
def health(request: HttpRequest) -> Status:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Status(503, error_body("database_unavailable", "The database does not answer."))
    return Status(200, {"status": "ok", "database": connection.vendor})


for router in ROUTERS:
    api.add_router("/", router)
api.add_router("/manage", manage_router)


def _add_app_routers() -> None:
    # Imported here: an app's api.py may import from this module.
    from ..marketplace.api import READ_AUTH
    from ..marketplace.api import router as marketplace_router
    from ..search.api import router as search_router

    # Search is a lower layer and imports no app: its read auth is given here.
    api.add_router("/search", search_router, auth=READ_AUTH)
    api.add_router("/marketplace", marketplace_router)


_add_app_routers()
