"""Time of the analytics computations on the seeded synthetic ecosystem, beside the health
endpoint in the same run.

The synthetic ecosystem (``highlands generate-demo``) has clusters, organisations and
memberships with helix roles, but no figures, highlands links or flags; the public pages
leave synthetic records out, so the computations are timed directly with
``include_synthetic=True``, and the pages themselves (on the source document's data) are
timed through Django's test client beside ``GET /api/v1/health``:

    DATABASE_URL=sqlite:///var/bench-analytics.sqlite3 highlands migrate
    DATABASE_URL=... highlands import /work/shared/seeds/lublin-economic-highlands.txt
    DATABASE_URL=... highlands generate-demo --organizations 10000 --clusters 100 --no-index
    DATABASE_URL=... python benchmarks/analytics/bench_dashboard.py --runs 7
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def phases(network: Any) -> None:
    """One build of the synthetic network, step by step (seconds)."""
    import networkx as nx

    out = []
    start = time.perf_counter()
    nodes, edges = network.registry_edges(include_synthetic=True, co_membership=False)
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for e in edges:
        if e.b:
            graph.add_edge(e.a, e.b, weight=1)
    out.append(("read the records, build the graph", time.perf_counter() - start))
    n = graph.number_of_nodes()
    steps = [
        ("adjacency arrays", lambda: network._Adjacency(graph)),
    ]
    adjacency = network._Adjacency(graph)

    def closeness(adjacency: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return network._closeness(adjacency, exact=False)

    steps += [
        (
            f"betweenness ({network.BETWEENNESS_SAMPLES} pivots)",
            lambda: network._betweenness(adjacency, min(network.BETWEENNESS_SAMPLES, n)),
        ),
        ("closeness (one BLAS thread)", lambda: closeness(adjacency)),
        ("eigenvector", lambda: network._eigenvector(graph)),
        (
            "Louvain communities",
            lambda: nx.community.louvain_communities(graph, weight="weight", seed=network.SEED),
        ),
    ]
    for name, fn in steps:
        start = time.perf_counter()
        fn()
        out.append((name, time.perf_counter() - start))
    print(
        f"# graph {n} nodes, {graph.number_of_edges()} edges, "
        f"{nx.number_connected_components(graph)} components"
    )
    for name, seconds in out:
        print(f"#   {name}: {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page-runs", type=int, default=30)
    parser.add_argument("--no-network", action="store_true", help="skip the network measures")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from django.test import Client

    from highlands.analytics import network, selectors
    from highlands.ecosystem.models import Cluster, Membership, Organization

    orgs = Organization.objects.count()
    print(f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"# load: {os.getloadavg()}")
    print(
        f"# organisations {orgs}, clusters {Cluster.objects.count()}, "
        f"memberships {Membership.objects.count()}, "
        f"co-membership pairs {network.co_membership_count(include_synthetic=True)}"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not args.no_network:
        phases(network)
    net = network.build_network(include_synthetic=not args.no_network, co_membership=False)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"# peak RSS before the network {rss_before:.0f} MB, after building it {rss_after:.0f} MB"
    )
    print(
        f"# graph: {len(net.nodes)} nodes, {len(net.edges)} edges, "
        f"{len(net.communities)} communities, exact betweenness: {net.betweenness_exact}"
    )
    client = Client()
    for path in ("/analytics/", "/analytics/network/", "/analytics/network/?helix=academia"):
        body = client.get(path).content
        print(f"# payload {path}: {len(body):,} bytes ({len(gzip.compress(body)):,} gzipped)")
    rows = [
        (
            "GET /api/v1/health (baseline)",
            timed(lambda: client.get("/api/v1/health"), args.page_runs),
        ),
        (
            "GET /analytics/ (source document's data)",
            timed(lambda: client.get("/analytics/"), args.page_runs),
        ),
        (
            "GET /analytics/network/ (source document's data)",
            timed(lambda: client.get("/analytics/network/"), args.page_runs),
        ),
        (
            "dashboard computations, synthetic included",
            timed(lambda: selectors.dashboard_figures(include_synthetic=True), args.runs),
        ),
    ]
    if not args.no_network:
        rows.append(
            (
                "network + measures, synthetic included (no co-membership)",
                timed(
                    lambda: network.build_network(include_synthetic=True, co_membership=False),
                    args.runs,
                ),
            )
        )
    base = statistics.median(rows[0][1])
    print("| what | runs | median ms | p95 ms | max ms | median ÷ health |")
    print("|---|---|---|---|---|---|")
    for name, values in rows:
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | {pct(values, 0.95):.1f} "
            f"| {max(values):.1f} | {statistics.median(values) / base:.0f}× |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
