"""URL slugs: ASCII, Polish letters folded, unique per model."""

from __future__ import annotations

import re
from collections.abc import Container

from django.db.models import Model
from django.utils.text import slugify

from .folding import fold


def make_slug(text: str, max_length: int = 120) -> str:
    """ASCII slug with Polish letters folded (slugify alone drops 'ł')."""
    # "4.0" → "4-0", not "40"; "&" → "and".
    folded = re.sub(r"(?<=\d)\.(?=\d)", "-", fold(text)).replace("&", " and ")
    slug = slugify(folded)
    return slug[:max_length].strip("-") or "unnamed"


def free_slug(text: str, taken: Container[str]) -> str:
    """The slug of ``text``, suffixed -2, -3 … until it is not in ``taken``."""
    slug = base = make_slug(text)
    n = 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class _SlugsOf:
    """``in`` asks the database whether a model already uses a slug."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def __contains__(self, slug: object) -> bool:
        return self.model._default_manager.filter(slug=slug).exists()


def unique_slug(text: str, model: type[Model]) -> str:
    """A slug for ``text`` that no row of ``model`` uses yet."""
    return free_slug(text, _SlugsOf(model))
