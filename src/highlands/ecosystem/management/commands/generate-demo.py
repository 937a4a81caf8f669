"""``highlands generate-demo --organizations N``: a synthetic ecosystem for benchmarks and demos.

Everything it writes has ``is_synthetic=True`` and a ``demo-`` slug; synthetic
organisations only join synthetic clusters, lists and exports hide them, and search
returns them only when asked (``include_synthetic``).  ``--delete`` removes them all.
The writes go through ``services.synthetic_ecosystem_generate`` / ``_delete`` (bulk, audited).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ....search.indexing import rebuild
from ....search.progress import ProgressBar
from ....servicekit import SYSTEM
from ...services import synthetic_ecosystem_delete, synthetic_ecosystem_generate


class Command(BaseCommand):
    help = "Create (or --delete) a clearly marked synthetic ecosystem for benchmarks and demos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--clusters", type=int, default=40)
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--delete", action="store_true", help="remove all synthetic records")
        parser.add_argument("--no-index", action="store_true", help="skip the index rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["delete"]:
            removed = synthetic_ecosystem_delete(actor=SYSTEM)
            self.stdout.write(f"Deleted the synthetic ecosystem ({removed} rows).")
        else:
            n = synthetic_ecosystem_generate(
                actor=SYSTEM,
                organizations=options["organizations"],
                clusters=options["clusters"],
                seed=options["seed"],
            )
            self.stdout.write(f"Created {n} synthetic organizations (is_synthetic=True).")
        if not options["no_index"]:
            rebuild(progress=ProgressBar(self.stderr._out))
