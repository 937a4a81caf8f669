"""Funding's figures for analytics (registered from ``ready()``).

- ``funding_calls_open``: calls open now (the pipeline an organisation can apply to); its
  history is +1 on the day each call opened (its creation day when it names no opening) and
  −1 on the day it closed, so the chart shows how many were open on each day.
- ``funding_calls_forthcoming``: announced calls that have not opened yet (a figure of now).
- ``funding_budget_open_eur``: the budgets (EUR) of the calls open now that state one, with
  the same open/close history.
- ``membership_applications`` and ``membership_applications_accepted``: organisations'
  applications to join a cluster (``MembershipApplication``), by submission day and by the
  coordinator's acceptance day.

Demo calls (``is_demo``) are counted and the labels say so. The platform records no grant
applications nor grants awarded (a call is information, not an application), so nothing is
registered for them and no ``joint_application`` edges exist; an application to join a
cluster becomes a membership when accepted, which the registry's edges already show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..analytics.registry import ActivityMetric, register_metric
from .models import ApplicationStatus, FundingCall, MembershipApplication


def _open_q() -> Q:
    now = timezone.now()
    return Q(closes_at__gt=now) & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))


def _open_count() -> int:
    return FundingCall.objects.filter(_open_q()).count()


def _forthcoming_count() -> int:
    now = timezone.now()
    return FundingCall.objects.filter(closes_at__gt=now, opens_at__gt=now).count()


def _budget_open() -> int:
    total = FundingCall.objects.filter(_open_q()).aggregate(total=Sum("budget_eur"))["total"]
    return int(total or 0)


def _open_close(weight: str | None) -> Iterable[tuple[date, int]]:
    """+weight when a call opened, −weight when it closed (calls not yet open: nothing)."""
    now = timezone.now()
    calls: QuerySet[FundingCall] = FundingCall.objects.all()
    if weight:
        calls = calls.exclude(**{f"{weight}__isnull": True})
    for call in calls.only("opens_at", "created_at", "closes_at", "budget_eur"):
        opened = call.opens_at or call.created_at
        if opened > now:
            continue
        value = int(getattr(call, weight)) if weight else 1
        yield timezone.localdate(min(opened, call.closes_at)), value
        if call.closes_at <= now:
            yield timezone.localdate(call.closes_at), -value


def _calls_history() -> Iterable[tuple[date, int]]:
    return _open_close(None)


def _budget_history() -> Iterable[tuple[date, int]]:
    return _open_close("budget_eur")


def _applications() -> int:
    return MembershipApplication.objects.count()


def _applications_history() -> Iterable[tuple[date, int]]:
    for moment in MembershipApplication.objects.values_list("submitted_at", flat=True):
        yield timezone.localdate(moment), 1


def _accepted() -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(
        status=ApplicationStatus.ACCEPTED, decided_at__isnull=False
    )


def _accepted_count() -> int:
    return _accepted().count()


def _accepted_history() -> Iterable[tuple[date, int]]:
    for moment in _accepted().values_list("decided_at", flat=True):
        yield timezone.localdate(moment), 1


def register() -> None:
    register_metric(
        ActivityMetric(
            name="funding_calls_open",
            label=_("Funding calls open"),
            count=_open_count,
            history=_calls_history,
            source_label=_(
                "funding calls between their opening and their deadline (demo calls included)"
            ),
        )
    )
    register_metric(
        ActivityMetric(
            name="funding_calls_forthcoming",
            label=_("Funding calls announced, not yet open"),
            count=_forthcoming_count,
            history=None,
            source_label=_("funding calls whose opening date is ahead (demo calls included)"),
        )
    )
    register_metric(
        ActivityMetric(
            name="funding_budget_open_eur",
            label=_("Budget of the open funding calls (EUR)"),
            count=_budget_open,
            history=_budget_history,
            source_label=_("the budget each open call states; calls stating none add nothing"),
        )
    )
    register_metric(
        ActivityMetric(
            name="membership_applications",
            label=_("Applications to join a cluster"),
            count=_applications,
            history=_applications_history,
            source_label=_("applications submitted through the platform, by submission day"),
        )
    )
    register_metric(
        ActivityMetric(
            name="membership_applications_accepted",
            label=_("Applications to join a cluster accepted"),
            count=_accepted_count,
            history=_accepted_history,
            source_label=_("applications a coordinator accepted, by the day of the decision"),
        )
    )
