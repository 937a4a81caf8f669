"""Events and training: the calendar of clusters, highlands and the city office, and the
registrations of people to them (confirmed, waiting in arrival order, offered a freed seat).

Times are stored in UTC and shown in Europe/Warsaw. Capacity is enforced in
``services.registration_create`` under a lock on the event row (a conditional UPDATE that
every registration and cancellation of the event starts with), so concurrent registrations
never overbook, and the waiting list keeps arrival order (``Registration.sequence``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..ecosystem.models import Cluster, Highland, Language, Organization


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    MEETUP = "meetup", _("Meetup")
    FAIR_TRIP = "fair_trip", _("Trip to a fair")
    ECONOMIC_MISSION = "economic_mission", _("Economic mission")
    STUDY_VISIT = "study_visit", _("Study visit")
    COMPETITION = "competition", _("Competition")
    BROKERAGE = "brokerage", _("Brokerage event")


class Audience(models.TextChoices):
    OPEN = "open", _("Open to all")
    MEMBERS = "members", _("Members of the organising clusters")
    INVITATION = "invitation", _("By invitation only")


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")
    FINISHED = "finished", pgettext_lazy("event status", "Finished")


class EventSeries(models.Model):
    """Recurring events (a monthly meetup): each occurrence is its own ``Event``."""

    name = models.CharField(max_length=200)
    name_pl = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "event series"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One event of the calendar. Past events stay as their organisers' record of activity."""

    kind = models.CharField(max_length=24, choices=EventKind.choices)
    title = models.CharField(max_length=200, blank=True)
    title_pl = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    # Organisers: one or more clusters, a highland, and/or the city office.
    clusters: models.ManyToManyField[Cluster, models.Model] = models.ManyToManyField(
        Cluster, blank=True, related_name="events"
    )
    highland = models.ForeignKey(
        Highland, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    by_city_office = models.BooleanField(default=False)
    # What it is about: the highlands (sector ecosystems) search filters by.
    topics: models.ManyToManyField[Highland, models.Model] = models.ManyToManyField(
        Highland, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(db_index=True)  # UTC
    ends_at = models.DateTimeField(db_index=True)  # UTC; "upcoming" filters on it
    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.PL)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.OPEN)
    invitees = models.JSONField(default=list, blank=True)  # e-mail addresses (invitation only)
    capacity = models.PositiveIntegerField()
    per_organization_limit = models.PositiveIntegerField(null=True, blank=True)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    cancellation_deadline = models.DateTimeField(null=True, blank=True)
    # How long a person promoted from the waiting list holds the seat before accepting it;
    # 0: promotion confirms at once.
    offer_hours = models.PositiveIntegerField(default=0)
    questions = models.JSONField(default=list, blank=True)  # texts asked at registration
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # Arrival counter: every registration takes the next number under the event's row lock.
    sequence = models.PositiveIntegerField(default=0)
    is_demo = models.BooleanField(default=False)
    demo_key = models.CharField(max_length=80, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ical_sequence = models.PositiveIntegerField(default=0)  # iCal SEQUENCE: bumped on change

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.title_pl


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    OFFERED = "offered", _("Seat offered")  # promoted; holds the seat until offer_expires_at
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    EXPIRED = "expired", _("Offer expired")


# The statuses that hold one of the event's seats.
SEAT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
ACTIVE_STATUSES = (*SEAT_STATUSES, RegistrationStatus.WAITING)


class Registration(models.Model):
    """One person's place at an event, registered by themselves (for their organisation)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    sequence = models.PositiveIntegerField()  # arrival order within the event
    # A group registration: the named people it brings (empty: the registrant alone). It holds
    # one seat per attendee, all or none: the group waits, and is promoted, as a whole.
    attendees = models.JSONField(default=list, blank=True)
    seats = models.PositiveIntegerField(default=1)
    answers = models.JSONField(default=list, blank=True)
    ticket_key = models.CharField(max_length=32, unique=True)  # random; signed into the QR
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "sequence"]
        constraints = [
            # No duplicates: one active registration per person and event.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "offered", "waiting"]),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(fields=["event", "sequence"], name="registration_sequence"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event_id} ({self.status})"
