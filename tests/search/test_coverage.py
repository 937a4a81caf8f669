"""Issue 14, semantic side: keyword hits ranked by how much of the query they cover, and
semantic neighbours accepted more readily when the query's words cover little of it."""

from __future__ import annotations

import pytest

from highlands.search import selectors
from highlands.search.engine import get_reader
from highlands.search.selectors import SearchFilters, parse_query, query_concepts, search

from .conftest import slugs

pytestmark = pytest.mark.django_db

CLUSTERS = SearchFilters(types=["cluster"])


def test_a_glossary_phrase_and_its_translations_are_one_concept(shared_index):
    """ "gospodarka obiegu zamkniętego" is one concept (circular economy), "firm" another."""
    concepts = query_concepts(parse_query("gospodarka obiegu zamkniętego dla firm"))
    assert len(concepts) == 2
    phrase = next(c for c in concepts if "circular" in c)
    assert {"gospodark", "obieg", "zamkniet", "econom"} <= phrase
    assert any({"firm", "compan"} <= c for c in concepts)


def test_a_word_the_index_does_not_hold_is_covered_by_no_document(shared_index):
    """ "qqxzvbnk" is a concept no document has: steel's documents cover half the query."""
    parsed = parse_query("steel qqxzvbnk")
    assert len(query_concepts(parsed)) == 2
    _hits, coverage = selectors.keyword_ranked(get_reader(), parsed, CLUSTERS, 10)
    assert coverage
    assert max(coverage.values()) == 0.5


def test_keyword_hits_covering_the_whole_query_come_before_one_frequent_word(shared_index):
    """BM25 put two clusters that repeat "management" often above the one that also names
    lean management and workshops; ranked by BM25 × coverage, the latter comes first."""
    reader = get_reader()
    parsed = parse_query("lean management and kaizen workshops")
    hits, coverage = selectors.keyword_ranked(reader, parsed, CLUSTERS, 10)
    assert hits[0][0] == max(coverage, key=lambda d: (coverage[d], -list(coverage).index(d)))
    assert coverage[hits[0][0]] > coverage[hits[-1][0]]
    result = search("lean management and kaizen workshops", filters=CLUSTERS, limit=5)
    assert slugs(result)[0] == "industrial-upland-cluster"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("steel hardening", selectors.Z_HYBRID),  # the words cover the query
        # no cluster has more than two of its four concepts
        ("smart grids for helicopters and restaurants", selectors.Z_RELATED),
        # a Polish word no document holds (its meaning is written in English only)
        ("budowa domów drewnianych", selectors.Z_RELATED),
    ],
)
def test_semantic_acceptance_relaxes_when_words_cover_little_of_the_query(
    shared_index, monkeypatch, query, expected
):
    """Semantic neighbours are asked as when no word matched (z ≥ Z_RELATED, behind the
    gate that something in the index is close at all), not only to supplement the words."""
    asked: list[tuple[float, bool]] = []
    original = selectors.semantic_search

    def spy(reader, vector, filters, limit, min_z=selectors.Z_RELATED, **kwargs):
        asked.append((min_z, kwargs["gate"]))
        return original(reader, vector, filters, limit, min_z, **kwargs)

    monkeypatch.setattr(selectors, "semantic_search", spy)
    result = search(query, filters=CLUSTERS, limit=5)
    assert result.results
    assert asked == [(expected, expected == selectors.Z_RELATED)]


def test_a_partial_word_match_of_nonsense_adds_no_semantic_noise(shared_index):
    """One word of a made-up query matches: coverage is low, but nothing is close in meaning,
    so the gate keeps semantic guesses out (only the literal match is listed)."""
    keyword = search("steel blorfquax snarklewump", filters=CLUSTERS, limit=5, mode="keyword")
    hybrid = search("steel blorfquax snarklewump", filters=CLUSTERS, limit=5)
    assert keyword.results
    assert all(hit.semantic_score is None for hit in hybrid.results)
