"""``highlands run-due-jobs``: the time-driven work of events, for cron (every few minutes).

Expires seats offered from the waiting list that were not taken in time (and offers them to
the next person), sends the reminders of events starting within 24 hours, and marks ended
events as finished. Idempotent: running it twice sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ....meetings.jobs import reminders_send as meeting_reminders_send
from ....meetings.jobs import requests_expire as meeting_requests_expire
from ...services import events_finish, offers_expire, reminders_send


class Command(BaseCommand):
    help = "Run the due time-driven jobs (offer expiry, reminders, finished events); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = offers_expire()
        reminded = reminders_send()
        finished = events_finish()
        requests_expired = meeting_requests_expire()
        requests_reminded = meeting_reminders_send()
        self.stdout.write(
            f"Due jobs: {expired} offers expired, {reminded} reminders sent, "
            f"{finished} events finished, {requests_expired} meeting requests expired, "
            f"{requests_reminded} meeting request reminders sent."
        )
