"""The marketplace's figures and edges for analytics (registered from ``ready()``).

Live profiles now, profiles published over time, and confirmed cooperations (a closed
cooperation at least one side confirmed) over time; who cooperated with whom is not public
(pages show only each organisation's count of confirmations), so those edges are the city
office's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..analytics.registry import ActivityMetric, Edge, EdgeSource, register_edges, register_metric
from .models import CooperationProfile, Interest
from .selectors import live_q


def _live_profiles() -> int:
    return CooperationProfile.objects.filter(live_q()).count()


def _published() -> int:
    return CooperationProfile.objects.filter(published_at__isnull=False).count()


def _published_history() -> Iterable[tuple[date, int]]:
    for moment in CooperationProfile.objects.filter(published_at__isnull=False).values_list(
        "published_at", flat=True
    ):
        yield timezone.localdate(moment), 1


def _confirmed() -> Iterable[Interest]:
    return (
        Interest.objects.filter(confirmations__isnull=False)
        .annotate(first_confirmed=Min("confirmations__created_at"))
        .select_related("organization", "profile__organization")
        .order_by("pk")
    )


def _confirmed_count() -> int:
    return Interest.objects.filter(confirmations__isnull=False).distinct().count()


def _confirmed_history() -> Iterable[tuple[date, int]]:
    for interest in _confirmed():
        yield timezone.localdate(interest.first_confirmed), 1  # type: ignore[attr-defined]


def _cooperation_edges() -> Iterable[Edge]:
    for interest in _confirmed():
        if interest.organization is None:  # a person's interest: no organisation to link
            continue
        demo = " (demo)" if interest.is_demo else ""
        yield Edge(
            a=interest.profile.organization.slug,
            b=interest.organization.slug,
            kind="cooperation",
            on=timezone.localdate(interest.first_confirmed),  # type: ignore[attr-defined]
            record=f"Marketplace cooperation #{interest.pk}{demo}",
        )


def register() -> None:
    register_metric(
        ActivityMetric(
            name="live_profiles",
            label=_("Live marketplace profiles"),
            count=_live_profiles,
            history=None,
            source_label=_(
                "published cooperation profiles within their validity (demo profiles included)"
            ),
        )
    )
    register_metric(
        ActivityMetric(
            name="profiles_published",
            label=_("Marketplace profiles published"),
            count=_published,
            history=_published_history,
            source_label=_("publication date of each cooperation profile (demo profiles included)"),
        )
    )
    register_metric(
        ActivityMetric(
            name="confirmed_cooperations",
            label=_("Confirmed cooperations"),
            count=_confirmed_count,
            history=_confirmed_history,
            source_label=_(
                "first confirmation of each finished marketplace cooperation (demo included)"
            ),
        )
    )
    register_edges(
        EdgeSource(
            kind="cooperation",
            label=_("confirmed marketplace cooperation"),
            edges=_cooperation_edges,
            public=False,
        )
    )
