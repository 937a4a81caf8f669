"""``highlands search QUERY [QUERY ...] --json``: one JSON object per query per line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ....errors import ApplicationError
from ... import registry
from ...selectors import MODES, SearchFilters, search


class Command(BaseCommand):
    help = (
        "Search clusters, organisations and public cooperation profiles (Polish or English) "
        "from the command line, as an anonymous visitor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queries", nargs="+", metavar="QUERY")
        parser.add_argument(
            "--type",
            choices=[*registry.names(), "all"],
            default="all",
            dest="kind",
        )
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--mode", choices=MODES, default="hybrid")
        parser.add_argument("--highland", action="append", default=[])
        parser.add_argument("--helix-role", action="append", default=[])
        parser.add_argument("--include-synthetic", action="store_true")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = SearchFilters(
                types=[options["kind"]],
                highlands=options["highland"],
                helix_roles=options["helix_role"],
                include_synthetic=options["include_synthetic"],
            )
            for query in options["queries"]:
                # user=None: the command line sees what an anonymous visitor sees.
                result = search(
                    query,
                    filters=filters,
                    limit=options["limit"],
                    mode=options["mode"],
                    user=None,
                )
                if options["json"]:
                    line = {
                        "query": result.query,
                        "took_ms": result.took_ms,
                        "results": [
                            {
                                "type": hit.kind,
                                "id": hit.object_id,
                                "name": hit.name,
                                "score": hit.score,
                                "why": hit.why,
                            }
                            for hit in result.results
                        ],
                    }
                    self.stdout.write(json.dumps(line, ensure_ascii=False))
                else:
                    self.stdout.write(f"{result.query}  ({result.took_ms} ms)")
                    for rank, hit in enumerate(result.results, start=1):
                        self.stdout.write(f"{rank:3}. [{hit.kind}] {hit.name}  {hit.score:.4f}")
                        for reason in hit.why:
                            self.stdout.write(f"       {reason}")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
