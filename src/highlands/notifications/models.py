"""In-app notifications (one row per person and message, kept in English and Polish) and the
per-person e-mail preference of each registered kind (in-app notifications are always kept)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message to one person, shown at /workspace/notifications/ (and maybe e-mailed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)  # a registered kind: registry.register_kind
    subject_en = models.CharField(max_length=200)
    subject_pl = models.CharField(max_length=200)
    body_en = models.TextField(blank=True)
    body_pl = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # a path inside the portal
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return self.subject_en


class NotificationPreference(models.Model):
    """A person's choice for one kind: e-mail or not. No row: the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    email = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'e-mail' if self.email else 'in-app only'}"
