"""``highlands search-index rebuild|drain|status``: maintain the search index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...engine import current_generation, get_reader, index_home
from ...indexing import drain, failing, rebuild
from ...models import IndexOutbox, SearchChunk, SearchDocument
from ...progress import ProgressBar

FAILING_SHOWN = 20
# An entry counted an attempt but holds no error: a drain is on it now, or the process
# draining it stopped (killed, out of memory) before it could record one.
STOPPED = "no error recorded (being indexed now, or the draining process stopped)"


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
            if waiting := failing().count():
                self.stdout.write(
                    f"{waiting} of them failed and wait to be retried: "
                    "see `highlands search-index status`."
                )
        else:
            home = index_home()
            gen = current_generation(home)
            reader = get_reader()
            failed = failing()
            self.stdout.write(
                f"index: {gen or 'none (run `highlands search-index rebuild`)'}\n"
                f"documents: {SearchDocument.objects.count()}  "
                f"passages: {SearchChunk.objects.count()}  "
                f"keyword docs: {reader.keyword.searcher().num_docs if reader else 0}  "
                f"vectors: {len(reader.vectors) if reader else 0}  "
                f"pending: {IndexOutbox.objects.count()}  "
                f"failing: {failed.count()}"
            )
            for entry in failed[:FAILING_SHOWN]:
                error = entry.last_error.splitlines()[0] if entry.last_error else STOPPED
                when = entry.next_attempt_at.isoformat() if entry.next_attempt_at else "-"
                self.stdout.write(
                    f"  {entry.kind} {entry.object_id}: {entry.attempts} attempts, "
                    f"next at {when}: {error}"
                )
