"""Every write of brokerage meetings: the session, participants, requests, scheduling and
publication, the day's no-shows and standby offers, outcomes.

Keyword-only, one transaction each, the actor's permission checked through ``rules.py``, an
audit entry per change, mail after commit. Scheduling runs the exact scheduler
(``scheduler.schedule_optimal``) over the accepted requests; published (and offered)
meetings enter it as fixed placements, so a re-run after late changes never moves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

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
BLOCK_ORDER = gettext_noop("The block {block} ends before it starts.")
BLOCK_OUTSIDE = gettext_noop("The block {block} lies outside the event's time ({event}).")
BLOCK_TOO_SHORT = gettext_noop("The block {block} is shorter than one slot ({minutes} minutes).")
BLOCK_OVERLAP = gettext_noop("The blocks {block} and {other} overlap.")
TOO_MANY_SLOTS = gettext_noop("The blocks make {count} slots; at most {limit}.")
SESSION_EXISTS = gettext_noop("This event already has a meeting session.")
TOO_MANY_TABLE_NAMES = gettext_noop("{count} table names for {tables} tables: one name per table.")
DUPLICATE_TABLE_NAME = gettext_noop("Two tables are called “{name}”.")
REQUEST_DEADLINE_LATE = gettext_noop(
    "The deadline for requests ({when}) must come before the first slot ({first})."
)
JOIN_DEADLINE_LATE = gettext_noop(
    "The deadline for taking part ({when}) must come before the first slot ({first})."
)
JOIN_CLOSED = gettext_noop("Taking part in these meetings closed at {when}.")
SLOTS_IN_USE = gettext_noop(
    "These slots have published meetings; cancel or move them first: {meetings}."
)
SLOTS_HOLD_RECORDS = gettext_noop(
    "These slots hold meetings with recorded outcomes; they stay: {meetings}."
)
TABLES_FULL = gettext_noop(
    "No free table left in the slot for these published meetings; cancel or move them "
    "first: {meetings}."
)
CAP_BELOW_MEETINGS = gettext_noop(
    "These participants already have more than {cap} published meetings: {people}."
)
MEETING_NOT_LIVE = gettext_noop("This meeting is already cancelled.")
MOVE_PAST = gettext_noop("That slot is already over.")
MOVE_SAME = gettext_noop("The meeting is already there.")
NO_SUCH_TABLE = gettext_noop("There is no table {table}; the session has {tables}.")
TABLE_TAKEN = gettext_noop("Table {place} is taken at {when}.")
SIDE_ABSENT = gettext_noop("{name} is marked as a no-show.")
SIDE_UNAVAILABLE = gettext_noop("{name} is not available at {when}.")
SIDE_BUSY = gettext_noop("{name} has another meeting at {when}.")
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
CHANGE_KIND = "meetings.change"  # a published meeting moved or was cancelled
TABLE_NAME_MAX = 60
_REQUEST_LOG = ["requester_id", "recipient_id", "priority", "status", "by_organiser"]


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _scope(session: MeetingSession) -> dict[str, Any]:
    cluster = next(iter(session.event.clusters.all()), None)
    return {"cluster_id": cluster.pk if cluster else None}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the session -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedBlock:
    """One block of meeting time as it will be split: its slots and the minutes left at its
    end (shorter than a slot, so they stay free)."""

    starts_at: datetime
    ends_at: datetime
    slots: int
    leftover_minutes: int

    @property
    def label(self) -> str:
        return span(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class Plan:
    """What a set-up (or the blocks added to a session) will create."""

    blocks: list[PlannedBlock]
    slots: list[tuple[datetime, datetime]]


def span(start: datetime, end: datetime) -> str:
    """A block or slot as people read it: "2026-12-14 10:00–12:00"."""
    a, b = timezone.localtime(start), timezone.localtime(end)
    if a.date() == b.date():
        return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"
    return f"{a:%Y-%m-%d %H:%M}–{b:%Y-%m-%d %H:%M}"


def _check_slot_minutes(minutes: Any) -> int:
    if minutes not in SLOT_MINUTES:
        raise ApplicationError(
            BAD_SLOT_MINUTES.format(choices=", ".join(map(str, SLOT_MINUTES))), code="invalid"
        )
    return int(minutes)


def session_plan(
    *,
    event: Event,
    blocks: Sequence[tuple[datetime, datetime]],
    slot_minutes: int,
    existing: Sequence[tuple[datetime, datetime]] = (),
    existing_slots: int = 0,
) -> Plan:
    """The slots ``blocks`` make, each block checked: it ends after it starts, lies inside
    the event, holds at least one slot and overlaps no other block (nor an ``existing`` one).
    Minutes left at the end of a block, shorter than a slot, stay free. Writes nothing."""
    minutes = _check_slot_minutes(slot_minutes)
    if not blocks and not existing:
        raise ApplicationError(NO_BLOCKS, code="invalid")
    step = timedelta(minutes=minutes)
    for start, end in blocks:
        block = span(start, end)
        if end <= start:
            raise ApplicationError(BLOCK_ORDER.format(block=block), code="invalid")
        if start < event.starts_at or end > event.ends_at:
            raise ApplicationError(
                BLOCK_OUTSIDE.format(block=block, event=span(event.starts_at, event.ends_at)),
                code="invalid",
            )
        if start + step > end:
            raise ApplicationError(
                BLOCK_TOO_SHORT.format(block=block, minutes=minutes), code="invalid"
            )
    timeline = sorted([*blocks, *existing])
    for (start, end), (later_start, later_end) in pairwise(timeline):
        if later_start < end:
            raise ApplicationError(
                BLOCK_OVERLAP.format(block=span(later_start, later_end), other=span(start, end)),
                code="invalid",
            )
    planned: list[PlannedBlock] = []
    slots: list[tuple[datetime, datetime]] = []
    for start, end in sorted(blocks):
        count = (end - start) // step
        slots.extend((start + i * step, start + (i + 1) * step) for i in range(count))
        leftover = end - start - count * step
        planned.append(PlannedBlock(start, end, count, int(leftover.total_seconds()) // 60))
    if existing_slots + len(slots) > SLOTS_MAX:
        raise ApplicationError(
            TOO_MANY_SLOTS.format(count=existing_slots + len(slots), limit=SLOTS_MAX),
            code="invalid",
        )
    return Plan(planned, slots)


def _check_tables(tables: Any) -> int:
    if not _whole(tables) or not 1 <= tables <= TABLES_MAX:
        raise ApplicationError(BAD_TABLES.format(limit=TABLES_MAX), code="invalid")
    return int(tables)


def _check_table_names(names: Sequence[str], tables: int) -> list[str]:
    """One name per table in number order (empty: just the number), trailing empties
    dropped, no name twice."""
    cleaned = [plain_text(str(n), field="table_names", limit=TABLE_NAME_MAX) for n in names]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if len(cleaned) > tables:
        raise ApplicationError(
            TOO_MANY_TABLE_NAMES.format(count=len(cleaned), tables=tables), code="invalid"
        )
    seen: set[str] = set()
    for name in cleaned:
        if name and name.casefold() in seen:
            raise ApplicationError(DUPLICATE_TABLE_NAME.format(name=name), code="invalid")
        seen.add(name.casefold())
    return cleaned


def _check_cap(value: Any) -> int | None:
    if value is not None and (not _whole(value) or not 0 <= value <= CAP_MAX):
        raise ApplicationError(BAD_CAP.format(limit=CAP_MAX), code="invalid")
    return value


def _check_deadlines(
    request_deadline: datetime | None, join_deadline: datetime | None, first: datetime | None
) -> None:
    if first is None:
        return
    if request_deadline is not None and request_deadline > first:
        raise ApplicationError(
            REQUEST_DEADLINE_LATE.format(when=_when(request_deadline), first=_when(first)),
            code="invalid",
        )
    if join_deadline is not None and join_deadline > first:
        raise ApplicationError(
            JOIN_DEADLINE_LATE.format(when=_when(join_deadline), first=_when(first)),
            code="invalid",
        )


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
    join_deadline: datetime | None = None,
    max_meetings: int | None = None,
    table_names: Sequence[str] = (),
) -> MeetingSession:
    """Give an event its B2B meetings: blocks (on one day or several, with breaks between
    them) split into slots, tables (or online rooms) with optional names, deadlines and a
    cap on meetings per participant. Everything is checked before anything is written."""
    require(actor, "events.manage_event", event, MANAGE_DENIED)
    if MeetingSession.objects.filter(event=event).exists():
        raise ApplicationError(SESSION_EXISTS, code="conflict")
    plan = session_plan(event=event, blocks=blocks, slot_minutes=slot_minutes)
    tables = _check_tables(tables)
    names = _check_table_names(table_names, tables)
    cap = _check_cap(max_meetings)
    _check_deadlines(request_deadline, join_deadline, plan.slots[0][0])
    session = MeetingSession.objects.create(
        event=event,
        slot_minutes=slot_minutes,
        tables=tables,
        online=online,
        request_deadline=request_deadline,
        join_deadline=join_deadline,
        max_meetings=cap,
        table_names=names,
    )
    Slot.objects.bulk_create(Slot(session=session, starts_at=s, ends_at=e) for s, e in plan.slots)
    audit_record(
        actor=actor,
        action="meetings.session_create",
        obj=session,
        after={
            "event_id": event.pk,
            "slot_minutes": slot_minutes,
            "tables": tables,
            "table_names": names,
            "online": online,
            "blocks": [b.label for b in plan.blocks],
            "slots": len(plan.slots),
            "request_deadline": request_deadline,
            "join_deadline": join_deadline,
            "max_meetings": cap,
        },
        **_scope(session),
    )
    return session


def _fixed(session: MeetingSession) -> Any:
    return session.meetings.filter(
        status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED]
    ).select_related("slot", "session", "request__requester__user", "request__recipient__user")


def meeting_label(meeting: Meeting) -> str:
    """A meeting as the organiser names it: "Anna Nowak + Bolek Kowal (10:20, table 3)"."""
    request = meeting.request
    return (
        f"{request.requester.name} + {request.recipient.name} "
        f"({_when(meeting.slot.starts_at)}, {meeting.table_label})"
    )


def _labels(meetings: Iterable[Meeting]) -> str:
    return "; ".join(meeting_label(m) for m in meetings)


def _relocate(
    session: MeetingSession, tables: int
) -> tuple[list[tuple[Meeting, int]], list[Meeting]]:
    """Where the published meetings at tables beyond ``tables`` can go, and those for which
    no table is free. A meeting takes the lowest table of its slot with no live meeting at
    all; only when there is none, the lowest one holding just a draft (not yet published,
    replaced by the next scheduling run anyway: a draft never blocks a move) — that draft
    is cancelled by ``session_update`` (``_bumped_drafts``) and the next run places its
    pair again. Published and offered meetings hold their tables."""
    beyond = list(_fixed(session).filter(table__gt=tables).order_by("slot__starts_at"))
    used: dict[int, set[int]] = {}
    fixed_kept = _fixed(session).filter(table__lte=tables)
    for slot_id, table in fixed_kept.values_list("slot_id", "table"):
        used.setdefault(slot_id, set()).add(table)
    drafted: dict[int, set[int]] = {}
    drafts_kept = session.meetings.filter(status=MeetingStatus.SCHEDULED, table__lte=tables)
    for slot_id, table in drafts_kept.values_list("slot_id", "table"):
        drafted.setdefault(slot_id, set()).add(table)
    moves: list[tuple[Meeting, int]] = []
    stuck: list[Meeting] = []
    for meeting in beyond:
        taken = used.setdefault(meeting.slot_id, set())
        open_tables = [t for t in range(1, tables + 1) if t not in taken]
        draft_at = drafted.get(meeting.slot_id, set())
        empty = next((t for t in open_tables if t not in draft_at), None)
        free = empty if empty is not None else next(iter(open_tables), None)
        if free is None:
            stuck.append(meeting)
        else:
            taken.add(free)
            moves.append((meeting, free))
    return moves, stuck


def _bumped_drafts(moves: Sequence[tuple[Meeting, int]]) -> Q:
    """The draft meetings at the tables published meetings move to (same slot, same
    table), which ``session_update`` cancels before the moves."""
    bumped = Q(pk__in=[])
    for meeting, table in moves:
        bumped |= Q(slot_id=meeting.slot_id, table=table)
    return bumped


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: MeetingSession,
    tables: int,
    request_deadline: datetime | None,
    join_deadline: datetime | None = None,
    max_meetings: int | None = None,
    table_names: Sequence[str] | None = None,
    add_blocks: Sequence[tuple[datetime, datetime]] = (),
    remove_slots: Iterable[int] = (),
) -> MeetingSession:
    """Change the deadlines, the cap on meetings per participant, the tables (their number
    and names) and the blocks (add new ones, remove slots). A change that would leave a
    published meeting without its slot, or a participant with more published meetings than
    the cap, is refused naming the meetings; a published meeting at a removed table moves
    to the lowest empty table of its slot, else to the lowest one holding only a draft
    (refused when every table is published or offered). Draft meetings in the way — in a
    removed slot, at a removed table, at the table a published meeting moves to, or all of
    them when the cap is lowered — are cancelled (the next run places them again). The two
    sides of a published meeting that moves or whose table is renamed are told."""
    require(actor, "meetings.manage_session", session, MANAGE_DENIED)
    session = MeetingSession.objects.select_for_update().select_related("event").get(pk=session.pk)
    tables = _check_tables(tables)
    names = _check_table_names(session.table_names if table_names is None else table_names, tables)
    cap = _check_cap(max_meetings)
    slots = {s.pk: s for s in session.slots.all()}
    removed: set[int] = set()
    for value in remove_slots:
        if not _whole(value) or value not in slots:
            raise ApplicationError(UNKNOWN_SLOT.format(slot=str(value)[:20]), code="invalid")
        removed.add(value)
    orphaned = list(_fixed(session).filter(slot_id__in=removed))
    if orphaned:
        raise ApplicationError(SLOTS_IN_USE.format(meetings=_labels(orphaned)), code="conflict")
    # Deleting a slot deletes its meetings, and their outcomes with them: those stay.
    records = list(session.meetings.filter(slot_id__in=removed, outcomes__isnull=False).distinct())
    if records:
        raise ApplicationError(
            SLOTS_HOLD_RECORDS.format(meetings=_labels(records)), code="conflict"
        )
    kept = [s for pk, s in slots.items() if pk not in removed]
    plan = session_plan(
        event=session.event,
        blocks=add_blocks,
        slot_minutes=session.slot_minutes,
        existing=[(s.starts_at, s.ends_at) for s in kept],
        existing_slots=len(kept),
    )
    starts = [s.starts_at for s in kept] + [start for start, _ in plan.slots]
    _check_deadlines(request_deadline, join_deadline, min(starts, default=None))
    moves, stuck = _relocate(session, tables)
    if stuck:
        raise ApplicationError(TABLES_FULL.format(meetings=_labels(stuck)), code="conflict")
    if cap is not None:
        over = [
            f"{p.name} ({count})"
            for p in session.participants.select_related("user")
            if (count := _fixed_meetings(p).count()) > cap
        ]
        if over:
            raise ApplicationError(
                CAP_BELOW_MEETINGS.format(cap=cap, people=", ".join(over)), code="conflict"
            )
    # Checked; now write.
    before_names = list(session.table_names or [])
    drafts = session.meetings.filter(status=MeetingStatus.SCHEDULED)
    cap_lowered = cap is not None and (session.max_meetings is None or cap < session.max_meetings)
    if not cap_lowered:  # a lower cap cancels every draft: the next run keeps to it
        drafts = drafts.filter(Q(slot_id__in=removed) | Q(table__gt=tables) | _bumped_drafts(moves))
    drafts_cancelled = drafts.update(status=MeetingStatus.CANCELLED)
    if removed:
        Slot.objects.filter(pk__in=removed).delete()
    new_slots = Slot.objects.bulk_create(
        Slot(session=session, starts_at=s, ends_at=e) for s, e in plan.slots
    )
    if new_slots:
        through = Participant.available.through
        through.objects.bulk_create(
            through(participant_id=p, slot_id=s.pk)
            for p in session.participants.filter(absent=False).values_list("pk", flat=True)
            for s in new_slots
        )
    if removed or new_slots:
        audit_record(
            actor=actor,
            action="meetings.session_blocks",
            obj=session,
            before={"slots": len(slots)},
            after={
                "slots": len(kept) + len(new_slots),
                "removed": sorted(span(slots[pk].starts_at, slots[pk].ends_at) for pk in removed),
                "added": [b.label for b in plan.blocks],
                "drafts_cancelled": drafts_cancelled,
            },
            **_scope(session),
        )
    update_audited(
        session,
        {
            "tables": tables,
            "table_names": names,
            "request_deadline": request_deadline,
            "join_deadline": join_deadline,
            "max_meetings": cap,
        },
        actor=actor,
        action="meetings.session_update",
        **_scope(session),
    )
    for meeting, table in moves:
        meeting.session = session  # with its new table names
        _move(actor, meeting, meeting.slot, table, action="meetings.meeting_relocate")
    moved = {m.pk for m, _ in moves}
    renamed = {
        n
        for n in range(1, tables + 1)
        if session.table_name(n) != (before_names[n - 1] if n <= len(before_names) else "")
    }
    for meeting in _fixed(session).filter(table__in=renamed).exclude(pk__in=moved):
        _tell_both(
            meeting,
            gettext_noop("Your meeting's table has a new name: %(event)s"),
            gettext_noop("Your meeting with %(name)s at %(when)s is now at %(place)s."),
        )
    return session


# -- the organiser's changes to single meetings -----------------------------------------------


def _place(session: MeetingSession, table: int) -> Any:
    """The table (or room) as words in the notification's language (called under it)."""
    label = session.table_label(table)

    def words(language: str) -> str:
        if session.online:
            return gettext("room %(table)s") % {"table": label}
        return gettext("table %(table)s") % {"table": label}

    return words


