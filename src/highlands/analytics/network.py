"""The network of cooperation: nodes are highlands, clusters and organisations; every edge is
typed, dated where the record has a date, and names the record it comes from.

Edges the registry holds: a cluster in a highland (``HighlandCluster``), a sub-cluster in its
cluster, an organisation's membership of a cluster (coordination apart), co-membership (two
organisations listed in the same cluster) and the highlands' cooperation stated in the source
document (``HighlandCooperation``). Other apps add edges between organisations through
``registry.register_edges`` (the marketplace's confirmed cooperations, which only the city
office sees).

Metrics are computed with networkx on the graph of every edge except co-membership: two
organisations in a cluster are already two steps apart through it, and adding the pair again
would make each cluster a clique that swamps the centralities. Co-membership edges are still
listed and downloadable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

import networkx as nx
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from threadpoolctl import threadpool_limits

from ..ecosystem.models import (
    Cluster,
    Highland,
    HighlandCluster,
    HighlandCooperation,
    Membership,
    SourceDocument,
)
from . import registry
from .selectors import HELICES

# Edge types the registry holds, with their labels; registered kinds are added to these.
EDGE_LABELS = {
    "in_highland": gettext_lazy("cluster in a highland"),
    "sub_cluster": gettext_lazy("sub-cluster of a cluster"),
    "membership": gettext_lazy("membership of a cluster"),
    "coordination": gettext_lazy("coordination of a cluster"),
    "co_membership": gettext_lazy("members of the same cluster"),
    "highland_cooperation": gettext_lazy("highland cooperation stated in the document"),
}
NODE_LABELS = {
    "highland": gettext_lazy("highland"),
    "cluster": gettext_lazy("cluster"),
    "organization": gettext_lazy("organisation"),
}
# Exact betweenness up to this many nodes; above it, sampled from this many pivots (seeded).
EXACT_BETWEENNESS_MAX = 2000
BETWEENNESS_SAMPLES = 200
# Closeness of a connected component up to this size: all pairs at once, dense matrices.
DENSE_COMPONENT_MAX = 400
SEED = 42


@dataclass(frozen=True)
class NetEdge:
    a: str  # node id, "<type>:<slug>"
    b: str
    kind: str
    on: date | None
    record: str
    url: str = ""


@dataclass
class Node:
    id: str
    type: str  # highland, cluster, organization
    slug: str
    name: str
    url: str
    highlands: list[str] = field(default_factory=list)  # highland slugs it belongs to
    helix_role: str = ""  # an organisation's registry helix role ("" when not stated)
    clusters: set[str] = field(default_factory=set)  # an organisation's cluster slugs
    degree: int = 0
    weighted_degree: float = 0
    betweenness: float = 0
    closeness: float = 0
    eigenvector: float | None = 0
    community: int = 0


@dataclass
class Network:
    nodes: dict[str, Node]
    edges: list[NetEdge]
    communities: list[list[str]]
    findings: list[str]
    edge_labels: dict[str, Any]
    betweenness_exact: bool
    highland_links: list[tuple[str, str, list[str]]]  # highland pairs and organisations shared


def _url(name: str, slug: str, placeholder: str = "SLUG-PLACEHOLDER") -> str:
    """``reverse(name, args=[slug])``, resolved once per URL name and language: reverse()
    took 5 of the 7 s of reading 10,000 organisations' memberships."""
    from django.utils.translation import get_language

    key = (name, get_language())
    if key not in _URL_TEMPLATES:
        _URL_TEMPLATES[key] = reverse(name, args=[placeholder])
    return _URL_TEMPLATES[key].replace(placeholder, slug)


_URL_TEMPLATES: dict[tuple[str, str | None], str] = {}


@dataclass(frozen=True)
class _Row:
    """What ``dated``, ``_source_record`` and ``src_url`` read of a membership row."""

    source_id: int | None
    source: Any
    line_start: int | None
    line_end: int | None

    @property
    def lines(self) -> str:
        if self.line_start is None:
            return ""
        if self.line_end in (None, self.line_start):
            return f"{self.line_start}"
        return f"{self.line_start}–{self.line_end}"


def _source_record(row: Any) -> str:
    if row.source_id is None:
        return ""
    return f"{row.source.name}, {row.lines}" if row.lines else row.source.name


