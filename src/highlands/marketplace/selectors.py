"""Reads of the marketplace; the one place that decides who sees which profile.

``profiles_visible_to`` is a queryset filter, so pages, the API and the recommender apply the
same rule to one profile or to fifty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..accounts.models import ClusterCoordinator, ContactPerson, OrganizationRepresentative
from ..ecosystem.models import Cluster, Membership, Organization
from ..errors import NotFoundError
from ..search.selectors import MAX_LIMIT, SearchFilters, parse_query, query_calibration, search
from ..text.analysis import analyze
from . import encoding
from .models import (
    CooperationConfirmation,
    CooperationProfile,
    Interest,
    InterestStatus,
    ProfileStatus,
    SavedSearch,
)

PROFILE_NOT_FOUND = "No cooperation profile with id {pk}."
INTEREST_NOT_FOUND = "No expression of interest with id {pk}."
SAVED_SEARCH_NOT_FOUND = "No followed search with id {pk}."
# How far above the search's median passage of the index (``search.selectors`` calibration:
# spreads above the median of its similarities to a background sample) a profile must lie to
# count as a match even without the search's words. Not a fixed cosine: cross-lingual
# cosines are low in absolute terms ("montaż fotowoltaiki" ↔ its English profile 0.35,
# z ≈ 6.5) while unrelated profiles stay below z ≈ 3 (tests/marketplace/test_saved_searches.py
# pins both sides). A false alarm costs an e-mail.
SEARCH_MATCH_Z = 4.5


@dataclass(frozen=True)
class Viewer:
    """What a user's roles say about what they may see in the marketplace."""

    authenticated: bool = False
    sees_all: bool = False  # superuser or city office
    organization_ids: frozenset[int] = frozenset()
    cluster_ids: frozenset[int] = frozenset()
    coordinated_cluster_ids: frozenset[int] = frozenset()
    has_role: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def viewer_of(user: Any) -> Viewer:
    """The roles of a user (anonymous users and users without a role see public profiles)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Viewer()
    sees_all = bool(user.is_superuser or getattr(user, "is_city_admin", False))
    org_ids = frozenset(
        OrganizationRepresentative.objects.filter(user=user).values_list(
            "organization_id", flat=True
        )
    )
    coordinated = set(
        ClusterCoordinator.objects.filter(user=user).values_list("cluster_id", flat=True)
    )
    # A coordinator also keeps the cluster's sub-clusters.
    coordinated |= set(
        Cluster.objects.filter(parent_id__in=coordinated).values_list("pk", flat=True)
    )
    member_of = set(
        Membership.objects.filter(organization_id__in=org_ids).values_list("cluster_id", flat=True)
    )
    return Viewer(
        authenticated=True,
        sees_all=sees_all,
        organization_ids=org_ids,
        cluster_ids=frozenset(member_of | coordinated),
        coordinated_cluster_ids=frozenset(coordinated),
        has_role=sees_all or bool(org_ids) or bool(coordinated),
    )


def live_q(prefix: str = "") -> Q:
    """Published and not past its validity date."""
    return Q(**{f"{prefix}status": ProfileStatus.PUBLISHED}) & Q(
        **{f"{prefix}valid_until__gte": timezone.localdate()}
    )


def visibility_q(viewer: Viewer) -> Q:
    """Which profiles a viewer may see: own organisation's always, others' only when live."""
    if viewer.sees_all:
        return ~Q(status=ProfileStatus.DRAFT) | Q(organization_id__in=viewer.organization_ids)
    return (live_q() & audience_q(viewer)) | Q(organization_id__in=viewer.organization_ids)


def audience_q(viewer: Viewer) -> Q:
    """Profiles whose audience includes the viewer, whatever their status."""
    if viewer.sees_all:
        return Q()
    audience = Q(visibility="public")
    if not viewer.authenticated:
        # An organisation nobody has verified yet reaches only signed-in people.
        audience &= Q(organization__is_verified=True)
    if viewer.has_role:
        audience |= Q(visibility="ecosystem")
    if viewer.cluster_ids:
        audience |= Q(visibility="clusters") & Q(
            Exists(
                Membership.objects.filter(
                    organization_id=OuterRef("organization_id"),
                    cluster_id__in=viewer.cluster_ids,
                )
            )
        )
    return audience


def profiles_visible_to(user: Any, *, viewer: Viewer | None = None) -> QuerySet[CooperationProfile]:
    """Every profile the user may see (with organisation and highlands loaded)."""
    viewer = viewer or viewer_of(user)
    return (
        CooperationProfile.objects.filter(visibility_q(viewer))
        .select_related("organization")
        .prefetch_related("highlands")
    )


def profile_list(
    *,
    user: Any,
    kind: str | None = None,
    direction: str | None = None,
    highland: str | None = None,
    organization: Organization | None = None,
    live_only: bool = True,
) -> QuerySet[CooperationProfile]:
    """Visible profiles, newest first, optionally filtered."""
    profiles = profiles_visible_to(user)
    if live_only:
        profiles = profiles.filter(live_q())
    if kind:
        profiles = profiles.filter(kind=kind)
    if direction:
        profiles = profiles.filter(direction=direction)
    if highland:
        profiles = profiles.filter(highlands__slug=highland)
    if organization is not None:
        profiles = profiles.filter(organization=organization)
    return profiles.order_by("-published_at", "-id")


def profiles_of_cluster_members(
    *, user: Any, cluster: Cluster, limit: int = 12
) -> list[CooperationProfile]:
    """Live offers and requests the user may see, of the organisations in a cluster (or its
    sub-clusters) by consent — what the cluster's public page shows."""
    cluster_ids = [cluster.pk, *cluster.sub_clusters.values_list("pk", flat=True)]
    members = (
        Membership.objects.consented().filter(cluster_id__in=cluster_ids).values("organization_id")
    )
    return list(profile_list(user=user).filter(organization_id__in=members).distinct()[:limit])


