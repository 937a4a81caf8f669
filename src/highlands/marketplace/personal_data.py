"""What the marketplace holds about a person, for the GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..accounts.gdpr import DELETED, kept, register_personal_data
from ..audit.services import audit_scrub_all
from .models import CooperationConfirmation, CooperationProfile, Follow, Interest, SavedSearch
from .selectors import saved_search_label

ORGANISATION_RECORD = kept(
    "an organisation's offer, interest or confirmation; the author is pseudonymous after erasure"
)


def export(user: Any) -> dict[str, Any]:
    """Profiles and confirmations written, interests expressed or decided, follows, searches."""
    return {
        "profiles_written": [
            {"title": p.title, "organization": p.organization.name, "status": p.status}
            for p in CooperationProfile.objects.filter(author=user).select_related("organization")
        ],
        "interests": [
            {
                "profile": i.profile.title,
                "organization": i.organization.name if i.organization else None,
                "message": i.message if i.author_id == user.pk else "",
                "status": i.status,
                "role": "author" if i.author_id == user.pk else "decided",
                "created_at": i.created_at.isoformat(),
            }
            for i in Interest.objects.filter(Q(author=user) | Q(decided_by=user)).select_related(
                "profile", "organization"
            )
        ],
        "confirmations_written": [
            {"organization": c.organization.name, "rating": c.rating, "comment": c.comment}
            for c in CooperationConfirmation.objects.filter(author=user).select_related(
                "organization"
            )
        ],
        "follows": [
            {"profile": f.profile.title, "since": f.created_at.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("profile")
        ],
        "saved_searches": [
            {"search": saved_search_label(s), "since": s.created_at.isoformat()}
            for s in SavedSearch.objects.filter(user=user).select_related("highland")
        ],
    }


def erase(user: Any) -> None:
    """Delete the person's follows, followed searches and the interests they expressed as a
    person (without an organisation); organisations' records keep a pseudonymous author."""
    Follow.objects.filter(user=user).delete()
    SavedSearch.objects.filter(user=user).delete()  # their matches go with them
    own = Interest.objects.filter(author=user, organization__isnull=True)
    audit_scrub_all(own)
    own.delete()


def register() -> None:
    """Declare the marketplace's share (from ``MarketplaceConfig.ready()``)."""
    register_personal_data(
        "marketplace",
        export=export,
        erase=erase,
        references={
            "marketplace.Follow.user": ("marketplace.follows", DELETED),
            "marketplace.SavedSearch.user": ("marketplace.saved_searches", DELETED),
            "marketplace.Interest.author": (
                "marketplace.interests",
                kept("an organisation's interest stays; a person's own is deleted"),
            ),
            "marketplace.Interest.decided_by": ("marketplace.interests", ORGANISATION_RECORD),
            "marketplace.CooperationProfile.author": (
                "marketplace.profiles_written",
                ORGANISATION_RECORD,
            ),
            "marketplace.CooperationConfirmation.author": (
                "marketplace.confirmations_written",
                ORGANISATION_RECORD,
            ),
        },
    )
