"""Issue 13: the registry and the marketplace know each other — cluster pages show their
members' live offers and requests, organisation pages their own and the way to their
recommendations, and each profile links its organisation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from highlands.marketplace.services import profile_close

from .conftest import Market

pytestmark = pytest.mark.django_db


def test_a_cluster_page_shows_what_its_members_offer_to_whom_may_see_it(market: Market) -> None:
    url = reverse("web:cluster", args=["cluster-own"])
    anonymous = Client().get(url).content.decode()
    assert "Sheet metal cutting public" in anonymous
    assert "Sheet metal cutting clusters" not in anonymous  # members of its clusters only
    assert "Sheet metal cutting draft" not in anonymous
    member = Client()
    member.force_login(market.users["peer_rep"])
    assert "Sheet metal cutting clusters" in member.get(url).content.decode()
    other_cluster = Client().get(reverse("web:cluster", args=["cluster-other"])).content.decode()
    assert "Sheet metal cutting public" not in other_cluster
    profile_close(actor=market.users["representative"], profile=market.profiles["public"])
    assert "Sheet metal cutting public" not in Client().get(url).content.decode()


def test_an_organisation_page_shows_its_profiles_and_recommendations(market: Market) -> None:
    page = Client().get(reverse("web:organization", args=["org-own"])).content.decode()
    assert "Sheet metal cutting public" in page
    assert reverse("marketplace:organization", args=["org-own"]) in page
    assert reverse("web:organization_contact", args=["org-own"]) in page


def test_a_profile_links_its_organisation(market: Market) -> None:
    profile = market.profiles["public"]
    page = Client().get(reverse("marketplace:profile", args=[profile.pk])).content.decode()
    assert reverse("web:organization", args=["org-own"]) in page
