"""Who may do what with brokerage meetings (django-rules), declared once.

The organisers of the event (``events.manage_event``: its clusters' coordinators, the city
office) manage its session and see everything of it: every participant, request, meeting and
outcome, and may add requests. A participant sees the session's other participants (that is
what a brokerage event is for), their own requests and their own agenda; they answer the
requests sent to them and record the outcome of their own meetings.
"""

from __future__ import annotations

from typing import Any

import rules

from ..accounts.predicates import is_active_user
from .models import Meeting, MeetingRequest, MeetingSession, Participant


def _session_of(obj: Any) -> MeetingSession | None:
    if isinstance(obj, MeetingSession):
        return obj
    if isinstance(obj, Participant | MeetingRequest | Meeting):
        return obj.session
    return None


@rules.predicate
def manages_session(user: Any, obj: Any) -> bool:
    """The user organises the event the session (or its participant, request, meeting) is of."""
    session = _session_of(obj)
    return bool(
        session is not None
        and is_active_user(user)
        and user.has_perm("events.manage_event", session.event)
    )


def _participant_id(user: Any, session: MeetingSession) -> int | None:
    if not is_active_user(user):
        return None
    return (
        Participant.objects.filter(session=session, user=user).values_list("pk", flat=True).first()
    )


@rules.predicate
def takes_part(user: Any, obj: Any) -> bool:
    """The user is a participant of the session (of the object)."""
    session = _session_of(obj)
    return session is not None and _participant_id(user, session) is not None


@rules.predicate
def is_the_participant(user: Any, participant: Participant | None) -> bool:
    return (
        isinstance(participant, Participant)
        and is_active_user(user)
        and participant.user_id == user.pk
    )


@rules.predicate
def sent_or_received(user: Any, request: MeetingRequest | None) -> bool:
    if not isinstance(request, MeetingRequest) or not is_active_user(user):
        return False
    return user.pk in (request.requester.user_id, request.recipient.user_id)


@rules.predicate
def received(user: Any, request: MeetingRequest | None) -> bool:
    return (
        isinstance(request, MeetingRequest)
        and is_active_user(user)
        and request.recipient.user_id == user.pk
    )


@rules.predicate
def sent(user: Any, request: MeetingRequest | None) -> bool:
    return (
        isinstance(request, MeetingRequest)
        and is_active_user(user)
        and request.requester.user_id == user.pk
    )


@rules.predicate
def meets(user: Any, meeting: Meeting | None) -> bool:
    """The user is one of the two sides of the meeting."""
    return isinstance(meeting, Meeting) and bool(sent_or_received(user, meeting.request))


rules.add_perm("meetings.manage_session", manages_session)
rules.add_perm("meetings.view_session", manages_session | takes_part)
rules.add_perm("meetings.view_participant", manages_session | takes_part)
rules.add_perm("meetings.edit_participant", is_the_participant | manages_session)
rules.add_perm("meetings.send_request", takes_part)
rules.add_perm("meetings.add_request", manages_session)
rules.add_perm("meetings.view_request", sent_or_received | manages_session)
rules.add_perm("meetings.decide_request", received)
rules.add_perm("meetings.withdraw_request", sent)
rules.add_perm("meetings.view_meeting", meets | manages_session)
rules.add_perm("meetings.answer_offer", meets)
rules.add_perm("meetings.record_outcome", meets)
