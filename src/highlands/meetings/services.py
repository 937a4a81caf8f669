"""Every write of brokerage meetings: the session, participants, requests, scheduling and
publication, the day's no-shows and standby offers, outcomes.

Keyword-only, one transaction each, the actor's permission checked through ``rules.py``, an
audit entry per change, mail after commit. Scheduling runs the exact scheduler
(``scheduler.schedule_optimal``) over the accepted requests; published (and offered)
meetings enter it as fixed placements, so a re-run after late changes never moves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..audit.services import audit_record
from ..ecosystem.localization import localized
from ..errors import ApplicationError, PermissionDeniedError
from ..events.models import Event, RegistrationStatus
from ..marketplace.models import CooperationProfile, Interest
from ..marketplace.services import interest_express
from ..notifications.services import notify
from ..servicekit import (
    close_pending,
    person,
    plain_text,
    require,
    update_audited,
)
from .models import (
    LIVE_MEETING_STATUSES,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSession,
    MeetingStatus,
    OutcomeResult,
    Participant,
    RequestStatus,
    Slot,
)
from .scheduler import Instance, InstanceError, parse_instance

SLOT_MINUTES = (10, 15, 20, 25, 30, 45, 60)
TABLES_MAX = 1000
SLOTS_MAX = 200
NOTE_MAX = 2000
REASON_MAX = 500
OUTCOME_NOTE_MAX = 2000
CAP_MAX = 200
PRIORITY_MAX = 3
MUTUAL_PRIORITY = 2
ORGANISER_PRIORITY = 3
SCHEDULE_TIME_LIMIT = 20.0
REMIND_AFTER = timedelta(hours=24)

MANAGE_DENIED = gettext_noop("You may not manage the meetings of this event.")
NOT_REGISTERED = gettext_noop(
    "Register for the event (with a confirmed seat) before taking part in its meetings."
)
ALREADY_PARTICIPANT = gettext_noop("You already take part in the meetings of this event.")
EDIT_DENIED = gettext_noop("You may only change your own participant profile.")
REQUEST_DENIED = gettext_noop("Only participants of this event's meetings may ask for meetings.")
SELF_REQUEST = gettext_noop("You cannot ask yourself for a meeting.")
OTHER_SESSION = gettext_noop("Both participants must take part in this event's meetings.")
DUPLICATE_REQUEST = gettext_noop("There is already a request between {a} and {b}.")
DEADLINE_PASSED = gettext_noop("The deadline for meeting requests ({when}) has passed.")
DECIDE_DENIED = gettext_noop("Only the person asked answers a meeting request.")
WITHDRAW_DENIED = gettext_noop("Only the person who asked withdraws a meeting request.")
ALREADY_DECIDED = gettext_noop("This request is already answered ({status}).")
CANNOT_WITHDRAW = gettext_noop(
    "This request has a published meeting; ask the organiser to cancel it."
)
BAD_PRIORITY = gettext_noop("The priority must be a whole number from 1 to {limit}.")
BAD_SLOT_MINUTES = gettext_noop("A slot lasts one of: {choices} minutes.")
BAD_TABLES = gettext_noop("The number of tables must be a whole number from 1 to {limit}.")
NO_BLOCKS = gettext_noop("A meeting session needs at least one block of time.")
BLOCK_ORDER = gettext_noop("Block {n} ends before it starts.")
BLOCK_OUTSIDE = gettext_noop("Block {n} lies outside the event's time.")
BLOCK_TOO_SHORT = gettext_noop("Block {n} is shorter than one slot.")
BLOCK_OVERLAP = gettext_noop("Block {n} overlaps an earlier block.")
TOO_MANY_SLOTS = gettext_noop("The blocks make {count} slots; at most {limit}.")
SESSION_EXISTS = gettext_noop("This event already has a meeting session.")
TABLES_IN_USE = gettext_noop(
    "Table {table} has published meetings; the session cannot have fewer tables."
)
UNKNOWN_SLOT = gettext_noop("Slot {slot} is not a slot of this event's meetings.")
SLOT_HAS_MEETING = gettext_noop(
    "You have a published meeting at {when}; that slot cannot be made unavailable."
)
BAD_CAP = gettext_noop("The most meetings must be a whole number from 0 to {limit}.")
CAP_BELOW_PUBLISHED = gettext_noop(
    "You already have {count} published meetings; the cap cannot be lower."
)
NOTHING_TO_SCHEDULE = gettext_noop("The schedule cannot be built: {problem}")
NOT_OFFERED = gettext_noop("This meeting is not offered to you.")
NOT_ABSENT_CHECKED_IN = gettext_noop("{name} has checked in and cannot be marked as a no-show.")
ALREADY_ABSENT = gettext_noop("{name} is already marked as a no-show.")
OUTCOME_DENIED = gettext_noop("Only the two sides record the outcome of a meeting.")
OUTCOME_TOO_EARLY = gettext_noop("The outcome can be recorded once the meeting has started.")
OUTCOME_NOT_PUBLISHED = gettext_noop("Only a published meeting has an outcome.")
BAD_RESULT = gettext_noop("'{value}' is not a meeting outcome.")
NOT_COOPERATION = gettext_noop("Record the outcome “cooperation started” first.")
NOT_PARTNER_PROFILE = gettext_noop("This profile is not one of the other side's.")
NO_ORGANIZATION = gettext_noop("You take part without an organisation; a cooperation needs one.")
MEETING_ENDED = gettext_noop("This meeting's slot has already ended.")
STANDBY_REASON = gettext_noop("A standby meeting in place of a participant who did not come.")

NOTIFICATION_KIND = "meetings.update"
_REQUEST_LOG = ["requester_id", "recipient_id", "priority", "status", "by_organiser"]


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _scope(session: MeetingSession) -> dict[str, Any]:
    cluster = next(iter(session.event.clusters.all()), None)
    return {"cluster_id": cluster.pk if cluster else None}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the session -----------------------------------------------------------------------------


def _split(
    event: Event, blocks: Sequence[tuple[datetime, datetime]], minutes: int
) -> list[tuple[datetime, datetime]]:
    """The slots of the blocks, each block checked: in order, inside the event, no overlap."""
    if not blocks:
        raise ApplicationError(NO_BLOCKS, code="invalid")
    step = timedelta(minutes=minutes)
    slots: list[tuple[datetime, datetime]] = []
    previous_end: datetime | None = None
    for n, (start, end) in enumerate(sorted(blocks), start=1):
        if end <= start:
            raise ApplicationError(BLOCK_ORDER.format(n=n), code="invalid")
        if start < event.starts_at or end > event.ends_at:
            raise ApplicationError(BLOCK_OUTSIDE.format(n=n), code="invalid")
        if start + step > end:
            raise ApplicationError(BLOCK_TOO_SHORT.format(n=n), code="invalid")
        if previous_end is not None and start < previous_end:
            raise ApplicationError(BLOCK_OVERLAP.format(n=n), code="invalid")
        previous_end = end
        moment = start
        while moment + step <= end:
            slots.append((moment, moment + step))
            moment += step
            if len(slots) > SLOTS_MAX:
                raise ApplicationError(
                    TOO_MANY_SLOTS.format(count=f"> {SLOTS_MAX}", limit=SLOTS_MAX), code="invalid"
                )
    return slots


def _check_tables(tables: Any) -> int:
    if not _whole(tables) or not 1 <= tables <= TABLES_MAX:
        raise ApplicationError(BAD_TABLES.format(limit=TABLES_MAX), code="invalid")
    return int(tables)


@transaction.atomic
def session_create(
    *,
    actor: Any,
    event: Event,
    blocks: Sequence[tuple[datetime, datetime]],
    tables: int,
    slot_minutes: int = 20,
    online: bool = False,
    request_deadline: datetime | None = None,
) -> MeetingSession:
    """Give an event its B2B meetings: blocks split into slots, tables (or online rooms)."""
    require(actor, "events.manage_event", event, MANAGE_DENIED)
    if MeetingSession.objects.filter(event=event).exists():
        raise ApplicationError(SESSION_EXISTS, code="conflict")
    if slot_minutes not in SLOT_MINUTES:
        raise ApplicationError(
            BAD_SLOT_MINUTES.format(choices=", ".join(map(str, SLOT_MINUTES))), code="invalid"
        )
    tables = _check_tables(tables)
    slots = _split(event, blocks, slot_minutes)
    session = MeetingSession.objects.create(
        event=event,
        slot_minutes=slot_minutes,
        tables=tables,
        online=online,
        request_deadline=request_deadline,
    )
    Slot.objects.bulk_create(Slot(session=session, starts_at=s, ends_at=e) for s, e in slots)
    audit_record(
        actor=actor,
        action="meetings.session_create",
        obj=session,
        after={
            "event_id": event.pk,
            "slot_minutes": slot_minutes,
            "tables": tables,
            "online": online,
            "slots": len(slots),
            "request_deadline": request_deadline,
        },
        **_scope(session),
    )
    return session


@transaction.atomic
def session_update(
    *, actor: Any, session: MeetingSession, tables: int, request_deadline: datetime | None
) -> MeetingSession:
    """Change the number of tables (never below a table with published meetings) and the
    deadline for requests."""
    require(actor, "meetings.manage_session", session, MANAGE_DENIED)
    tables = _check_tables(tables)
    used = (
        session.meetings.filter(status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED])
        .order_by("-table")
        .values_list("table", flat=True)
        .first()
    )
    if used is not None and used > tables:
        raise ApplicationError(TABLES_IN_USE.format(table=used), code="conflict")
    session.meetings.filter(status=MeetingStatus.SCHEDULED, table__gt=tables).update(
        status=MeetingStatus.CANCELLED
    )
    update_audited(
        session,
        {"tables": tables, "request_deadline": request_deadline},
        actor=actor,
        action="meetings.session_update",
        **_scope(session),
    )
    return session


# -- participants ----------------------------------------------------------------------------


@transaction.atomic
def participant_join(*, actor: Any, session: MeetingSession) -> Participant:
    """A person with a confirmed seat at the event takes part in its meetings, for the
    organisation they registered for; available in every slot until they say otherwise."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(NOT_REGISTERED)
    registration = (
        session.event.registrations.filter(user=actor, status=RegistrationStatus.CONFIRMED)
        .select_related("organization")
        .first()
    )
    if registration is None:
        raise PermissionDeniedError(NOT_REGISTERED)
    if Participant.objects.filter(session=session, user=actor).exists():
        raise ApplicationError(ALREADY_PARTICIPANT, code="conflict")
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                session=session,
                registration=registration,
                user=actor,
                organization=registration.organization,
            )
    except IntegrityError as exc:
        raise ApplicationError(ALREADY_PARTICIPANT, code="conflict") from exc
    participant.available.set(session.slots.all())
    audit_record(
        actor=actor,
        action="meetings.participant_join",
        obj=participant,
        after={"session_id": session.pk, "organization_id": registration.organization_id},
        organization_id=registration.organization_id,
        **_scope(session),
    )
    return participant


