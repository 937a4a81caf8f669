"""Every read of brokerage meetings, with the visibility rules of ``rules.py``: a participant
sees the session's participants, their own requests and their own agenda; the organiser sees
all of their event. An object the reader may not see is a 404, never a 403 (no probing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ..errors import NotFoundError
from ..marketplace.models import CooperationProfile
from ..marketplace.recommend import match_reasons, recommend_for_organization
from ..marketplace.selectors import live_q, profiles_visible_to
from .models import (
    LIVE_MEETING_STATUSES,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSession,
    MeetingStatus,
    Participant,
    RequestStatus,
    Slot,
)

NO_SESSION = "No such meeting session."
NO_PARTICIPANT = "No such participant."
NO_REQUEST = "No such meeting request."
NO_MEETING = "No such meeting."
FEW_MEETINGS = 2


def session_of_event(*, event_id: int) -> MeetingSession | None:
    return MeetingSession.objects.filter(event_id=event_id).select_related("event").first()


def session_get(*, user: Any, pk: int, manage: bool = False) -> MeetingSession:
    """A session the user takes part in or organises (``manage``: organises), else 404."""
    session = MeetingSession.objects.select_related("event").filter(pk=pk).first()
    perm = "meetings.manage_session" if manage else "meetings.view_session"
    if session is None or not user.has_perm(perm, session):
        raise NotFoundError(NO_SESSION)
    return session


def slots_of(session: MeetingSession) -> list[Slot]:
    return list(session.slots.all())


def participant_of(*, user: Any, session: MeetingSession) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Participant.objects.filter(session=session, user=user)
        .select_related("user", "organization", "registration")
        .prefetch_related("available")
        .first()
    )


def participants(session: MeetingSession) -> QuerySet[Participant]:
    return (
        session.participants.select_related("user", "organization", "registration")
        .prefetch_related("available")
        .order_by("organization__name", "user__last_name", "pk")
    )


def participant_get(*, user: Any, session: MeetingSession, pk: int) -> Participant:
    found = participants(session).filter(pk=pk).first()
    if found is None or not user.has_perm("meetings.view_participant", found):
        raise NotFoundError(NO_PARTICIPANT)
    return found


def live_profiles_by_organization(
    *, user: Any, organization_ids: set[int]
) -> dict[int, list[CooperationProfile]]:
    """The live marketplace offers and requests of these organisations the user may see."""
    found: dict[int, list[CooperationProfile]] = defaultdict(list)
    for profile in (
        profiles_visible_to(user)
        .filter(live_q(), organization_id__in=organization_ids)
        .order_by("direction", "title")
    ):
        found[profile.organization_id].append(profile)
    return found


@dataclass
class Suggestion:
    """A participant worth meeting, with the marketplace recommender's reasons in plain
    words (how well they match — strong, good or some — never the internal score)."""

    participant: Participant
    score: float  # orders the suggestions; not shown
    reasons: list[str] = field(default_factory=list)


def whom_to_meet(*, user: Any, participant: Participant, limit: int = 5) -> list[Suggestion]:
    """The session's participants whose organisations the marketplace recommends for the
    participant's organisation (its live profiles, else its clusters' capabilities)."""
    if participant.organization is None:
        return []
    others: dict[int, list[Participant]] = defaultdict(list)
    for other in participants(participant.session).exclude(pk=participant.pk):
        if other.organization_id is not None:
            others[other.organization_id].append(other)
    if not others:
        return []
    ranked = recommend_for_organization(user=user, organization=participant.organization, limit=50)
    best: dict[int, Suggestion] = {}
    for rec in [*ranked.profiles, *ranked.organizations]:
        for other in others.get(rec.organization.pk, []):
            if other.pk not in best or best[other.pk].score < rec.score:
                best[other.pk] = Suggestion(other, rec.score, match_reasons(rec))
    return sorted(best.values(), key=lambda s: -s.score)[:limit]


# -- requests --------------------------------------------------------------------------------


def _requests() -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.select_related(
        "session__event",
        "requester__user",
        "requester__organization",
        "recipient__user",
        "recipient__organization",
    )


def requests_received(participant: Participant) -> QuerySet[MeetingRequest]:
    return _requests().filter(recipient=participant).order_by("status", "-created_at")


def requests_sent(participant: Participant) -> QuerySet[MeetingRequest]:
    return _requests().filter(requester=participant).order_by("status", "-created_at")


def session_requests(
    session: MeetingSession, *, status: str | None = None
) -> QuerySet[MeetingRequest]:
    found = _requests().filter(session=session)
    return found.filter(status=status) if status else found


def request_get(*, user: Any, pk: int) -> MeetingRequest:
    found = _requests().filter(pk=pk).first()
    if found is None or not user.has_perm("meetings.view_request", found):
        raise NotFoundError(NO_REQUEST)
    return found


def requested_pairs(participant: Participant) -> dict[int, MeetingRequest]:
    """Per other participant, the live request between them and this participant."""
    found: dict[int, MeetingRequest] = {}
    for request in MeetingRequest.objects.filter(
        Q(requester=participant) | Q(recipient=participant)
    ).exclude(status__in=[RequestStatus.WITHDRAWN]):
        other = (
            request.recipient_id if request.requester_id == participant.pk else request.requester_id
        )
        found[other] = request
    return found


# -- meetings and agendas --------------------------------------------------------------------


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "slot",
        "session__event",
        "request__requester__user",
        "request__requester__organization",
        "request__recipient__user",
        "request__recipient__organization",
    ).prefetch_related(Prefetch("outcomes", queryset=MeetingOutcome.objects.all()))


def meeting_get(*, user: Any, pk: int) -> Meeting:
    found = _meetings().filter(pk=pk).first()
    if found is None or not user.has_perm("meetings.view_meeting", found):
        raise NotFoundError(NO_MEETING)
    return found


@dataclass
class AgendaItem:
    meeting: Meeting
    partner: Participant
    profiles: list[CooperationProfile]
    outcome: MeetingOutcome | None


def agenda(*, user: Any, participant: Participant) -> list[AgendaItem]:
    """The participant's published meetings and the standby offers made to them, in time
    order, each with the partner's organisation and live profiles."""
    meetings = list(
        _meetings()
        .filter(
            Q(request__requester=participant) | Q(request__recipient=participant),
            status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED],
        )
        .order_by("slot__starts_at")
    )
    partners = [
        m.request.recipient if m.request.requester_id == participant.pk else m.request.requester
        for m in meetings
    ]
    profiles = live_profiles_by_organization(
        user=user, organization_ids={p.organization_id for p in partners if p.organization_id}
    )
    items = []
    for meeting, partner in zip(meetings, partners, strict=True):
        own = next((o for o in meeting.outcomes.all() if o.participant_id == participant.pk), None)
        items.append(
            AgendaItem(meeting, partner, profiles.get(partner.organization_id or 0, []), own)
        )
    return items


