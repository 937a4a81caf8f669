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
from django.utils.translation import gettext, gettext_noop

from ..notifications.services import notify
from . import engine, selectors
from .models import AlertKind, CallAlert, CallFollow, FundingCall

DEADLINE_WITHIN = timedelta(days=7)


def _why(
    follow: CallFollow, call: FundingCall, facts: dict[str, Any] | None
) -> list[tuple[str, dict[str, str]]] | None:
    """Why the call matches the follow, as msgids with their values (a line of the
    notification, in its reader's language), or None when it does not."""
    reasons: list[tuple[str, dict[str, str]]] = []
    if follow.organization_id is not None and facts is not None:
        decision = engine.evaluate_rules(call.rules, facts).decision
        name = {"organization": str(follow.organization)}
        if decision == engine.Decision.ELIGIBLE:
            reasons.append((gettext_noop("%(organization)s is eligible"), name))
        elif decision == engine.Decision.UNKNOWN:
            reasons.append(
                (gettext_noop("%(organization)s may be eligible (some facts are not stated)"), name)
            )
    shared = sorted(set(follow.topics or []) & set(call.topics or []))
    if shared:
        reasons.append((gettext_noop("topics: %(topics)s"), {"topics": ", ".join(shared)}))
    return reasons or None


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


def _mail(
    follow: CallFollow, call: FundingCall, kind: str, why: list[tuple[str, dict[str, str]]]
) -> None:
    closes = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
    if kind == AlertKind.NEW_CALL:
        notification, subject = (
            "funding.new_call",
            gettext_noop("A new funding call fits: %(identifier)s"),
        )
    else:
        notification, subject = (
            "funding.deadline",
            gettext_noop("Deadline %(closes)s: %(identifier)s"),
        )
    notify(
        recipient=follow.user,
        kind=notification,
        subject=subject,
        body=gettext_noop(
            "%(title)s\n%(programme)s, %(identifier)s\nDeadline: %(closes)s\n"
            "Why you get this: %(why)s"
        ),
        url=f"/funding/calls/{call.slug}/",
        context={
            "title": lambda language: (call.title_pl if language == "pl" else "") or call.title,
            "programme": call.programme,
            "identifier": call.identifier,
            "closes": closes,
            "why": lambda _language: "; ".join(gettext(m) % v for m, v in why),
        },
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