def _fixed_meetings(participant: Participant) -> Any:
    return Meeting.objects.filter(
        Q(request__requester=participant) | Q(request__recipient=participant),
        status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED],
    ).select_related("slot")


@transaction.atomic
def participant_update(
    *,
    actor: Any,
    participant: Participant,
    note: str,
    available: Iterable[int],
    max_meetings: int | None,
    standby: bool = False,
) -> Participant:
    """The participant's event note, available slots (by id), cap and standby wish. A slot
    with a published meeting stays available, and the cap stays above those meetings."""
    require(actor, "meetings.edit_participant", participant, EDIT_DENIED)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    session = participant.session
    text = plain_text(note, field="note", limit=NOTE_MAX)
    if max_meetings is not None and (not _whole(max_meetings) or not 0 <= max_meetings <= CAP_MAX):
        raise ApplicationError(BAD_CAP.format(limit=CAP_MAX), code="invalid")
    slot_ids = set(session.slots.values_list("pk", flat=True))
    wanted: set[int] = set()
    for value in available:
        if not _whole(value) or value not in slot_ids:
            raise ApplicationError(UNKNOWN_SLOT.format(slot=str(value)[:20]), code="invalid")
        wanted.add(value)
    fixed = list(_fixed_meetings(participant))
    for meeting in fixed:
        if meeting.slot_id not in wanted:
            raise ApplicationError(
                SLOT_HAS_MEETING.format(when=_when(meeting.slot.starts_at)), code="conflict"
            )
    if max_meetings is not None and len(fixed) > max_meetings:
        raise ApplicationError(CAP_BELOW_PUBLISHED.format(count=len(fixed)), code="conflict")
    before_slots = sorted(participant.available.values_list("pk", flat=True))
    update_audited(
        participant,
        {"note": text, "max_meetings": max_meetings, "standby": bool(standby)},
        actor=actor,
        action="meetings.participant_update",
        organization_id=participant.organization_id,
        **_scope(session),
    )
    if sorted(wanted) != before_slots:
        participant.available.set(wanted)
        audit_record(
            actor=actor,
            action="meetings.participant_availability",
            obj=participant,
            before={"available": before_slots},
            after={"available": sorted(wanted)},
            organization_id=participant.organization_id,
            **_scope(session),
        )
    return participant


