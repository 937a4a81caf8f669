"""``highlands funding-demo``: load the demo funding calls (idempotent, flagged as demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...demo import demo_load


class Command(BaseCommand):
    help = "Load the demo funding calls (flagged as demo, never presented as real calls)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_load()
        self.stdout.write(f"{created} demo funding calls created.")
