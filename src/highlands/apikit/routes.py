"""An endpoint in one line: ``Routes`` keeps what a router's endpoints share.

Every router declared each operation with the same six lines (path, ``response={status: Out,
**ERRORS}``, ``auth=``, ``operation_id=``, ``summary=``).  ``Routes(router, prefix=...,
errors=..., auth=...)`` holds the shared part — the error responses, the authentication
and the operation ids' prefix (``<prefix>_<view name>``) — and each endpoint states only
what is its own::

    route = Routes(router, prefix="marketplace", errors=ERRORS, auth=SIGNED_IN_AUTH)

    @route.get("/profiles/{profile_id}", ProfileOut, "A profile you may see", auth=READ_AUTH)
    def profile_get(request: HttpRequest, profile_id: Path[Id]) -> Any: ...

Whatever differs is given by name (``status=201``, ``op=`` for an id that is not
``<prefix>_<view name>``, ``errors=``, ``auth=``, ``response=`` for several success
statuses, and ninja's own options).  Routes passes django-ninja exactly what the six lines
did, so the OpenAPI document is the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ninja import Router

View = TypeVar("View", bound=Callable[..., Any])

_ROUTER_DEFAULT = object()  # no ``auth=``: the router's own (or the API's) applies
_NO_BODY_GIVEN = object()  # (``None`` is a schema: a 204 has no body)


class Routes:
    """The shared part of one router's endpoints; ``get``/``post``/``put``/``patch``/
    ``delete`` declare one endpoint (see the module)."""

    def __init__(
        self,
        router: Router,
        *,
        errors: dict[int, Any],
        prefix: str = "",
        auth: Any = _ROUTER_DEFAULT,
    ) -> None:
        self.router = router
        self.errors = errors
        self.prefix = prefix
        self.auth = auth

    def get(self, path: str, out: Any = _NO_BODY_GIVEN, summary: str = "", **own: Any) -> Callable:
        return self._route("get", path, out, summary, own)

    def post(self, path: str, out: Any = _NO_BODY_GIVEN, summary: str = "", **own: Any) -> Callable:
        return self._route("post", path, out, summary, own)

    def put(self, path: str, out: Any = _NO_BODY_GIVEN, summary: str = "", **own: Any) -> Callable:
        return self._route("put", path, out, summary, own)

    def patch(
        self, path: str, out: Any = _NO_BODY_GIVEN, summary: str = "", **own: Any
    ) -> Callable:
        return self._route("patch", path, out, summary, own)

    def delete(
        self, path: str, out: Any = _NO_BODY_GIVEN, summary: str = "", **own: Any
    ) -> Callable:
        return self._route("delete", path, out, summary, own)

    def _route(
        self, method: str, path: str, out: Any, summary: str, own: dict[str, Any]
    ) -> Callable[[View], View]:
        status = own.pop("status", 200)
        errors = own.pop("errors", self.errors)
        response = own.pop("response", None)
        if response is None:
            if out is _NO_BODY_GIVEN:
                raise TypeError(f"{path}: give the success schema or response=")
            response = {status: out, **errors}
        op = own.pop("op", None)
        auth = own.pop("auth", self.auth)
        if auth is not _ROUTER_DEFAULT:
            own["auth"] = auth
        if not summary:
            raise TypeError(f"{path}: every endpoint needs a summary")

        def declare(view: View) -> View:
            operation_id = op or "_".join(p for p in (self.prefix, view.__name__) if p)
            add = getattr(self.router, method)
            return add(path, response=response, operation_id=operation_id, summary=summary, **own)(
                view
            )

        return declare
