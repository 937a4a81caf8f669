"""The marketplace API at /api/v1/marketplace/: the same services and selectors as the pages.

Reads work anonymously (public profiles only) or signed in (bearer token or session);
writes need a token or the session with CSRF, like ``ecosystem/api_write.py``.  A profile
the caller may not see is a 404, never a 403, so its existence does not leak.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from ..apikit.auth import READ_AUTH, SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.objects import permitted, reads
from ..apikit.routes import Routes
from ..apikit.types import NO_NUL, Date, Id, Limit, Slug, WholeNumber
from ..ecosystem import selectors as registry
from ..ecosystem.models import Highland
from ..errors import ApplicationError
from ..notifications import selectors as notification_selectors
from ..notifications import services as notification_services
from ..notifications.models import Notification
from . import recommend, selectors, services
from .models import CooperationProfile, Interest, NotificationKind, SavedSearch

STATISTICS_DENIED = "Only the city administrator sees ecosystem-wide statistics."
ACTIVITY_DENIED = "Only the cluster's coordinator (or the city administrator) sees its activity."
UNKNOWN_HIGHLAND = "Unknown highland: {slug}."


AUTH = SIGNED_IN_AUTH
router = Router(tags=["marketplace"])
ERRORS = CALLER_ERRORS
Rating = Annotated[int, Field(ge=1, le=5), WholeNumber]


class ProfileIn(StrictIn):
    organization: str
    kind: str
    title: str
    description: str
    language: str = "en"
    keywords: list[str] = []
    highlands: list[str] = []
    capacity: str = ""
    region: str = ""
    valid_until: Date | None = None
    visibility: str = "public"
    publish: bool = False


class ProfileChangeIn(StrictIn):
    title: str | None = None
    description: str | None = None
    language: str | None = None
    keywords: list[str] | None = None
    highlands: list[str] | None = None
    capacity: str | None = None
    region: str | None = None
    visibility: str | None = None


class RenewIn(StrictIn):
    valid_until: Date | None = None


class BadgeOut(Schema):
    verified: bool
    count: int
    average_rating: float | None


class ProfileOut(Schema):
    id: int
    organization: str
    organization_name: str
    kind: str
    direction: str
    title: str
    description: str
    language: str
    keywords: list[str]
    highlands: list[str]
    capacity: str
    region: str
    valid_until: date
    visibility: str
    status: str
    is_demo: bool
    published_at: datetime | None

    resolve_organization = reads("organization.slug")

    resolve_organization_name = reads("organization.name")

    @staticmethod
    def resolve_highlands(obj: CooperationProfile) -> list[str]:
        return [h.slug for h in obj.highlands.all()]


class InterestIn(StrictIn):
    organization: str
    message: str = Field(max_length=20000)


class InterestOut(Schema):
    id: int
    profile: int
    profile_title: str
    profile_is_demo: bool = Field(
        description="The profile is demo content: nobody stands behind it, so an interest in "
        "it stays pending and is never answered."
    )
    organization: str
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    closed_at: datetime | None

    resolve_profile = reads("profile_id")

    resolve_profile_title = reads("profile.title")

    resolve_profile_is_demo = reads("profile.is_demo")

    @staticmethod
    def resolve_organization(obj: Interest) -> str:
        # Empty: a person without an organisation is interested.
        return obj.organization.slug if obj.organization else ""


class ContactOut(Schema):
    organization: str
    name: str
    email: str
    phone: str
    role: str


class ConfirmationIn(StrictIn):
    organization: str
    rating: Rating
    comment: str = ""


class ConfirmationOut(Schema):
    id: int
    interest: int
    organization: str
    partner: str
    rating: int
    comment: str

    @staticmethod
    def resolve_interest(obj: Any) -> int:
        return int(obj.interest_id)

    @staticmethod
    def resolve_organization(obj: Any) -> str:
        return str(obj.organization.slug)

    @staticmethod
    def resolve_partner(obj: Any) -> str:
        return str(obj.partner.slug)


class RecommendationOut(Schema):
    kind: str
    organization: str
    organization_name: str
    profile: int | None
    profile_title: str | None
    score: float
    semantic_fit: float
    reasons: list[str]
    badge: BadgeOut


class RecommendationsOut(Schema):
    profiles: list[RecommendationOut]
    organizations: list[RecommendationOut]


class NotificationOut(Schema):
    """A marketplace notification, kept by the notifications layer in English and Polish."""

    id: int
    kind: str  # the registered kind: marketplace.interest_received ...
    subject_en: str
    subject_pl: str
    url: str  # the profile's path
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.read_at is not None


class ReadIn(StrictIn):
    ids: list[Id] | None = Field(None, max_length=1000)


class ReadOut(Schema):
    marked: int


class PreferencesIn(StrictIn):
    """Whether to e-mail each marketplace kind (in-app notifications are always kept);
    a kind left out keeps its choice."""

    interest_received: bool | None = None
    interest_decided: bool | None = None
    profile_updated: bool | None = None
    new_match: bool | None = None
    cooperation_confirmed: bool | None = None
    search_match: bool | None = None


class PreferencesOut(Schema):
    """Whether each marketplace kind is e-mailed (the notifications layer's choices)."""

    interest_received: bool
    interest_decided: bool
    profile_updated: bool
    new_match: bool
    cooperation_confirmed: bool
    search_match: bool


def _preferences(user: Any) -> dict[str, bool]:
    return {
        c.kind.removeprefix("marketplace."): c.email
        for c in notification_selectors.email_choices(user, app="marketplace")
    }


class ProfileFilterIn(Schema):
    q: str | None = Field(None, max_length=services.SAVED_QUERY_MAX, pattern=NO_NUL)
    kind: str | None = Field(None, max_length=40, pattern=NO_NUL)
    direction: str | None = Field(None, max_length=40, pattern=NO_NUL)
    highland: str | None = Field(None, max_length=100, pattern=NO_NUL)


class SavedSearchIn(StrictIn):
    query: str = Field("", max_length=services.SAVED_QUERY_MAX * 4)
    kind: str = ""
    direction: str = ""
    highland: str = ""


class SavedSearchOut(Schema):
    id: int
    query: str
    kind: str
    direction: str
    highland: str | None
    label: str
    created_at: datetime

    resolve_highland = reads("highland.slug")

    @staticmethod
    def resolve_label(obj: SavedSearch) -> str:
        return selectors.saved_search_label(obj)


class SavedSearchDeleteOut(Schema):
    id: int
    following: bool


class ProfileDeleteOut(Schema):
    id: int
    deleted: bool


class FollowOut(Schema):
    profile: int
    following: bool


class ActivityProfileOut(Schema):
    id: int
    organization: str
    title: str
    kind: str
    status: str
    interests: int


class ActivityOut(Schema):
    cluster: str
    profiles: list[ActivityProfileOut]
    interests: int
    cooperations: int
    confirmations: int


class StatisticsOut(Schema):
    profiles_by_status: dict[str, int]
    profiles_by_kind: dict[str, int]
    live_profiles: int
    demo_profiles: int
    interests_by_status: dict[str, int]
    closed_cooperations: int
    confirmations: int
    verified_organizations: int
    organizations_posting: int


def _badge(badge: selectors.Badge) -> dict[str, Any]:
    return {
        "verified": badge.verified,
        "count": badge.count,
        "average_rating": badge.average_rating,
    }


def _recommendations(result: recommend.Recommendations) -> dict[str, Any]:
    def out(rec: recommend.Recommendation) -> dict[str, Any]:
        return {
            "kind": rec.kind,
            "organization": rec.organization.slug,
            "organization_name": rec.organization.name,
            "profile": rec.profile.pk if rec.profile else None,
            "profile_title": rec.profile.title if rec.profile else None,
            "score": rec.score,
            "semantic_fit": rec.fit,
            "reasons": rec.reasons,
            "badge": _badge(rec.badge),
        }

    return {
        "profiles": [out(r) for r in result.profiles],
        "organizations": [out(r) for r in result.organizations],
    }


def _highlands(slugs: list[str] | None) -> list[Highland] | None:
    if slugs is None:
        return None
    found = Highland.objects.in_bulk(slugs, field_name="slug")
    for slug in slugs:
        if slug not in found:
            raise ApplicationError(UNKNOWN_HIGHLAND.format(slug=slug), code="invalid")
    return [found[s] for s in slugs]


# -- profiles ----------------------------------------------------------------------------------


route = Routes(router, errors=ERRORS, prefix="marketplace", auth=AUTH)


@route.get(
    "/profiles",
    list[ProfileOut],
    "Live cooperation profiles the caller may see (q: best matches first)",
    auth=READ_AUTH,
)
def profile_list(request: HttpRequest, filters: Query[ProfileFilterIn]) -> Any:
    kind, direction, highland = filters.kind, filters.direction, filters.highland
    if filters.q and filters.q.strip():
        return selectors.profile_search(
            user=request.user, q=filters.q, kind=kind, direction=direction, highland=highland
        )
    return list(
        selectors.profile_list(
            user=request.user, kind=kind, direction=direction, highland=highland
        )[:500]
    )


@route.get(
    "/profiles/{profile_id}",
    ProfileOut,
    "One cooperation profile (404 when the caller may not see it)",
    auth=READ_AUTH,
)
def profile_get(request: HttpRequest, profile_id: Path[Id]) -> Any:
    return selectors.profile_get(user=request.user, pk=profile_id)


@route.post(
    "/profiles",
    ProfileOut,
    "Post a cooperation profile for an organization you represent",
    status=201,
)
def profile_create(request: HttpRequest, payload: ProfileIn) -> Any:
    organization = registry.organization_get(slug=payload.organization)
    profile = services.profile_create(
        actor=request.user,
        organization=organization,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        language=payload.language,
        keywords=payload.keywords,
        highlands=_highlands(payload.highlands) or [],
        capacity=payload.capacity,
        region=payload.region,
        valid_until=payload.valid_until,
        visibility=payload.visibility,
        publish=payload.publish,
    )
    return Status(201, profile)


@route.patch("/profiles/{profile_id}", ProfileOut, "Change a profile of your organization")
def profile_update(request: HttpRequest, profile_id: Path[Id], payload: ProfileChangeIn) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    data = payload.model_dump(exclude_unset=True)
    if "highlands" in data:
        data["highlands"] = _highlands(data["highlands"])
    return services.profile_update(actor=request.user, profile=profile, **data)


@route.delete(
    "/profiles/{profile_id}",
    ProfileDeleteOut,
    "Delete a draft profile of your organization (close a published one instead)",
)
def profile_delete(request: HttpRequest, profile_id: Path[Id]) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    services.profile_delete(actor=request.user, profile=profile)
    return {"id": profile_id, "deleted": True}


@route.post("/profiles/{profile_id}/publish", ProfileOut, "Publish a draft profile")
def profile_publish(request: HttpRequest, profile_id: Path[Id]) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    return services.profile_publish(actor=request.user, profile=profile)


@route.post("/profiles/{profile_id}/close", ProfileOut, "Close a profile")
def profile_close(request: HttpRequest, profile_id: Path[Id]) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    return services.profile_close(actor=request.user, profile=profile)


@route.post("/profiles/{profile_id}/renew", ProfileOut, "Extend a profile's validity")
def profile_renew(request: HttpRequest, profile_id: Path[Id], payload: RenewIn) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    return services.profile_renew(
        actor=request.user, profile=profile, valid_until=payload.valid_until
    )


@route.get(
    "/profiles/{profile_id}/recommendations",
    RecommendationsOut,
    "Matching profiles and capable organizations for a profile, with reasons",
    auth=READ_AUTH,
)
def profile_recommendations(request: HttpRequest, profile_id: Path[Id], limit: Limit = 10) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    return _recommendations(
        recommend.recommend_for_profile(user=request.user, profile=profile, limit=limit)
    )


@route.post(
    "/profiles/{profile_id}/follow",
    FollowOut,
    "Follow a profile (notifications of updates and new matches)",
    status=201,
)
def profile_follow(request: HttpRequest, profile_id: Path[Id]) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    services.profile_follow(actor=request.user, profile=profile)
    return Status(201, {"profile": profile.pk, "following": True})


@route.delete("/profiles/{profile_id}/follow", FollowOut, "Stop following a profile")
def profile_unfollow(request: HttpRequest, profile_id: Path[Id]) -> Any:
    profile = selectors.followed_profile_get(user=request.user, pk=profile_id)
    services.profile_unfollow(actor=request.user, profile=profile)
    return {"profile": profile.pk, "following": False}


# -- followed searches ---------------------------------------------------------------------------


@route.get("/searches", list[SavedSearchOut], "The marketplace searches you follow")
def saved_search_list(request: HttpRequest) -> Any:
    return list(selectors.saved_searches_of(user=request.user))


@route.post(
    "/searches",
    SavedSearchOut,
    "Follow a marketplace search (notifications of new matching profiles)",
    status=201,
)
def saved_search_create(request: HttpRequest, payload: SavedSearchIn) -> Any:
    highlands = _highlands([payload.highland] if payload.highland else [])
    saved = services.saved_search_create(
        actor=request.user,
        query=payload.query,
        kind=payload.kind,
        direction=payload.direction,
        highland=highlands[0] if highlands else None,
    )
    return Status(201, saved)


@route.delete("/searches/{search_id}", SavedSearchDeleteOut, "Stop following a search")
def saved_search_delete(request: HttpRequest, search_id: Path[Id]) -> Any:
    saved = selectors.saved_search_get(user=request.user, pk=search_id)
    services.saved_search_delete(actor=request.user, saved_search=saved)
    return {"id": search_id, "following": False}


# -- interests and cooperations ------------------------------------------------------------------


@route.post(
    "/profiles/{profile_id}/interests",
    InterestOut,
    "Express interest in a profile on behalf of an organization you represent",
    status=201,
)
def interest_express(request: HttpRequest, profile_id: Path[Id], payload: InterestIn) -> Any:
    profile = selectors.profile_get(user=request.user, pk=profile_id)
    organization = registry.organization_get(slug=payload.organization)
    interest = services.interest_express(
        actor=request.user, profile=profile, organization=organization, message=payload.message
    )
    return Status(201, interest)


@route.get("/interests", list[InterestOut], "Interests your organizations sent and received")
def interest_list(request: HttpRequest) -> Any:
    received = selectors.interests_received(user=request.user)
    sent = selectors.interests_sent(user=request.user)
    return list((received | sent).distinct()[:500])


def _decide(request: HttpRequest, interest_id: int, accept: bool) -> Any:
    interest = selectors.interest_get(user=request.user, pk=interest_id)
    return services.interest_decide(actor=request.user, interest=interest, accept=accept)


@route.post(
    "/interests/{interest_id}/accept",
    InterestOut,
    "Accept an interest in your profile (reveals contacts both ways)",
)
def interest_accept(request: HttpRequest, interest_id: Path[Id]) -> Any:
    return _decide(request, interest_id, True)


@route.post("/interests/{interest_id}/decline", InterestOut, "Decline an interest in your profile")
def interest_decline(request: HttpRequest, interest_id: Path[Id]) -> Any:
    return _decide(request, interest_id, False)


@route.get(
    "/interests/{interest_id}/contacts",
    list[ContactOut],
    "The other side's contacts (empty until the interest is accepted)",
)
def interest_contacts(request: HttpRequest, interest_id: Path[Id]) -> Any:
    interest = selectors.interest_get(user=request.user, pk=interest_id)
    return [c.__dict__ for c in selectors.interest_contacts(user=request.user, interest=interest)]


@route.post(
    "/interests/{interest_id}/close", InterestOut, "Mark an accepted cooperation as finished"
)
def cooperation_close(request: HttpRequest, interest_id: Path[Id]) -> Any:
    interest = selectors.interest_get(user=request.user, pk=interest_id)
    return services.cooperation_close(actor=request.user, interest=interest)


@route.post(
    "/interests/{interest_id}/confirmations",
    ConfirmationOut,
    "Confirm a closed cooperation took place and rate the other side (1–5)",
    status=201,
)
def cooperation_confirm(
    request: HttpRequest, interest_id: Path[Id], payload: ConfirmationIn
) -> Any:
    interest = selectors.interest_get(user=request.user, pk=interest_id)
    organization = registry.organization_get(slug=payload.organization)
    confirmation = services.cooperation_confirm(
        actor=request.user,
        interest=interest,
        organization=organization,
        rating=payload.rating,
        comment=payload.comment,
    )
    return Status(201, confirmation)


# -- organisations, notifications, oversight ----------------------------------------------------


@route.get(
    "/organizations/{slug}/recommendations",
    RecommendationsOut,
    "Who an organization should talk to, with reasons",
    auth=READ_AUTH,
)
def organization_recommendations(request: HttpRequest, slug: Path[Slug], limit: Limit = 10) -> Any:
    organization = registry.organization_get(slug=slug)
    return _recommendations(
        recommend.recommend_for_organization(
            user=request.user, organization=organization, limit=limit
        )
    )


@route.get(
    "/organizations/{slug}/badge",
    BadgeOut,
    "The verified (proven partner) badge: confirmed cooperations and average rating",
    auth=READ_AUTH,
)
def organization_badge(request: HttpRequest, slug: Path[Slug]) -> Any:
    organization = registry.organization_get(slug=slug)
    return _badge(selectors.organization_badge(organization=organization))


@route.get(
    "/notifications",
    list[NotificationOut],
    "Your marketplace notifications (of the one notifications inbox), newest first",
)
def notification_list(request: HttpRequest) -> Any:
    return list(notification_selectors.notifications_for(request.user, app="marketplace")[:200])


@route.post(
    "/notifications/read", ReadOut, "Mark marketplace notifications read (all, or the given ids)"
)
def notifications_mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    marked = notification_services.notifications_mark_read(
        actor=request.user, ids=payload.ids, app="marketplace"
    )
    return {"marked": marked}


@route.get("/me/preferences", PreferencesOut, "Which marketplace notifications you get by e-mail")
def preferences_get(request: HttpRequest) -> Any:
    return _preferences(request.user)


@route.patch(
    "/me/preferences", PreferencesOut, "Choose which marketplace notifications you get by e-mail"
)
def preferences_update(request: HttpRequest, payload: PreferencesIn) -> Any:
    chosen = payload.model_dump(exclude_none=True)
    notification_services.preferences_update(
        actor=request.user,
        email={NotificationKind(name).registered: wanted for name, wanted in chosen.items()},
    )
    return _preferences(request.user)


@route.get(
    "/clusters/{slug}/activity",
    ActivityOut,
    "Members' marketplace activity in a cluster (its coordinator, city admin)",
)
def cluster_activity(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = permitted(
        request,
        "marketplace.view_cluster_activity",
        registry.cluster_get(slug=slug),
        ACTIVITY_DENIED,
    )
    activity = selectors.cluster_activity(cluster=cluster)
    return {
        "cluster": cluster.slug,
        "profiles": [
            {
                "id": p.pk,
                "organization": p.organization.slug,
                "title": p.title,
                "kind": p.kind,
                "status": p.status,
                "interests": p.n_interests,
            }
            for p in activity["profiles"]
        ],
        "interests": activity["interests"].count(),
        "cooperations": activity["cooperations"].count(),
        "confirmations": activity["confirmations"].count(),
    }


@route.get("/statistics", StatisticsOut, "Ecosystem-wide marketplace statistics (city admin)")
def statistics(request: HttpRequest) -> Any:
    permitted(request, "marketplace.view_statistics", None, STATISTICS_DENIED)
    return selectors.ecosystem_statistics()
