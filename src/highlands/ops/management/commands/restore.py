"""``highlands restore PATH``: replace the database's content with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ....errors import ApplicationError
from ...backup import database_restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `highlands backup` (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--noinput", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interactive"]:
            answer = input("This replaces everything in the database. Type 'yes' to go on: ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            database_restore(path=options["path"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Restored the database from {options['path']}.")
