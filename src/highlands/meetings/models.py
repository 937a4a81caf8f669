"""Brokerage meetings: the one-to-one B2B session of an event, its participants, their
requests to meet, the scheduled meetings and what came of them.

A ``MeetingSession`` belongs to one event (of kind brokerage, or any event with a B2B part);
its blocks are split into ``Slot`` rows of ``slot_minutes``, and every slot has ``tables``
tables (or online rooms), numbered from 1. A ``Participant`` is a registered person of the
event, for an organisation, with the slots they are available in and an optional cap. A
``MeetingRequest`` asks another participant for a meeting; an accepted one is what the
scheduler places as a ``Meeting`` (slot, table). A meeting is *scheduled* (a draft the
organiser may still re-run), *published* (fixed: a re-run keeps it where it is), *offered*
(on the day, to a standby participant in place of a no-show) or *cancelled*.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..ecosystem.models import Organization
from ..events.models import Event, Registration


class MeetingSession(models.Model):
    """The B2B meetings of one event: slot length, tables, request deadline."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="meeting_session")
    slot_minutes = models.PositiveSmallIntegerField(default=20)
    tables = models.PositiveSmallIntegerField()
    online = models.BooleanField(default=False)  # tables are online rooms
    request_deadline = models.DateTimeField(null=True, blank=True)  # pending requests expire
    join_deadline = models.DateTimeField(null=True, blank=True)  # last moment to take part
    max_meetings = models.PositiveSmallIntegerField(null=True, blank=True)  # per participant
    # Names of the tables (or rooms) in number order; a missing or empty name: just the number.
    table_names = models.JSONField(default=list, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)  # last scheduler run
    published_at = models.DateTimeField(null=True, blank=True)  # last publication
    # The scheduler's last result, for the organiser's page: objective, bound, status...
    last_run = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Meetings of {self.event}"

    def table_name(self, number: int) -> str:
        """The name of table ``number`` (from 1), or "" when it has none."""
        names = self.table_names or []
        return str(names[number - 1]) if 0 < number <= len(names) else ""

    def table_label(self, number: int) -> str:
        """The number and, when it has one, the name: "3 (Green room)"."""
        name = self.table_name(number)
        return f"{number} ({name})" if name else str(number)


class Slot(models.Model):
    """One time slot of a session (a block split into ``slot_minutes``), in time order."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "starts_at"], name="slot_once_per_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Participant(models.Model):
    """A registered person of the event taking part in its meetings, for an organisation."""

    session = models.ForeignKey(
        MeetingSession, on_delete=models.CASCADE, related_name="participants"
    )
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)  # what they come for, at this event
    available = models.ManyToManyField(Slot, blank=True, related_name="available_participants")
    max_meetings = models.PositiveSmallIntegerField(null=True, blank=True)  # None: no cap
    standby = models.BooleanField(default=False)  # takes a no-show's meeting on the day
    absent = models.BooleanField(default=False)  # marked a no-show by the organiser
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="participant_once"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email or self.user.username


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", pgettext_lazy("meeting request status", "Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MeetingRequest(models.Model):
    """One participant asks another for a meeting; at most one request per pair."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="received")
    reason = models.TextField()
    priority = models.PositiveSmallIntegerField(default=1)  # 1-3; 2: mutual; 3: organiser's
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_organiser = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "requester", "recipient"], name="request_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")), name="request_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3), name="request_priority_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient} ({self.status})"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled (not yet published)")
    PUBLISHED = "published", pgettext_lazy("meeting status", "Published")
    OFFERED = "offered", _("Offered to a standby participant")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


LIVE_MEETING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED, MeetingStatus.OFFERED)


class Meeting(models.Model):
    """An accepted request placed at a table in a slot. A standby meeting replaces a
    no-show's: ``replaces`` points at the cancelled one, and ``request`` is the new pair's."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="meetings")
    table = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=MeetingStatus.choices)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "table"]
        constraints = [
            # No table is used twice in a slot, nor a request met twice.
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(status__in=["scheduled", "published", "offered"]),
                name="meeting_table_once_per_slot",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["scheduled", "published", "offered"]),
                name="meeting_once_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} @ {self.slot} table {self.table}"

    @property
    def table_label(self) -> str:
        """The table's number and name ("3 (Green room)")."""
        return self.session.table_label(self.table)


class OutcomeResult(models.TextChoices):
    NO_SHOW = "no_show", _("The other side did not come")
    NO_INTEREST = "no_interest", _("We met; no common interest")
    INFORMATION = "information", _("We met and exchanged information")
    COOPERATION = "cooperation", _("We met and started cooperating")


TOOK_PLACE_RESULTS = (
    OutcomeResult.NO_INTEREST,
    OutcomeResult.INFORMATION,
    OutcomeResult.COOPERATION,
)


class MeetingOutcome(models.Model):
    """What one side says came of a meeting (each side records its own)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    result = models.CharField(max_length=12, choices=OutcomeResult.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="outcome_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.result}"

    @property
    def took_place(self) -> bool:
        return self.result in TOOK_PLACE_RESULTS
