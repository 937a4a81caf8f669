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