def session_meetings(session: MeetingSession) -> QuerySet[Meeting]:
    return _meetings().filter(session=session, status__in=LIVE_MEETING_STATUSES)


@dataclass
class GridRow:
    slot: Slot
    cells: list[Meeting | None]


def grid(session: MeetingSession) -> list[GridRow]:
    """The schedule as slots × tables (``None``: a free table)."""
    by_place = {(m.slot_id, m.table): m for m in session_meetings(session)}
    return [
        GridRow(slot, [by_place.get((slot.pk, t)) for t in range(1, session.tables + 1)])
        for slot in session.slots.all()
    ]


def tables(session: MeetingSession) -> list[tuple[str, list[Meeting]]]:
    """Per table (its number and name), its meetings in time order: the printable table
    cards."""
    per_table: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in session_meetings(session).order_by("slot__starts_at"):
        per_table[meeting.table].append(meeting)
    return [
        (session.table_label(t), per_table[t]) for t in range(1, session.tables + 1) if per_table[t]
    ]


def table_heads(session: MeetingSession) -> list[str]:
    """The grid's column heads: each table's number and name."""
    return [session.table_label(t) for t in range(1, session.tables + 1)]


@dataclass
class Block:
    """A run of back-to-back slots: what the organiser set up as one block of time."""

    slots: list[Slot]

    @property
    def starts_at(self) -> Any:
        return self.slots[0].starts_at

    @property
    def ends_at(self) -> Any:
        return self.slots[-1].ends_at

    @property
    def key(self) -> int:
        return self.slots[0].pk

    meetings: int = 0  # published (or offered) meetings in it


