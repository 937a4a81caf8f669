"""Erasing a person (accounts.gdpr) through the meetings' share: their words go, their
pending requests close — those they sent as withdrawn, those they received as declined —
and the audit log's copies of their participation and requests are scrubbed."""

from __future__ import annotations

import pytest

from highlands.accounts import gdpr
from highlands.audit.models import AuditEntry
from highlands.meetings import services
from highlands.meetings.models import MeetingRequest, RequestStatus

from .conftest import Brokerage

pytestmark = pytest.mark.django_db


def _ask(b: Brokerage, a: str, c: str) -> MeetingRequest:
    return services.request_create(
        actor=b.people[a].user, recipient=b.people[c], reason=f"{a} asks {c}", priority=1
    )


def test_erasure_withdraws_requests_sent_and_declines_requests_received(
    brokerage: Brokerage,
) -> None:
    sent = _ask(brokerage, "anna", "bolek")
    received = _ask(brokerage, "cezary", "anna")
    accepted = _ask(brokerage, "dora", "anna")
    services.request_decide(actor=brokerage.people["anna"].user, request=accepted, accept=True)
    between_others = _ask(brokerage, "bolek", "cezary")

    gdpr.user_erase(actor=brokerage.people["anna"].user, user=brokerage.people["anna"].user)
    for request in (sent, received, accepted, between_others):
        request.refresh_from_db()
    assert sent.status == RequestStatus.WITHDRAWN  # what the person asked for
    assert received.status == RequestStatus.DECLINED  # the answer to what they were asked
    assert received.get_status_display() == "Declined"
    assert sent.decided_at is not None
    assert received.decided_at is not None
    assert received.reason == "cezary asks anna"  # the other side's words stay
    assert sent.reason == gdpr.ERASED
    assert accepted.status == RequestStatus.ACCEPTED  # decided before: unchanged
    assert between_others.status == RequestStatus.PENDING
    logged = AuditEntry.objects.filter(
        object_type="meetings.meetingrequest", object_id=str(sent.pk)
    )
    assert logged.exists()
    assert all(e.before is e.after is None for e in logged)
    assert all(e.object_repr == gdpr.ERASED for e in logged)
    others = AuditEntry.objects.filter(
        object_type="meetings.meetingrequest", object_id=str(between_others.pk)
    )
    assert all(e.object_repr != gdpr.ERASED for e in others)
