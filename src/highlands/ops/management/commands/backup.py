"""``highlands backup PATH``: an online, consistent copy of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ....errors import ApplicationError
from ...backup import database_backup


class Command(BaseCommand):
    help = "Back up the database to PATH while it stays in use (SQLite backup API or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = database_backup(path=options["path"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Backed up the {result.vendor} database to {result.path} ({result.size} bytes)."
        )
