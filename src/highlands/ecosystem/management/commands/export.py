"""``highlands export {clusters,organizations,highlands} --format {json,csv}`` to stdout."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from ....text.spreadsheet import to_csv
from ...exports import export_rows, to_json


class Command(BaseCommand):
    help = "Export clusters, organizations or highlands as JSON or CSV to standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=["clusters", "organizations", "highlands"])
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: object, **options: object) -> None:
        rows = export_rows(str(options["entity"]))
        output = to_json(rows) if options["format"] == "json" else to_csv(rows)
        self.stdout.write(output, ending="" if output.endswith("\n") else "\n")
