"""``highlands retention``: delete what the GDPR retention settings keep no longer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...gdpr import retention_apply


class Command(BaseCommand):
    help = "Apply the retention settings (audit log, invitations, inactive accounts)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_apply()
        self.stdout.write(
            "Deleted {audit_entries} audit entries and {invitations} invitations; "
            "erased {accounts_erased} inactive accounts.".format(**counts)
        )
