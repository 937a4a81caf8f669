"""Explicit pagination of lists: ``page`` and ``page_size`` in, ``count``/``pages``/``items`` out.

A small helper rather than ninja's ``@paginate``: the selector keeps its queryset and the
router converts only the items of the page it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number")
    page_size: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description=f"items per page (at most {MAX_PAGE_SIZE})"
    )


class PageMetaOut(Schema):
    """The fields of every page; a page schema adds ``items: list[<Entity>Out]``."""

    count: int
    page: int
    page_size: int
    pages: int


def paginate(
    items: QuerySet[Any] | list[Any], page: PageIn, convert: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of ``items``, each passed through ``convert``."""
    count = len(items) if isinstance(items, list) else items.count()
    start = (page.page - 1) * page.page_size
    window: Iterable[Any] = items[start : start + page.page_size] if start < count else []
    return {
        "count": count,
        "page": page.page,
        "page_size": page.page_size,
        "pages": max(1, math.ceil(count / page.page_size)),
        "items": [convert(item) for item in window],
    }
