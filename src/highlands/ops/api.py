"""``GET /api/v1/health``: liveness and a database round trip, for monitoring."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

from ..apikit.errors import ErrorOut, error_body
from ..apikit.routes import Routes

router = Router(tags=["meta"])


class HealthOut(Schema):
    status: str
    database: str


route = Routes(router, errors={503: ErrorOut})


@route.get("/health", HealthOut, "Liveness and database check for monitoring")
def health(request: HttpRequest) -> Status:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Status(503, error_body("database_unavailable", "The database does not answer."))
    return Status(200, {"status": "ok", "database": connection.vendor})
