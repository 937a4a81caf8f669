"""Issue 14: an organisation is found by any of its names — its aliases in the documents of
the clusters it belongs to, and its name in the other language resolved through
reconciliation's PL↔EN name glossary (``selectors.resolved_names``)."""

from __future__ import annotations

import pytest

from highlands.search.engine import get_reader
from highlands.search.models import SearchDocument
from highlands.search.selectors import SearchFilters, parse_query, resolved_names, search

from .conftest import slugs

pytestmark = pytest.mark.django_db

CLUSTERS = SearchFilters(types=["cluster"])
ORGS = SearchFilters(types=["organization"])
INDUSTRIAL = "industrial-upland-cluster"


def test_member_and_coordinator_aliases_are_in_their_clusters_documents(indexed):
    """An alias the registry knows (reconciliation's table) is searchable in the clusters
    where the organisation is a member, as a whole name; a coordinator's aliases name its
    cluster."""
    from highlands.ecosystem.models import Organization, OrganizationAlias
    from highlands.search.indexing import rebuild
    from highlands.search.selectors import name_matches

    member = Organization.objects.get(name="Politechnika Lubelska")
    OrganizationAlias.objects.create(
        organization=member, name="Quasar Works of Zamość", normalized="quasar works of zamosc"
    )
    coordinator = Organization.objects.get(name="Software Camp sp. z o.o.")
    OrganizationAlias.objects.create(organization=coordinator, name="Zorbex", normalized="zorbex")
    rebuild()
    for mode in ("keyword", "hybrid"):
        result = search("Quasar Works of Zamość", filters=CLUSTERS, limit=5, mode=mode)
        assert slugs(result)[0] == INDUSTRIAL
        assert result.results[0].why[0] == "phrase in the text: “Quasar Works of Zamość”"
    reader = get_reader()
    assert reader is not None
    named = name_matches(reader, "Zorbex", CLUSTERS, 5)
    assert [d.slug for d in SearchDocument.objects.filter(pk__in=named)] == ["lubtechbridge"]


@pytest.mark.parametrize(
    ("query", "filters", "first"),
    [
        ("Lublin University of Technology", CLUSTERS, INDUSTRIAL),
        ("Lublin University of Technology", ORGS, "politechnika-lubelska"),
        ("współpraca z Politechniką Lubelską", CLUSTERS, INDUSTRIAL),
    ],
)
def test_a_name_in_the_other_language_brings_what_holds_the_name(
    shared_index, query, filters, first
):
    """The member list says "Politechnika Lubelska"; the English name (or the Polish one in
    another case, with one more word) has the same concepts, so the cluster listing it and
    the organisation itself come first, not the many profiles that mention universities."""
    result = search(query, filters=filters, limit=5)
    assert slugs(result)[0] == first
    assert "Politechnika Lubelska" in result.results[0].why[0]
    assert result.results[0].why[0].startswith("the same name in another form")


def test_resolved_names_match_concepts_not_topics(shared_index):
    reader = get_reader()
    assert reader is not None

    def resolved(q: str) -> list[str]:
        return resolved_names(reader, parse_query(q), SearchFilters())

    assert "Politechnika Lubelska" in resolved("Lublin University of Technology")
    # A topic shares no name's concepts; a part of a name is not the name.
    assert resolved("steel hardening and welding") == []
    assert "Politechnika Lubelska" not in resolved("Lublin University")
    # The literal name is the phrase tier's business, not resolution's.
    assert "Politechnika Lubelska" not in resolved("Politechnika Lubelska")
    # One word is never resolved (acronyms and single words are the keyword list's).
    assert resolved("Politechnika") == []