def _tell_both(meeting: Meeting, subject: str, body: str, **values: Any) -> None:
    """Tell each side of the meeting (naming the other) about a change to it."""
    request = meeting.request
    for side, other in (
        (request.requester, request.recipient),
        (request.recipient, request.requester),
    ):
        mail_participants(
            [side],
            meeting.session,
            subject,
            body,
            kind=CHANGE_KIND,
            name=other.name,
            when=_when(meeting.slot.starts_at),
            place=_place(meeting.session, meeting.table),
            **values,
        )


def _move(actor: Any, meeting: Meeting, slot: Slot, table: int, *, action: str) -> Meeting:
    before_when, before_place = (
        _when(meeting.slot.starts_at),
        _place(meeting.session, meeting.table),
    )
    update_audited(
        meeting,
        {"slot_id": slot.pk, "table": table},
        actor=actor,
        action=action,
        **_scope(meeting.session),
    )
    if meeting.status in (MeetingStatus.PUBLISHED, MeetingStatus.OFFERED):
        _tell_both(
            meeting,
            gettext_noop("Your meeting has moved: %(event)s"),
            gettext_noop(
                "Your meeting with %(name)s is now at %(when)s, %(place)s "
                "(it was at %(before_when)s, %(before_place)s)."
            ),
            before_when=before_when,
            before_place=before_place,
        )
    return meeting


