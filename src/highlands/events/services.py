"""Every write of events: events (create, change, publish, cancel), registrations (register,
cancel, accept an offered seat), the waiting list's promotion, check-in, reminders.

Keyword-only, one transaction each, the actor's permission checked here (``rules.py``), an
audit entry per change, mail after commit. **Capacity is race-safe**: every write that
counts seats starts with ``_lock_event`` — a conditional ``UPDATE`` of the event's row (it
takes the next arrival number), which PostgreSQL holds as a row lock until commit and
SQLite as the database's write lock (``BEGIN IMMEDIATE``) — so the seat count read after
it cannot change until the transaction ends. A person promoted from the waiting list is
the first in arrival order; one freed seat promotes exactly one person.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from ..accounts.predicates import represents_organization
from ..audit.services import audit_record, audit_scrub_list_items
from ..ecosystem.localization import localized
from ..ecosystem.models import Cluster, Highland, Language, Organization
from ..errors import ApplicationError, PermissionDeniedError
from ..notifications.services import notify
from ..search.indexing import enqueue
from ..servicekit import SYSTEM, bounded_items, choice, person, plain_text, require, update_audited
from . import ical
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Audience,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from .search_documents import DocumentKind

ERASED_NAME = "(erased)"  # what stands for a person's words once they are erased

TITLE_MAX = 200
DESCRIPTION_MAX = 10000
VENUE_MAX = 200
ADDRESS_MAX = 300
URL_MAX = 500
QUESTIONS_MAX = 10
QUESTION_MAX = 300
ANSWER_MAX = 1000
INVITEES_MAX = 500
CAPACITY_MAX = 100000
OFFER_HOURS_MAX = 24 * 14
REMINDER_BEFORE = timedelta(hours=24)
TICKET_SALT = "highlands.events.ticket"
YEAR_MIN, YEAR_MAX = 2000, 2200

ORGANISE_DENIED = gettext_noop("You may not organise events for this cluster.")
CITY_DENIED = gettext_noop(
    "Only the city office organises events of a highland or of the city office."
)
MANAGE_DENIED = gettext_noop("You may not manage this event.")
NO_ORGANISER = gettext_noop(
    "An event needs an organiser: a cluster, a highland or the city office."
)
NO_TITLE = gettext_noop("An event needs a title in English or Polish.")
ENDS_BEFORE_START = gettext_noop("The event ends before it starts.")
STARTS_IN_PAST = gettext_noop("The event cannot start in the past.")
BAD_CAPACITY = gettext_noop("The capacity must be a whole number from 1 to {limit}.")
CAPACITY_BELOW_SEATS = gettext_noop(
    "The capacity ({capacity}) cannot be lower than the {taken} seats already taken."
)
WINDOW_ORDER = gettext_noop("Registration must open before it closes.")
WINDOW_AFTER_START = gettext_noop("Registration must close before the event ends.")
BAD_URL = gettext_noop("The online link must start with https:// or http://.")
BAD_INVITEE = gettext_noop("'{value}' in the invitation list is not an e-mail address.")
ALREADY_PUBLISHED = gettext_noop("This event is already published.")
ALREADY_CANCELLED = gettext_noop("This event is already cancelled.")
NOT_EDITABLE = gettext_noop("A {status} event cannot be changed.")
NOT_IN_AUDIENCE = gettext_noop("This event is not open to you: {audience}.")
NOT_OPEN = gettext_noop("This event is not open for registration (it is {status}).")
EVENT_CANCELLED = gettext_noop("This event is cancelled.")
EVENT_PAST = gettext_noop("This event has already started; registration is closed.")
WINDOW_NOT_OPEN = gettext_noop("Registration opens on {when}.")
WINDOW_CLOSED = gettext_noop("Registration closed on {when}.")
DUPLICATE = gettext_noop("You are already registered for this event.")
NOT_YOUR_ORGANIZATION = gettext_noop(
    "You may only register on behalf of an organisation you represent."
)
ORGANIZATION_LIMIT = gettext_noop(
    "{organization} has already registered its {limit} people for this event."
)
WRONG_ANSWERS = gettext_noop("This event asks {count} questions; {given} answers were given.")
ALREADY_CANCELLED_REGISTRATION = gettext_noop("This registration is already cancelled.")
CANCEL_DENIED = gettext_noop("You may only cancel your own registration.")
CANCEL_DEADLINE = gettext_noop(
    "The cancellation deadline ({when}) has passed; please contact the organiser."
)
NO_OFFER = gettext_noop("There is no seat offered to you for this event.")
OFFER_EXPIRED = gettext_noop("The offered seat expired on {when}.")
TICKET_FORGED = gettext_noop("This ticket code is not valid (forged or damaged).")
TICKET_OTHER_EVENT = gettext_noop("This ticket is for another event.")
TICKET_NOT_CONFIRMED = gettext_noop("This ticket's registration is not confirmed ({status}).")
CHECKIN_DENIED = gettext_noop("Only the organisers check people in.")
NOT_A_TIME = gettext_noop("The {field} must be a date and time.")
BAD_ORGANIZATION_LIMIT = gettext_noop(
    "The per-organisation limit must be a whole number from 1 to the capacity."
)
BAD_OFFER_HOURS = gettext_noop("The time to accept an offered seat must be 0 to {limit} hours.")
NO_TIMES = gettext_noop("An event needs a start and an end.")
NO_SUCH_EVENT = gettext_noop("No such event.")
BAD_YEAR = gettext_noop("The {field} must be in the years {low} to {high}.")
SIGN_IN = gettext_noop("Sign in to register.")
RANGE_DAYS_MAX = 366
RANGE_ORDER = gettext_noop("The end of the date range is before its start.")
RANGE_TOO_LONG = gettext_noop("A date range spans at most {days} days; choose a shorter one.")
GROUP_MAX = 50
ATTENDEE_MAX = 200
ATTENDEE_EMPTY = gettext_noop("Each attendee of a group needs a name.")
ATTENDEE_TWICE = gettext_noop("'{name}' is named twice among the attendees.")
GROUP_OVER_CAPACITY = gettext_noop(
    "A group of {seats} cannot fit this event: it has {capacity} seats in all."
)

EVENT_LOG_FIELDS = [
    "kind",
    "title",
    "title_pl",
    "description",
    "description_pl",
    "highland_id",
    "by_city_office",
    "starts_at",
    "ends_at",
    "venue",
    "address",
    "online_url",
    "language",
    "audience",
    "invitees",
    "capacity",
    "per_organization_limit",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "offer_hours",
    "questions",
    "series_id",
]


def date_range_check(date_from: date | None, date_to: date | None) -> None:
    """A calendar's date range: in the years YEAR_MIN..YEAR_MAX, ordered, at most a year."""
    for name, value in (("start", date_from), ("end", date_to)):
        if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
            raise ApplicationError(
                BAD_YEAR.format(field=f"date range's {name}", low=YEAR_MIN, high=YEAR_MAX),
                code="invalid",
            )
    if date_from and date_to:
        if date_to < date_from:
            raise ApplicationError(RANGE_ORDER, code="invalid")
        if (date_to - date_from).days >= RANGE_DAYS_MAX:
            raise ApplicationError(RANGE_TOO_LONG.format(days=RANGE_DAYS_MAX), code="invalid")


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ApplicationError(NOT_A_TIME.format(field=field), code="invalid")
    if not YEAR_MIN <= value.year <= YEAR_MAX:  # checked before any time-zone arithmetic
        raise ApplicationError(
            BAD_YEAR.format(field=field, low=YEAR_MIN, high=YEAR_MAX), code="invalid"
        )
    if timezone.is_naive(value):  # a time typed in a form: Europe/Warsaw
        value = timezone.make_aware(value)
    return value