# -- requests --------------------------------------------------------------------------------


def _check_deadline(session: MeetingSession) -> None:
    if session.request_deadline and timezone.now() >= session.request_deadline:
        raise ApplicationError(
            DEADLINE_PASSED.format(when=_when(session.request_deadline)), code="conflict"
        )


def _between(a: Participant, b: Participant) -> MeetingRequest | None:
    return (
        MeetingRequest.objects.select_for_update()
        .filter(
            Q(requester=a, recipient=b) | Q(requester=b, recipient=a),
            session=a.session_id,
        )
        .exclude(status__in=[RequestStatus.WITHDRAWN, RequestStatus.DECLINED])
        .first()
    )


def _log_request(actor: Any, action: str, request: MeetingRequest, before: Any = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        before=before,
        after={name: getattr(request, name) for name in _REQUEST_LOG},
        organization_id=request.requester.organization_id,
        **_scope(request.session),
    )


def mail_participants(
    participants: Iterable[Participant],
    session: MeetingSession,
    subject: str,
    body: str,
    **values: Any,
) -> None:
    """Tell participants (``notify``: in-app, and e-mail after commit unless they turned it
    off), in the event's language: ``subject`` and ``body`` are message ids
    (``gettext_noop``) filled with ``values`` and ``%(event)s``."""
    event = session.event
    language = event.language if event.language in ("en", "pl") else "en"
    context = {"event": lambda lang: localized(event, "title", lang).text, **values}
    for participant in participants:
        notify(
            recipient=participant.user,
            kind=NOTIFICATION_KIND,
            subject=subject,
            body=body,
            url=f"/meetings/{session.pk}/",
            context=context,
            language=language,
        )