def _live_meeting(meeting: Meeting) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "slot", "session__event", "request__requester__user", "request__recipient__user"
        )
        .get(pk=meeting.pk)
    )
    if meeting.status not in LIVE_MEETING_STATUSES:
        raise ApplicationError(MEETING_NOT_LIVE, code="conflict")
    return meeting


def move_problem(meeting: Meeting, slot: Slot, table: int) -> str | None:
    """Why ``meeting`` cannot go to ``table`` in ``slot`` (a message template filled in),
    or ``None`` when it can: the slot is the session's and not over, the table exists and
    is free, both sides are there (not no-shows), available then and not meeting anybody
    else."""
    session = meeting.session
    if slot.session_id != session.pk:
        return UNKNOWN_SLOT.format(slot=slot.pk)
    if slot.ends_at <= timezone.now():
        return MOVE_PAST
    if not _whole(table) or not 1 <= table <= session.tables:
        return NO_SUCH_TABLE.format(table=str(table)[:20], tables=session.tables)
    if slot.pk == meeting.slot_id and table == meeting.table:
        return MOVE_SAME
    live = session.meetings.filter(slot=slot, status__in=LIVE_MEETING_STATUSES).exclude(
        pk=meeting.pk
    )
    if live.filter(table=table).exists():
        return TABLE_TAKEN.format(place=session.table_label(table), when=_when(slot.starts_at))
    busy = _busy(session, slot) if slot.pk != meeting.slot_id else set()
    for side in (meeting.request.requester, meeting.request.recipient):
        if side.absent:
            return SIDE_ABSENT.format(name=side.name)
        if not side.available.filter(pk=slot.pk).exists():
            return SIDE_UNAVAILABLE.format(name=side.name, when=_when(slot.starts_at))
        if side.pk in busy:
            return SIDE_BUSY.format(name=side.name, when=_when(slot.starts_at))
    return None


