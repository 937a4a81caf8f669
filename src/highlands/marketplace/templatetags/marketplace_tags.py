"""``{% load marketplace_tags %}{% verified_badge organization %}`` for any page."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import Badge, organization_badge

register = template.Library()


@register.inclusion_tag("marketplace/_badge.html")
def verified_badge(organization: Any, badge: Badge | None = None) -> dict[str, Any]:
    """The proven-partner badge of an organisation (nothing when it has no confirmation)."""
    if badge is None:
        badge = organization_badge(organization=organization)
    return {"badge": badge}
