"""Template filters of the analytics pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def node_type(node_id: str) -> str:
    """``organization:slug`` → ``organization``."""
    return node_id.partition(":")[0]


@register.filter
def node_slug(node_id: str) -> str:
    """``organization:slug`` → ``slug``."""
    return node_id.partition(":")[2]