def registry_edges(
    *, include_synthetic: bool = False, co_membership: bool = True
) -> tuple[dict[str, Node], list[NetEdge]]:
    """Nodes and edges the registry itself holds (co-membership pairs, quadratic in a
    cluster's size, only when asked for: the measures leave them out)."""
    nodes: dict[str, Node] = {}
    edges: list[NetEdge] = []
    imported: dict[int, date | None] = {}

    def dated(row: Any) -> date | None:
        if row.source_id is None:
            return None
        if row.source_id not in imported:
            source = row.source
            imported[row.source_id] = source.as_of or source.imported_at.date()
        return imported[row.source_id]

    def src_url(row: Any) -> str:
        if row.source_id is None:
            return ""
        return _url("web:source", str(row.source_id), "987654321") + (
            f"#L{row.line_start}" if row.line_start else ""
        )

    for h in Highland.objects.order_by("position"):
        nodes[f"highland:{h.slug}"] = Node(
            f"highland:{h.slug}", "highland", h.slug, h.name, _url("web:highland", h.slug), [h.slug]
        )
    clusters = Cluster.objects.select_related("parent")
    if not include_synthetic:
        clusters = clusters.filter(is_synthetic=False)
    cluster_ids = set()
    for c in clusters.order_by("position"):
        cluster_ids.add(c.pk)
        nodes[f"cluster:{c.slug}"] = Node(
            f"cluster:{c.slug}", "cluster", c.slug, c.display_name, _url("web:cluster", c.slug)
        )
    cluster_highlands: dict[int, list[str]] = defaultdict(list)
    for link in HighlandCluster.objects.select_related("highland", "cluster", "source"):
        if link.cluster_id not in cluster_ids:
            continue
        cluster_highlands[link.cluster_id].append(link.highland.slug)
        edges.append(
            NetEdge(
                f"cluster:{link.cluster.slug}",
                f"highland:{link.highland.slug}",
                "in_highland",
                dated(link),
                _source_record(link),
                src_url(link),
            )
        )
    for c in clusters.exclude(parent=None).select_related("source"):
        cluster_highlands[c.pk] += cluster_highlands.get(c.parent_id or 0, [])
        edges.append(
            NetEdge(
                f"cluster:{c.slug}",
                f"cluster:{c.parent.slug}" if c.parent else "",
                "sub_cluster",
                dated(c),
                _source_record(c),
                src_url(c),
            )
        )
    for c in clusters:
        nodes[f"cluster:{c.slug}"].highlands = sorted(set(cluster_highlands.get(c.pk, [])))
    members_of: dict[int, list[tuple[str, _Row]]] = defaultdict(list)
    # Plain rows, not model instances: at 10,000 organisations building 30,000 model objects
    # was most of the reading time.
    sources = {s.pk: s for s in SourceDocument.objects.all()}
    slugs = {c.pk: (c.slug, c.display_name) for c in clusters}
    rows = (
        Membership.objects.filter(cluster_id__in=cluster_ids)
        .order_by("cluster_id", "role", "position")
        .values_list(
            "organization__slug",
            "organization__name",
            "organization__helix_role",
            "cluster_id",
            "role",
            "source_id",
            "line_start",
            "line_end",
        )
    )
    for org_slug, org_name, helix_role, cluster_id, role, source_id, start, end in rows:
        m = _Row(source_id, sources.get(source_id), start, end)
        cluster_slug = slugs[cluster_id][0]
        node_id = f"organization:{org_slug}"
        if node_id not in nodes:
            nodes[node_id] = Node(
                node_id, "organization", org_slug, org_name, _url("web:organization", org_slug)
            )
            nodes[node_id].helix_role = helix_role
        node = nodes[node_id]
        node.clusters.add(cluster_slug)
        homes = cluster_highlands.get(cluster_id)
        if homes:
            node.highlands = sorted(set(node.highlands) | set(homes))
        kind = "coordination" if role == "coordinator" else "membership"
        edges.append(
            NetEdge(
                node_id, f"cluster:{cluster_slug}", kind, dated(m), _source_record(m), src_url(m)
            )
        )
        if role != "coordinator":
            members_of[cluster_id].append((node_id, m))
    for cluster_id, members in members_of.items() if co_membership else ():
        unique = dict(members)
        cluster_slug, cluster_name = slugs[cluster_id]
        for (a, ma), (b, mb) in combinations(sorted(unique.items()), 2):
            edges.append(
                NetEdge(
                    a,
                    b,
                    "co_membership",
                    max(filter(None, (dated(ma), dated(mb))), default=None),
                    cluster_name,
                    _url("web:cluster", cluster_slug),
                )
            )
    for coop in HighlandCooperation.objects.select_related(
        "from_highland", "to_highland", "source"
    ):
        edges.append(
            NetEdge(
                f"highland:{coop.from_highland.slug}",
                f"highland:{coop.to_highland.slug}",
                "highland_cooperation",
                dated(coop),
                _source_record(coop),
                src_url(coop),
            )
        )
    return nodes, edges


