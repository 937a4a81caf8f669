"""The two guards the routers repeat around one record, written once.

``permitted`` answers 403 with the service's message when the caller lacks a permission on
the record (the record exists and its existence is public); ``visible`` answers 404 when the
caller may not even know the record exists (an application, a private entry). Both return
the record, so a router reads ``event = permitted(request, "events.manage_event", event, …)``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import HttpRequest

from ..errors import NotFoundError, PermissionDeniedError

T = TypeVar("T")


def permitted(request: HttpRequest, perm: str, obj: T, message: str) -> T:
    """``obj`` if the caller holds ``perm`` on it (django-rules), else 403 with ``message``."""
    user: Any = request.user
    if not user.has_perm(perm, obj):
        raise PermissionDeniedError(message)
    return obj


def visible(request: HttpRequest, perm: str, obj: T, message: str) -> T:
    """``obj`` if the caller holds ``perm`` on it, else 404 with ``message``: a record the
    caller may not see is answered as if it did not exist."""
    user: Any = request.user
    if not user.has_perm(perm, obj):
        raise NotFoundError(message)
    return obj


def reads(path: str) -> Any:
    """A schema's ``resolve_<field> = reads("organization.slug")``: the object's dotted
    attribute path, ``None`` where a step is ``None`` (an optional foreign key)."""
    names = path.split(".")

    def resolve(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return staticmethod(resolve)