def _create_request(
    actor: Any,
    requester: Participant,
    recipient: Participant,
    reason: str,
    priority: int,
    *,
    by_organiser: bool,
) -> MeetingRequest:
    if requester.pk == recipient.pk:
        raise ApplicationError(SELF_REQUEST, code="self_request")
    if requester.session_id != recipient.session_id:
        raise ApplicationError(OTHER_SESSION, code="invalid")
    if not _whole(priority) or not 1 <= priority <= PRIORITY_MAX:
        raise ApplicationError(BAD_PRIORITY.format(limit=PRIORITY_MAX), code="invalid")
    text = plain_text(reason, field="reason", limit=REASON_MAX, required=True)
    existing = _between(requester, recipient)
    if existing is not None:
        mutual = (
            not by_organiser
            and existing.status == RequestStatus.PENDING
            and existing.requester_id == recipient.pk
        )
        if not mutual:
            raise ApplicationError(
                DUPLICATE_REQUEST.format(a=requester.name, b=recipient.name), code="conflict"
            )
        # Both asked each other: the meeting is wanted on both sides.
        close_pending(
            existing,
            actor=actor,
            status=RequestStatus.ACCEPTED,
            action="meetings.request_mutual",
            pending=RequestStatus.PENDING,
            values={"priority": max(existing.priority, MUTUAL_PRIORITY)},
            organization_id=existing.requester.organization_id,
            **_scope(existing.session),
        )
        return existing
    try:
        with transaction.atomic():
            request = MeetingRequest.objects.create(
                session=requester.session,
                requester=requester,
                recipient=recipient,
                reason=text,
                priority=priority,
                created_by=person(actor),
                by_organiser=by_organiser,
                status=RequestStatus.ACCEPTED if by_organiser else RequestStatus.PENDING,
                decided_at=timezone.now() if by_organiser else None,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            DUPLICATE_REQUEST.format(a=requester.name, b=recipient.name), code="conflict"
        ) from exc
    _log_request(
        actor, "meetings.request_add" if by_organiser else "meetings.request_create", request
    )
    if by_organiser:
        mail_participants(
            [requester, recipient],
            requester.session,
            gettext_noop("Meeting arranged by the organiser: %(event)s"),
            gettext_noop(
                "The organiser of %(event)s arranged a meeting of %(a)s and %(b)s: %(reason)s"
            ),
            a=requester.name,
            b=recipient.name,
            reason=text,
        )
    else:
        mail_participants(
            [recipient],
            requester.session,
            gettext_noop("%(name)s asks to meet you"),
            gettext_noop(
                "%(name)s asks to meet you at %(event)s: %(reason)s\nAnswer in your requests inbox."
            ),
            name=requester.name,
            reason=text,
        )
    return request