def build_network(
    *, restricted: bool = False, include_synthetic: bool = False, co_membership: bool = True
) -> Network:
    """The whole network and its metrics, for the public (``restricted=False``) or the city
    office (also the edges only it may see); ``co_membership=False`` leaves those pairs out
    (they do not change the measures; ``co_membership_count`` counts them in SQL)."""
    nodes, edges = registry_edges(include_synthetic=include_synthetic, co_membership=co_membership)
    labels: dict[str, Any] = dict(EDGE_LABELS)
    for source in registry.edge_sources(restricted=restricted):
        labels[source.kind] = source.label
        for given in source.edges():
            a, b = f"{given.a_type}:{given.a}", f"{given.b_type}:{given.b}"
            if a in nodes and b in nodes:
                edges.append(NetEdge(a, b, given.kind, given.on, given.record, given.url))
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for e in edges:
        if e.kind == "co_membership" or not e.b:
            continue
        if graph.has_edge(e.a, e.b):
            graph[e.a][e.b]["weight"] += 1
        else:
            graph.add_edge(e.a, e.b, weight=1)
    exact = _metrics(graph, nodes)
    communities = [
        sorted(c)
        for c in sorted(
            nx.community.louvain_communities(graph, weight="weight", seed=SEED),
            key=lambda c: (-len(c), min(c)),
        )
    ]
    for index, community in enumerate(communities, start=1):
        for node_id in community:
            nodes[node_id].community = index
    highland_links = _highland_links(nodes)
    return Network(
        nodes,
        edges,
        communities,
        _findings(nodes, highland_links),
        labels,
        exact,
        highland_links,
    )


def co_membership_count(*, include_synthetic: bool = False) -> int:
    """How many co-membership pairs there are (one per two distinct members of a cluster)."""
    qs = Membership.objects.exclude(role="coordinator")
    if not include_synthetic:
        qs = qs.filter(cluster__is_synthetic=False)
    sizes = (
        qs.values("cluster_id")
        .annotate(n=Count("organization_id", distinct=True))
        .values_list("n", flat=True)
        .order_by()
    )
    return sum(n * (n - 1) // 2 for n in sizes)


def _metrics(graph: nx.Graph, nodes: dict[str, Node]) -> bool:
    n = graph.number_of_nodes()
    if n == 0:
        return True
    exact = n <= EXACT_BETWEENNESS_MAX
    adjacency = _Adjacency(graph)
    betweenness = _betweenness(adjacency, None if exact else min(BETWEENNESS_SAMPLES, n))
    # One BLAS thread for the small dense products: threads waking on a busy machine cost
    # far more than they gain (50 components of 121 nodes: 6.4 s with the default threads
    # under load, 0.3 s with one).
    with threadpool_limits(limits=1, user_api="blas"):
        closeness = _closeness(adjacency, exact=exact)
    eigen = _eigenvector(graph)
    for node_id, node in nodes.items():
        node.degree = graph.degree(node_id)
        node.weighted_degree = graph.degree(node_id, weight="weight")
        node.betweenness = round(betweenness.get(node_id, 0.0), 4)
        node.closeness = round(closeness.get(node_id, 0.0), 4)
        value = eigen.get(node_id)
        node.eigenvector = None if value is None else round(value, 4)
    return exact


class _Adjacency:
    """The graph as compressed rows of numpy arrays (both directions of every edge), for
    breadth-first searches that touch only the reached component, a level at a time."""

    def __init__(self, graph: nx.Graph) -> None:
        import numpy as np

        self.order = list(graph.nodes)
        self.n = len(self.order)
        index = {node: i for i, node in enumerate(self.order)}
        pairs = [(index[a], index[b]) for a, b in graph.edges() if a != b]
        a = np.array([p[0] for p in pairs], dtype=np.int64)
        b = np.array([p[1] for p in pairs], dtype=np.int64)
        src, dst = np.concatenate([a, b]), np.concatenate([b, a])
        order = np.argsort(src, kind="stable")
        self.indices = dst[order]
        self.indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=self.n), out=self.indptr[1:])
        self.dist = np.full(self.n, -1, dtype=np.int64)  # reset after each search

    def expand(self, frontier: Any) -> tuple[Any, Any]:
        """Every edge (v, w) out of the ``frontier`` nodes, as two arrays."""
        import numpy as np

        starts = self.indptr[frontier]
        counts = self.indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
        return np.repeat(frontier, counts), self.indices[shift + np.arange(total)]

    def levels(self, source: int) -> list[tuple[Any, Any, Any]]:
        """Breadth-first search from ``source``: per level, the nodes reached and the edges
        (v at that level, w one level further) that reach the next. ``self.dist`` holds the
        distances until ``reset``."""
        import numpy as np

        frontier = np.array([source], dtype=np.int64)
        self.dist[source] = 0
        out = []
        depth = 0
        while frontier.size:
            v, w = self.expand(frontier)
            fresh = np.unique(w[self.dist[w] == -1])
            self.dist[fresh] = depth + 1
            forward = self.dist[w] == depth + 1
            out.append((frontier, v[forward], w[forward]))
            frontier = fresh
            depth += 1
        return out

    def reset(self, levels: list[tuple[Any, Any, Any]]) -> None:
        for frontier, _v, _w in levels:
            self.dist[frontier] = -1


