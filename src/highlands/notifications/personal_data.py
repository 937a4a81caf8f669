"""What the notifications layer holds about a person, for the GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from ..accounts.gdpr import DELETED, register_personal_data
from .models import Notification, NotificationPreference


def export(user: Any) -> dict[str, Any]:
    """Every notification (both languages, read or not) and every e-mail choice."""
    return {
        "notifications": [
            {
                "kind": n.kind,
                "subject_en": n.subject_en,
                "subject_pl": n.subject_pl,
                "body_en": n.body_en,
                "body_pl": n.body_pl,
                "url": n.url,
                "emailed": n.emailed,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "preferences": [
            {"kind": p.kind, "email": p.email}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
    }


def erase(user: Any) -> None:
    """Delete the person's notifications and choices: they were only ever for them."""
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()


def register() -> None:
    """Declare the layer's share (from ``NotificationsConfig.ready()``)."""
    register_personal_data(
        "notifications",
        export=export,
        erase=erase,
        references={
            "notifications.Notification.user": ("notifications.notifications", DELETED),
            "notifications.NotificationPreference.user": ("notifications.preferences", DELETED),
        },
    )
