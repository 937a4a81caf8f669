"""Every read of events: the public calendar, one event, a person's registrations, an
organiser's lists (registrants, waiting list, check-in). Views, the API and feeds read here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..accounts.models import ClusterCoordinator
from ..errors import NotFoundError
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.FINISHED)
NOT_FOUND = "No event with id {pk}."


def _managed_q(user: Any) -> Q:
    """The events ``user`` organises (drafts included): all for the city office."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser or getattr(user, "is_city_admin", False):
        return Q()
    clusters = ClusterCoordinator.objects.filter(user=user).values("cluster_id")
    return Q(clusters__in=clusters) | Q(clusters__parent__in=clusters)


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Published, cancelled and finished events for everyone; drafts for their organisers."""
    visible = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        managed = Event.objects.filter(Q(status=EventStatus.DRAFT) & _managed_q(user)).values("pk")
        visible |= Q(pk__in=managed)
    return Event.objects.filter(visible)


def _count(statuses: tuple[str, ...]) -> Coalesce:
    """Seats of the event's registrations in ``statuses``, as a correlated subquery: it runs
    for the rows a page shows only (a join + ``GROUP BY`` over every event was the slow path
    of a 10,000-event calendar)."""
    per_event = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("event")
        .annotate(total=Sum("seats"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(per_event, output_field=IntegerField()), Value(0))


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return (
        qs.select_related("highland", "series")
        .prefetch_related("clusters", "topics")
        .annotate(
            seats_taken=_count(SEAT_STATUSES),
            waiting=_count((RegistrationStatus.WAITING,)),
        )
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _next_month(month: date) -> date | None:
    if month >= date(9999, 12, 1):  # the last month of the calendar has no next one
        return None
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def event_list(
    *,
    user: Any,
    when: str = "upcoming",
    cluster: str | None = None,
    highland: str | None = None,
    topic: str | None = None,
    kind: str | None = None,
    language: str | None = None,
    month: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
) -> QuerySet[Event]:
    """The calendar: upcoming (soonest first) or past (latest first) events, or those of one
    month or of a date range (``date_to`` included; soonest first), filtered.

    Filters on organisers and topics are ``pk IN (subquery)`` rather than joins, so the list
    needs no ``DISTINCT`` and its count and page are plain indexed scans of ``Event``."""
    now = timezone.now()
    qs = events_visible_to(user)
    if month is not None:
        date_from = month.replace(day=1)
        following = _next_month(date_from)
        date_to = following - timedelta(days=1) if following else None
    if date_from is not None or date_to is not None:
        if date_from is not None:
            qs = qs.filter(starts_at__gte=_day_start(date_from))
        if date_to is not None and date_to < date(9999, 12, 31):
            qs = qs.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
        qs = qs.order_by("starts_at", "pk")
    elif when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    # The M2M link tables, queried directly: "event id IN (those linked)" needs no join.
    through_clusters = Event.clusters.through._default_manager
    through_topics = Event.topics.through._default_manager
    if cluster:
        qs = qs.filter(
            pk__in=through_clusters.filter(
                Q(cluster__slug=cluster) | Q(cluster__parent__slug=cluster)
            ).values("event_id")
        )
    if highland:
        qs = qs.filter(
            Q(highland__slug=highland)
            | Q(pk__in=through_topics.filter(highland__slug=highland).values("event_id"))
        )
    if topic:
        qs = qs.filter(pk__in=through_topics.filter(highland__slug=topic).values("event_id"))
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language=language)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(title_pl__icontains=q))
    return _with_counts(qs)


def event_get(*, user: Any, pk: int) -> Event:
    event = _with_counts(events_visible_to(user).filter(pk=pk)).first()
    if event is None:
        raise NotFoundError(NOT_FOUND.format(pk=pk))
    return event


def events_of_cluster(*, slug: str) -> QuerySet[Event]:
    """A cluster's public events (its sub-clusters' too), for its iCal feed and page."""
    return (
        Event.objects.filter(status__in=PUBLIC_STATUSES)
        .filter(Q(clusters__slug=slug) | Q(clusters__parent__slug=slug))
        .distinct()
        .order_by("starts_at", "pk")
    )


def events_managed_by(*, user: Any) -> QuerySet[Event]:
    return _with_counts(Event.objects.filter(_managed_q(user)).distinct()).order_by("-starts_at")


def registration_of(*, user: Any, event: Event) -> Registration | None:
    """The person's active registration for the event, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, user=user, status__in=ACTIVE_STATUSES)
        .select_related("event", "organization")
        .first()
    )


def waiting_place(registration: Registration) -> int | None:
    """1 for the first person waiting; None unless the registration is waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=RegistrationStatus.WAITING,
            sequence__lt=registration.sequence,
        ).count()
        + 1
    )


def registrations_of(*, user: Any) -> QuerySet[Registration]:
    """A person's own registrations, the newest events first."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "organization")
        .order_by("-event__starts_at", "-pk")
    )


def registration_get(*, user: Any, pk: int) -> Registration:
    registration = (
        Registration.objects.select_related("event", "user", "organization").filter(pk=pk).first()
    )
    if registration is None or not user.has_perm("events.view_registration", registration):
        raise NotFoundError(f"No registration with id {pk}.")
    return registration


def registrants(*, event: Event, q: str | None = None) -> QuerySet[Registration]:
    """An organiser's list: confirmed and offered first, then the waiting list, in arrival
    order; ``q`` searches names and e-mail addresses (the check-in page)."""
    qs = Registration.objects.filter(event=event).select_related("user", "organization")
    if q:
        qs = qs.filter(
            Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(organization__name__icontains=q)
        )
    return qs.order_by("sequence")


def registrant_rows(event: Event) -> list[dict[str, Any]]:
    """The attendance list (CSV/XLSX), one row per registration in arrival order."""
    rows: list[dict[str, Any]] = []
    for r in registrants(event=event):
        row: dict[str, Any] = {
            "name": r.user.get_full_name() or r.user.username,
            "email": r.user.email,
            "organization": r.organization.name if r.organization else "",
            "status": r.status,
            "seats": r.seats,
            "attendees": "; ".join(r.attendees),
            "registered_at": timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            "checked_in_at": (
                timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M")
                if r.checked_in_at
                else ""
            ),
            "no_show": r.status == RegistrationStatus.CONFIRMED
            and r.checked_in_at is None
            and event.ends_at < timezone.now(),
        }
        for i, question in enumerate(event.questions):
            row[question] = r.answers[i] if i < len(r.answers) else ""
        rows.append(row)
    return rows


def events_of_person(*, user: Any) -> QuerySet[Event]:
    """The public events a person holds a seat at or waits for (their personal feed)."""
    return (
        Event.objects.filter(
            status__in=PUBLIC_STATUSES,
            registrations__user=user,
            registrations__status__in=ACTIVE_STATUSES,
        )
        .distinct()
        .order_by("starts_at", "pk")
    )