def profile_search(
    *,
    user: Any,
    q: str,
    kind: str | None = None,
    direction: str | None = None,
    highland: str | None = None,
) -> list[CooperationProfile]:
    """Live profiles the user may see that the search index finds for ``q``, best first
    (its close matches: the list is filtered, so merely related profiles are left out)."""
    filters = SearchFilters(types=["profile"], highlands=[highland] if highland else [])
    result = search(q, filters=filters, limit=MAX_LIMIT, user=user)
    hits = result.results if result.close else []
    rank = {hit.object_id: i for i, hit in enumerate(hits)}
    found = profile_list(user=user, kind=kind, direction=direction, highland=highland).filter(
        pk__in=list(rank)
    )
    return sorted(found, key=lambda p: rank[p.pk])


def profile_get(*, user: Any, pk: int) -> CooperationProfile:
    """One profile the user may see; one they may not see is "not found" (no existence leak)."""
    profile = profiles_visible_to(user).filter(pk=pk).first()
    if profile is None:
        raise NotFoundError(PROFILE_NOT_FOUND.format(pk=pk))
    return profile


def profile_is_visible(user: Any, profile: CooperationProfile) -> bool:
    return profiles_visible_to(user).filter(pk=profile.pk).exists()


def profile_in_audience(user: Any, profile: CooperationProfile) -> bool:
    """The user is in the profile's audience (it may be expired or closed; never a draft)."""
    return (
        CooperationProfile.objects.filter(audience_q(viewer_of(user)), pk=profile.pk)
        .exclude(status=ProfileStatus.DRAFT)
        .exists()
    )


def profiles_of_user(*, user: Any) -> QuerySet[CooperationProfile]:
    """All profiles (any status) of the organisations the user represents."""
    viewer = viewer_of(user)
    return (
        CooperationProfile.objects.filter(organization_id__in=viewer.organization_ids)
        .select_related("organization")
        .order_by("-updated_at")
    )


def interest_queryset() -> QuerySet[Interest]:
    return Interest.objects.select_related(
        "profile", "profile__organization", "organization", "author"
    )


