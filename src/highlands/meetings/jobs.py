"""The time-driven work of brokerage meetings, as plain functions returning counts (run by
``highlands run-due-jobs``). Idempotent: running them twice changes and sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..audit.services import audit_record
from ..servicekit import SYSTEM
from .models import MeetingRequest, RequestStatus
from .services import REMIND_AFTER, mail_participants


def requests_expire(*, now: datetime | None = None) -> int:
    """Expire the requests still unanswered at their session's deadline."""
    now = now or timezone.now()
    expired = 0
    due = MeetingRequest.objects.filter(
        status=RequestStatus.PENDING, session__request_deadline__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Conditional UPDATE: a request answered meanwhile (or a concurrent run) is left.
            if MeetingRequest.objects.filter(pk=pk, status=RequestStatus.PENDING).update(
                status=RequestStatus.EXPIRED
            ):
                request = MeetingRequest.objects.get(pk=pk)
                audit_record(
                    actor=SYSTEM,
                    action="meetings.request_expire",
                    obj=request,
                    before={"status": RequestStatus.PENDING},
                    after={"status": RequestStatus.EXPIRED},
                )
                expired += 1
    return expired


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind, once per request, the people with a request unanswered for a day (or whose
    deadline is within a day). Returns the number of requests reminded about."""
    now = now or timezone.now()
    sent = 0
    due = (
        MeetingRequest.objects.filter(status=RequestStatus.PENDING, reminded_at__isnull=True)
        .filter(
            Q(created_at__lte=now - REMIND_AFTER)
            | Q(session__request_deadline__lte=now + REMIND_AFTER)
        )
        .exclude(session__request_deadline__lte=now)
        .select_related("recipient__user", "requester__user", "session__event")
    )
    for request in due:
        with transaction.atomic():
            if MeetingRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                deadline = request.session.request_deadline
                mail_participants(
                    [request.recipient],
                    request.session,
                    gettext_noop("%(name)s is waiting for your answer"),
                    gettext_noop(
                        "%(name)s asked to meet you at %(event)s. Please accept or decline in "
                        "your requests inbox%(by)s."
                    ),
                    name=request.requester.name,
                    by=f" ({timezone.localtime(deadline):%Y-%m-%d %H:%M})" if deadline else "",
                )
                sent += 1
    return sent


__all__ = ["reminders_send", "requests_expire"]
