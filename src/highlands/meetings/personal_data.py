"""What brokerage meetings hold about a person, for the GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..accounts.gdpr import ERASED, kept, register_personal_data
from ..audit.services import audit_scrub_all
from .models import Meeting, MeetingOutcome, MeetingRequest, Participant, RequestStatus


def _side(participant: Participant) -> str:
    return participant.organization.name if participant.organization else ""


def export(user: Any) -> dict[str, Any]:
    """Where they took part, their requests (sent, received, decided), meetings, outcomes."""
    participants = list(
        Participant.objects.filter(user=user).select_related("session__event", "organization")
    )
    mine = [p.pk for p in participants]
    requests = MeetingRequest.objects.filter(
        Q(requester__in=mine) | Q(recipient__in=mine) | Q(created_by=user) | Q(decided_by=user)
    ).select_related("requester__organization", "recipient__organization")
    return {
        "participations": [
            {
                "event": p.session.event.title or p.session.event.title_pl,
                "organization": _side(p),
                "note": p.note,
                "max_meetings": p.max_meetings,
                "standby": p.standby,
                "absent": p.absent,
                "available_slots": [str(s) for s in p.available.all()],
            }
            for p in participants
        ],
        "requests": [
            {
                "from": _side(r.requester),
                "to": _side(r.recipient),
                "reason": r.reason,
                "priority": r.priority,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in requests
        ],
        "meetings": [
            {"slot": str(m.slot), "table": m.table, "status": m.status}
            for m in Meeting.objects.filter(
                Q(request__requester__in=mine) | Q(request__recipient__in=mine)
            ).select_related("slot")
        ],
        "outcomes": [
            {"result": o.result, "note": o.note}
            for o in MeetingOutcome.objects.filter(participant__in=mine)
        ],
    }


def erase(user: Any) -> None:
    """Their words go (participant notes, request reasons, outcome notes) and their pending
    requests close: those they sent read as withdrawn, those they received as declined (the
    other side sees the answer a person leaving would give). The rows stay for the other
    side's agenda and the organiser's counts, under the pseudonymous account."""
    now = timezone.now()
    participants = Participant.objects.filter(user=user)
    audit_scrub_all(participants)
    participants.update(note="")
    sent = MeetingRequest.objects.filter(requester__user=user)
    audit_scrub_all(sent)
    sent.update(reason=ERASED)
    sent.filter(status=RequestStatus.PENDING).update(status=RequestStatus.WITHDRAWN, decided_at=now)
    MeetingRequest.objects.filter(recipient__user=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.DECLINED, decided_at=now
    )
    MeetingOutcome.objects.filter(participant__user=user).update(note="")


def register() -> None:
    """Declare the meetings' share (from ``MeetingsConfig.ready()``)."""
    register_personal_data(
        "meetings",
        export=export,
        erase=erase,
        references={
            "meetings.Participant.user": (
                "meetings.participations",
                kept(
                    "the other side's agenda and the organiser's schedule; the note, reasons "
                    "and outcome notes are emptied; pending requests sent are withdrawn, those "
                    "received declined"
                ),
            ),
            "meetings.MeetingRequest.created_by": (
                "meetings.requests",
                kept("a request between two organisations at the event"),
            ),
            "meetings.MeetingRequest.decided_by": (
                "meetings.requests",
                kept("the answer to a request between two organisations at the event"),
            ),
        },
    )
