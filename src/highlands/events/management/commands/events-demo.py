"""``highlands events-demo``: load the demo events (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...demo import DEMO_EVENTS, demo_load


class Command(BaseCommand):
    help = "Load demo events derived from the source document's activities (flagged as demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_load()
        self.stdout.write(
            f"Events demo: {created} events created ({len(DEMO_EVENTS)} demo events defined; "
            "existing ones are left as they are; their dates are made up)."
        )