def _betweenness(adj: _Adjacency, k: int | None) -> dict[str, float]:
    """Brandes' betweenness (unweighted, normalised) from every node, or from ``k`` pivots
    drawn as ``nx.betweenness_centrality(k=k, seed=SEED)`` draws them and scaled as it scales
    them, so the numbers equal networkx's (a test checks both) — with each level of each
    search done by numpy over the edge arrays instead of node by node in Python (at 10,000
    organisations 200 pivots took 6.8 s in networkx)."""
    import random

    import numpy as np

    n = adj.n
    if k is None or k >= n:
        pivots = list(range(n))
        k = None
    else:
        rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
        index = {node: i for i, node in enumerate(adj.order)}
        pivots = [index[node] for node in rng.sample(adj.order, k)]
    total = np.zeros(n)
    for source in pivots:
        levels = adj.levels(source)
        sigma = np.zeros(n)
        sigma[source] = 1.0
        for _frontier, v, w in levels:
            if v.size:
                sigma += np.bincount(w, weights=sigma[v], minlength=n)
        delta = np.zeros(n)
        for _frontier, v, w in reversed(levels):
            if v.size:
                delta += np.bincount(v, weights=sigma[v] / sigma[w] * (1.0 + delta[w]), minlength=n)
        delta[source] = 0.0
        total += delta
        adj.reset(levels)
    if n > 2:  # as networkx 3.6 rescales (endpoints excluded: n - 1 possible targets)
        if k is None:
            total *= 1.0 / ((n - 1) * (n - 2))
        else:  # a pivot is never its own target: it had k - 1 other sources
            scale = np.full(n, 1.0 / (k * (n - 2)))
            scale[pivots] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else 0.0
            total *= scale
    return {node: float(total[i]) for i, node in enumerate(adj.order)}


def _distance_sums_dense(adj: _Adjacency, members: Any) -> Any:
    """Each member's sum of distances to the others of its (small) connected component, all
    pairs at once: breadth-first search as products of the component's dense adjacency
    matrix with the reached-so-far matrix, one level per product."""
    import numpy as np

    size = members.size
    local = np.full(adj.n, -1, dtype=np.int64)
    local[members] = np.arange(size)
    v, w = adj.expand(members)
    matrix = np.zeros((size, size), dtype=np.float32)
    matrix[local[v], local[w]] = 1.0
    reached = np.eye(size, dtype=bool)
    sums = np.zeros(size)
    depth = 0
    while True:
        depth += 1
        grown = (matrix @ reached.astype(np.float32) > 0) | reached
        new = grown & ~reached
        count = new.sum(axis=0)
        if not count.any():
            return sums
        sums += depth * count
        reached = grown


