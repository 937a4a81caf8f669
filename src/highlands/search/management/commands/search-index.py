"""``highlands search-index rebuild|drain|status``: maintain the search index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...engine import current_generation, get_reader, index_home
from ...indexing import drain, rebuild
from ...models import IndexOutbox, SearchChunk, SearchDocument
from ...progress import ProgressBar


class Command(BaseCommand):
    help = "Rebuild the search index from the database, drain the outbox, or show its status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "drain", "status"])
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        started = time.perf_counter()
        if action == "rebuild":
            progress = None if options["no_progress"] else ProgressBar(self.stderr._out)
            count = rebuild(progress=progress)
            took = time.perf_counter() - started
            self.stdout.write(
                f"Rebuilt the search index: {count} records in {took:.1f} s "
                f"({count / took if took else 0:,.0f} records/s)."
            )
        elif action == "drain":
            count = 0
            while drained := drain():
                count += drained
            self.stdout.write(f"Drained {count} pending index updates.")
        else:
            home = index_home()
            gen = current_generation(home)
            reader = get_reader()
            self.stdout.write(
                f"index: {gen or 'none (run `highlands search-index rebuild`)'}\n"
                f"documents: {SearchDocument.objects.count()}  "
                f"passages: {SearchChunk.objects.count()}  "
                f"keyword docs: {reader.keyword.searcher().num_docs if reader else 0}  "
                f"vectors: {len(reader.vectors) if reader else 0}  "
                f"pending: {IndexOutbox.objects.count()}"
            )