def _as_person(user: Any) -> Q:
    """Interests the user expressed as a person, without an organisation."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(organization__isnull=True, author_id=user.pk)


def interests_received(*, user: Any) -> QuerySet[Interest]:
    viewer = viewer_of(user)
    return interest_queryset().filter(profile__organization_id__in=viewer.organization_ids)


def interests_sent(*, user: Any) -> QuerySet[Interest]:
    viewer = viewer_of(user)
    return interest_queryset().filter(
        Q(organization_id__in=viewer.organization_ids) | _as_person(user)
    )


def interest_get(*, user: Any, pk: int) -> Interest:
    """An interest the user is a party to (either side), else not found."""
    viewer = viewer_of(user)
    interest = (
        interest_queryset()
        .filter(pk=pk)
        .filter(
            Q(profile__organization_id__in=viewer.organization_ids)
            | Q(organization_id__in=viewer.organization_ids)
            | _as_person(user)
        )
        .first()
    )
    if interest is None:
        raise NotFoundError(INTEREST_NOT_FOUND.format(pk=pk))
    return interest


@dataclass(frozen=True)
class Contact:
    organization: str
    name: str
    email: str
    phone: str = ""
    role: str = ""


def interest_contacts(*, user: Any, interest: Interest) -> list[Contact]:
    """The other side's contacts — only for an accepted interest, only for its two sides."""
    if interest.status != InterestStatus.ACCEPTED:
        return []
    viewer = viewer_of(user)
    owner_id, interested_id = interest.profile.organization_id, interest.organization_id
    if interested_id is None and owner_id in viewer.organization_ids:
        # A person without an organisation: their own address, now that the owner accepted.
        author = interest.author
        if author is None or not author.is_active:
            return []
        return [
            Contact(
                organization="",
                name=author.get_full_name() or author.email,
                email=author.email,
                role="person",
            )
        ]
    if interested_id is None and interest.author_id == getattr(user, "pk", None):
        other_ids = {owner_id}
    elif owner_id in viewer.organization_ids and interested_id is not None:
        other_ids = {interested_id}
    elif interested_id in viewer.organization_ids:
        other_ids = {owner_id}
    else:
        return []
    contacts: list[Contact] = []
    for person in ContactPerson.objects.filter(organization_id__in=other_ids).select_related(
        "organization"
    ):
        contacts.append(
            Contact(
                organization=person.organization.name if person.organization else "",
                name=person.full_name,
                email=person.email,
                phone=person.phone,
                role=person.position_title,
            )
        )
    reps = OrganizationRepresentative.objects.filter(
        organization_id__in=other_ids, user__is_active=True
    ).select_related("user", "organization")
    for rep in reps:
        contacts.append(
            Contact(
                organization=rep.organization.name,
                name=rep.user.get_full_name() or rep.user.email,
                email=rep.user.email,
                role="representative",
            )
        )
    return contacts


@dataclass(frozen=True)
class Badge:
    count: int
    average_rating: float | None

    @property
    def verified(self) -> bool:
        return self.count > 0


