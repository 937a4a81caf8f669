"""``highlands marketplace-demo``: load the demo cooperation profiles (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...demo import DEMO_PROFILES, demo_load


class Command(BaseCommand):
    help = "Load demo cooperation profiles derived from the source document (flagged as demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_load()
        self.stdout.write(
            f"Marketplace demo: {created['profiles']} profiles, {created['interests']} "
            f"cooperations, {created['confirmations']} confirmations created "
            f"({len(DEMO_PROFILES)} demo profiles defined; existing ones are left as they are)."
        )
