"""``highlands check`` — Django's system checks, then the data-quality report.

With ``--deploy`` (or any system-check option such as ``--tag``) it behaves exactly as
Django's own ``check``; plain ``highlands check`` also prints every open data-quality flag.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand
from django.db import DatabaseError

from ... import selectors


class Command(SystemCheckCommand):
    help = "Run Django's system checks, then print the data-quality report of the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-data", action="store_true", help="skip the data-quality report")

    def handle(self, *app_labels: Any, **options: Any) -> None:
        super().handle(*app_labels, **options)
        if options["no_data"] or options["deploy"] or options["tags"] or app_labels:
            return
        try:
            issues = list(selectors.issue_list())
        except DatabaseError:
            self.stdout.write("Data quality: the database is not set up (run `highlands migrate`).")
            return
        self.stdout.write(self.report(issues))

    @staticmethod
    def report(issues: list) -> str:
        if not issues:
            return "Data quality: no open flags."
        lines = [f"Data quality: {len(issues)} open flags"]
        current = None
        for issue in issues:
            subject = (
                issue.cluster.display_name
                if issue.cluster
                else issue.highland.name
                if issue.highland
                else issue.organization.name
                if issue.organization
                else issue.source.name
                if issue.source
                else "-"
            )
            if subject != current:
                lines.append(f"\n{subject}")
                current = subject
            where = f" [{issue.source.name}:{issue.lines}]" if issue.source and issue.lines else ""
            lines.append(f"  {issue.severity.upper():7} {issue.code}: {issue.message}{where}")
        return "\n".join(lines)