def _scope(event: Event) -> dict[str, Any]:
    cluster = next(iter(event.clusters.all()), None) if event.pk else None
    return {"cluster_id": cluster.pk if cluster else None}


def _invitees(values: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for value in bounded_items(list(values), field="invitation list", limit=INVITEES_MAX):
        address = plain_text(str(value), field="invitation list", limit=254).strip().lower()
        if not address:
            continue
        local, _, domain = address.partition("@")
        if not local or "." not in domain or " " in address:
            raise ApplicationError(BAD_INVITEE.format(value=address[:60]), code="invalid")
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def _questions(values: Iterable[str]) -> list[str]:
    items = bounded_items(list(values), field="questions", limit=QUESTIONS_MAX)
    cleaned = [plain_text(str(q), field="question", limit=QUESTION_MAX) for q in items]
    return [q for q in cleaned if q]


def _clean(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Bounded, checked event fields (the same for creating and changing an event)."""
    out = dict(values)
    choice(out["kind"], EventKind.values, "event kind")
    choice(out["audience"], Audience.values, "audience")
    choice(out["language"], Language.values, "language")
    for name, limit in (("title", TITLE_MAX), ("title_pl", TITLE_MAX)):
        out[name] = plain_text(out.get(name) or "", field=name.replace("_", " "), limit=limit)
    for name in ("description", "description_pl"):
        out[name] = plain_text(
            out.get(name) or "", field=name.replace("_", " "), limit=DESCRIPTION_MAX
        )
    if not (out["title"] or out["title_pl"]):
        raise ApplicationError(NO_TITLE, code="required")
    out["venue"] = plain_text(out.get("venue") or "", field="venue", limit=VENUE_MAX)
    out["address"] = plain_text(out.get("address") or "", field="address", limit=ADDRESS_MAX)
    url = plain_text(out.get("online_url") or "", field="online link", limit=URL_MAX)
    if url and not url.startswith(("https://", "http://")):
        raise ApplicationError(BAD_URL, code="invalid")
    out["online_url"] = url
    out["invitees"] = _invitees(out.get("invitees") or [])
    out["questions"] = _questions(out.get("questions") or [])
    capacity = out["capacity"]
    if (
        not isinstance(capacity, int)
        or isinstance(capacity, bool)
        or not 1 <= capacity <= CAPACITY_MAX
    ):
        raise ApplicationError(BAD_CAPACITY.format(limit=CAPACITY_MAX), code="invalid")
    per_org = out.get("per_organization_limit")
    if per_org is not None and (not isinstance(per_org, int) or not 1 <= per_org <= CAPACITY_MAX):
        raise ApplicationError(BAD_ORGANIZATION_LIMIT, code="invalid")
    hours = out.get("offer_hours") or 0
    if not isinstance(hours, int) or not 0 <= hours <= OFFER_HOURS_MAX:
        raise ApplicationError(BAD_OFFER_HOURS.format(limit=OFFER_HOURS_MAX), code="invalid")
    out["offer_hours"] = hours
    for name in (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "cancellation_deadline",
    ):
        out[name] = _aware(out.get(name), name.replace("_", " "))
    if out["starts_at"] is None or out["ends_at"] is None:
        raise ApplicationError(NO_TIMES, code="required")
    if out["ends_at"] <= out["starts_at"]:
        raise ApplicationError(ENDS_BEFORE_START, code="invalid")
    if creating and out["starts_at"] < timezone.now():
        raise ApplicationError(STARTS_IN_PAST, code="invalid")
    opens, closes = out["registration_opens_at"], out["registration_closes_at"]
    if opens and closes and closes <= opens:
        raise ApplicationError(WINDOW_ORDER, code="invalid")
    if closes and closes > out["ends_at"]:
        raise ApplicationError(WINDOW_AFTER_START, code="invalid")
    return out


def _require_organiser(
    actor: Any, clusters: Sequence[Cluster], highland: Highland | None, by_city_office: bool
) -> None:
    if not clusters and highland is None and not by_city_office:
        raise ApplicationError(NO_ORGANISER, code="required")
    for cluster in clusters:
        require(actor, "events.organise_for_cluster", cluster, ORGANISE_DENIED)
    if highland is not None or by_city_office:
        require(actor, "events.organise_for_city", None, CITY_DENIED)


@transaction.atomic
def event_create(
    *,
    actor: Any,
    clusters: Sequence[Cluster] = (),
    highland: Highland | None = None,
    by_city_office: bool = False,
    topics: Sequence[Highland] = (),
    series: EventSeries | None = None,
    publish: bool = False,
    is_demo: bool = False,
    demo_key: str = "",
    **fields: Any,
) -> Event:
    """A new event (a draft unless ``publish``), organised by ``clusters``/``highland``/the
    city office; ``fields`` are the model's own (kind, titles, times, venue, capacity, ...)."""
    _require_organiser(actor, clusters, highland, by_city_office)
    values = {
        "language": Language.PL,
        "audience": Audience.OPEN,
        **fields,
    }
    values = _clean(values, creating=True)
    event = Event.objects.create(
        **values,
        highland=highland,
        by_city_office=by_city_office,
        series=series,
        created_by=person(actor),
        is_demo=is_demo,
        demo_key=demo_key,
    )
    event.clusters.set(clusters)
    event.topics.set(topics)
    audit_record(
        actor=actor,
        action="event.create",
        obj=event,
        after={
            **{f: getattr(event, f) for f in EVENT_LOG_FIELDS},
            "clusters": sorted(c.pk for c in clusters),
        },
        **_scope(event),
    )
    if publish:
        _publish(actor, event)
    enqueue(DocumentKind.EVENT, event.pk)
    return event


@transaction.atomic
def event_update(
    *, actor: Any, event: Event, topics: Sequence[Highland] | None = None, **fields: Any
) -> Event:
    """Change an event's fields. A lowered capacity may not go under the seats taken; a raised
    one promotes the waiting list. Registrants are told of a change of time or place."""
    require(actor, "events.manage_event", event, MANAGE_DENIED)
    event = _lock_event(event.pk)
    if event.status in (EventStatus.CANCELLED, EventStatus.FINISHED):
        raise ApplicationError(
            NOT_EDITABLE.format(status=event.get_status_display()), code="conflict"
        )
    current = {f: getattr(event, f) for f in EVENT_LOG_FIELDS if not f.endswith("_id")}
    values = _clean({**current, **fields}, creating=False)
    taken = _seats_taken(event)
    if values["capacity"] < taken:
        raise ApplicationError(
            CAPACITY_BELOW_SEATS.format(capacity=values["capacity"], taken=taken), code="invalid"
        )
    moved = any(
        values[f] != current[f] for f in ("starts_at", "ends_at", "venue", "address", "online_url")
    )
    change = update_audited(
        event,
        values,
        actor=actor,
        action="event.update",
        also_save=["updated_at"],
        **_scope(event),
    )
    if topics is not None:
        event.topics.set(topics)
    if change:
        Event.objects.filter(pk=event.pk).update(ical_sequence=F("ical_sequence") + 1)
        event.refresh_from_db(fields=["ical_sequence"])
    if "capacity" in change.fields:
        _promote(event)
    if moved and event.status == EventStatus.PUBLISHED:
        for registration in _active_registrations(event):
            _mail(registration, "changed")
    enqueue(DocumentKind.EVENT, event.pk)
    return event


def _publish(actor: Any, event: Event) -> None:
    if event.status == EventStatus.PUBLISHED:
        raise ApplicationError(ALREADY_PUBLISHED, code="conflict")
    if event.status != EventStatus.DRAFT:
        raise ApplicationError(
            NOT_EDITABLE.format(status=event.get_status_display()), code="conflict"
        )
    update_audited(
        event,
        {"status": EventStatus.PUBLISHED, "published_at": timezone.now()},
        actor=actor,
        action="event.publish",
        **_scope(event),
    )


@transaction.atomic
def event_publish(*, actor: Any, event: Event) -> Event:
    require(actor, "events.manage_event", event, MANAGE_DENIED)
    event = _lock_event(event.pk)
    _publish(actor, event)
    enqueue(DocumentKind.EVENT, event.pk)
    return event


@transaction.atomic
def event_cancel(*, actor: Any, event: Event) -> Event:
    """Cancel the event; everyone registered or waiting is e-mailed once it commits."""
    require(actor, "events.manage_event", event, MANAGE_DENIED)
    event = _lock_event(event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ApplicationError(ALREADY_CANCELLED, code="conflict")
    if event.status == EventStatus.FINISHED:
        raise ApplicationError(
            NOT_EDITABLE.format(status=event.get_status_display()), code="conflict"
        )
    notify = event.status == EventStatus.PUBLISHED
    update_audited(
        event,
        {
            "status": EventStatus.CANCELLED,
            "cancelled_at": timezone.now(),
            "ical_sequence": event.ical_sequence + 1,
        },
        actor=actor,
        action="event.cancel",
        **_scope(event),
    )
    if notify:
        for registration in _active_registrations(event):
            _mail(registration, "event_cancelled")
    enqueue(DocumentKind.EVENT, event.pk)
    return event


def _lock_event(pk: int) -> Event:
    """Lock the event's row with a conditional UPDATE (the next arrival number) and read it.

    PostgreSQL keeps the row locked until commit; SQLite's ``BEGIN IMMEDIATE`` already holds
    the database's write lock. Either way every seat count read after this is current.
    """
    if not Event.objects.filter(pk=pk).update(sequence=F("sequence") + 1):
        raise ApplicationError(NO_SUCH_EVENT, code="not_found")
    return Event.objects.select_for_update().get(pk=pk)


def _seats_taken(event: Event) -> int:
    """The seats held (a group registration holds one per attendee)."""
    return event.registrations.filter(status__in=SEAT_STATUSES).aggregate(n=Sum("seats"))["n"] or 0


def _active_registrations(event: Event) -> list[Registration]:
    return list(
        event.registrations.filter(status__in=ACTIVE_STATUSES).select_related("user", "event")
    )


def _audience_label(event: Event) -> str:
    return str(Audience(event.audience).label).lower()


def _check_open(event: Event, now: datetime) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ApplicationError(EVENT_CANCELLED, code="conflict")
    if event.status != EventStatus.PUBLISHED:
        raise ApplicationError(NOT_OPEN.format(status=event.get_status_display()), code="conflict")
    if event.starts_at <= now:
        raise ApplicationError(EVENT_PAST, code="conflict")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ApplicationError(
            WINDOW_NOT_OPEN.format(when=_when(event.registration_opens_at)), code="conflict"
        )
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise ApplicationError(
            WINDOW_CLOSED.format(when=_when(event.registration_closes_at)), code="conflict"
        )


def registration_create(
    *,
    actor: Any,
    event: Event,
    organization: Organization | None = None,
    answers: Sequence[str] = (),
    attendees: Sequence[str] = (),
) -> Registration:
    """Register the actor (on behalf of an organisation they represent): a seat if one is
    free, else the end of the waiting list. One active registration per person and event.

    ``attendees`` makes it a group registration: the named people (the registrant among them
    only if named) hold one seat each, all or none — a group that does not fit waits whole."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(SIGN_IN)
    if not actor.has_perm("events.register", event):
        raise PermissionDeniedError(NOT_IN_AUDIENCE.format(audience=_audience_label(event)))
    if organization is not None and not represents_organization(actor, organization):
        raise PermissionDeniedError(NOT_YOUR_ORGANIZATION)
    answers = list(answers)
    if len(answers) != len(event.questions):
        raise ApplicationError(
            WRONG_ANSWERS.format(count=len(event.questions), given=len(answers)), code="invalid"
        )
    answers = [plain_text(str(a), field="answer", limit=ANSWER_MAX) for a in answers]
    names = _attendees(attendees)
    try:
        with transaction.atomic():
            return _register(actor, event.pk, organization, answers, names)
    except IntegrityError as exc:  # the partial unique index: a registration raced this one
        raise ApplicationError(DUPLICATE, code="conflict") from exc


def _attendees(values: Sequence[str]) -> list[str]:
    """The named attendees of a group: each a name, none twice, at most GROUP_MAX."""
    names = bounded_items(list(values), field="attendees", limit=GROUP_MAX)
    cleaned: list[str] = []
    for value in names:
        name = plain_text(str(value), field="attendee name", limit=ATTENDEE_MAX).strip()
        if not name:
            raise ApplicationError(ATTENDEE_EMPTY, code="invalid")
        if name.casefold() in {n.casefold() for n in cleaned}:
            raise ApplicationError(ATTENDEE_TWICE.format(name=name[:60]), code="invalid")
        cleaned.append(name)
    return cleaned


def _register(
    actor: Any,
    event_id: int,
    organization: Organization | None,
    answers: list[str],
    attendees: list[str],
) -> Registration:
    event = _lock_event(event_id)
    now = timezone.now()
    _check_open(event, now)
    if event.registrations.filter(user=actor, status__in=ACTIVE_STATUSES).exists():
        raise ApplicationError(DUPLICATE, code="conflict")
    seats = max(1, len(attendees))
    if seats > 1 and seats > event.capacity:
        raise ApplicationError(
            GROUP_OVER_CAPACITY.format(seats=seats, capacity=event.capacity), code="invalid"
        )
    if organization is not None and event.per_organization_limit:
        sent = (
            event.registrations.filter(
                organization=organization, status__in=ACTIVE_STATUSES
            ).aggregate(n=Sum("seats"))["n"]
            or 0
        )
        if sent + seats > event.per_organization_limit:
            raise ApplicationError(
                ORGANIZATION_LIMIT.format(
                    organization=organization.name, limit=event.per_organization_limit
                ),
                code="limit",
            )
    # Nobody overtakes the waiting list: a seat is free only for those who fit and find no
    # one waiting before them.
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).exists()
    free = not waiting and _seats_taken(event) + seats <= event.capacity
    registration = Registration.objects.create(
        event=event,
        user=actor,
        organization=organization,
        status=RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITING,
        sequence=event.sequence,
        answers=answers,
        attendees=attendees,
        seats=seats,
        ticket_key=secrets.token_hex(16),
    )
    audit_record(
        actor=actor,
        action="registration.create",
        obj=registration,
        after={
            "event_id": event.pk,
            "status": registration.status,
            "organization_id": organization.pk if organization else None,
            "seats": seats,
            "attendees": attendees,
        },
        organization_id=organization.pk if organization else None,
        **_scope(event),
    )
    _mail(registration, "confirmed" if free else "waiting")
    return registration


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> Registration:
    """Cancel one's registration (or leave the waiting list). A freed seat goes to the first
    person waiting — exactly one person per seat."""
    require(actor, "events.manage_registration", registration, CANCEL_DENIED)
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in ACTIVE_STATUSES:
        raise ApplicationError(ALREADY_CANCELLED_REGISTRATION, code="conflict")
    held_seat = registration.status in SEAT_STATUSES
    if held_seat and event.cancellation_deadline and timezone.now() > event.cancellation_deadline:
        raise ApplicationError(
            CANCEL_DEADLINE.format(when=_when(event.cancellation_deadline)), code="conflict"
        )
    update_audited(
        registration,
        {"status": RegistrationStatus.CANCELLED, "cancelled_at": timezone.now()},
        actor=actor,
        action="registration.cancel",
        **_scope(event),
    )
    if held_seat:
        _promote(event)
    return registration


@transaction.atomic
def registration_accept_offer(*, actor: Any, registration: Registration) -> Registration:
    """Take the seat offered after promotion from the waiting list, before it expires."""
    require(actor, "events.manage_registration", registration, CANCEL_DENIED)
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.OFFERED:
        raise ApplicationError(NO_OFFER, code="conflict")
    if registration.offer_expires_at and registration.offer_expires_at <= timezone.now():
        raise ApplicationError(
            OFFER_EXPIRED.format(when=_when(registration.offer_expires_at)), code="conflict"
        )
    update_audited(
        registration,
        {"status": RegistrationStatus.CONFIRMED, "offer_expires_at": None},
        actor=actor,
        action="registration.accept_offer",
        **_scope(event),
    )
    _mail(registration, "confirmed")
    return registration


def _promote(event: Event, now: datetime | None = None) -> list[Registration]:
    """Give the free seats to those waiting, strictly in arrival order (under the lock): a
    group is promoted whole once all its seats are free, and nobody behind it overtakes it.
    One freed seat promotes exactly one person."""
    now = now or timezone.now()
    free = event.capacity - _seats_taken(event)
    if free <= 0 or event.status != EventStatus.PUBLISHED:
        return []
    promoted: list[Registration] = []
    waiting = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("user")
        .order_by("sequence")
    )
    for registration in waiting[:free]:  # each takes at least one seat
        if registration.seats > free:
            break
        free -= registration.seats
        promoted.append(registration)
    for registration in promoted:
        if event.offer_hours:
            values: dict[str, Any] = {
                "status": RegistrationStatus.OFFERED,
                "offer_expires_at": now + timedelta(hours=event.offer_hours),
            }
        else:
            values = {"status": RegistrationStatus.CONFIRMED}
        update_audited(
            registration, values, actor=SYSTEM, action="registration.promote", **_scope(event)
        )
        _mail(registration, "offered" if event.offer_hours else "promoted")
    return promoted


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire the offered seats not taken in time and offer them to the next in line.
    Idempotent: run it any number of times."""
    now = now or timezone.now()
    expired = 0
    for registration in Registration.objects.filter(
        status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
    ).only("pk", "event_id"):
        with transaction.atomic():
            event = _lock_event(registration.event_id)
            row = Registration.objects.select_for_update().get(pk=registration.pk)
            if row.status != RegistrationStatus.OFFERED:
                continue
            update_audited(
                row,
                {"status": RegistrationStatus.EXPIRED},
                actor=SYSTEM,
                action="registration.offer_expire",
                **_scope(event),
            )
            _promote(event, now)
            expired += 1
    return expired


def events_finish(*, now: datetime | None = None) -> int:
    """Mark the published events that have ended as finished (they stay in the calendar)."""
    now = now or timezone.now()
    done = 0
    for event in Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__lte=now):
        with transaction.atomic():
            update_audited(
                event,
                {"status": EventStatus.FINISHED},
                actor=SYSTEM,
                action="event.finish",
                **_scope(event),
            )
            enqueue(DocumentKind.EVENT, event.pk)
            done += 1
    return done


def reminders_send(*, now: datetime | None = None) -> int:
    """E-mail a reminder to every confirmed registrant of an event starting within 24 hours,
    once (``reminded_at``): running it twice sends nothing twice."""
    now = now or timezone.now()
    sent = 0
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event", "user")
    for registration in due:
        with transaction.atomic():
            # Conditional UPDATE: a concurrent run cannot remind the same person twice.
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _mail(registration, "reminder")
                sent += 1
    return sent


# -- tickets and check-in


def ticket_code(registration: Registration) -> str:
    """The ticket's QR payload: event id and random key, signed with the site's secret, so a
    scanner can verify it without the network; the key finds the registration."""
    return signing.Signer(salt=TICKET_SALT).sign(
        f"{registration.event_id}.{registration.ticket_key}"
    )


def ticket_verify(*, event: Event, code: str) -> str:
    """The ticket key a code carries, if it is genuine and for this event (no database)."""
    try:
        payload = signing.Signer(salt=TICKET_SALT).unsign(code.strip()[:200])
    except signing.BadSignature as exc:
        raise ApplicationError(TICKET_FORGED, code="invalid") from exc
    event_id, _, key = payload.partition(".")
    if event_id != str(event.pk):
        raise ApplicationError(TICKET_OTHER_EVENT, code="invalid")
    return key


def checkin(
    *, actor: Any, event: Event, code: str | None = None, registration: Registration | None = None
) -> tuple[Registration, bool]:
    """Check a person in by their ticket's code or (searched by name) their registration.
    Returns the registration and whether this call checked them in: a replayed scan finds
    them already checked in and counts once."""
    require(actor, "events.manage_event", event, CHECKIN_DENIED)
    if code is not None:
        key = ticket_verify(event=event, code=code)
        found = (
            Registration.objects.filter(event=event, ticket_key=key).select_related("user").first()
        )
        if found is None:
            raise ApplicationError(TICKET_FORGED, code="invalid")
        registration = found
    if registration is None or registration.event_id != event.pk:
        raise ApplicationError(TICKET_OTHER_EVENT, code="invalid")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ApplicationError(
            TICKET_NOT_CONFIRMED.format(status=registration.get_status_display()), code="conflict"
        )
    with transaction.atomic():
        now = timezone.now()
        first = bool(
            Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
                checked_in_at=now
            )
        )
        if first:
            audit_record(
                actor=actor,
                action="registration.checkin",
                obj=registration,
                after={"checked_in_at": now},
                **_scope(event),
            )
    registration.refresh_from_db(fields=["checked_in_at"])
    return registration, first


# -- notifications (in-app always, e-mail by the person's preference; kinds in apps.py)

# Kind of notification → its subject (an English msgid; the Polish catalogue has it).
NOTICE_SUBJECTS = {
    "confirmed": gettext_noop("Your seat is confirmed: %(title)s"),
    "waiting": gettext_noop("You are on the waiting list: %(title)s"),
    "promoted": gettext_noop("A seat freed up and is yours: %(title)s"),
    "offered": gettext_noop("A seat is offered to you: %(title)s"),
    "changed": gettext_noop("The event has changed: %(title)s"),
    "event_cancelled": gettext_noop("The event is cancelled: %(title)s"),
    "reminder": gettext_noop("Reminder: %(title)s starts soon"),
}
# The kinds whose e-mail carries the event as an .ics attachment.
WITH_ICS = ("confirmed", "promoted", "changed", "event_cancelled")


def _mail(registration: Registration, kind: str) -> None:
    """Tell the registrant (``notify``: in-app, and e-mail after commit in the event's
    language); a confirmation carries the event as an .ics attachment."""
    event = registration.event
    language = event.language if event.language in ("en", "pl") else "en"
    place = ", ".join(p for p in (event.venue, event.address, event.online_url) if p)

    def title(lang: str) -> str:
        return localized(event, "title", lang).text

    def attachments(lang: str) -> list[tuple[str, bytes, str]]:
        if kind not in WITH_ICS:
            return []
        name = gettext(NOTICE_SUBJECTS[kind]) % {"title": title(lang)}
        return [
            ("event.ics", ical.calendar_bytes([event], name=name, language=lang), "text/calendar")
        ]

    notify(
        recipient=registration.user,
        kind=f"events.{kind}",
        subject=NOTICE_SUBJECTS[kind],
        template="events/email/notice.txt",
        url=reverse("events:detail", args=[event.pk]),
        context={
            "title": title,
            "subject_line": lambda lang: gettext(NOTICE_SUBJECTS[kind]) % {"title": title(lang)},
            "kind": kind,
            "start": _when(event.starts_at),
            "end": _when(event.ends_at),
            "place": place,
            "offer_until": _when(registration.offer_expires_at)
            if registration.offer_expires_at
            else "",
        },
        language=language,
        attachments=attachments,
    )


def _invitee_key(address: Any) -> str:
    """An address as invitation lists are matched: lists hold addresses ``.lower()``ed
    (``_invitees``), and both sides are compared casefolded (ß and ss alike), as
    ``rules.py`` does when it lets a person see an invitation-only event."""
    return str(address).strip().lower().casefold()


def _invited_pks(addresses: set[str]) -> list[int]:
    """The events whose invitation list holds one of ``addresses`` (already ``_invitee_key``).

    The database only skips empty lists: a substring search there cannot be trusted with a
    non-ASCII address (SQLite keeps JSON with ``\\u`` escapes, and casefolding changes
    lengths: ß → ss), so every non-empty list is compared here, one column read."""
    if not addresses:
        return []
    lists = Event.objects.exclude(invitees=[]).values_list("pk", "invitees")
    return [
        pk
        for pk, invitees in lists
        if isinstance(invitees, list) and any(_invitee_key(a) in addresses for a in invitees)
    ]


def events_invited(addresses: Iterable[str]) -> list[Event]:
    """The events whose invitation list holds one of ``addresses`` (any case)."""
    pks = _invited_pks({_invitee_key(a) for a in addresses if a})
    return list(Event.objects.filter(pk__in=pks).order_by("starts_at", "pk")) if pks else []


def invitees_erase_person(addresses: Iterable[str]) -> int:
    """Part of erasing a person (``accounts.gdpr``, inside its transaction): their addresses
    leave every event's invitation list, and the audit log's copies of those lists. They no
    longer see an invitation-only event (nobody signs in as them); a registration they made
    is handled by ``registrations_erase_person``. The events' rows are locked (in ``pk``
    order) and read again before each list is written, so an edit made meanwhile is kept.
    Returns how many events were changed."""
    wanted = {_invitee_key(a) for a in addresses if a}
    changed = 0
    with transaction.atomic():
        pks = _invited_pks(wanted)
        for event in Event.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            invitees = [a for a in event.invitees if _invitee_key(a) not in wanted]
            if len(invitees) != len(event.invitees):
                Event.objects.filter(pk=event.pk).update(invitees=invitees)
                changed += 1
        audit_scrub_list_items(object_type=Event._meta.label_lower, key="invitees", items=wanted)
    return changed


def registrations_erase_person(user: Any) -> int:
    """Part of erasing a person (``accounts.gdpr``, inside its transaction): their active
    registrations of events still to come are cancelled (a freed seat goes to whoever waits
    first), and every registration keeps only what the organisers' counts need — the group's
    names and the answers are replaced. Returns how many registrations were changed."""
    now = timezone.now()
    changed = 0
    for registration in Registration.objects.filter(user=user).order_by("pk"):
        fields: dict[str, Any] = {
            "attendees": [ERASED_NAME] * len(registration.attendees),
            "answers": [ERASED_NAME if a else a for a in registration.answers],
        }
        upcoming = registration.status in ACTIVE_STATUSES and registration.event.ends_at > now
        if upcoming:
            event = _lock_event(registration.event_id)
            held_seat = registration.status in SEAT_STATUSES
            fields |= {"status": RegistrationStatus.CANCELLED, "cancelled_at": now}
        Registration.objects.filter(pk=registration.pk).update(**fields)
        if upcoming and held_seat:
            _promote(event)
        changed += 1
    return changed
