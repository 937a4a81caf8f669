"""The events API at /api/v1/events/: the same services and selectors as the pages.

Public reads (the calendar and an event: anonymous, or signed in to see one's drafts);
registration, cancellation and accepting an offered seat for the signed-in caller; the
organisers' management (create, change, publish, cancel, registrants, check-in). An event
the caller may not see is a 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from ..accounts.selectors import organizations_kept_by
from ..apikit.auth import READ_AUTH, SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.objects import permitted
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.routes import Routes
from ..apikit.types import NO_NUL, DateTime, Id, Slug, WholeNumber
from ..ecosystem import selectors as registry
from ..ecosystem.localization import localized
from ..ecosystem.models import Highland
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from . import selectors, services
from .models import Event, Registration

router = Router(tags=["events"])
ERRORS = CALLER_ERRORS
MANAGE_DENIED = "You may not manage this event."
UNKNOWN_HIGHLAND = "Unknown highland: {slug}."
UNKNOWN_ORGANIZATION = "You do not represent an organization with the slug {slug}."
Month = Annotated[str, StringConstraints(max_length=7, pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")]
Day = Annotated[
    str, StringConstraints(max_length=10, pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
]
Lang = Annotated[str, StringConstraints(max_length=2, pattern=r"^(en|pl)$")]
Capacity = Annotated[int, Field(ge=1, le=services.CAPACITY_MAX), WholeNumber]
Hours = Annotated[int, Field(ge=0, le=services.OFFER_HOURS_MAX), WholeNumber]
ShortText = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=40000, pattern=NO_NUL)]


NOT_A_DAY = "{field} '{value}' is not a date of the calendar."


class EventFilterIn(Schema):
    when: str = Field("upcoming", max_length=8, pattern=r"^(upcoming|past)$")
    month: Month | None = None
    cluster: Slug | None = None
    highland: Slug | None = None
    kind: str | None = Field(None, max_length=40, pattern=NO_NUL)
    language: Lang | None = None
    topic: Slug | None = None
    # A date range (both ends included, at most a year; ignored when ``month`` is given).
    date_from: Day | None = None
    date_to: Day | None = None
    lang: Lang | None = None


class OrganiserOut(Schema):
    clusters: list[str]
    highland: str | None
    city_office: bool


class EventOut(Schema):
    id: int
    kind: str
    title: str
    title_language: str
    description: str
    fallback: bool
    organisers: OrganiserOut
    topics: list[str]
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    online: bool
    language: str
    audience: str
    capacity: int
    seats_left: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    cancellation_deadline: datetime | None
    questions: list[str]
    status: str
    series: str | None
    is_demo: bool


class EventPageOut(PageMetaOut):
    items: list[EventOut]


def _event_out(event: Event, lang: str | None) -> dict[str, Any]:
    title = localized(event, "title", lang)
    description = localized(event, "description", lang)
    taken = getattr(event, "seats_taken", None)
    if taken is None:
        taken = services._seats_taken(event)
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": title.text,
        "title_language": title.language,
        "description": description.text,
        "fallback": title.is_fallback or description.is_fallback,
        "organisers": {
            "clusters": [c.slug for c in event.clusters.all()],
            "highland": event.highland.slug if event.highland else None,
            "city_office": event.by_city_office,
        },
        "topics": [h.slug for h in event.topics.all()],
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "address": event.address,
        "online": bool(event.online_url),
        "language": event.language,
        "audience": event.audience,
        "capacity": event.capacity,
        "seats_left": max(event.capacity - taken, 0),
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "cancellation_deadline": event.cancellation_deadline,
        "questions": event.questions,
        "status": event.status,
        "series": event.series.name if event.series else None,
        "is_demo": event.is_demo,
    }


class RegistrationIn(StrictIn):
    organization: Slug | None = None
    answers: list[ShortText] = Field([], max_length=services.QUESTIONS_MAX)
    # A group registration: the names of the people it brings, one seat each, all or none.
    attendees: list[ShortText] = Field([], max_length=services.GROUP_MAX)


class RegistrationOut(Schema):
    id: int
    event: int
    status: str
    waiting_place: int | None
    organization: str | None
    offer_expires_at: datetime | None
    ticket_code: str | None
    seats: int
    attendees: list[str]
    created_at: datetime


class RegistrationPageOut(PageMetaOut):
    items: list[RegistrationOut]


def _registration_out(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "status": registration.status,
        "waiting_place": selectors.waiting_place(registration),
        "organization": registration.organization.slug if registration.organization else None,
        "offer_expires_at": registration.offer_expires_at,
        "ticket_code": services.ticket_code(registration)
        if registration.status == "confirmed"
        else None,
        "seats": registration.seats,
        "attendees": registration.attendees,
        "created_at": registration.created_at,
    }


class RegistrantOut(Schema):
    id: int
    name: str
    email: str
    organization: str | None
    status: str
    sequence: int
    answers: list[str]
    checked_in_at: datetime | None


class RegistrantPageOut(PageMetaOut):
    items: list[RegistrantOut]


def _registrant_out(registration: Registration) -> dict[str, Any]:
    user = registration.user
    return {
        "id": registration.pk,
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "organization": registration.organization.slug if registration.organization else None,
        "status": registration.status,
        "sequence": registration.sequence,
        "answers": registration.answers,
        "checked_in_at": registration.checked_in_at,
    }


class EventChangeIn(StrictIn):
    kind: str | None = Field(None, max_length=40)
    title: LongText | None = None
    title_pl: LongText | None = None
    description: LongText | None = None
    description_pl: LongText | None = None
    starts_at: DateTime | None = None
    ends_at: DateTime | None = None
    venue: ShortText | None = None
    address: ShortText | None = None
    online_url: ShortText | None = None
    language: Lang | None = None
    audience: str | None = Field(None, max_length=40)
    invitees: list[ShortText] | None = Field(None, max_length=services.INVITEES_MAX)
    capacity: Capacity | None = None
    per_organization_limit: Capacity | None = None
    registration_opens_at: DateTime | None = None
    registration_closes_at: DateTime | None = None
    cancellation_deadline: DateTime | None = None
    offer_hours: Hours | None = None
    questions: list[ShortText] | None = Field(None, max_length=services.QUESTIONS_MAX)
    topics: list[Slug] | None = Field(None, max_length=20)


class EventIn(EventChangeIn):
    kind: str = Field(max_length=40)
    starts_at: DateTime
    ends_at: DateTime
    capacity: Capacity
    clusters: list[Slug] = Field([], max_length=20)
    highland: Slug | None = None
    city_office: bool = False
    publish: bool = False


class CheckinIn(StrictIn):
    code: ShortText | None = None
    registration: Id | None = None


class CheckinOut(Schema):
    registration: int
    name: str
    checked_in_at: datetime
    first_scan: bool


def _highlands(slugs: list[str]) -> list[Highland]:
    found = Highland.objects.in_bulk(slugs, field_name="slug")
    for slug in slugs:
        if slug not in found:
            raise ApplicationError(UNKNOWN_HIGHLAND.format(slug=slug), code="invalid")
    return [found[s] for s in slugs]


def _managed(request: HttpRequest, event_id: int) -> Event:
    event = selectors.event_get(user=request.user, pk=event_id)
    return permitted(request, "events.manage_event", event, MANAGE_DENIED)


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:  # the pattern lets 2027-02-30 through
        raise ApplicationError(NOT_A_DAY.format(field=field, value=value), code="invalid") from exc


# -- the calendar --------------------------------------------------------------------------


route = Routes(router, errors=ERRORS, prefix="events", auth=SIGNED_IN_AUTH)


@route.get(
    "",
    EventPageOut,
    "The calendar: upcoming (soonest first) or past events, or one month, filtered",
    op="events_list",
    auth=READ_AUTH,
)
def event_list(request: HttpRequest, filters: Query[EventFilterIn], page: Query[PageIn]) -> Any:
    month = date.fromisoformat(f"{filters.month}-01") if filters.month else None
    date_from = _day(filters.date_from, "date_from")
    date_to = _day(filters.date_to, "date_to")
    services.date_range_check(date_from, date_to)
    events = selectors.event_list(
        user=request.user,
        when=filters.when,
        cluster=filters.cluster,
        highland=filters.highland,
        kind=filters.kind,
        language=filters.language,
        topic=filters.topic,
        month=month,
        date_from=None if month else date_from,
        date_to=None if month else date_to,
    )
    return paginate(events, page, lambda e: _event_out(e, filters.lang))


@route.get(
    "/{event_id}",
    EventOut,
    "One event (404 for a draft the caller does not organise)",
    op="events_get",
    auth=READ_AUTH,
)
def event_get(request: HttpRequest, event_id: Path[Id], lang: Lang | None = None) -> Any:
    return _event_out(selectors.event_get(user=request.user, pk=event_id), lang)


# -- registration --------------------------------------------------------------------------


@route.post(
    "/{event_id}/registrations",
    RegistrationOut,
    "Register yourself (a seat, or the end of the waiting list when the event is full)",
    status=201,
)
def register(request: HttpRequest, event_id: Path[Id], payload: RegistrationIn) -> Any:
    event = selectors.event_get(user=request.user, pk=event_id)
    organization = None
    if payload.organization:
        organization = (
            organizations_kept_by(user=request.user).filter(slug=payload.organization).first()
        )
        if organization is None:
            raise PermissionDeniedError(UNKNOWN_ORGANIZATION.format(slug=payload.organization))
    registration = services.registration_create(
        actor=request.user,
        event=event,
        organization=organization,
        answers=payload.answers,
        attendees=payload.attendees,
    )
    return Status(201, _registration_out(registration))


@route.get(
    "/registrations/mine",
    RegistrationPageOut,
    "Your registrations, the latest events first, with your place on waiting lists",
)
def my_registrations(request: HttpRequest, page: Query[PageIn]) -> Any:
    return paginate(selectors.registrations_of(user=request.user), page, _registration_out)


@route.post(
    "/registrations/{registration_id}/cancel",
    RegistrationOut,
    "Cancel your registration or leave the waiting list (the next person is promoted)",
)
def registration_cancel(request: HttpRequest, registration_id: Path[Id]) -> Any:
    registration = selectors.registration_get(user=request.user, pk=registration_id)
    return _registration_out(
        services.registration_cancel(actor=request.user, registration=registration)
    )


@route.post(
    "/registrations/{registration_id}/accept",
    RegistrationOut,
    "Take the seat offered to you from the waiting list, before the offer expires",
)
def offer_accept(request: HttpRequest, registration_id: Path[Id]) -> Any:
    registration = selectors.registration_get(user=request.user, pk=registration_id)
    return _registration_out(
        services.registration_accept_offer(actor=request.user, registration=registration)
    )


# -- organisers ----------------------------------------------------------------------------


@route.post(
    "",
    EventOut,
    "Create an event of your clusters (the city office: of a highland or the office)",
    status=201,
    op="events_create",
)
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    data = payload.model_dump(exclude_unset=True)
    clusters = [registry.cluster_get(slug=s) for s in data.pop("clusters", [])]
    highland_slug = data.pop("highland", None)
    highland = registry.highland_get(slug=highland_slug) if highland_slug else None
    topics = _highlands(data.pop("topics", None) or [])
    event = services.event_create(
        actor=request.user,
        clusters=clusters,
        highland=highland,
        by_city_office=data.pop("city_office", False),
        topics=topics,
        publish=data.pop("publish", False),
        **{k: v for k, v in data.items() if v is not None},
    )
    return Status(201, _event_out(event, None))


@route.patch(
    "/{event_id}",
    EventOut,
    "Change an event you organise (registrants are told of a new time or place)",
    op="events_update",
)
def event_update(request: HttpRequest, event_id: Path[Id], payload: EventChangeIn) -> Any:
    event = _managed(request, event_id)
    data = payload.model_dump(exclude_unset=True)
    topics = data.pop("topics", None)
    for name in ("kind", "audience", "capacity", "starts_at", "ends_at", "offer_hours"):
        if name in data and data[name] is None:
            del data[name]  # a required field cannot be emptied
    event = services.event_update(
        actor=request.user,
        event=event,
        topics=_highlands(topics) if topics is not None else None,
        **data,
    )
    return _event_out(selectors.event_get(user=request.user, pk=event.pk), None)


@route.post(
    "/{event_id}/publish", EventOut, "Publish a draft event you organise", op="events_publish"
)
def event_publish(request: HttpRequest, event_id: Path[Id]) -> Any:
    event = services.event_publish(actor=request.user, event=_managed(request, event_id))
    return _event_out(selectors.event_get(user=request.user, pk=event.pk), None)


@route.post(
    "/{event_id}/cancel",
    EventOut,
    "Cancel an event you organise (everyone registered or waiting is e-mailed)",
    op="events_cancel",
)
def event_cancel(request: HttpRequest, event_id: Path[Id]) -> Any:
    event = services.event_cancel(actor=request.user, event=_managed(request, event_id))
    return _event_out(selectors.event_get(user=request.user, pk=event.pk), None)


@route.get(
    "/{event_id}/registrants",
    RegistrantPageOut,
    "Everyone registered, waiting or cancelled, in arrival order (organisers only)",
)
def registrants(
    request: HttpRequest,
    event_id: Path[Id],
    page: Query[PageIn],
    q: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] | None = None,
) -> Any:
    event = _managed(request, event_id)
    return paginate(selectors.registrants(event=event, q=q or None), page, _registrant_out)


@route.post(
    "/{event_id}/checkin",
    CheckinOut,
    "Check a person in by their ticket code or registration id (a replay counts once)",
)
def checkin(request: HttpRequest, event_id: Path[Id], payload: CheckinIn) -> Any:
    event = _managed(request, event_id)
    if payload.code:
        registration, first = services.checkin(actor=request.user, event=event, code=payload.code)
    elif payload.registration:
        found = selectors.registrants(event=event).filter(pk=payload.registration).first()
        if found is None:
            raise NotFoundError(f"No registration with id {payload.registration} at this event.")
        registration, first = services.checkin(actor=request.user, event=event, registration=found)
    else:
        raise ApplicationError("Give a ticket code or a registration id.", code="required")
    return {
        "registration": registration.pk,
        "name": registration.user.get_full_name() or registration.user.username,
        "checked_in_at": registration.checked_in_at,
        "first_scan": first,
    }
