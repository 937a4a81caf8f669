"""``{% load marketplace_tags %}{% verified_badge organization %}`` for any page."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext as _

from ..models import Direction, InterestStatus, ProfileKind, ProfileStatus, Visibility
from ..selectors import Badge, organization_badge

register = template.Library()


@register.inclusion_tag("marketplace/_badge.html")
def verified_badge(organization: Any, badge: Badge | None = None) -> dict[str, Any]:
    """The proven-partner badge of an organisation (nothing when it has no confirmation)."""
    if badge is None:
        badge = organization_badge(organization=organization)
    return {"badge": badge}


_SCORE = re.compile(r"\s*\((?:fit|dopasowanie)\s+-?\d+[.,]\d+\)")


@register.filter
def choice_label(code: str, field: str) -> str:
    """A stored code of the marketplace (kind, status, interest, direction) as its label."""
    choices = {
        "kind": ProfileKind,
        "status": ProfileStatus,
        "interest": InterestStatus,
        "direction": Direction,
        "visibility": Visibility,
    }[field]
    try:
        return str(choices(code).label)
    except ValueError:
        return code


@register.filter
def plain_reasons(rec: Any) -> list[str]:
    """A recommendation's reasons without the internal similarity scores; the profile's
    "semantic fit" line becomes plain words. The scored lines stay behind "details"."""
    reasons = list(rec.reasons)
    if rec.profile is not None and reasons:
        reasons[0] = _("Similar in meaning")
    return [_SCORE.sub("", r) for r in reasons]
