"""The four stages of ``search()`` one by one: retrieve, fuse, hide, explain."""

from __future__ import annotations

import dataclasses

import pytest

from highlands.search import registry
from highlands.search.engine import get_reader
from highlands.search.models import SearchChunk, SearchDocument
from highlands.search.selectors import (
    HIDDEN_OVERFETCH,
    KEYWORD_WEIGHT,
    NAME_WEIGHT,
    RRF_K,
    SEMANTIC_WEIGHT,
    Retrieved,
    SearchFilters,
    explain,
    fuse,
    hidden_documents,
    hide,
    parse_query,
    retrieve,
    search,
)

pytestmark = pytest.mark.django_db
CLUSTERS = SearchFilters(types=["cluster"])


def test_fuse_adds_reciprocal_ranks_of_the_three_lists():
    lists = Retrieved(
        names=[30],
        keyword=[(10, 9.0), (30, 7.5), (20, 1.0)],
        semantic=[(20, 0.8, 0), (40, 0.7, 3), (10, 0.6, 1)],
    )
    fused = fuse(lists)
    expected = {
        30: NAME_WEIGHT / (RRF_K + 1) + KEYWORD_WEIGHT / (RRF_K + 2),
        10: KEYWORD_WEIGHT / (RRF_K + 1) + SEMANTIC_WEIGHT / (RRF_K + 3),
        20: KEYWORD_WEIGHT / (RRF_K + 3) + SEMANTIC_WEIGHT / (RRF_K + 1),
        40: SEMANTIC_WEIGHT / (RRF_K + 2),
    }
    assert fused == pytest.approx(expected)
    assert list(fused) == sorted(expected, key=lambda d: -expected[d])


def test_fuse_keeps_first_seen_order_on_ties():
    fused = fuse(Retrieved(names=[], keyword=[(5, 1.0)], semantic=[]))
    assert list(fused) == [5]
    tied = fuse(Retrieved(names=[], keyword=[(7, 2.0)], semantic=[]))
    tied_again = fuse(Retrieved(names=[7], keyword=[(8, 1.0)], semantic=[]))
    assert list(tied) == [7]
    assert list(tied_again) == [7, 8]  # same score: the name list was seen first


def test_retrieve_runs_the_lists_the_mode_asks_for(shared_index):
    reader = get_reader()
    parsed = parse_query("Swidnik helicopters")
    keyword = retrieve(reader, parsed, CLUSTERS, mode="keyword", limit=5, fetch=5)
    assert keyword.keyword
    assert not keyword.semantic
    assert set(keyword.engine_ms) == {"keyword", "resolve"}
    semantic = retrieve(reader, parsed, CLUSTERS, mode="semantic", limit=5, fetch=5)
    assert semantic.semantic
    assert not semantic.keyword
    assert not semantic.names
    assert set(semantic.engine_ms) == {"encode", "semantic"}
    named = retrieve(
        reader, parse_query("Eastern Metal"), CLUSTERS, mode="hybrid", limit=5, fetch=5
    )
    eastern = SearchDocument.objects.get(slug="eastern-metal-processing-cluster")
    assert named.names[0] == eastern.pk
    assert len(named.names) <= 5


def test_hide_asks_each_kind_with_a_rule_about_its_candidates(db, monkeypatch):
    asked: list[tuple[str, list[int]]] = []

    def only_even(kind):
        def rule(user, pks):
            asked.append((kind, sorted(pks)))
            return [pk for pk in pks if pk % 2 == 0]

        return rule

    kinds = dict(registry._kinds)
    monkeypatch.setattr(registry, "_kinds", kinds)
    for name in ("cluster", "profile"):
        kinds[name] = dataclasses.replace(kinds[name], visible=only_even(name))
    docs = [
        SearchDocument.objects.create(kind=kind, object_id=object_id, title=f"{kind} {object_id}")
        for kind, object_id in [  # ids far from the shared seed's
            ("profile", 900_001),
            ("organization", 900_003),
            ("cluster", 900_002),
            ("profile", 900_004),
            ("cluster", 900_005),
        ]
    ]
    ids = [d.pk for d in docs]
    assert hide(ids, None) == [ids[1], ids[2], ids[3]]
    assert sorted(asked) == [("cluster", [900_002, 900_005]), ("profile", [900_001, 900_004])]
    asked.clear()
    assert hide(ids, None, kinds=["profile"]) == [ids[1], ids[2], ids[3], ids[4]]
    assert asked == [("profile", [900_001, 900_004])]
    assert hidden_documents(ids, None, kinds=["cluster"]) == {ids[4]}


def test_hide_asks_nothing_when_no_searched_kind_has_a_rule(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert hide([3, 1, 2], None, kinds=[]) == [3, 1, 2]


def test_explain_says_which_words_and_which_passage_matched(shared_index):
    reader = get_reader()
    parsed = parse_query("hartowanie stali")
    lists = retrieve(reader, parsed, CLUSTERS, mode="hybrid", limit=3, fetch=3)
    fused = fuse(lists)
    top = list(fused)[:3]
    hits = explain(reader, parsed, [*top, 10**9], fused, lists)  # a deleted document: skipped
    assert [h.doc_id for h in hits] == top
    first = hits[0]
    assert first.slug == "eastern-metal-processing-cluster"
    assert first.score == round(fused[first.doc_id], 6)
    keyword_why = next(w for w in first.why if w.startswith("keyword:"))
    assert "hartowanie → " in keyword_why  # the word as typed, and its translation found

    parsed = parse_query("kuchnia regionalna i konkursy kulinarne")
    lists = retrieve(reader, parsed, CLUSTERS, mode="semantic", limit=3, fetch=3)
    fused = fuse(lists)
    hits = explain(reader, parsed, list(fused)[:3], fused, lists)
    assert hits
    assert all(h.keyword_score is None for h in hits)
    for hit in hits:
        (why,) = hit.why
        similarity, position = next((s, p) for d, s, p in lists.semantic if d == hit.doc_id)
        passage = SearchChunk.objects.get(document_id=hit.doc_id, position=position).text
        assert why == f"semantic {similarity:.2f}: “{' '.join(passage.split()[:18])}…”"


def test_search_is_the_four_stages_in_order(shared_index):
    reader = get_reader()
    query = "photonics Lublin"
    parsed = parse_query(query)
    filters = SearchFilters()
    lists = retrieve(reader, parsed, filters, mode="hybrid", limit=5, fetch=5 * HIDDEN_OVERFETCH)
    fused = fuse(lists)
    ordered = hide(list(fused), None, kinds=["profile"])
    expected = explain(reader, parsed, ordered[:5], fused, lists)
    result = search(query, filters=filters, limit=5)
    assert [(h.doc_id, h.score, h.why) for h in result.results] == [
        (h.doc_id, h.score, h.why) for h in expected
    ]