def _closeness(adj: _Adjacency, *, exact: bool) -> dict[str, float]:
    """Closeness (Wasserman and Faust's scaling for a disconnected graph, as networkx): exact
    on a small graph; on a large one, per connected component, the sum of each node's
    distances is exact in a component of up to ``BETWEENNESS_SAMPLES`` nodes and otherwise
    estimated from breadth-first searches out of that many sampled pivots (Eppstein and
    Wang: in an undirected graph d(p, v) = d(v, p))."""
    import random

    import numpy as np

    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    n = adj.n
    out = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for start in range(n):
        if seen[start]:
            continue
        levels = adj.levels(start)
        members = np.concatenate([frontier for frontier, _v, _w in levels])
        adj.reset(levels)
        seen[members] = True
        size = members.size
        if size == 1:
            continue
        if size <= DENSE_COMPONENT_MAX:
            estimate = _distance_sums_dense(adj, members)
            out[members] = np.where(
                estimate > 0, (size - 1) / np.maximum(estimate, 1) * ((size - 1) / (n - 1)), 0.0
            )
            continue
        sample = size if exact or size <= BETWEENNESS_SAMPLES else BETWEENNESS_SAMPLES
        pivots = members if sample == size else np.array(rng.sample(sorted(members), sample))
        total = np.zeros(n)
        for pivot in pivots:
            levels = adj.levels(int(pivot))
            for depth, (frontier, _v, _w) in enumerate(levels):
                total[frontier] += depth
            adj.reset(levels)
        estimate = total[members] * ((size - 1) / sample if sample < size else 1.0)
        with np.errstate(divide="ignore"):
            value = np.where(
                estimate > 0, (size - 1) / estimate * ((size - 1) / max(n - 1, 1)), 0.0
            )
        out[members] = value
    return {node: float(out[i]) for i, node in enumerate(adj.order)}


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality per connected component, scaled by √(the component's share of
    nodes) (on a disconnected graph it is otherwise undefined): power iteration of (A + I)
    with numpy over the edge list, each component normalised on its own; components of one
    or two nodes get 0. Matches ``nx.eigenvector_centrality`` per component."""
    import numpy as np

    order = list(graph.nodes)
    if not order:
        return {}
    index = {node: i for i, node in enumerate(order)}
    label = np.zeros(len(order), dtype=np.int64)
    sizes = []
    for c, component in enumerate(nx.connected_components(graph)):
        label[[index[v] for v in component]] = c
        sizes.append(len(component))
    size = np.array(sizes)[label]
    edges = [(index[a], index[b], float(w)) for a, b, w in graph.edges(data="weight", default=1)]
    if not edges:
        return dict.fromkeys(order, 0.0)
    src, dst, weight = (np.array(col) for col in zip(*edges, strict=True))
    x = np.where(size > 2, 1.0, 0.0)
    for _step in range(1000):
        nxt = x.copy()
        np.add.at(nxt, src, weight * x[dst])
        np.add.at(nxt, dst, weight * x[src])
        norms = np.sqrt(np.bincount(label, weights=nxt * nxt))
        nxt = np.divide(nxt, norms[label], out=np.zeros_like(nxt), where=norms[label] > 0)
        done = np.abs(nxt - x).sum() < len(order) * 1e-9
        x = nxt
        if done:
            break
    x = x * np.sqrt(size / len(order))
    return {node: float(x[index[node]]) for node in order}


def _highland_links(nodes: dict[str, Node]) -> list[tuple[str, str, list[str]]]:
    """Pairs of highlands and the organisations that are members of clusters of both."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in nodes.values():
        if node.type != "organization":
            continue
        for a, b in combinations(sorted(node.highlands), 2):
            pairs[(a, b)].append(node.id)
    return [
        (a, b, sorted(orgs))
        for (a, b), orgs in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def _findings(nodes: dict[str, Node], links: list[tuple[str, str, list[str]]]) -> list[str]:
    """One sentence per finding, in the UI language."""
    names = {n.slug: n.name for n in nodes.values() if n.type == "highland"}
    found = []
    for a, b, orgs in links[:5]:
        found.append(
            _("%(a)s and %(b)s share %(n)d organisations through their clusters.")
            % {"a": names[a], "b": names[b], "n": len(orgs)}
            if len(orgs) != 1
            else _("%(org)s links %(a)s and %(b)s: it is a member of clusters of both.")
            % {"org": nodes[orgs[0]].name, "a": names[a], "b": names[b]}
        )
    brokers = sorted(
        (n for n in nodes.values() if n.type == "organization" and len(n.highlands) > 1),
        key=lambda n: (-len(n.highlands), -n.betweenness, n.name),
    )
    for node in brokers[:5]:
        found.append(
            _("%(org)s is a member of clusters in %(n)d highlands: %(list)s.")
            % {
                "org": node.name,
                "n": len(node.highlands),
                "list": ", ".join(names[h] for h in node.highlands),
            }
        )
    central = sorted(nodes.values(), key=lambda n: (-n.betweenness, n.name))[:3]
    for node in central:
        if node.betweenness > 0:
            found.append(
                _("%(name)s lies on the most shortest paths between others (betweenness %(b)s).")
                % {"name": node.name, "b": f"{node.betweenness:.3f}"}
            )
    return found


def graphml(network: Network) -> str:
    """The network as GraphML (nodes with their metrics; one edge per record)."""
    graph = nx.MultiGraph()
    for node in network.nodes.values():
        graph.add_node(
            node.id,
            type=node.type,
            name=node.name,
            degree=node.degree,
            weighted_degree=float(node.weighted_degree),
            betweenness=node.betweenness,
            closeness=node.closeness,
            eigenvector=node.eigenvector if node.eigenvector is not None else -1.0,
            community=node.community,
        )
    for e in network.edges:
        if e.b:
            graph.add_edge(
                e.a, e.b, kind=e.kind, date=e.on.isoformat() if e.on else "", record=e.record
            )
    return "\n".join(nx.generate_graphml(graph))


def node_rows(network: Network) -> list[dict[str, Any]]:
    return [
        {
            "id": n.id,
            "type": n.type,
            "name": n.name,
            "highlands": " ".join(n.highlands),
            "degree": n.degree,
            "weighted_degree": n.weighted_degree,
            "betweenness": n.betweenness,
            "closeness": n.closeness,
            "eigenvector": n.eigenvector,
            "community": n.community,
        }
        for n in sorted(network.nodes.values(), key=lambda n: (-n.betweenness, n.id))
    ]


def edge_rows(network: Network) -> list[dict[str, Any]]:
    return [
        {
            "source": e.a,
            "target": e.b,
            "kind": e.kind,
            "date": e.on.isoformat() if e.on else None,
            "record": e.record,
        }
        for e in network.edges
        if e.b
    ]


@dataclass
class View:
    """What the network page shows after its filters: the measures stay those of the whole
    network; the filters only choose which nodes and links are listed."""

    nodes: list[Node]
    edges: list[NetEdge]


def filtered(
    net: Network,
    *,
    q: str = "",
    highland: str = "",
    kind: str = "",
    since: int | None = None,
    until: int | None = None,
    helix: str = "",
    cluster: str = "",
) -> View:
    """Nodes whose name contains ``q`` (folded), that belong to ``highland``, are
    organisations of the quadruple ``helix`` (``selectors.HELICES``: BEIs with industry)
    and are ``cluster`` or listed in it; links of ``kind`` dated within [since, until] (an
    undated link is left out once a period is asked for) with at least one end among those
    nodes."""
    from ..text.folding import fold

    wanted = fold(q) if q else ""
    roles = HELICES.get(helix, ())
    nodes = [
        n
        for n in net.nodes.values()
        if (not wanted or wanted in fold(n.name))
        and (not highland or highland in n.highlands or n.id == f"highland:{highland}")
        and (not helix or (n.type == "organization" and n.helix_role in roles))
        and (not cluster or cluster in n.clusters or n.id == f"cluster:{cluster}")
    ]
    ids = {n.id for n in nodes}
    edges = [
        e
        for e in net.edges
        if e.b
        and (e.a in ids or e.b in ids)
        and (not kind or e.kind == kind)
        and (since is None or (e.on is not None and e.on.year >= since))
        and (until is None or (e.on is not None and e.on.year <= until))
    ]
    if kind or since is not None or until is not None:
        linked = {e.a for e in edges} | {e.b for e in edges}
        nodes = [n for n in nodes if n.id in linked]
    nodes.sort(key=lambda n: (-n.betweenness, -n.degree, n.name))
    return View(nodes, edges)


def relations(net: Network, node_id: str) -> list[tuple[NetEdge, Node]]:
    """Every link of one node (co-membership included) with the node at its other end."""
    out = []
    for e in net.edges:
        if e.b and node_id in (e.a, e.b):
            other = net.nodes[e.b if e.a == node_id else e.a]
            out.append((e, other))
    return sorted(out, key=lambda pair: (str(pair[0].kind), pair[1].name))
