"""Every read of notifications: a person's list (newest first), their unread count, and
their e-mail choice per registered kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from . import registry
from .models import Notification, NotificationPreference


def of_app(app: str) -> dict[str, str]:
    """The filter that keeps only ``app``'s notification kinds (none when ``app`` is empty)."""
    return {"kind__startswith": f"{app}."} if app else {}


def notifications_for(user: Any, *, app: str = "") -> QuerySet[Notification]:
    """The person's notifications (only ``app``'s kinds, if given), newest first (paginate
    the result)."""
    return Notification.objects.filter(user=user, **of_app(app)).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the person's notifications are unread (0 when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class Choice:
    """One row of the preferences form: the kind, its label, whether it is e-mailed."""

    kind: str
    label: str | Promise
    email: bool


def email_choices(user: Any, *, app: str = "") -> list[Choice]:
    """Every registered kind (of ``app``, if given) with the person's e-mail choice (or the
    kind's default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return [
        Choice(k.name, k.label, chosen.get(k.name, k.email_default))
        for k in registry.kinds()
        if not app or k.name.startswith(f"{app}.")
    ]
