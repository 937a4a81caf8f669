"""The one domain error type; the API and the web layer each map it to HTTP once."""

from __future__ import annotations


class ApplicationError(Exception):
    """A request the domain refuses, with a message fit to show the person who made it."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    status = 404

    def __init__(self, message: str, *, code: str = "not_found") -> None:
        super().__init__(message, code=code)


class SourceImportError(ApplicationError):
    """A source file that cannot be imported; nothing was written."""

    status = 422


class PermissionDeniedError(ApplicationError):
    """The person may not do this to this record (role × object rules said no)."""

    status = 403

    def __init__(self, message: str, *, code: str = "permission_denied") -> None:
        super().__init__(message, code=code)
