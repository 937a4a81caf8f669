"""The meetings API at /api/v1/meetings/: the same services and selectors as the pages.

Participants: the session, joining, the participants (with their organisations' live
marketplace profiles), their profile and availability, their own requests (send, answer,
withdraw), their agenda, standby offers and outcomes. Organisers: every request of their
event (and adding one), scheduling, publishing, the schedule, no-shows. Something the caller
may not see is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.routes import Routes
from ..apikit.types import NO_NUL, Id, WholeNumber
from ..errors import NotFoundError
from . import selectors, services
from .models import Meeting, MeetingRequest, MeetingSession, Participant

router = Router(tags=["meetings"])
ERRORS = CALLER_ERRORS
NOTE_IN_MAX = services.NOTE_MAX * 4
Reason = Annotated[str, StringConstraints(max_length=services.REASON_MAX * 4, pattern=NO_NUL)]
Note = Annotated[str, StringConstraints(max_length=NOTE_IN_MAX, pattern=NO_NUL)]
Priority = Annotated[int, Field(ge=1, le=services.PRIORITY_MAX), WholeNumber]
Cap = Annotated[int, Field(ge=0, le=services.CAP_MAX), WholeNumber]
Seconds = Annotated[int, Field(ge=1, le=60), WholeNumber]
Result = Annotated[str, StringConstraints(max_length=20, pattern=r"^[a-z_]+$")]


class MeetingSlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime


class MeetingSessionOut(Schema):
    id: int
    event: int
    slot_minutes: int
    tables: int
    online: bool
    request_deadline: datetime | None
    slots: list[MeetingSlotOut]
    participant: int | None  # the caller's participant id, if they take part
    manages: bool


class MeetingProfileRefOut(Schema):
    id: int
    title: str
    direction: str


class MeetingParticipantOut(Schema):
    id: int
    name: str
    organization: str | None
    organization_name: str | None
    note: str
    profiles: list[MeetingProfileRefOut]
    available: list[int] | None  # slot ids: to the participant themselves and organisers
    max_meetings: int | None
    standby: bool


class MeetingParticipantPageOut(PageMetaOut):
    items: list[MeetingParticipantOut]


class MeetingParticipantIn(StrictIn):
    note: Note = ""
    available: list[Id] = Field([], max_length=services.SLOTS_MAX)
    max_meetings: Cap | None = None
    standby: bool = False


class MeetingRequestOut(Schema):
    id: int
    requester: int
    recipient: int
    reason: str
    priority: int
    status: str
    by_organiser: bool
    created_at: datetime
    decided_at: datetime | None


class MeetingRequestPageOut(PageMetaOut):
    items: list[MeetingRequestOut]


class MeetingRequestIn(StrictIn):
    recipient: Id
    reason: Reason


class MeetingArrangedRequestIn(StrictIn):
    requester: Id
    recipient: Id
    reason: Reason
    priority: Priority = services.ORGANISER_PRIORITY


class MeetingDecisionIn(StrictIn):
    accept: bool


class MeetingOut(Schema):
    id: int
    request: int
    slot: int
    starts_at: datetime
    ends_at: datetime
    table: int
    status: str
    a: int
    b: int


class MeetingPageOut(PageMetaOut):
    items: list[MeetingOut]


class MeetingAgendaItemOut(Schema):
    meeting: MeetingOut
    partner: MeetingParticipantOut
    outcome: str | None


class MeetingAgendaOut(Schema):
    items: list[MeetingAgendaItemOut]


class MeetingScheduleIn(StrictIn):
    time_limit: Seconds = 20


class MeetingScheduleOut(Schema):
    meetings: int
    new: int
    requests: int
    objective: int
    bound: int
    status: str
    gap: float
    idle_slots: int
    took_ms: int


class MeetingPublishOut(Schema):
    published: int


class MeetingOutcomeIn(StrictIn):
    result: Result
    note: Note = ""


class MeetingOutcomeOut(Schema):
    meeting: int
    result: str
    took_place: bool
    note: str


class MeetingOfferOut(Schema):
    meeting: MeetingOut | None


class MeetingOffersOut(Schema):
    offers: list[MeetingOut]


def _participant_out(
    participant: Participant, *, user: Any, profiles: dict[int, list[Any]] | None = None
) -> dict[str, Any]:
    own = user.has_perm("meetings.edit_participant", participant)
    org = participant.organization
    return {
        "id": participant.pk,
        "name": participant.name,
        "organization": org.slug if org else None,
        "organization_name": org.name if org else None,
        "note": participant.note,
        "profiles": [
            {"id": p.pk, "title": p.title, "direction": p.direction}
            for p in (profiles or {}).get(participant.organization_id or 0, [])
        ],
        "available": sorted(s.pk for s in participant.available.all()) if own else None,
        "max_meetings": participant.max_meetings if own else None,
        "standby": participant.standby if own else False,
    }


def _request_out(request: MeetingRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "requester": request.requester_id,
        "recipient": request.recipient_id,
        "reason": request.reason,
        "priority": request.priority,
        "status": request.status,
        "by_organiser": request.by_organiser,
        "created_at": request.created_at,
        "decided_at": request.decided_at,
    }


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "request": meeting.request_id,
        "slot": meeting.slot_id,
        "starts_at": meeting.slot.starts_at,
        "ends_at": meeting.slot.ends_at,
        "table": meeting.table,
        "status": meeting.status,
        "a": meeting.request.requester_id,
        "b": meeting.request.recipient_id,
    }


def _session(request: HttpRequest, session_id: int, *, manage: bool = False) -> MeetingSession:
    return selectors.session_get(user=request.user, pk=session_id, manage=manage)


def _participant(request: HttpRequest, participant_id: int) -> Participant:
    found = Participant.objects.select_related("session__event").filter(pk=participant_id).first()
    if found is None:
        raise NotFoundError(selectors.NO_PARTICIPANT)
    return selectors.participant_get(user=request.user, session=found.session, pk=participant_id)


def _me(request: HttpRequest, session: MeetingSession) -> Participant:
    me = selectors.participant_of(user=request.user, session=session)
    if me is None:
        raise NotFoundError(selectors.NO_PARTICIPANT)
    return me


# -- the session and its participants --------------------------------------------------------


route = Routes(router, errors=ERRORS, prefix="meetings", auth=SIGNED_IN_AUTH)


@route.get(
    "/sessions/{session_id}",
    MeetingSessionOut,
    "A meeting session you take part in or organise: its slots and tables",
)
def session_get(request: HttpRequest, session_id: Path[Id]) -> Any:
    session = _session(request, session_id)
    me = selectors.participant_of(user=request.user, session=session)
    return {
        "id": session.pk,
        "event": session.event_id,
        "slot_minutes": session.slot_minutes,
        "tables": session.tables,
        "online": session.online,
        "request_deadline": session.request_deadline,
        "slots": [
            {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in selectors.slots_of(session)
        ],
        "participant": me.pk if me else None,
        "manages": request.user.has_perm("meetings.manage_session", session),
    }


@route.post(
    "/sessions/{session_id}/participants",
    MeetingParticipantOut,
    "Take part in the meetings (needs a confirmed seat at the event)",
    status=201,
)
def join(request: HttpRequest, session_id: Path[Id]) -> Any:
    session = MeetingSession.objects.select_related("event").filter(pk=session_id).first()
    if session is None or not request.user.has_perm("events.view_event", session.event):
        raise NotFoundError(selectors.NO_SESSION)
    participant = services.participant_join(actor=request.user, session=session)
    return Status(201, _participant_out(participant, user=request.user))


@route.get(
    "/sessions/{session_id}/participants",
    MeetingParticipantPageOut,
    "The participants, with their organisations' live marketplace offers and requests",
    op="meetings_participants",
)
def participant_list(request: HttpRequest, session_id: Path[Id], page: Query[PageIn]) -> Any:
    session = _session(request, session_id)
    people = list(selectors.participants(session))
    profiles = selectors.live_profiles_by_organization(
        user=request.user, organization_ids={p.organization_id for p in people if p.organization_id}
    )
    return paginate(
        people, page, lambda p: _participant_out(p, user=request.user, profiles=profiles)
    )


@route.put(
    "/participants/{participant_id}",
    MeetingParticipantOut,
    "Your note, available slots (ids), cap on meetings and standby wish",
)
def participant_update(
    request: HttpRequest, participant_id: Path[Id], payload: MeetingParticipantIn
) -> Any:
    participant = _participant(request, participant_id)
    services.participant_update(
        actor=request.user,
        participant=participant,
        note=payload.note,
        available=payload.available,
        max_meetings=payload.max_meetings,
        standby=payload.standby,
    )
    fresh = selectors.participant_get(
        user=request.user, session=participant.session, pk=participant.pk
    )
    return _participant_out(fresh, user=request.user)


# -- requests --------------------------------------------------------------------------------


@route.get(
    "/sessions/{session_id}/requests",
    MeetingRequestPageOut,
    "Requests: your own (sent and received); every request of the event to organisers",
    op="meetings_requests",
)
def request_list(request: HttpRequest, session_id: Path[Id], page: Query[PageIn]) -> Any:
    session = _session(request, session_id)
    if request.user.has_perm("meetings.manage_session", session):
        found = selectors.session_requests(session).order_by("pk")
    else:
        me = _me(request, session)
        found = (selectors.requests_sent(me) | selectors.requests_received(me)).order_by("pk")
    return paginate(found, page, _request_out)


@route.post(
    "/sessions/{session_id}/requests",
    MeetingRequestOut,
    "Ask another participant for a meeting (mutual requests are accepted at once)",
    status=201,
)
def request_create(request: HttpRequest, session_id: Path[Id], payload: MeetingRequestIn) -> Any:
    session = _session(request, session_id)
    recipient = selectors.participant_get(user=request.user, session=session, pk=payload.recipient)
    made = services.request_create(actor=request.user, recipient=recipient, reason=payload.reason)
    return Status(201, _request_out(made))


@route.post(
    "/sessions/{session_id}/requests/arranged",
    MeetingRequestOut,
    "Organisers: arrange a meeting of two participants (accepted at once)",
    status=201,
)
def request_add(
    request: HttpRequest, session_id: Path[Id], payload: MeetingArrangedRequestIn
) -> Any:
    session = _session(request, session_id, manage=True)
    requester = selectors.participant_get(user=request.user, session=session, pk=payload.requester)
    recipient = selectors.participant_get(user=request.user, session=session, pk=payload.recipient)
    made = services.request_add(
        actor=request.user,
        requester=requester,
        recipient=recipient,
        reason=payload.reason,
        priority=payload.priority,
    )
    return Status(201, _request_out(made))


@route.post(
    "/requests/{request_id}/decision",
    MeetingRequestOut,
    "Accept or decline a request sent to you, before the deadline",
)
def request_decide(request: HttpRequest, request_id: Path[Id], payload: MeetingDecisionIn) -> Any:
    found = selectors.request_get(user=request.user, pk=request_id)
    return _request_out(
        services.request_decide(actor=request.user, request=found, accept=payload.accept)
    )


@route.post(
    "/requests/{request_id}/withdraw",
    MeetingRequestOut,
    "Withdraw a request you sent (not once its meeting is published)",
)
def request_withdraw(request: HttpRequest, request_id: Path[Id]) -> Any:
    found = selectors.request_get(user=request.user, pk=request_id)
    return _request_out(services.request_withdraw(actor=request.user, request=found))


# -- agenda, offers, outcomes ----------------------------------------------------------------


@route.get(
    "/sessions/{session_id}/agenda",
    MeetingAgendaOut,
    "Your published meetings and standby offers, in time order",
)
def agenda(request: HttpRequest, session_id: Path[Id]) -> Any:
    session = _session(request, session_id)
    me = _me(request, session)
    items = selectors.agenda(user=request.user, participant=me)
    profiles = {i.partner.organization_id or 0: i.profiles for i in items}
    return {
        "items": [
            {
                "meeting": _meeting_out(i.meeting),
                "partner": _participant_out(i.partner, user=request.user, profiles=profiles),
                "outcome": i.outcome.result if i.outcome else None,
            }
            for i in items
        ]
    }


@route.post(
    "/meetings/{meeting_id}/offer",
    MeetingOfferOut,
    "Take or decline a no-show's meeting offered to you (declined: the next offer)",
)
def offer_answer(request: HttpRequest, meeting_id: Path[Id], payload: MeetingDecisionIn) -> Any:
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    result = services.offer_answer(actor=request.user, meeting=meeting, accept=payload.accept)
    return {"meeting": _meeting_out(result) if result is not None and payload.accept else None}


@route.post(
    "/meetings/{meeting_id}/outcome",
    MeetingOutcomeOut,
    "Record what came of your meeting (no_show, no_interest, information, cooperation)",
)
def outcome_record(request: HttpRequest, meeting_id: Path[Id], payload: MeetingOutcomeIn) -> Any:
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    outcome = services.outcome_record(
        actor=request.user, meeting=meeting, result=payload.result, note=payload.note
    )
    return {
        "meeting": meeting.pk,
        "result": outcome.result,
        "took_place": outcome.took_place,
        "note": outcome.note,
    }


# -- the organiser ---------------------------------------------------------------------------


@route.post(
    "/sessions/{session_id}/schedule",
    MeetingScheduleOut,
    "Organisers: place the accepted requests (published meetings stay where they are)",
)
def schedule(request: HttpRequest, session_id: Path[Id], payload: MeetingScheduleIn) -> Any:
    session = _session(request, session_id, manage=True)
    return services.schedule_run(
        actor=request.user, session=session, time_limit=float(payload.time_limit)
    )


@route.post(
    "/sessions/{session_id}/publish",
    MeetingPublishOut,
    "Organisers: publish the draft meetings into the agendas",
)
def publish(request: HttpRequest, session_id: Path[Id]) -> Any:
    session = _session(request, session_id, manage=True)
    return {"published": services.schedule_publish(actor=request.user, session=session)}


@route.get(
    "/sessions/{session_id}/meetings",
    MeetingPageOut,
    "Organisers: every live meeting (draft, published, offered) by slot and table",
    op="meetings_schedule_list",
)
def meeting_list(request: HttpRequest, session_id: Path[Id], page: Query[PageIn]) -> Any:
    session = _session(request, session_id, manage=True)
    return paginate(selectors.session_meetings(session), page, _meeting_out)


@route.post(
    "/participants/{participant_id}/absent",
    MeetingOffersOut,
    "Organisers: mark a participant who did not check in as a no-show; their meetings "
    "are offered to standby participants",
)
def mark_absent(request: HttpRequest, participant_id: Path[Id]) -> Any:
    participant = _participant(request, participant_id)
    offers = services.participant_mark_absent(actor=request.user, participant=participant)
    return {"offers": [_meeting_out(m) for m in offers]}
