"""Cooperation profiles in search: live profiles, shown only to those who may see them.

Registered with ``search.registry`` from ``MarketplaceConfig.ready()``. The index holds
every live profile whatever its audience; search asks ``visible_profile_ids`` about every
profile candidate at query time, so the index never decides who sees what.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..ecosystem import search_documents as registry_documents
from ..ecosystem.models import Membership
from ..search import registry
from ..search.documents import DocumentData, strip
from .models import CooperationProfile, Direction, ProfileKind
from .selectors import live_q, profiles_visible_to


class DocumentKind(StrEnum):
    """The kinds of search document this app registers."""

    PROFILE = "profile"


def _labels(choices: type[ProfileKind] | type[Direction], value: str) -> list[str]:
    """A stored code's label in English and Polish, so either language finds it."""
    labels = []
    for language in ("en", "pl"):
        with translation.override(language):
            labels.append(str(choices(value).label))
    return list(dict.fromkeys(labels))


def build_profiles(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given cooperation profiles; only live ones are indexed.

    A draft, closed or expired profile yields nothing, so its document is removed.  The index
    is not what keeps a profile private: every search re-checks visibility and liveness
    against the database (``visible_profile_ids``), since a profile also expires by the date.
    """
    profiles = list(
        CooperationProfile.objects.filter(live_q(), pk__in=list(pks))
        .select_related("organization")
        .prefetch_related("highlands")
    )
    clusters_of: dict[int, set[int]] = {}
    for org_id, cluster_id in Membership.objects.filter(
        organization__in={p.organization_id for p in profiles}
    ).values_list("organization_id", "cluster_id"):
        clusters_of.setdefault(org_id, set()).add(cluster_id)
    for profile in profiles:
        owner = profile.organization.name
        labels = _labels(ProfileKind, profile.kind) + _labels(Direction, profile.direction)
        body = [
            profile.description,
            ", ".join(profile.keywords),
            " ".join(labels),
            f"{owner} {profile.capacity} {profile.region}",
        ]
        lead = ". ".join(part for part in (profile.title, ", ".join(profile.keywords)) if part)
        yield DocumentData(
            kind=DocumentKind.PROFILE,
            object_id=profile.pk,
            title=profile.title,
            slug=str(profile.pk),
            names=[profile.title],
            body=[strip(b) for b in body if b.strip()],
            passages=[strip(lead), strip(profile.description)],
            highlands=sorted(h.slug for h in profile.highlands.all()),
            clusters=sorted(clusters_of.get(profile.organization_id, ())),
            helix_role=profile.organization.helix_role,
            is_synthetic=False,  # demo profiles are labelled on their pages, not hidden
        )


def _live_profiles() -> QuerySet[CooperationProfile, int]:
    return CooperationProfile.objects.filter(live_q()).order_by("pk").values_list("pk", flat=True)


def visible_profile_ids(user: Any, pks: list[int]) -> QuerySet[CooperationProfile, int]:
    """Of these profiles, the ones ``user`` may see now: live, and in their audience.

    The index may lag (a profile expires by the date, changes its audience or is deleted
    before its document is refreshed), so this asks the marketplace's own visibility rule.
    """
    return profiles_visible_to(user).filter(live_q(), pk__in=pks).values_list("pk", flat=True)


def profiles_of_organizations(pks: list[int]) -> QuerySet[CooperationProfile, int]:
    """The live profiles these organisations own: they show the owner's name, helix role
    and clusters, so an organisation's change refreshes them too."""
    return CooperationProfile.objects.filter(live_q(), organization__in=pks).values_list(
        "pk", flat=True
    )


PROFILES = registry.SearchKind(
    name=DocumentKind.PROFILE,
    label=pgettext_lazy("search result kind", "cooperation profile"),
    plural=gettext_lazy("Cooperation profiles"),
    build=build_profiles,
    all_ids=_live_profiles,
    url=registry.url_with_pk("marketplace:profile"),
    visible=visible_profile_ids,
    filters=frozenset({"highland", "cluster", "helix_role"}),
    embeds={registry_documents.DocumentKind.ORGANIZATION: profiles_of_organizations},
)


def register() -> None:
    """Make cooperation profiles searchable (from ``MarketplaceConfig.ready()``)."""
    registry.register(PROFILES)
