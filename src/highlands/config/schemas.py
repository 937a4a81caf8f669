"""Schemas shared by every router of the one API (kept apart from ``api.py`` to avoid cycles)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """The body of every 4xx/5xx response."""

    code: str
    message: str
    details: list[dict[str, Any]] = []
