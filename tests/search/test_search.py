"""Search over the imported source document: inflection, typos, languages, filters."""

from __future__ import annotations

import pytest

from highlands.ecosystem.models import Cluster
from highlands.errors import ApplicationError
from highlands.search.selectors import SearchFilters, search

from .conftest import slugs

pytestmark = pytest.mark.django_db

CLUSTERS = SearchFilters(types=["cluster"])


@pytest.mark.parametrize(
    "query",
    ["światłowodów", "swiatlowody", "ŚWIATŁOWÓD", "photonics", "optical fibers"],
)
def test_inflected_and_accentless_forms_find_the_photonics_cluster(shared_index, query):
    result = search(query, filters=CLUSTERS, limit=3)
    assert slugs(result)[0] == "photonics-and-optical-fiber-cluster"


@pytest.mark.parametrize(
    "query", ["Swidnik helicopters", "Świdnik", "aviaton tehnologies", "Swidnk"]
)
def test_names_and_typos_find_the_aviation_cluster(shared_index, query):
    result = search(query, filters=CLUSTERS, limit=3)
    assert "lublin-cluster-of-advanced-aviation-technologies" in slugs(result)


def test_polish_query_finds_english_profile_by_keyword_translation(shared_index):
    result = search("hartowanie stali na zlecenie", filters=CLUSTERS, limit=3, mode="keyword")
    assert slugs(result)[0] == "eastern-metal-processing-cluster"
    assert any("hartowanie" in reason for reason in result.results[0].why)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kuchnia regionalna i konkursy kulinarne", "cluster-of-hotels-and-restaurants"),
        ("odnawialne źródła energii", "lublin-eco-energy-cluster"),
    ],
)
def test_cross_lingual_semantic_search(shared_index, query, expected):
    result = search(query, filters=CLUSTERS, limit=3, mode="semantic")
    assert expected in slugs(result)
    assert result.results[0].why[0].startswith("semantic")


def test_every_result_explains_why(shared_index):
    result = search("steel hardening", limit=5)
    assert result.results
    for hit in result.results:
        assert hit.why
        assert all(r.startswith(("phrase", "keyword", "semantic")) for r in hit.why)
    top = result.results[0]
    assert "steel" in top.why[0]
    assert "hardening" in top.why[0]


def test_type_filter(shared_index):
    result = search("Lublin", filters=SearchFilters(types=["organization"]), limit=20)
    assert result.results
    assert {hit.kind for hit in result.results} == {"organization"}


def test_highland_filter_applies_to_both_lists(shared_index):
    filters = SearchFilters(highlands=["aviation"])
    for mode in ("keyword", "semantic", "hybrid"):
        result = search("cluster cooperation", filters=filters, limit=20, mode=mode)
        assert result.results, mode
        aviation = {"lublin-cluster-of-advanced-aviation-technologies"}
        cluster_hits = {h.slug for h in result.results if h.kind == "cluster"}
        assert cluster_hits <= aviation, mode


def test_cluster_and_helix_role_filters(shared_index):
    upland = Cluster.objects.get(slug="industrial-upland-cluster")
    filters = SearchFilters(clusters=[upland.pk], helix_roles=["academia"], types=["organization"])
    result = search("university", filters=filters, limit=20)
    names = {hit.name for hit in result.results}
    assert names
    assert "Politechnika Lubelska" in names or any("University" in n for n in names)
    for hit in result.results:
        assert hit.kind == "organization"


def test_year_and_size_filters(shared_index):
    result = search(
        "cluster", filters=SearchFilters(types=["cluster"], year_min=2012, year_max=2014), limit=50
    )
    years = set(
        Cluster.objects.filter(slug__in=slugs(result)).values_list("year_established", flat=True)
    )
    assert years
    assert years <= {2012, 2013, 2014}
    big = search("cluster", filters=SearchFilters(types=["cluster"], size_min=90), limit=50)
    assert "eastern-metal-processing-cluster" in slugs(big)
    assert "esta-cluster" not in slugs(big)


def test_invalid_requests_are_application_errors(shared_index):
    with pytest.raises(ApplicationError):
        search("   ")
    with pytest.raises(ApplicationError):
        search("x", mode="magic")
    with pytest.raises(ApplicationError):
        SearchFilters(year_min=2020, year_max=2010)
    with pytest.raises(ApplicationError):
        SearchFilters(types=["nosuchkind"])


@pytest.mark.parametrize(
    "filters",
    [
        {"clusters": [2**63]},
        {"clusters": [5, -1]},
        {"year_min": -(2**63) - 1},
        {"year_max": 40_000},
        {"size_min": -1},
        {"size_max": 2**64},
    ],
)
def test_filters_the_engine_cannot_hold_are_refused_before_it(filters):
    """The API bounds its parameters; the CLI, the page and any caller meet this guard."""
    with pytest.raises(ApplicationError) as refused:
        SearchFilters(**filters)
    assert refused.value.code == "filter_out_of_range"
    assert refused.value.status == 400


def test_same_result_shape_without_index(db):
    result = search("anything")
    assert result.results == []


def test_a_filter_no_asked_kind_carries_finds_nothing(shared_index):
    """Profiles have no year: asking for profiles established after 2000 is empty, not an
    error, and counts nothing in the facets."""
    result = search("metal", filters=SearchFilters(types=["profile"], year_min=2000))
    assert result.results == []
    assert result.facets == {"type": {}, "highland": {}, "helix_role": {}}
