"""Brokerage meetings for analytics (registered from ``ready()``): meetings that took place
(at least one side recorded an outcome saying so) over time, and the edge between the two
organisations of each. Who met whom is not public, so the edges are the city office's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..analytics.registry import ActivityMetric, Edge, EdgeSource, register_edges, register_metric
from .models import TOOK_PLACE_RESULTS, Meeting


def _took_place() -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(outcomes__result__in=TOOK_PLACE_RESULTS)
        .distinct()
        .select_related(
            "slot", "request__requester__organization", "request__recipient__organization"
        )
        .order_by("pk")
    )


def _count() -> int:
    return _took_place().count()


def _history() -> Iterable[tuple[date, int]]:
    for meeting in _took_place():
        yield timezone.localdate(meeting.slot.starts_at), 1


def _edges() -> Iterable[Edge]:
    for meeting in _took_place():
        a = meeting.request.requester.organization
        b = meeting.request.recipient.organization
        if a is None or b is None or a.pk == b.pk:
            continue
        yield Edge(
            a=a.slug,
            b=b.slug,
            kind="b2b_meeting",
            on=timezone.localdate(meeting.slot.starts_at),
            record=f"Brokerage meeting #{meeting.pk}",
        )


def register() -> None:
    register_metric(
        ActivityMetric(
            name="b2b_meetings",
            label=_("Brokerage meetings held"),
            count=_count,
            history=_history,
            source_label=_("brokerage meetings at least one side recorded as held"),
        )
    )
    register_edges(
        EdgeSource(
            kind="b2b_meeting",
            label=_("brokerage meeting held"),
            edges=_edges,
            public=False,
        )
    )
