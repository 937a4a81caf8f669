"""Cooperation profiles in the search index: who sees which profile through the API, the
page and the CLI (role × profile matrix), only live profiles, and freshness after each write."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from highlands.marketplace import services
from highlands.marketplace.models import CooperationProfile, ProfileStatus
from highlands.search.indexing import enqueue, rebuild
from highlands.search.models import DocumentKind, IndexOutbox, SearchDocument
from highlands.search.selectors import SearchFilters, search
from tests.accounts.fixtures import world as world
from tests.marketplace.conftest import Market, bearer
from tests.marketplace.conftest import market as market
from tests.marketplace.test_permissions import EXPECTED as PAGE_EXPECTED
from tests.marketplace.test_permissions import ROLES

pytestmark = pytest.mark.django_db

QUERY = "sheet metal laser cutting"
# The marketplace's matrix for live profiles; search returns live profiles only, so unlike
# the marketplace pages not even the owner finds a draft, closed or expired profile here.
EXPECTED = {
    **{name: roles for name, roles in PAGE_EXPECTED.items() if name != "draft"},
    "draft": set(),
    "closed": set(),
    "expired": set(),
}


def _profile_ids(hits: list[dict]) -> set[int]:
    return {h["id"] for h in hits if h["type"] == "profile"}


@pytest.fixture
def indexed_market(market: Market) -> Market:
    """The market's profiles plus a closed and an expired one, all in a fresh index.

    The closed and expired profiles are made so *after* indexing and behind the services'
    back, as a lagging index would see them: the search must still never return them.
    """
    rep, own = market.users["representative"], market.world.orgs["own"]
    for name in ("closed", "expired"):
        market.profiles[name] = services.profile_create(
            actor=rep,
            organization=own,
            kind="subcontracting",
            title=f"Sheet metal cutting {name}",
            description=f"Laser cutting and bending of steel sheets ({name} profile).",
            publish=True,
        )
    rebuild()
    assert SearchDocument.objects.filter(kind=DocumentKind.PROFILE).count() == 5
    CooperationProfile.objects.filter(pk=market.profiles["closed"].pk).update(
        status=ProfileStatus.CLOSED
    )
    CooperationProfile.objects.filter(pk=market.profiles["expired"].pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    return market


def _client(market: Market, role: str) -> Client:
    client = Client()
    if market.users.get(role) is not None:
        client.force_login(market.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_search_shows_each_role_exactly_the_profiles_it_may_see(
    indexed_market: Market, role: str
) -> None:
    market = indexed_market
    expected = {market.profiles[name].pk for name, roles in EXPECTED.items() if role in roles}
    # Selector, as the API and the page call it.
    user = market.users.get(role)
    found = search(QUERY, filters=SearchFilters(types=["profile"]), limit=50, user=user)
    assert {h.object_id for h in found.results} == expected
    # API with a bearer token (the anonymous caller sends none) ...
    api = Client().get(
        "/api/v1/search", {"q": QUERY, "type": "profile"}, headers=bearer(market, role)
    )
    assert api.status_code == HTTPStatus.OK
    assert _profile_ids(api.json()["results"]) == expected
    # ... and with the session, over all types: facets count only what the caller sees.
    session = _client(market, role).get("/api/v1/search", {"q": QUERY, "limit": 50})
    assert _profile_ids(session.json()["results"]) == expected
    assert session.json()["facets"]["type"].get("profile", 0) == len(expected)
    # The portal's search page.
    page = _client(market, role).get(reverse("search:search"), {"q": QUERY, "type": "profile"})
    html = page.content.decode()
    for name, profile in market.profiles.items():
        url = reverse("marketplace:profile", args=[profile.pk])
        assert (url in html) is (profile.pk in expected), (role, name)


def test_cli_searches_as_an_anonymous_visitor(indexed_market: Market) -> None:
    out = io.StringIO()
    call_command("search", QUERY, "--type", "profile", "--json", stdout=out)
    line = json.loads(out.getvalue().splitlines()[0])
    assert {hit["id"] for hit in line["results"]} == {indexed_market.profiles["public"].pk}
    assert all(hit["type"] == "profile" for hit in line["results"])


def test_hidden_profiles_do_not_take_the_places_of_visible_results(market: Market) -> None:
    """Over-fetch, then filter: many better-matching hidden profiles still leave the limit full."""
    rep, own = market.users["representative"], market.world.orgs["own"]
    for i in range(12):
        services.profile_create(
            actor=rep,
            organization=own,
            kind="subcontracting",
            title=f"Sheet metal laser cutting {i}",
            description="Sheet metal laser cutting, sheet metal laser cutting.",
            visibility="ecosystem",
            publish=True,
        )
    rebuild()
    found = search(QUERY, filters=SearchFilters(types=["profile"]), limit=1, user=None)
    assert [h.object_id for h in found.results] == [market.profiles["public"].pk]
    assert found.facets["type"] == {"profile": 1}


def test_changing_the_audience_hides_a_profile_at_once(indexed_market: Market) -> None:
    market = indexed_market
    public = market.profiles["public"]
    assert public.pk in {h.object_id for h in search(QUERY, user=None, limit=50).results}
    # Behind the index's back (no reindex): the database is what decides.
    CooperationProfile.objects.filter(pk=public.pk).update(visibility="clusters")
    assert public.pk not in {h.object_id for h in search(QUERY, user=None, limit=50).results}


def test_every_profile_write_keeps_the_index_fresh(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    rep, own = market.users["representative"], market.world.orgs["own"]
    rebuild()

    def indexed(profile: CooperationProfile) -> bool:
        return SearchDocument.objects.filter(kind="profile", object_id=profile.pk).exists()

    def titles() -> set[str]:
        hits = search(
            "anodising aluminium",
            filters=SearchFilters(types=["profile"]),
            limit=20,
            mode="keyword",  # semantic neighbours (other metal work) are not the point here
        )
        return {h.name for h in hits.results}

    def draft(title: str) -> CooperationProfile:
        return services.profile_create(
            actor=rep,
            organization=own,
            kind="business_offer",
            title=title,
            description="Hard anodising of aluminium profiles for the aviation industry.",
        )

    with django_capture_on_commit_callbacks(execute=True):
        profile = draft("Anodising of aluminium parts")
    assert not indexed(profile)  # a draft is never indexed
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_publish(actor=rep, profile=profile)
    assert titles() == {"Anodising of aluminium parts"}
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=rep, profile=profile, title="Aluminium anodising service")
    assert titles() == {"Aluminium anodising service"}
    assert SearchDocument.objects.get(kind="profile", object_id=profile.pk).title == (
        "Aluminium anodising service"
    )
    CooperationProfile.objects.filter(pk=profile.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.profile_expire_due() == 1
    assert not indexed(profile)
    assert titles() == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_renew(actor=rep, profile=profile)
    assert indexed(profile)
    assert titles() == {"Aluminium anodising service"}
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_close(actor=rep, profile=profile)
    assert not indexed(profile)
    assert titles() == set()

    # Deleting a draft queues its reindex like any other write (there is nothing to drop).
    unpublished = draft("Anodising draft")
    services.profile_delete(actor=rep, profile=unpublished)
    assert IndexOutbox.objects.filter(kind="profile", object_id=unpublished.pk).count() == 2
    assert not CooperationProfile.objects.filter(pk=unpublished.pk).exists()


def test_a_profile_deleted_outside_the_services_vanishes_at_once(
    indexed_market: Market, django_capture_on_commit_callbacks
) -> None:
    """A cascade (its organisation deleted) writes no outbox row: the query-time check hides
    the profile at once, and the next reindex of that id drops its document."""
    public = indexed_market.profiles["public"]
    CooperationProfile.objects.filter(pk=public.pk).delete()
    assert public.pk not in {h.object_id for h in search(QUERY, user=None, limit=50).results}
    assert SearchDocument.objects.filter(kind="profile", object_id=public.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(DocumentKind.PROFILE, public.pk)
    assert not SearchDocument.objects.filter(kind="profile", object_id=public.pk).exists()


def test_a_polish_query_finds_an_english_profile(market: Market) -> None:
    rebuild()
    found = search("cięcie laserowe blachy", filters=SearchFilters(types=["profile"]), limit=5)
    assert found.results[0].object_id == market.profiles["public"].pk
    assert found.results[0].url == reverse(
        "marketplace:profile", args=[market.profiles["public"].pk]
    )


def test_only_drafts_can_be_deleted(market: Market) -> None:
    with pytest.raises(services.ApplicationError, match="Close a published profile"):
        services.profile_delete(
            actor=market.users["representative"], profile=market.profiles["public"]
        )
    with pytest.raises(services.PermissionDeniedError):
        services.profile_delete(actor=market.users["peer_rep"], profile=market.profiles["draft"])
    assert CooperationProfile.objects.filter(pk=market.profiles["draft"].pk).exists()


def test_registry_writes_refresh_the_profiles_that_show_their_data(
    indexed_market: Market, django_capture_on_commit_callbacks
) -> None:
    """A profile document carries its owner's name and clusters: changing the owner (or its
    memberships) reindexes its live profiles, deleting the owner drops them."""
    from highlands.ecosystem.services import (
        membership_request_create,
        organization_delete,
        organization_update_profile,
    )
    from highlands.servicekit import SYSTEM

    market = indexed_market
    own = market.world.orgs["own"]
    live = [market.profiles[name] for name in ("public", "clusters", "ecosystem")]

    def documents() -> list[SearchDocument]:
        return list(
            SearchDocument.objects.filter(kind="profile", object_id__in=[p.pk for p in live])
        )

    with django_capture_on_commit_callbacks(execute=True):
        organization_update_profile(actor=SYSTEM, organization=own, name="Lubelska Obróbka Blach")
    assert len(documents()) == 3
    assert all("Lubelska Obróbka Blach" in doc.body for doc in documents())
    hits = search("lubelska obrobka", filters=SearchFilters(types=["profile"]), mode="keyword")
    assert {h.object_id for h in hits.results} == {market.profiles["public"].pk}

    other_cluster = market.world.clusters["other"]
    with django_capture_on_commit_callbacks(execute=True):
        membership_request_create(
            actor=market.users["superuser"], cluster=other_cluster, organization=own
        )
    assert all(f"|{other_cluster.pk}|" in doc.clusters for doc in documents())

    with django_capture_on_commit_callbacks(execute=True):
        organization_delete(actor=SYSTEM, organization=own)
    assert documents() == []