def test_a_word_and_its_translations_count_once(shared_index):
    """ "Lublin" is in nearly every name and the glossary adds "lubelski": summed, a word and
    its expansions outweighed a rare name word of the query (an acronym). A document now
    scores by the best of them plus ``TRANSLATION_TIE`` of the rest."""
    from highlands.search.selectors import TRANSLATION_BOOST, TRANSLATION_TIE, QueryTerms
    from highlands.search.selectors import keyword_search as kw

    reader = get_reader()
    assert reader is not None
    parsed = parse_query("Lublin")
    translations = parsed.translations["lublin"]
    assert translations
    full = dict(kw(reader, parsed, CLUSTERS, 100))
    own = dict(kw(reader, QueryTerms("Lublin", ["lublin"], {}), CLUSTERS, 100))
    alts = [dict(kw(reader, QueryTerms(t, [t], {}), CLUSTERS, 100)) for t in translations]
    both = [d for d in own if any(d in alt for alt in alts)]
    assert both
    for doc_id in both:
        parts = [own[doc_id], *(TRANSLATION_BOOST * alt.get(doc_id, 0.0) for alt in alts)]
        best = max(parts)
        # Summed before; now the best part and no more than the tie's share of the rest.
        assert best <= full[doc_id] + 1e-4
        assert full[doc_id] <= best + TRANSLATION_TIE * (sum(parts) - best) + 1e-4
        assert full[doc_id] < sum(parts) - 0.5


# --- 2026-12-05 morning: offices, parts of names, acronyms, typos, names in any order ------


def test_office_vocabulary_makes_polish_and_english_official_names_one():
    """The name glossary knows the words public offices and institutions are named with."""
    from highlands.text.name_matching import SAME_CONCEPTS, concepts, name_similarity

    for polish, english in [
        ("Urząd Marszałkowski Województwa Lubelskiego", "Marshal’s Office of the Lublin Province"),
        ("Urząd Miasta Lublin", "Lublin Municipal Office"),
        ("Urząd Miasta Lublin", "Lublin City Hall"),
        ("Port Lotniczy Lublin S.A.", "Lublin Airport"),
        ("Uniwersytet Przyrodniczy w Lublinie", "University of Life Sciences in Lublin"),
        ("Lubelski Park Naukowo-Technologiczny S.A.", "Lublin Science and Technology Park"),
        ("Starostwo Powiatowe w Lublinie", "Lublin County Office"),
    ]:
        assert concepts(polish) == concepts(english), (polish, english)
        assert name_similarity(polish, english) == SAME_CONCEPTS
    # Whole words only where a prefix would take other words: training is not a school, a
    # portal is not a port.
    assert concepts("szkolenia") != concepts("szkoła")
    assert concepts("portal") != concepts("port")
    # An English possessive is no concept of its own.
    assert "s" not in concepts("Marshal’s Office")


def test_a_part_of_a_name_resolves_to_the_whole_one_leaving_out_only_where_and_what_kind(
    shared_index,
):
    reader = get_reader()
    assert reader is not None

    def resolved(q: str) -> list[str]:
        return resolved_names(reader, parse_query(q), SearchFilters())

    marshal = "Marshal’s Office of the Lublin Province"
    assert resolved("Urząd Marszałkowski Województwa Lubelskiego") == [marshal]
    # The part says what it is (the marshal's office); only where is left out.
    assert resolved("Urząd Marszałkowski") == [marshal]
    # A part that leaves out what it is does not resolve ("Lublin University" is many).
    assert "Politechnika Lubelska" not in resolved("Lublin University")
    assert "Photonics and Optical Fiber Cluster" not in resolved("photonics cluster Lublin")
    # Question words and generic words around a name do not stop it.
    assert resolved("which cluster is Lublin Airport in") == ["Port Lotniczy Lublin S.A."]


