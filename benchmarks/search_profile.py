"""Where a search's CPU time goes: ``selectors.search`` under cProfile over the query and
filter mix of ``benchmarks/latency.py`` (same seed), against DATABASE_URL's built index.

    DATABASE_URL=sqlite:///var/bench100k.sqlite3 python benchmarks/search_profile.py --requests 300
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="every query text new")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from latency import FILTER_SETS, QUERIES

    from highlands.search.selectors import SearchFilters, search

    rng = random.Random(7)
    plan = []
    for i in range(args.requests):
        q = rng.choice(QUERIES) + (f" {i}" if args.fresh else "")
        params = rng.choice(FILTER_SETS)
        plan.append(
            (
                q,
                SearchFilters(
                    types=[params["type"]] if "type" in params else [],
                    helix_roles=[params["helix_role"]] if "helix_role" in params else [],
                    year_min=params.get("year_min"),
                    year_max=params.get("year_max"),
                    include_synthetic=True,
                ),
            )
        )
    search("warm up", filters=SearchFilters(include_synthetic=True))
    cpu: list[float] = []
    profile = cProfile.Profile()
    for q, filters in plan:
        c0 = time.process_time()
        profile.enable()
        search(q, filters=filters, limit=10)
        profile.disable()
        cpu.append((time.process_time() - c0) * 1000)
    print(f"CPU per search: median {statistics.median(cpu):.2f} ms (n={len(cpu)}, under cProfile)")
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
