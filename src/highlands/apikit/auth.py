"""Who is calling: a bearer token from the "My data" page, or the browser session.

The toolkit imports no app, so the accounts app registers how a raw token becomes a user when
Django starts (``accounts/apps.py`` → ``register_token_lookup``).

- ``SIGNED_IN_AUTH``: a valid bearer token or a session (with CSRF for unsafe methods); else 401.
- ``READ_AUTH``: public reads; a bearer token, when sent, signs the request in (401 if it is not
  valid), otherwise the session or an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

TokenLookup = Callable[[str], Any]

_lookup: TokenLookup | None = None


def register_token_lookup(lookup: TokenLookup) -> None:
    """Tell the toolkit how a raw bearer token becomes its active user (or ``None``)."""
    global _lookup
    _lookup = lookup


def token_user(raw: str) -> Any:
    """The active user a raw bearer token belongs to, or ``None``."""
    if _lookup is None:
        raise ImproperlyConfigured("No API token lookup is registered (accounts app not ready).")
    return _lookup(raw)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class OptionalTokenAuth:
    """Reads: a bearer token, when sent, signs the request in (401 if it is not valid); no
    header means the session or an anonymous visitor.  Deliberately not an OpenAPI security
    scheme: these endpoints are public, and what each caller sees is decided per object."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return True
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = token_user(token.strip())
        if user is None:
            return None
        request.user = user
        return user


SIGNED_IN_AUTH = [TokenAuth(), django_auth]
READ_AUTH = [OptionalTokenAuth()]
