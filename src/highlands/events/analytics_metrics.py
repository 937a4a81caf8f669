"""The events' figures and edges for analytics (registered from ``ready()``).

- ``events_held``: published or finished events that have ended (cancelled events and drafts
  never count), dated by their end; demo events are included and the label says so.
- ``attendance_<helix>``: people checked in at an event (``Registration.checked_in_at``, the
  record certificates of attendance are issued from), by the quadruple helix of the
  organisation they registered for (``analytics.selectors.HELICES``); a person registered
  for no organisation, or for one with no stated role, counts under "role not stated".
  Registrations without a check-in are intentions, not attendance, and are not counted.
- Edge ``co_organised`` (public): two clusters organising one public event together, or a
  cluster and the highland organising it together; one edge per event and pair.
- Edge ``event_attendance`` (city office): an organisation whose people were checked in at
  an event, linked to each cluster that organised it (one edge per event, organisation and
  cluster). Pairs of organisations that attended the same event are not drawn: an event of
  200 organisations would add 19,900 pairs that say only "they were in the same room".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import combinations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..analytics.registry import ActivityMetric, Edge, EdgeSource, register_edges, register_metric
from ..analytics.selectors import HELICES
from .models import Event, EventStatus, Registration

HELD_STATUSES = (EventStatus.PUBLISHED, EventStatus.FINISHED)
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.FINISHED, EventStatus.CANCELLED)
NOT_STATED = "not_stated"
HELIX_LABELS = {
    "industry": _("Event attendance: industry"),
    "academia": _("Event attendance: academia"),
    "government": _("Event attendance: government"),
    "civil_society": _("Event attendance: civil society"),
    NOT_STATED: _("Event attendance: role not stated"),
}


def _held() -> QuerySet[Event]:
    return Event.objects.filter(status__in=HELD_STATUSES, ends_at__lte=timezone.now())


def _held_count() -> int:
    return _held().count()


def _held_history() -> Iterable[tuple[date, int]]:
    for ends in _held().values_list("ends_at", flat=True):
        yield timezone.localdate(ends), 1


def _roles(helix: str) -> tuple[str, ...]:
    return HELICES.get(helix, ())


def _attended(helix: str) -> QuerySet[Registration]:
    qs = Registration.objects.filter(checked_in_at__isnull=False, event__status__in=HELD_STATUSES)
    if helix == NOT_STATED:
        roles = [role for group in HELICES.values() for role in group]
        return qs.exclude(organization__helix_role__in=roles)
    return qs.filter(organization__helix_role__in=_roles(helix))


def _attendance(helix: str) -> ActivityMetric:
    def count() -> int:
        return _attended(helix).count()

    def history() -> Iterable[tuple[date, int]]:
        for moment in _attended(helix).values_list("checked_in_at", flat=True):
            yield timezone.localdate(moment), 1

    return ActivityMetric(
        name=f"attendance_{helix}",
        label=HELIX_LABELS[helix],
        count=count,
        history=history,
        source_label=_(
            "people checked in at events, by the helix role of the organisation they "
            "registered for (demo events included)"
        ),
    )


def _record(event: Event) -> str:
    demo = " (demo)" if event.is_demo else ""
    return f"Event #{event.pk}: {event.title or event.title_pl}{demo}"


def _co_organised_edges() -> Iterable[Edge]:
    events = (
        Event.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("highland")
        .prefetch_related("clusters")
        .order_by("pk")
    )
    for event in events:
        clusters = sorted(c.slug for c in event.clusters.all())
        if len(clusters) + (event.highland_id is not None) < 2:
            continue
        on = timezone.localdate(event.starts_at)
        url = reverse("events:detail", args=[event.pk])
        for a, b in combinations(clusters, 2):
            yield Edge(a, b, "co_organised", on, _record(event), url, "cluster", "cluster")
        if event.highland is not None:
            for slug in clusters:
                yield Edge(
                    slug,
                    event.highland.slug,
                    "co_organised",
                    on,
                    _record(event),
                    url,
                    "cluster",
                    "highland",
                )


def _attendance_edges() -> Iterable[Edge]:
    seen: set[tuple[int, str, str]] = set()
    registrations = (
        Registration.objects.filter(
            checked_in_at__isnull=False,
            organization__isnull=False,
            event__status__in=HELD_STATUSES,
        )
        .select_related("organization", "event")
        .prefetch_related("event__clusters")
        .order_by("event_id", "organization__slug")
    )
    for reg in registrations:
        event, org = reg.event, reg.organization
        if org is None:  # filtered out above; for the type checker
            continue
        for cluster in event.clusters.all():
            key = (event.pk, org.slug, cluster.slug)
            if key in seen:
                continue
            seen.add(key)
            yield Edge(
                org.slug,
                cluster.slug,
                "event_attendance",
                timezone.localdate(event.starts_at),
                _record(event),
                reverse("events:detail", args=[event.pk]),
                "organization",
                "cluster",
            )


# Built once (registering the same metric again is allowed only for an equal object).
ATTENDANCE = tuple(_attendance(helix) for helix in (*HELICES, NOT_STATED))


def register() -> None:
    register_metric(
        ActivityMetric(
            name="events_held",
            label=_("Events held"),
            count=_held_count,
            history=_held_history,
            source_label=_(
                "published or finished events that have ended, dated by their end "
                "(demo events included)"
            ),
        )
    )
    for metric in ATTENDANCE:
        register_metric(metric)
    register_edges(
        EdgeSource(
            kind="co_organised",
            label=_("event organised together"),
            edges=_co_organised_edges,
        )
    )
    register_edges(
        EdgeSource(
            kind="event_attendance",
            label=_("attended an event the cluster organised"),
            edges=_attendance_edges,
            public=False,
        )
    )