def badges_for(organization_ids: list[int] | set[int]) -> dict[int, Badge]:
    """Confirmed cooperations received per organisation (the proven-subcontractor badge)."""
    rows = (
        CooperationConfirmation.objects.filter(partner_id__in=organization_ids)
        .values("partner_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
    )
    return {row["partner_id"]: Badge(row["n"], float(row["avg"])) for row in rows}


def organization_badge(*, organization: Organization) -> Badge:
    return badges_for({organization.pk}).get(organization.pk, Badge(0, None))


def all_badges() -> dict[int, Badge]:
    rows = (
        CooperationConfirmation.objects.values("partner_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
        .order_by()
    )
    return {row["partner_id"]: Badge(row["n"], float(row["avg"])) for row in rows}


def followed_profile_get(*, user: Any, pk: int) -> CooperationProfile:
    """A profile the user follows, whatever its status now (so they can always unfollow)."""
    profile = CooperationProfile.objects.filter(pk=pk, follows__user=user).first()
    if profile is None:
        raise NotFoundError(PROFILE_NOT_FOUND.format(pk=pk))
    return profile


def follows_of(*, user: Any) -> QuerySet[CooperationProfile]:
    return profiles_visible_to(user).filter(follows__user=user)


def saved_searches_of(*, user: Any) -> QuerySet[SavedSearch]:
    """The searches a user follows, newest first."""
    return SavedSearch.objects.filter(user=user).select_related("highland")


def saved_search_get(*, user: Any, pk: int) -> SavedSearch:
    """One of the user's own followed searches; anybody else's is "not found"."""
    saved = saved_searches_of(user=user).filter(pk=pk).first()
    if saved is None:
        raise NotFoundError(SAVED_SEARCH_NOT_FOUND.format(pk=pk))
    return saved


def saved_search_label(saved: SavedSearch) -> str:
    """The search in words: its query and filters ("laser cutting · subcontracting")."""
    parts = [saved.query] if saved.query else []
    parts += [str(p) for p in (saved.get_kind_display(), saved.get_direction_display()) if p]
    if saved.highland is not None:
        parts.append(saved.highland.name)
    return " · ".join(parts)


def _profile_terms(profile: CooperationProfile) -> frozenset[str]:
    text = " ".join(
        (profile.embedding_text(), profile.capacity, profile.region, profile.organization.name)
    )
    return frozenset(analyze(text))


def search_matches_profile(saved: SavedSearch, terms: frozenset[str], vector: Any | None) -> bool:
    """Does the profile match the search's words: all of them (each in either language, as
    the search box folds and stems them), or in meaning (calibrated: ``SEARCH_MATCH_Z``)?"""
    if not saved.query:
        return True
    parsed = parse_query(saved.query)
    translated = {
        term: {
            t
            for source, targets in parsed.translations.items()
            if term in source.split()
            for t in targets
        }
        for term in parsed.terms
    }
    if parsed.terms and all(t in terms or translated[t] & terms for t in parsed.terms):
        return True
    search_vector = encoding.from_bytes(saved.vector)
    if search_vector is None or vector is None:
        return False
    calibration = query_calibration(search_vector)
    return calibration.z(float(search_vector @ vector)) >= SEARCH_MATCH_Z


def saved_searches_matching(profile: CooperationProfile) -> list[SavedSearch]:
    """Followed searches a live profile matches and has not been reported to yet, of users
    who may see it and do not represent its organisation."""
    if profile.status != ProfileStatus.PUBLISHED or profile.valid_until < timezone.localdate():
        return []
    owners = OrganizationRepresentative.objects.filter(
        organization_id=profile.organization_id
    ).values("user_id")
    candidates = (
        SavedSearch.objects.filter(
            Q(kind="") | Q(kind=profile.kind),
            Q(direction="") | Q(direction=profile.direction),
            Q(highland__isnull=True) | Q(highland__in=profile.highlands.all()),
            user__is_active=True,
        )
        .exclude(user_id__in=owners)
        .exclude(matches__profile=profile)
        .select_related("user", "highland")
    )
    terms = _profile_terms(profile)
    vector = encoding.from_bytes(profile.vector)
    visible: dict[int, bool] = {}
    matching: list[SavedSearch] = []
    for saved in candidates:
        if not search_matches_profile(saved, terms, vector):
            continue
        if saved.user_id not in visible:
            visible[saved.user_id] = profile_is_visible(saved.user, profile)
        if visible[saved.user_id]:
            matching.append(saved)
    return matching


def cluster_activity(*, cluster: Cluster) -> dict[str, Any]:
    """Members' marketplace activity in one cluster (and its sub-clusters), for its coordinator."""
    cluster_ids = [cluster.pk, *cluster.sub_clusters.values_list("pk", flat=True)]
    member_ids = set(
        Membership.objects.filter(cluster_id__in=cluster_ids).values_list(
            "organization_id", flat=True
        )
    )
    profiles = (
        CooperationProfile.objects.filter(organization_id__in=member_ids)
        .exclude(status=ProfileStatus.DRAFT)
        .select_related("organization")
        .annotate(n_interests=Count("interests"))
        .order_by("-updated_at")
    )
    interests = interest_queryset().filter(
        Q(organization_id__in=member_ids) | Q(profile__organization_id__in=member_ids)
    )
    return {
        "profiles": profiles,
        "interests": interests,
        "cooperations": interests.filter(status=InterestStatus.ACCEPTED),
        "confirmations": CooperationConfirmation.objects.filter(
            Q(organization_id__in=member_ids) | Q(partner_id__in=member_ids)
        ).select_related("organization", "partner"),
    }


def ecosystem_statistics() -> dict[str, Any]:
    """Ecosystem-wide figures for the city office."""
    profiles = CooperationProfile.objects.all()
    return {
        "profiles_by_status": dict(
            profiles.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "profiles_by_kind": dict(profiles.values_list("kind").annotate(n=Count("id")).order_by()),
        "live_profiles": profiles.filter(live_q()).count(),
        "demo_profiles": profiles.filter(is_demo=True).count(),
        "interests_by_status": dict(
            Interest.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "closed_cooperations": Interest.objects.filter(closed_at__isnull=False).count(),
        "confirmations": CooperationConfirmation.objects.count(),
        "verified_organizations": CooperationConfirmation.objects.values("partner_id")
        .distinct()
        .count(),
        "organizations_posting": profiles.values("organization_id").distinct().count(),
    }
