"""The time-driven work of funding, for cron (``highlands run-due-jobs``): alerts to the
people who follow calls. Idempotent: each (person, call, kind) alert is sent once
(``CallAlert``), so running a job twice sends nothing twice.

A person follows an organisation (a call matches when the organisation's facts do not rule
it out: eligible, or unknown with what is missing said) and/or topics (a call matches when it
shares one). ``new_call_alerts_send`` tells followers of calls published since they began
following that are not yet closed; ``deadline_alerts_send`` reminds them of matching calls
closing within ``DEADLINE_WITHIN``. Both return how many alerts were sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..servicekit import mail_on_commit
from . import engine, selectors
from .models import AlertKind, CallAlert, CallFollow, FundingCall

DEADLINE_WITHIN = timedelta(days=7)


def _why(follow: CallFollow, call: FundingCall, facts: dict[str, Any] | None) -> str | None:
    """Why the call matches the follow (a line for the e-mail), or None when it does not."""
    reasons = []
    if follow.organization_id is not None and facts is not None:
        decision = engine.evaluate_rules(call.rules, facts).decision
        if decision == engine.Decision.ELIGIBLE:
            reasons.append(f"{follow.organization} is eligible")
        elif decision == engine.Decision.UNKNOWN:
            reasons.append(f"{follow.organization} may be eligible (some facts are not stated)")
    shared = sorted(set(follow.topics or []) & set(call.topics or []))
    if shared:
        reasons.append("topics: " + ", ".join(shared))
    return "; ".join(reasons) or None


def _send(follows: Iterable[CallFollow], calls: list[FundingCall], kind: str) -> int:
    sent = 0
    facts_of: dict[int, dict[str, Any]] = {}
    for follow in follows:
        facts = None
        organization = follow.organization
        if organization is not None:
            if organization.pk not in facts_of:
                facts_of[organization.pk] = selectors.fact_values(organization=organization)
            facts = facts_of[organization.pk]
        for call in calls:
            if kind == AlertKind.NEW_CALL and call.created_at < follow.created_at:
                continue
            why = _why(follow, call, facts)
            if why is None:
                continue
            try:
                with transaction.atomic():
                    # One row per person, call and kind: a concurrent or repeated run and a
                    # second follow of the same person send nothing twice.
                    CallAlert.objects.create(user=follow.user, call=call, kind=kind)
                    _mail(follow, call, kind, why)
            except IntegrityError:
                continue
            sent += 1
    return sent


def _mail(follow: CallFollow, call: FundingCall, kind: str, why: str) -> None:
    closes = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
    if kind == AlertKind.NEW_CALL:
        subject = f"A new funding call fits: {call.identifier}"
    else:
        subject = f"Deadline {closes}: {call.identifier}"
    mail_on_commit(
        [follow.user.email],
        subject,
        f"{call.title}\n{call.programme}, {call.identifier}\nDeadline: {closes}\n"
        f"Why you get this: {why}\n/funding/calls/{call.slug}/",
    )


def _follows() -> Iterable[CallFollow]:
    return CallFollow.objects.filter(user__is_active=True).select_related("user", "organization")


def new_call_alerts_send(*, now: datetime | None = None) -> int:
    """Alert followers to calls not yet closed that were published after they followed."""
    now = now or timezone.now()
    calls = list(FundingCall.objects.filter(closes_at__gt=now).order_by("closes_at", "id"))
    return _send(_follows(), calls, AlertKind.NEW_CALL)


def deadline_alerts_send(*, now: datetime | None = None) -> int:
    """Remind followers of matching calls that close within seven days."""
    now = now or timezone.now()
    calls = list(
        FundingCall.objects.filter(
            closes_at__gt=now, closes_at__lte=now + DEADLINE_WITHIN
        ).order_by("closes_at", "id")
    )
    return _send(_follows(), calls, AlertKind.DEADLINE)