def session_blocks(session: MeetingSession) -> list[Block]:
    """The session's slots grouped into blocks (a gap between two slots starts a new one),
    each with its count of published meetings."""
    fixed: dict[int, int] = defaultdict(int)
    for slot_id in session.meetings.filter(
        status__in=[MeetingStatus.PUBLISHED, MeetingStatus.OFFERED]
    ).values_list("slot_id", flat=True):
        fixed[slot_id] += 1
    blocks: list[Block] = []
    for slot in session.slots.all():
        if blocks and blocks[-1].ends_at == slot.starts_at:
            blocks[-1].slots.append(slot)
        else:
            blocks.append(Block([slot]))
        blocks[-1].meetings += fixed[slot.pk]
    return blocks


@dataclass
class MoveTarget:
    slot: Slot
    tables: list[tuple[int, str]]  # free tables where the meeting may go: number, label


def move_targets(meeting: Meeting) -> list[MoveTarget]:
    """Where the organiser may move a meeting: slots not yet over in which both sides are
    available, present and not meeting anybody else, with their free tables."""
    session = meeting.session
    sides = (meeting.request.requester_id, meeting.request.recipient_id)
    if Participant.objects.filter(pk__in=sides, absent=True).exists():
        return []
    both = set(
        Slot.objects.filter(session=session, ends_at__gt=timezone.now())
        .filter(available_participants=sides[0])
        .filter(available_participants=sides[1])
        .values_list("pk", flat=True)
    )
    taken: dict[int, set[int]] = defaultdict(set)
    busy: set[int] = set()
    for slot_id, table, a, b in (
        session.meetings.filter(status__in=LIVE_MEETING_STATUSES)
        .exclude(pk=meeting.pk)
        .values_list("slot_id", "table", "request__requester_id", "request__recipient_id")
    ):
        taken[slot_id].add(table)
        if a in sides or b in sides:
            busy.add(slot_id)
    found = []
    for slot in session.slots.all():
        if slot.pk not in both or slot.pk in busy:
            continue
        free = [
            (t, session.table_label(t))
            for t in range(1, session.tables + 1)
            if t not in taken[slot.pk] and (slot.pk, t) != (meeting.slot_id, meeting.table)
        ]
        if free:
            found.append(MoveTarget(slot, free))
    return found


def participants_with_few_meetings(
    session: MeetingSession, *, below: int = FEW_MEETINGS
) -> list[Participant]:
    """Participants with fewer than ``below`` live meetings (none first): whom to help."""
    live = Q(status__in=LIVE_MEETING_STATUSES)
    counts: dict[int, int] = defaultdict(int)
    for side in ("request__requester_id", "request__recipient_id"):
        for row in (
            Meeting.objects.filter(live, session=session).values(side).annotate(n=Count("pk"))
        ):
            counts[row[side]] += row["n"]
    found = [p for p in participants(session) if counts[p.pk] < below]
    for p in found:
        p.meeting_count = counts[p.pk]  # type: ignore[attr-defined]
    return sorted(found, key=lambda p: (counts[p.pk], p.name))


def outcomes(session: MeetingSession) -> QuerySet[MeetingOutcome]:
    return MeetingOutcome.objects.filter(meeting__session=session).select_related(
        "participant__user", "meeting__slot"
    )


def sessions_of_user(*, user: Any) -> QuerySet[MeetingSession]:
    if not getattr(user, "is_authenticated", False):
        return MeetingSession.objects.none()
    return MeetingSession.objects.filter(participants__user=user).select_related("event")
