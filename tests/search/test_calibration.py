"""Issue 14: semantic matching calibrated per query (not on a fixed cosine), and exact
names and phrases ranked above glossary concept expansions."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation

from highlands.search import selectors
from highlands.search.selectors import Calibration, SearchFilters, search

from .conftest import slugs

pytestmark = pytest.mark.django_db

CLUSTERS = SearchFilters(types=["cluster"])
WOOD = "lublin-wood-association-regional-cluster-in-lublin"
INDUSTRIAL = "industrial-upland-cluster"


@pytest.mark.parametrize("mode", ["hybrid", "semantic"])
def test_a_polish_query_stated_only_in_english_is_not_answered_with_nothing(shared_index, mode):
    """The wood cluster's profile says "construction of wooden houses" in English only; the
    cosine of the Polish query to it is low (~0.1), yet it stands out from the query's crowd."""
    result = search("budowa domów drewnianych", filters=CLUSTERS, limit=10, mode=mode)
    assert WOOD in slugs(result)


def test_semantic_matches_that_stand_out_are_close_matches(shared_index):
    result = search("kuchnia regionalna i konkursy kulinarne", filters=CLUSTERS, mode="semantic")
    assert result.close
    assert slugs(result)[0] == "cluster-of-hotels-and-restaurants"
    assert result.results[0].why[0].startswith("semantic")


@pytest.mark.parametrize("query", ["blorf snarkle quib", "qwxz", "zzxq plumbo"])
@pytest.mark.parametrize("mode", ["hybrid", "semantic"])
def test_nonsense_gets_an_honest_no_close_match_answer(shared_index, query, mode):
    """Nothing matches literally or stands out in meaning: the answer says so, and what it
    lists is labelled as only related."""
    result = search(query, limit=10, mode=mode)
    assert not result.close
    for hit in result.results:
        assert hit.why
        assert all(r.startswith("no close match") for r in hit.why)


def test_a_query_with_literal_matches_is_a_close_answer(shared_index):
    result = search("steel hardening", filters=CLUSTERS, limit=5)
    assert result.close


@pytest.mark.parametrize(
    "query",
    [
        "Politechnika Lubelska",
        "GRUPA PGS",
        "Lubelska Wytwórnia Dźwigów Osobowych",
        "PAK-PCE Polski Autobus Wodorowy",
    ],
)
def test_a_members_exact_name_brings_its_cluster_first(shared_index, query):
    """The glossary expands "politechnika" into "technology university", which many profiles
    mention; the exact phrase in the Industrial Upland Cluster's member list must win."""
    result = search(query, filters=CLUSTERS, limit=5)
    assert slugs(result)[0] == INDUSTRIAL


def test_an_alias_phrase_brings_its_cluster_first(shared_index):
    result = search("Lublin Cluster of Enterprises", filters=CLUSTERS, limit=5)
    assert slugs(result)[0] == "lublin-enterprise-cluster"


def test_calibration_is_per_query_median_and_spread():
    calibration = Calibration(median=0.05, spread=0.05)
    assert calibration.z(0.05) == 0
    assert calibration.z(0.2) == pytest.approx(3.0)


def test_calibrate_uses_the_background_sample_and_a_prior_when_it_is_small():
    class Reader:
        def __init__(self, background):
            self._background = background

        def background(self, size):
            return self._background[:size]

        def memo(self, kind, key, compute):
            return compute()

    rng = np.random.default_rng(1)
    vector = np.zeros(512, dtype=np.float32)
    vector[0] = 1.0
    background = rng.normal(0.1, 0.02, size=(400, 512)).astype(np.float32)
    background[:, 0] = rng.normal(0.3, 0.1, size=400)
    calibration = selectors.calibrate(Reader(background), vector)
    assert calibration.median == pytest.approx(0.3, abs=0.03)
    assert calibration.spread == pytest.approx(0.1, abs=0.03)
    small = selectors.calibrate(Reader(background[:10]), vector)
    assert small == Calibration(selectors.PRIOR_MEDIAN, selectors.PRIOR_SPREAD)


def test_a_members_name_says_where_the_phrase_was_found(shared_index):
    top = search("Politechnika Lubelska", filters=CLUSTERS, limit=1).results[0]
    assert top.why[0] == "phrase in the text: “Politechnika Lubelska”"
    named = search("Eastern Metal Processing Cluster", filters=CLUSTERS, limit=1).results[0]
    assert named.why[0] == "phrase in the name: “Eastern Metal Processing Cluster”"


def test_the_api_and_the_page_say_when_nothing_matched_closely(client, shared_index):
    close = client.get("/api/v1/search", {"q": "steel hardening", "type": "cluster"}).json()
    assert close["close"] is True
    related = client.get("/api/v1/search", {"q": "blorf snarkle quib", "type": "cluster"}).json()
    assert related["close"] is False
    assert related["results"]
    assert all(r["why"][0].startswith("no close match") for r in related["results"])
    page = client.get(reverse("search:search"), {"q": "blorf snarkle quib"})
    assert "No close match for your words" in page.content.decode()
    with translation.override("en"):  # the request activates Polish; restore it after
        polish = client.get("/pl" + reverse("search:search"), {"q": "blorf snarkle quib"})
    assert "Brak bliskiego dopasowania" in polish.content.decode()
    assert "No close match" not in polish.content.decode()


@pytest.mark.parametrize("n", [64, 65, 196, 4095, 4096])
def test_the_in_place_median_is_numpys_median_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for _ in range(50):
        values = (rng.standard_normal(n) * 0.1).astype(np.float32)
        expected = float(np.median(values))
        assert selectors._median_in_place(values.copy()) == expected


def test_a_querys_calibration_is_computed_once_per_state_of_the_index(shared_index, monkeypatch):
    from highlands.search.engine import get_reader

    reader = get_reader()
    calls = []
    real = selectors._calibrate

    def counting(reader, vector):
        calls.append(1)
        return real(reader, vector)

    monkeypatch.setattr(selectors, "_calibrate", counting)
    vector = np.zeros(512, dtype=np.float32)
    vector[3] = 1.0
    first = selectors.calibrate(reader, vector)
    assert selectors.calibrate(reader, vector.copy()) == first
    assert len(calls) == 1
    other = vector.copy()
    other[4] = 1.0
    selectors.calibrate(reader, other)
    assert len(calls) == 2
    reader.stamp = (0.0, 0.0)  # as if a writer had changed the index since
    reader.refresh()
    assert selectors.calibrate(reader, vector) == first
    assert len(calls) == 3


def test_the_query_paths_products_run_on_one_blas_thread():
    from threadpoolctl import threadpool_info

    selectors.single_blas_thread()
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_two_words_written_as_one_in_the_index_match_it(shared_index):
    """ "LubTech Bridge" is indexed as the one word ``lubtechbridge``: the query's two
    neighbouring words joined find the ecosystem and both its sub-clusters."""
    found = slugs(search("LubTech Bridge", filters=CLUSTERS, limit=5, mode="keyword"))
    assert {"lubtechbridge", "lubtechbridge-goz", "lubtechbridge-4-0"} <= set(found)
