"""nDCG@5 of keyword-only, semantic-only and hybrid search on labelled query sets.

Run against a database holding the imported source document and a built index:
    highlands migrate && highlands import src/highlands/ingest/data/lublin-economic-highlands.txt
    highlands search-index rebuild && python benchmarks/relevance.py [FILE.json ...] [-v]

Without files: ``relevance_queries.json`` (the tuned set and its first held-out groups) and
``relevance_heldout_2.json`` (the second held-out set, fixed before issue 14's tuning).
Besides nDCG@5 per group (and per tag: cross-lingual, member names ...), it counts the
queries that returned nothing although a relevant cluster exists, and what the "nonsense"
queries (no relevant document) returned: nothing, or results marked "no close match".
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILES = ("relevance_queries.json", "relevance_heldout_2.json")
MODES = ("keyword", "semantic", "hybrid")


def ndcg_at(ranked: list[str], rel: dict[str, int], k: int = 5) -> float:
    dcg = sum((2 ** rel.get(slug, 0) - 1) / math.log2(i + 2) for i, slug in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(path: Path, verbose: bool) -> None:
    from highlands.ecosystem.models import Cluster
    from highlands.search.selectors import SearchFilters, search

    data = json.loads(path.read_text())
    # A label naming no cluster would silently count as a miss (a renamed slug once did).
    known = set(Cluster.objects.values_list("slug", flat=True))
    unknown = sorted({slug for item in data["queries"] for slug in item["rel"]} - known)
    if unknown:
        sys.exit(f"{path.name} labels slugs that are not clusters: {unknown}")
    scores: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    empty: dict[str, list[str]] = {m: [] for m in MODES}
    groups: list[str] = []
    for item in data["queries"]:
        keys = [item["group"]] + ([f"{item['group']}:{item['tag']}"] if item.get("tag") else [])
        for key in keys:
            if key not in groups:
                groups.append(key)
        for mode in MODES:
            result = search(item["q"], filters=SearchFilters(types=["cluster"]), limit=5, mode=mode)
            ranked = [hit.slug for hit in result.results]
            if not ranked:
                empty[mode].append(item["q"])
            score = ndcg_at(ranked, item["rel"])
            for key in [*keys, "all"]:
                scores[mode].setdefault(key, []).append(score)
            if verbose and mode == "hybrid" and score < 0.9:
                print(f"{score:.2f} [{item['group']}] {item['q']} -> {ranked}")
    groups = sorted(groups, key=lambda g: (g.split(":")[0] not in ("en", "pl", "names"), g))
    groups.append("all")
    n = {g: len(scores["hybrid"][g]) for g in groups}
    print(f"\n{path.name}")
    print("| mode | " + " | ".join(f"{g} ({n[g]})" for g in groups) + " | empty |")
    print("|---|" + "---|" * (len(groups) + 1))
    for mode in MODES:
        row = " | ".join(f"{sum(scores[mode][g]) / len(scores[mode][g]):.3f}" for g in groups)
        print(f"| {mode} | {row} | {len(empty[mode])} |")
    for mode in MODES:
        if empty[mode]:
            print(f"  {mode}: empty for {empty[mode]}")
    for q in data.get("nonsense", []):
        line = []
        for mode in MODES:
            result = search(q, filters=SearchFilters(types=["cluster"]), limit=5, mode=mode)
            close = getattr(result, "close", True)  # versions before issue 14 had no flag
            line.append(f"{mode} {len(result.results)}{'' if close else ' (no close match)'}")
        print(f"  nonsense {q!r}: " + ", ".join(line) + " results")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    files = [a for a in sys.argv[1:] if not a.startswith("-")] or list(DEFAULT_FILES)
    for name in files:
        path = Path(name)
        evaluate(path if path.exists() else HERE / name, "-v" in sys.argv)


if __name__ == "__main__":
    main()
