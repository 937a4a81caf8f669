"""Maps the domain error type to HTTP once for the whole web layer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..errors import ApplicationError
from .messages import error_message


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            message, translated = error_message(exception.message)
            context = {"message": message, "translated": translated, "status": exception.status}
            return render(request, "web/error.html", context, status=exception.status)
        return None