@transaction.atomic
def request_create(
    *, actor: Any, recipient: Participant, reason: str, priority: int = 1
) -> MeetingRequest:
    """The actor (a participant) asks another participant for a meeting. When the other has
    already asked them, the request is mutual: accepted at once, priority 2."""
    session = recipient.session
    require(actor, "meetings.send_request", session, REQUEST_DENIED)
    _check_deadline(session)
    requester = Participant.objects.get(session=session, user=actor)
    return _create_request(actor, requester, recipient, reason, priority, by_organiser=False)


@transaction.atomic
def request_add(
    *,
    actor: Any,
    requester: Participant,
    recipient: Participant,
    reason: str,
    priority: int = ORGANISER_PRIORITY,
) -> MeetingRequest:
    """The organiser arranges a meeting between two participants: accepted at once (their
    choice, so priority 3 unless they say otherwise); no deadline applies to them."""
    require(actor, "meetings.add_request", requester.session, MANAGE_DENIED)
    return _create_request(actor, requester, recipient, reason, priority, by_organiser=True)


@transaction.atomic
def request_decide(*, actor: Any, request: MeetingRequest, accept: bool) -> MeetingRequest:
    """The person asked accepts or declines, before the deadline."""
    require(actor, "meetings.decide_request", request, DECIDE_DENIED)
    request = (
        MeetingRequest.objects.select_for_update()
        .select_related("session__event", "requester__user", "recipient__user")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.PENDING:
        raise ApplicationError(
            ALREADY_DECIDED.format(status=request.get_status_display()), code="conflict"
        )
    _check_deadline(request.session)
    close_pending(
        request,
        actor=actor,
        status=RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED,
        action="meetings.request_" + ("accept" if accept else "decline"),
        pending=RequestStatus.PENDING,
        organization_id=request.requester.organization_id,
        **_scope(request.session),
    )
    mail_participants(
        [request.requester],
        request.session,
        gettext_noop("%(name)s accepted your meeting request")
        if accept
        else gettext_noop("%(name)s declined your meeting request"),
        gettext_noop("%(name)s accepted your request to meet at %(event)s.")
        if accept
        else gettext_noop("%(name)s declined your request to meet at %(event)s."),
        name=request.recipient.name,
    )
    return request


@transaction.atomic
def request_withdraw(*, actor: Any, request: MeetingRequest) -> MeetingRequest:
    """The person who asked withdraws; a draft meeting of it goes, a published one stays
    (only the organiser cancels that)."""
    require(actor, "meetings.withdraw_request", request, WITHDRAW_DENIED)
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise ApplicationError(
            ALREADY_DECIDED.format(status=request.get_status_display()), code="conflict"
        )
    if request.meetings.filter(
        status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED]
    ).exists():
        raise ApplicationError(CANNOT_WITHDRAW, code="conflict")
    before = {name: getattr(request, name) for name in _REQUEST_LOG}
    request.status = RequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    request.meetings.filter(status=MeetingStatus.SCHEDULED).update(status=MeetingStatus.CANCELLED)
    _log_request(actor, "meetings.request_withdraw", request, before)
    return request


# -- scheduling ------------------------------------------------------------------------------


def session_instance(session: MeetingSession) -> tuple[Instance, dict[str, MeetingRequest]]:
    """The session as a scheduler instance: accepted requests, published and offered meetings
    fixed where they are; a participant marked absent is available nowhere."""
    slots = list(session.slots.all())
    participants = list(session.participants.prefetch_related("available"))
    fixed = {
        m.request_id: m
        for m in session.meetings.filter(
            status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED]
        )
    }
    requests = {
        str(r.pk): r
        for r in session.requests.filter(status=RequestStatus.ACCEPTED).select_related(
            "requester", "recipient"
        )
    }
    absent = {p.pk for p in participants if p.absent}
    items: list[dict[str, Any]] = []
    data: dict[str, Any] = {
        "slots": [str(s.pk) for s in slots],
        "tables_per_slot": session.tables,
        "participants": [
            {
                "id": str(p.pk),
                "available": [] if p.pk in absent else [str(s.pk) for s in p.available.all()],
                **({"max_meetings": p.max_meetings} if p.max_meetings is not None else {}),
            }
            for p in participants
        ],
        "requests": items,
    }
    for key, request in requests.items():
        item: dict[str, Any] = {
            "id": key,
            "a": str(request.requester_id),
            "b": str(request.recipient_id),
            "priority": request.priority,
        }
        meeting = fixed.get(request.pk)
        if meeting is not None:
            item["published"] = {"slot": str(meeting.slot_id), "table": meeting.table}
        elif request.requester_id in absent or request.recipient_id in absent:
            continue
        items.append(item)
    return parse_instance(data), requests