@transaction.atomic
def meeting_move(*, actor: Any, meeting: Meeting, slot: Slot, table: int) -> Meeting:
    """The organiser moves a meeting to another slot and/or table where both sides are
    available and free; the two sides of a published meeting are told."""
    require(actor, "meetings.manage_session", meeting.session, MANAGE_DENIED)
    meeting = _live_meeting(meeting)
    problem = move_problem(meeting, slot, table)
    if problem is not None:
        raise ApplicationError(problem, code="conflict")
    return _move(actor, meeting, slot, table, action="meetings.meeting_move")


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """The organiser cancels a meeting (a late change), saying why; its table in that slot
    is free again (for a standby or another meeting), its request stays accepted so the
    next run may place it again, and the two sides of a published meeting are told."""
    require(actor, "meetings.manage_session", meeting.session, MANAGE_DENIED)
    text = plain_text(reason, field="reason", limit=REASON_MAX, required=True)
    meeting = _live_meeting(meeting)
    before = meeting.status
    told = before in (MeetingStatus.PUBLISHED, MeetingStatus.OFFERED)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="meetings.meeting_cancel",
        obj=meeting,
        before={"status": before},
        after={"status": meeting.status, "reason": text, "told": told},
        **_scope(meeting.session),
    )
    if told:
        _tell_both(
            meeting,
            gettext_noop("Your meeting is cancelled: %(event)s"),
            gettext_noop(
                "The organiser cancelled your meeting with %(name)s at %(when)s, %(place)s: "
                "%(reason)s"
            ),
            reason=text,
        )
    return meeting


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
    if session.join_deadline and timezone.now() >= session.join_deadline:
        raise ApplicationError(
            JOIN_CLOSED.format(when=_when(session.join_deadline)), code="conflict"
        )
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
    *,
    kind: str = NOTIFICATION_KIND,
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
            kind=kind,
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


def _cap_of(participant: Participant, session: MeetingSession) -> int | None:
    """The lower of the participant's own cap and the session's (``None``: no cap)."""
    caps = [c for c in (participant.max_meetings, session.max_meetings) if c is not None]
    return min(caps, default=None)


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
                **({"max_meetings": cap} if (cap := _cap_of(p, session)) is not None else {}),
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
        cap = _cap_of(candidate, session)
        if cap is not None and _meeting_count(candidate) >= cap:
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
