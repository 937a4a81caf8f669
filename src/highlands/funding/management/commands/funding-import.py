"""``highlands funding-import FILE [--demo]``: funding calls from a CSV or XLSX table.

Polish or English headers; every row is checked first and any error, named by row and
column, refuses the whole file (exit status 1, nothing written). A call whose programme and
identifier are already known is updated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ....errors import ApplicationError
from ....servicekit import SYSTEM
from ... import services, table_import


class Command(BaseCommand):
    help = "Import funding calls from a CSV or XLSX table (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--demo", action="store_true", help="Mark the calls as demo calls.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if path.stat().st_size > table_import.MAX_BYTES:
                raise CommandError(
                    table_import.TOO_LARGE.format(limit=table_import.MAX_BYTES >> 20)
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            result = services.calls_import(
                actor=SYSTEM, data=data, filename=path.name, is_demo=options["demo"]
            )
        except ApplicationError as error:
            lines = error.extra.get("errors") or [error.message]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            f"{len(result.created)} created, {len(result.updated)} updated funding calls."
        )