@transaction.atomic
def schedule_run(
    *, actor: Any, session: MeetingSession, time_limit: float = SCHEDULE_TIME_LIMIT
) -> dict[str, Any]:
    """Place the accepted requests (slot, table) with the exact scheduler; published and
    offered meetings stay where they are, the draft meetings of an earlier run are replaced."""
    from .scheduler.cpsat import schedule_optimal  # OR-Tools loads only when scheduling

    require(actor, "meetings.manage_session", session, MANAGE_DENIED)
    session = MeetingSession.objects.select_for_update().get(pk=session.pk)
    try:
        instance, requests = session_instance(session)
    except InstanceError as exc:  # the database broke a rule the services keep: say which
        raise ApplicationError(
            NOTHING_TO_SCHEDULE.format(problem=str(exc)), code="conflict"
        ) from exc
    schedule = schedule_optimal(instance, time_limit=time_limit, workers=2)
    before = session.meetings.filter(status=MeetingStatus.SCHEDULED).count()
    session.meetings.filter(status=MeetingStatus.SCHEDULED).update(status=MeetingStatus.CANCELLED)
    created = []
    for item in schedule.assignments:
        request = requests[instance.requests[item.request].id]
        if instance.requests[item.request].published is not None:
            continue
        created.append(
            Meeting(
                session=session,
                request=request,
                slot_id=int(instance.slots[item.slot]),
                table=item.table,
                status=MeetingStatus.SCHEDULED,
            )
        )
    Meeting.objects.bulk_create(created)
    result = {
        "meetings": len(schedule.assignments),
        "new": len(created),
        "requests": len(instance.requests),
        "objective": schedule.objective,
        "bound": schedule.bound,
        "status": schedule.status,
        "gap": round(schedule.gap, 6),
        "idle_slots": schedule.idle_slots,
        "took_ms": schedule.took_ms,
    }
    session.scheduled_at = timezone.now()
    session.last_run = result
    session.save(update_fields=["scheduled_at", "last_run"])
    audit_record(
        actor=actor,
        action="meetings.schedule_run",
        obj=session,
        before={"draft_meetings": before},
        after=result,
        **_scope(session),
    )
    return result


@transaction.atomic
def schedule_publish(*, actor: Any, session: MeetingSession) -> int:
    """Publish the draft meetings: they appear in the agendas and no re-run moves them."""
    require(actor, "meetings.manage_session", session, MANAGE_DENIED)
    session = MeetingSession.objects.select_for_update().get(pk=session.pk)
    drafts = list(
        session.meetings.filter(status=MeetingStatus.SCHEDULED).select_related(
            "request__requester__user", "request__recipient__user"
        )
    )
    now = timezone.now()
    Meeting.objects.filter(pk__in=[m.pk for m in drafts]).update(
        status=MeetingStatus.PUBLISHED, published_at=now
    )
    session.published_at = now
    session.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action="meetings.schedule_publish",
        obj=session,
        after={"published": len(drafts)},
        **_scope(session),
    )
    people = {p.pk: p for m in drafts for p in (m.request.requester, m.request.recipient)}
    mail_participants(
        people.values(),
        session,
        gettext_noop("Your meeting agenda is ready: %(event)s"),
        gettext_noop("Your meetings at %(event)s are published; see your agenda."),
    )
    return len(drafts)


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> Meeting:
    """The organiser cancels a meeting (a late change); its request stays accepted, so the
    next run may place it again."""
    require(actor, "meetings.manage_session", meeting.session, MANAGE_DENIED)
    update_audited(
        meeting,
        {"status": MeetingStatus.CANCELLED},
        actor=actor,
        action="meetings.meeting_cancel",
        **_scope(meeting.session),
    )
    return meeting


# -- on the day ------------------------------------------------------------------------------


def _busy(session: MeetingSession, slot: Slot) -> set[int]:
    busy: set[int] = set()
    for a, b in session.meetings.filter(slot=slot, status__in=LIVE_MEETING_STATUSES).values_list(
        "request__requester_id", "request__recipient_id"
    ):
        busy.update((a, b))
    return busy


def _meeting_count(participant: Participant) -> int:
    return Meeting.objects.filter(
        Q(request__requester=participant) | Q(request__recipient=participant),
        status__in=LIVE_MEETING_STATUSES,
    ).count()


