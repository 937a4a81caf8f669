"""nDCG@5 of keyword-only, semantic-only and hybrid search on labelled query sets.

Run against a database holding the imported source document and a built index:
    highlands migrate && highlands import src/highlands/ingest/data/lublin-economic-highlands.txt
    highlands search-index rebuild && python benchmarks/relevance.py [FILE.json ...] [-v]

Without files: ``relevance_queries.json`` (the tuned set and its first held-out groups),
``relevance_heldout_2.json`` (the second held-out set, fixed before issue 14's tuning) and the
third set over every kind of document, ``relevance_3_dev.json`` (tuned on) and
``relevance_3_heldout.json`` (measured, then development data), and the fourth,
``relevance_4_heldout.json`` and ``relevance_5_heldout.json`` (each written blind and measured
once before it became development data; see docs/benchmarks.md).
A query runs with its ``type`` (a kind, or ``all``; ``cluster`` when absent) and its
labels name ``kind:slug`` or, for profiles and events, ``kind:title`` (bare slugs are
clusters).
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
DEFAULT_FILES = (
    "relevance_queries.json",
    "relevance_heldout_2.json",
    "relevance_3_dev.json",
    "relevance_3_heldout.json",
    "relevance_4_heldout.json",
    "relevance_5_heldout.json",
)
MODES = ("keyword", "semantic", "hybrid")
NAME_TAGS = {"exact-name", "acronym", "member", "coordinator", "alias"}


def ndcg_at(ranked: list[str], rel: dict[str, int], k: int = 5) -> float:
    dcg = sum((2 ** rel.get(slug, 0) - 1) / math.log2(i + 2) for i, slug in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def hit_key(hit: object) -> str:
    """``kind:slug`` (clusters, organisations, calls) or ``kind:title`` (profiles, events)."""
    kind = getattr(hit, "kind", "cluster")
    if kind in ("profile", "event"):
        return f"{kind}:{getattr(hit, 'name', '')}"
    return f"{kind}:{getattr(hit, 'slug', '')}"


def labels(item: dict) -> dict[str, int]:
    """The query's grades by ``kind:key`` (older sets label bare cluster slugs)."""
    return {(k if ":" in k else f"cluster:{k}"): g for k, g in item["rel"].items()}


def evaluate(path: Path, verbose: bool) -> None:
    from highlands.search.models import SearchDocument
    from highlands.search.selectors import SearchFilters, search

    data = json.loads(path.read_text())
    # A label naming no document would silently count as a miss (a renamed slug once did).
    known = set()
    for kind, slug, title in SearchDocument.objects.values_list("kind", "slug", "title"):
        known.update({f"{kind}:{slug}", f"{kind}:{title}"})
    unknown = sorted({key for item in data["queries"] for key in labels(item)} - known)
    if unknown:
        sys.exit(f"{path.name} labels documents that are not in the index: {unknown}")
    scores: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    empty: dict[str, list[str]] = {m: [] for m in MODES}
    groups: list[str] = []
    types: list[str] = []
    for item in data["queries"]:
        kind = item.get("type", "cluster")
        tags = item.get("tags") or ([item["tag"]] if item.get("tag") else [])
        if "type" in item:  # the third set: tags across both languages
            keys = [item["group"]] + [f"tag:{tag}" for tag in tags]
            if NAME_TAGS & set(tags):
                keys.append("names")  # the query names something
        else:
            keys = [item["group"]] + [f"{item['group']}:{tag}" for tag in tags]
        for key in keys:
            if key not in groups:
                groups.append(key)
        if f"type:{kind}" not in types:
            types.append(f"type:{kind}")
        keys += [f"type:{kind}", f"type:{kind}:{item['group']}"]
        rel = labels(item)
        filters = SearchFilters(types=[] if kind == "all" else [kind])
        for mode in MODES:
            result = search(item["q"], filters=filters, limit=5, mode=mode)
            ranked = [hit_key(hit) for hit in result.results]
            if not ranked:
                empty[mode].append(item["q"])
            score = ndcg_at(ranked, rel)
            for key in [*keys, "all"]:
                scores[mode].setdefault(key, []).append(score)
            if verbose and mode == "hybrid" and score < 0.9:
                print(f"{score:.2f} [{item['group']} {kind}] {item['q']} -> {ranked}")
    groups = sorted(groups, key=lambda g: (g.split(":")[0] not in ("en", "pl", "names"), g))
    if "names" in scores["hybrid"] and "names" not in groups:
        groups.insert(2, "names")
    tagged = [g for g in groups if g.startswith("tag:")]
    groups = [g for g in groups if not g.startswith("tag:")] + ["all"]
    print(f"\n{path.name}")
    table(scores, groups, empty)
    if tagged:
        print()
        table(scores, tagged, None)
    if types != ["type:cluster"]:
        print()
        by_type = [f"{t}{suffix}" for t in sorted(types) for suffix in ("", ":en", ":pl")]
        table(scores, [t for t in by_type if t in scores["hybrid"]], None)
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


def table(
    scores: dict[str, dict[str, list[float]]],
    columns: list[str],
    empty: dict[str, list[str]] | None,
) -> None:
    n = {c: len(scores["hybrid"][c]) for c in columns}
    tail = " | empty |" if empty is not None else " |"
    print("| mode | " + " | ".join(f"{c} ({n[c]})" for c in columns) + tail)
    print("|---|" + "---|" * (len(columns) + (1 if empty is not None else 0)))
    for mode in MODES:
        row = " | ".join(f"{sum(scores[mode][c]) / len(scores[mode][c]):.3f}" for c in columns)
        extra = f" | {len(empty[mode])} |" if empty is not None else " |"
        print(f"| {mode} | {row}{extra}")


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
