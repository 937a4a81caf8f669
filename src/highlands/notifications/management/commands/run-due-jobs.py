"""``highlands run-due-jobs``: every app's time-driven work, for cron (every few minutes).

Runs each job registered with ``notifications.jobs.register_job`` (events: offer expiry,
reminders, finishing ended events; ...) and prints one line per job with its count. Every
job is idempotent, so running the command twice does nothing twice. A job that fails is
reported with its name, the others still run, and the command exits non-zero.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...jobs import jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run every registered due job once (reminders, expiries, ...); idempotent, for cron."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", metavar="JOB", help="run only this job (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = options.get("only")
        known = [job.name for job in jobs()]
        unknown = [name for name in only or [] if name not in known]
        if unknown:
            raise CommandError(
                f"unknown job {', '.join(unknown)}; the registered jobs: {', '.join(known)}"
            )
        results = run_due_jobs(only)
        for result in results:
            if result.failed:
                self.stderr.write(f"{result.name}: FAILED ({result.error})")
            else:
                self.stdout.write(f"{result.name}: {result.count} {result.label}")
        failed = [r.name for r in results if r.failed]
        self.stdout.write(f"Due jobs: {len(results) - len(failed)} ran, {len(failed)} failed.")
        if failed:
            raise CommandError(f"due jobs failed: {', '.join(failed)}")