def standby_candidates(meeting: Meeting, partner: Participant) -> list[Participant]:
    """Who may take a no-show's place at this meeting: standby participants who checked in,
    are not absent, are available and free in its slot, under their cap, have no request
    with the partner and have not declined this place already; in order of joining."""
    session = meeting.session
    busy = _busy(session, meeting.slot)
    declined = set(
        Meeting.objects.filter(
            replaces=meeting.replaces or meeting, status=MeetingStatus.CANCELLED
        ).values_list("request__requester_id", flat=True)
    )
    linked = set(
        MeetingRequest.objects.filter(Q(requester=partner) | Q(recipient=partner)).values_list(
            "requester_id", "recipient_id"
        )
    )
    linked_ids = {pk for pair in linked for pk in pair}
    found = []
    for candidate in (
        session.participants.filter(
            standby=True,
            absent=False,
            registration__checked_in_at__isnull=False,
            available=meeting.slot,
        )
        .exclude(pk=partner.pk)
        .select_related("user")
    ):
        if candidate.pk in busy or candidate.pk in declined or candidate.pk in linked_ids:
            continue
        if (
            candidate.max_meetings is not None
            and _meeting_count(candidate) >= candidate.max_meetings
        ):
            continue
        found.append(candidate)
    return found


def _offer_place(actor: Any, original: Meeting, partner: Participant) -> Meeting | None:
    """Offer the no-show's place at ``original`` (same slot and table) to the first standby
    candidate; ``None`` when nobody can take it."""
    candidates = standby_candidates(original, partner)
    if not candidates:
        return None
    candidate = candidates[0]
    request = MeetingRequest.objects.create(
        session=original.session,
        requester=candidate,
        recipient=partner,
        reason=STANDBY_REASON,
        priority=1,
        status=RequestStatus.ACCEPTED,
        created_by=person(actor),
        by_organiser=True,
        decided_at=timezone.now(),
    )
    _log_request(actor, "meetings.request_standby", request)
    offer = Meeting.objects.create(
        session=original.session,
        request=request,
        slot=original.slot,
        table=original.table,
        status=MeetingStatus.OFFERED,
        replaces=original.replaces or original,
    )
    audit_record(
        actor=actor,
        action="meetings.standby_offer",
        obj=offer,
        after={"participant_id": candidate.pk, "slot_id": offer.slot_id, "table": offer.table},
        **_scope(original.session),
    )
    mail_participants(
        [candidate],
        original.session,
        gettext_noop("A meeting is offered to you: %(event)s"),
        gettext_noop(
            "A participant did not come: you may meet %(name)s at table %(table)s at "
            "%(when)s. Accept or decline in your agenda."
        ),
        name=partner.name,
        table=offer.table,
        when=_when(offer.slot.starts_at),
    )
    return offer


@transaction.atomic
def participant_mark_absent(*, actor: Any, participant: Participant) -> list[Meeting]:
    """The organiser marks a participant who has not checked in as a no-show: their meetings
    still to come are cancelled and each is offered to a standby participant at once.
    Returns the offers made."""
    require(actor, "meetings.manage_session", participant, MANAGE_DENIED)
    participant = (
        Participant.objects.select_for_update()
        .select_related("registration")
        .get(pk=participant.pk)
    )
    if participant.registration.checked_in_at is not None:
        raise ApplicationError(NOT_ABSENT_CHECKED_IN.format(name=participant.name), code="conflict")
    if participant.absent:
        raise ApplicationError(ALREADY_ABSENT.format(name=participant.name), code="conflict")
    update_audited(
        participant,
        {"absent": True},
        actor=actor,
        action="meetings.participant_absent",
        organization_id=participant.organization_id,
        **_scope(participant.session),
    )
    now = timezone.now()
    offers = []
    for meeting in (
        Meeting.objects.filter(
            Q(request__requester=participant) | Q(request__recipient=participant),
            status__in=LIVE_MEETING_STATUSES,
            slot__ends_at__gt=now,
        )
        .select_related("slot", "session__event", "request__requester", "request__recipient")
        .order_by("slot__starts_at")
    ):
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="meetings.meeting_noshow",
            obj=meeting,
            after={"status": meeting.status, "absent_id": participant.pk},
            **_scope(meeting.session),
        )
        request = meeting.request
        partner = request.recipient if request.requester_id == participant.pk else request.requester
        if partner.absent:
            continue
        offer = _offer_place(actor, meeting, partner)
        if offer is not None:
            offers.append(offer)
    return offers


