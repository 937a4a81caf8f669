"""Every error leaves the API as ``ErrorOut`` (``code``, ``message``, ``details``).

``install_error_handlers`` maps, once for the whole API: domain errors (``ApplicationError``,
its own status), request validation (422), ninja's ``HttpError`` (e.g. 401) and ``Http404``.
``error_responses`` documents the statuses an operation may answer with.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from ..errors import ApplicationError

VALIDATION_FAILED = "The request parameters are not valid."
NOT_FOUND = "Nothing at this address."


class ErrorOut(Schema):
    """The body of every 4xx/5xx response."""

    code: str
    message: str
    details: list[dict[str, Any]] = []


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    """The ``ErrorOut`` body as a plain dict."""
    return {"code": code, "message": message, "details": details or []}


def error_responses(*statuses: int) -> dict[int, Any]:
    """``{status: ErrorOut}`` for an operation's ``response=`` mapping."""
    return dict.fromkeys(statuses, ErrorOut)


# A public read; a public read of one record; anything a signed-in caller does.
READ_ERRORS = error_responses(422)
DETAIL_ERRORS = error_responses(404, 422)
CALLER_ERRORS = error_responses(400, 401, 403, 404, 422)


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every error the API can raise to ``ErrorOut``, once."""

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
