"""nDCG@5 of keyword-only, semantic-only and hybrid search on the labelled query set.

Run against a database holding the imported source document and a built index:
    highlands migrate && highlands import src/highlands/ingest/data/lublin-economic-highlands.txt
    highlands search-index rebuild && python benchmarks/relevance.py
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ndcg_at(ranked: list[str], rel: dict[str, int], k: int = 5) -> float:
    dcg = sum((2 ** rel.get(slug, 0) - 1) / math.log2(i + 2) for i, slug in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from highlands.ecosystem.models import Cluster
    from highlands.search.selectors import SearchFilters, search

    data = json.loads((HERE / "relevance_queries.json").read_text())
    # A label naming no cluster would silently count as a miss (a renamed slug once did).
    known = set(Cluster.objects.values_list("slug", flat=True))
    unknown = sorted({slug for item in data["queries"] for slug in item["rel"]} - known)
    if unknown:
        sys.exit(f"relevance_queries.json labels slugs that are not clusters: {unknown}")
    verbose = "-v" in sys.argv
    modes = ("keyword", "semantic", "hybrid")
    scores: dict[str, dict[str, list[float]]] = {m: {} for m in modes}
    for item in data["queries"]:
        for mode in modes:
            result = search(item["q"], filters=SearchFilters(types=["cluster"]), limit=5, mode=mode)
            ranked = [hit.slug for hit in result.results]
            score = ndcg_at(ranked, item["rel"])
            scores[mode].setdefault(item["group"], []).append(score)
            scores[mode].setdefault("all", []).append(score)
            if verbose and mode == "hybrid" and score < 0.9:
                print(f"{score:.2f} [{item['group']}] {item['q']} -> {ranked}")
    groups = ["en", "pl", "names", "holdout-en", "holdout-pl", "all"]
    n = {g: len(scores["hybrid"][g]) for g in groups}
    print("| mode | " + " | ".join(f"{g} (n={n[g]})" for g in groups) + " |")
    print("|---|" + "---|" * len(groups))
    for mode in modes:
        row = " | ".join(f"{sum(scores[mode][g]) / len(scores[mode][g]):.3f}" for g in groups)
        print(f"| {mode} | {row} |")


if __name__ == "__main__":
    main()