@transaction.atomic
def offer_answer(*, actor: Any, meeting: Meeting, accept: bool) -> Meeting | None:
    """The standby participant takes the offered meeting, or declines it (it goes to the next
    candidate). Returns the accepted meeting or the next offer (``None``: nobody left)."""
    require(actor, "meetings.answer_offer", meeting, NOT_OFFERED)
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("request__requester", "request__recipient", "slot", "session__event")
        .get(pk=meeting.pk)
    )
    if meeting.status != MeetingStatus.OFFERED or meeting.request.requester.user_id != actor.pk:
        raise ApplicationError(NOT_OFFERED, code="conflict")
    if meeting.slot.ends_at <= timezone.now():
        raise ApplicationError(MEETING_ENDED, code="conflict")
    if accept:
        update_audited(
            meeting,
            {"status": MeetingStatus.PUBLISHED, "published_at": timezone.now()},
            actor=actor,
            action="meetings.standby_accept",
            **_scope(meeting.session),
        )
        mail_participants(
            [meeting.request.recipient],
            meeting.session,
            gettext_noop("Your meeting has a new partner: %(event)s"),
            gettext_noop(
                "%(name)s takes the place of a participant who did not come: table %(table)s "
                "at %(when)s."
            ),
            name=meeting.request.requester.name,
            table=meeting.table,
            when=_when(meeting.slot.starts_at),
        )
        return meeting
    update_audited(
        meeting,
        {"status": MeetingStatus.CANCELLED},
        actor=actor,
        action="meetings.standby_decline",
        **_scope(meeting.session),
    )
    request = meeting.request
    request.status = RequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    return _offer_place(actor, meeting, meeting.request.recipient)


# -- outcomes --------------------------------------------------------------------------------


@transaction.atomic
def outcome_record(*, actor: Any, meeting: Meeting, result: str, note: str = "") -> MeetingOutcome:
    """One side says what came of a published meeting, once it has started; recording again
    changes their answer."""
    require(actor, "meetings.record_outcome", meeting, OUTCOME_DENIED)
    if result not in OutcomeResult.values:
        raise ApplicationError(BAD_RESULT.format(value=str(result)[:40]), code="invalid")
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ApplicationError(OUTCOME_NOT_PUBLISHED, code="conflict")
    if meeting.slot.starts_at > timezone.now():
        raise ApplicationError(OUTCOME_TOO_EARLY, code="conflict")
    text = plain_text(note, field="note", limit=OUTCOME_NOTE_MAX)
    side = Participant.objects.get(session=meeting.session, user=actor)
    outcome, created = MeetingOutcome.objects.select_for_update().get_or_create(
        meeting=meeting, participant=side, defaults={"result": result, "note": text}
    )
    if created:
        audit_record(
            actor=actor,
            action="meetings.outcome_record",
            obj=outcome,
            after={"meeting_id": meeting.pk, "result": result},
            organization_id=side.organization_id,
            **_scope(meeting.session),
        )
    else:
        update_audited(
            outcome,
            {"result": result, "note": text},
            actor=actor,
            action="meetings.outcome_change",
            organization_id=side.organization_id,
            **_scope(meeting.session),
        )
    return outcome


def partner_of(meeting: Meeting, user: Any) -> Participant:
    """The other side of a meeting, seen from ``user``."""
    request = meeting.request
    return request.recipient if request.requester.user_id == user.pk else request.requester


@transaction.atomic
def outcome_start_cooperation(
    *, actor: Any, meeting: Meeting, profile: CooperationProfile, message: str
) -> Interest:
    """After a "cooperation started" outcome, open the marketplace cooperation: the actor's
    organisation expresses interest in one of the partner's live profiles (the partner
    accepts it there; both confirm it once it is finished)."""
    require(actor, "meetings.record_outcome", meeting, OUTCOME_DENIED)
    side = Participant.objects.select_related("organization").get(
        session=meeting.session, user=actor
    )
    outcome = MeetingOutcome.objects.filter(meeting=meeting, participant=side).first()
    if outcome is None or outcome.result != OutcomeResult.COOPERATION:
        raise ApplicationError(NOT_COOPERATION, code="conflict")
    if side.organization is None:
        raise ApplicationError(NO_ORGANIZATION, code="invalid")
    partner = partner_of(meeting, actor)
    if partner.organization_id is None or profile.organization_id != partner.organization_id:
        raise ApplicationError(NOT_PARTNER_PROFILE, code="invalid")
    return interest_express(
        actor=actor, profile=profile, organization=side.organization, message=message
    )
