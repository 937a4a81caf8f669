"""The network of cooperation: typed edges traceable to records, measures from networkx,
cross-highland links, and the marketplace's edges only for the city office."""

from __future__ import annotations

import networkx as nx
import pytest

from highlands.analytics import network, registry
from highlands.ecosystem.models import Cluster, HighlandCluster, Membership, Organization
from highlands.marketplace.demo import demo_load

pytestmark = pytest.mark.django_db
INDUSTRIAL = "industrial-upland-cluster"


@pytest.fixture
def public(shared_seed):
    return network.build_network()


def test_every_registry_cluster_and_member_is_a_node(public):
    clusters = set(Cluster.objects.filter(is_synthetic=False).values_list("slug", flat=True))
    assert {n.slug for n in public.nodes.values() if n.type == "cluster"} == clusters
    members = set(Membership.objects.values_list("organization__slug", flat=True))
    assert {n.slug for n in public.nodes.values() if n.type == "organization"} == members


def test_every_edge_is_typed_and_names_its_record(public):
    assert public.edges
    for e in public.edges:
        assert e.kind in public.edge_labels
        assert e.a in public.nodes
        assert e.b in public.nodes
        assert e.record, e
    memberships = Membership.objects.filter(cluster__is_synthetic=False).count()
    assert sum(e.kind in ("membership", "coordination") for e in public.edges) == memberships
    sourced = [e for e in public.edges if e.kind == "membership"]
    assert all("lublin-economic-highlands.txt" in e.record and e.on for e in sourced)


def test_co_membership_pairs_every_two_members_of_a_cluster(public):
    n = Membership.objects.filter(cluster__slug=INDUSTRIAL, role="member").count()
    pairs = [
        e for e in public.edges if e.kind == "co_membership" and e.record.startswith("Industrial")
    ]
    assert len(pairs) == n * (n - 1) // 2


def test_degree_matches_the_graph_without_co_membership(public):
    graph = nx.Graph()
    graph.add_nodes_from(public.nodes)
    graph.add_edges_from((e.a, e.b) for e in public.edges if e.kind != "co_membership")
    for node in public.nodes.values():
        assert node.degree == graph.degree(node.id)
    industrial = public.nodes[f"cluster:{INDUSTRIAL}"]
    assert industrial.betweenness == max(n.betweenness for n in public.nodes.values())
    assert public.betweenness_exact
    assert sum(len(c) for c in public.communities) == len(public.nodes)


def test_an_organisation_in_clusters_of_two_highlands_links_them(shared_seed):
    linked = HighlandCluster.objects.select_related("cluster", "highland").order_by("pk")
    first, other = linked[0], next(x for x in linked if x.highland_id != linked[0].highland_id)
    org = Organization.objects.create(
        slug="bridge-org", name="Bridge Org", normalized_name="bridge org"
    )
    Membership.objects.create(organization=org, cluster=first.cluster, role="member")
    Membership.objects.create(organization=org, cluster=other.cluster, role="member")
    net = network.build_network()
    pair = tuple(sorted((first.highland.slug, other.highland.slug)))
    links = {(a, b): orgs for a, b, orgs in net.highland_links}
    assert "organization:bridge-org" in links[pair]
    assert any("Bridge Org" in f for f in net.findings)


def test_confirmed_cooperations_are_the_city_office_s(shared_seed):
    demo_load()
    public = network.build_network()
    city = network.build_network(restricted=True)
    assert not any(e.kind == "cooperation" for e in public.edges)
    cooperations = [e for e in city.edges if e.kind == "cooperation"]
    assert len(cooperations) == 3
    assert all(e.on and e.record for e in cooperations)


def test_graphml_round_trips_with_the_measures(public):
    parsed = nx.parse_graphml(network.graphml(public))
    assert parsed.number_of_nodes() == len(public.nodes)
    assert parsed.number_of_edges() == len([e for e in public.edges if e.b])
    node = public.nodes[f"cluster:{INDUSTRIAL}"]
    assert parsed.nodes[node.id]["betweenness"] == pytest.approx(node.betweenness)


def test_registering_a_different_metric_under_a_taken_name_is_refused():
    taken = registry.metrics()[0]
    with pytest.raises(Exception, match="registered twice"):
        registry.register_metric(
            registry.ActivityMetric(name=taken.name, label="x", count=lambda: 0, history=None)
        )
    assert all(m.public for m in registry.metrics())


def test_eigenvector_equals_networkx_per_component_scaled_by_its_share():
    import math

    karate = nx.karate_club_graph()
    graph = nx.disjoint_union(karate, nx.path_graph(5))
    graph.add_node("alone")
    nx.set_edge_attributes(graph, 1, "weight")
    mine = network._eigenvector(graph)
    n = graph.number_of_nodes()
    reference = nx.eigenvector_centrality(karate, weight=None, max_iter=1000, tol=1e-10)
    for node, value in reference.items():
        assert mine[node] == pytest.approx(value * math.sqrt(34 / n), abs=1e-5)
    path = nx.eigenvector_centrality(nx.path_graph(5), max_iter=1000, tol=1e-10)
    for node, value in path.items():
        assert mine[34 + node] == pytest.approx(value * math.sqrt(5 / n), abs=1e-5)
    assert mine["alone"] == 0


def test_sampled_closeness_is_exact_when_every_node_is_a_pivot():
    graph = nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(6))
    graph.add_node("alone")
    exact = nx.closeness_centrality(graph)
    adjacency = network._Adjacency(graph)
    for mine in (
        network._closeness(adjacency, exact=True),
        network._closeness(adjacency, exact=False),  # components under the sample size
    ):
        for node, value in exact.items():
            assert mine[node] == pytest.approx(value)


def test_sampled_closeness_of_a_large_component_is_close(monkeypatch):
    graph = nx.connected_watts_strogatz_graph(400, 6, 0.1, seed=3)
    exact = nx.closeness_centrality(graph)
    monkeypatch.setattr(network, "BETWEENNESS_SAMPLES", 100)
    sampled = network._closeness(network._Adjacency(graph), exact=False)
    errors = [abs(sampled[v] - exact[v]) / exact[v] for v in graph]
    assert max(errors) < 0.1


@pytest.mark.parametrize("k", [None, 12])
def test_betweenness_equals_networkx_exact_and_sampled(k):
    """The numpy Brandes draws the same pivots as networkx and scales them the same way."""
    graph = nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(7))
    graph = nx.disjoint_union(graph, nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=1))
    graph.add_node("alone")
    reference = nx.betweenness_centrality(graph, k=k, normalized=True, seed=network.SEED)
    mine = network._betweenness(network._Adjacency(graph), k)
    assert set(mine) == set(reference)
    for node, value in reference.items():
        assert mine[node] == pytest.approx(value, abs=1e-12), node
