"""The one NinjaAPI at /api/v1/; each app contributes a router from its own ``api.py``."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from ..ecosystem.api_write import router as manage_router
from ..errors import ApplicationError
from ..marketplace.api import router as marketplace_router

api = NinjaAPI(
    title="Highlands API",
    version="1.0.0",
    description="Open data and services of the Lublin Economic Highlands ecosystem.",
    urls_namespace="api",
)


class ErrorOut(Schema):
    """The body of every 4xx/5xx response."""

    code: str
    message: str


class HealthOut(Schema):
    status: str
    database: str


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )


@api.get(
    "/health",
    response={200: HealthOut, 503: ErrorOut},
    operation_id="health",
    tags=["meta"],
    summary="Liveness and database check for monitoring",
)
def health(request: HttpRequest) -> tuple[int, dict[str, str]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return 503, {"code": "database_unavailable", "message": "The database does not answer."}
    return 200, {"status": "ok", "database": connection.vendor}


api.add_router("/manage", manage_router)
api.add_router("/marketplace", marketplace_router)
