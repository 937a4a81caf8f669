"""``{% load marketplace_tags %}{% verified_badge organization %}`` for any page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ..models import Direction, InterestStatus, ProfileKind, ProfileStatus, Visibility
from ..recommend import unscored
from ..selectors import Badge, organization_badge, profile_list, profiles_of_cluster_members

register = template.Library()


@register.inclusion_tag("marketplace/_badge.html")
def verified_badge(organization: Any, badge: Badge | None = None) -> dict[str, Any]:
    """The proven-partner badge of an organisation (nothing when it has no confirmation)."""
    if badge is None:
        badge = organization_badge(organization=organization)
    return {"badge": badge}


# The registry's pages show the marketplace through these tags: the portal (``web``) and the
# marketplace are apps of one layer and do not import each other; a template loads the tag.
PROFILES_SHOWN = 12


@register.inclusion_tag("marketplace/_registry_profiles.html", takes_context=True)
def cluster_member_profiles(context: dict[str, Any], cluster: Any) -> dict[str, Any]:
    """Live offers and requests of the cluster's members that the viewer may see."""
    user = context["request"].user
    return {
        "profiles": profiles_of_cluster_members(user=user, cluster=cluster, limit=PROFILES_SHOWN),
        "heading": _("Offers and requests from this cluster's members"),
        "empty": _("Its members have no live offers or requests yet."),
        "organization": None,
        "show_owner": True,
    }


@register.inclusion_tag("marketplace/_registry_profiles.html", takes_context=True)
def organization_profiles(context: dict[str, Any], organization: Any) -> dict[str, Any]:
    """The organisation's own live offers and requests the viewer may see, and the way to
    its recommendations ("who could it work with?")."""
    user = context["request"].user
    return {
        "profiles": list(profile_list(user=user, organization=organization)[:PROFILES_SHOWN]),
        "heading": _("Its offers and requests"),
        "empty": _("It has no live offers or requests yet."),
        "organization": organization,
        "show_owner": False,
    }


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
    return [unscored(r) for r in reasons]