@pytest.mark.parametrize(
    ("query", "filters", "first"),
    [
        ("Urząd Marszałkowski", ORGS, "marshals-office-of-the-lublin-province"),
        ("Urząd Marszałkowski", CLUSTERS, "lublin-cluster-of-advanced-aviation-technologies"),
        ("University of Life Sciences Lublin", ORGS, "uniwersytet-przyrodniczy-w-lublinie"),
        ("which cluster is Lublin Airport in", CLUSTERS, INDUSTRIAL),
        ("WKTiR Lublin", CLUSTERS, "eastern-metal-processing-cluster"),
    ],
)
def test_offices_parts_of_names_and_acronyms_bring_what_holds_the_name(
    shared_index, query, filters, first
):
    result = search(query, filters=filters, limit=5)
    assert slugs(result)[0] == first
    assert result.results[0].why[0].startswith("the same name in another form")


def test_a_one_word_name_resolves_only_with_generic_words_around_it():
    """An acronym alias alone ("WKTiR") is a name when the query adds only generic words."""
    from highlands.search.selectors import names_same
    from highlands.text.name_matching import concepts

    acronym = concepts("WKTiR")
    assert names_same(concepts("WKTiR Lublin"), acronym)
    assert not names_same(concepts("WKTiR welding"), acronym)
    # A glossary word alone is no name.
    assert not names_same(concepts("wood cluster"), concepts("Wood"))


def test_a_typo_weighs_by_its_rarity(shared_index):
    """A misspelt rare name word outweighs a word found in every cluster's name: the typo's
    matches score by their idf (``FUZZY_IDF``), not a constant below any common word."""
    result = search("Photonix cluster", filters=CLUSTERS, limit=5, mode="keyword")
    assert "photonics-and-optical-fiber-cluster" in slugs(result)[:2]


def test_names_holding_every_word_in_any_order_and_form_come_first(shared_index):
    """ "dźwigi osobowe Lublin": every word is in one organisation's name, inflected and in
    another order ("Lubelska Wytwórnia Dźwigów Osobowych"); documents holding only "Lublin"
    and close in meaning no longer outrank it."""
    from highlands.search.selectors import name_word_matches

    reader = get_reader()
    assert reader is not None
    query = "dźwigi osobowe Lublin"
    matched = name_word_matches(reader, parse_query(query), ORGS, 10)
    assert [d.slug for d in SearchDocument.objects.filter(pk__in=matched)] == [
        "lubelska-wytwornia-dzwigow-osobowych-lift-service-sa"
    ]
    result = search(query, filters=ORGS, limit=5)
    assert slugs(result)[0] == "lubelska-wytwornia-dzwigow-osobowych-lift-service-sa"


def test_a_segment_without_a_coordinator_is_found_by_its_parents(shared_index):
    """LubTechBridge's segments have no coordinator of their own: their documents name the
    parent's, so the coordinator's name brings the segments too."""
    result = search("Software Camp", filters=CLUSTERS, limit=5)
    assert slugs(result)[0] == "lubtechbridge"
    assert set(slugs(result)[1:3]) == {"lubtechbridge-goz", "lubtechbridge-4-0"}


def test_a_parent_clusters_change_queues_its_sub_clusters(db):
    from highlands.ecosystem.models import Cluster
    from highlands.search import registry

    parent = Cluster.objects.create(name="Parent Cluster", slug="parent-cluster")
    child = Cluster.objects.create(name="Child Segment", slug="child-segment", parent=parent)
    queued = dict(registry.embedding("cluster", [parent.pk]))
    assert list(queued["cluster"]) == [child.pk]


def test_a_resolved_name_does_not_stack_on_the_literal_phrase():
    """The literal phrase and the same name in another form are one piece of evidence: a
    document holding both is in the tier once (``TIERS_STACK``)."""
    from highlands.search.selectors import LITERAL_TIER, Retrieved, fuse

    retrieved = Retrieved(
        names=[], keyword=[(1, 5.0), (2, 4.0)], semantic=[], phrases=[1], resolved={1: ("X", True)}
    )
    fused = fuse(retrieved)
    assert LITERAL_TIER < fused[1] < 2 * LITERAL_TIER
