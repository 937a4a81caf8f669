"""``highlands run-due-jobs``: the time-driven work of events, for cron (every few minutes).

Expires seats offered from the waiting list that were not taken in time (and offers them to
the next person), sends the reminders of events starting within 24 hours, marks ended
events as finished, and sends funding's call alerts (``funding/jobs.py``; the shared job
registry replaces this import at merge). Idempotent: running it twice sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ....funding.jobs import deadline_alerts_send, new_call_alerts_send
from ...services import events_finish, offers_expire, reminders_send


class Command(BaseCommand):
    help = "Run the due time-driven jobs (offer expiry, reminders, finished events); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = offers_expire()
        reminded = reminders_send()
        finished = events_finish()
        new_calls = new_call_alerts_send()
        deadlines = deadline_alerts_send()
        self.stdout.write(
            f"Due jobs: {expired} offers expired, {reminded} reminders sent, "
            f"{finished} events finished, {new_calls} new-call alerts and "
            f"{deadlines} deadline alerts sent."
        )
