"""Role × profile visibility matrix through the selector, the pages, the API and the
recommender; contacts only after acceptance."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from highlands.marketplace import encoding, recommend, selectors
from highlands.marketplace.models import Interest
from highlands.marketplace.services import interest_decide, interest_express

from .conftest import Market, bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/marketplace"
ROLES = (
    "anonymous",
    "visitor",
    "representative",
    "peer_rep",
    "stranger_rep",
    "coordinator",
    "city_admin",
    "superuser",
)
# Who may see which profile: the owner's representatives see all of theirs; nobody else
# (not even the city office) sees a draft.
EXPECTED = {
    "public": set(ROLES),
    "ecosystem": {
        "representative",
        "peer_rep",
        "stranger_rep",
        "coordinator",
        "city_admin",
        "superuser",
    },
    "clusters": {"representative", "peer_rep", "coordinator", "city_admin", "superuser"},
    "draft": {"representative"},
}


def _client(market: Market, role: str) -> Client:
    client = Client()
    user = market.users.get(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_visibility_matrix_everywhere(market: Market, role: str) -> None:
    user = market.users.get(role)
    client = _client(market, role)
    anonymous_api = Client()
    visible_ids = set(selectors.profiles_visible_to(user).values_list("pk", flat=True))
    listing = client.get(reverse("marketplace:index")).content.decode()
    api_list = {
        p["id"] for p in anonymous_api.get(f"{API}/profiles", headers=bearer(market, role)).json()
    }
    # A Polish request from a third party, so every profile is a candidate.
    recs = recommend.rank(
        user=user,
        query=encoding.encode(["Szukamy firmy do cięcia laserowego blachy stalowej"])[0],
        direction="request",
        organization_id=market.world.newcomer.pk,
        limit=20,
    )
    recommended = {r.profile.pk for r in recs.profiles if r.profile}
    for name, profile in market.profiles.items():
        allowed = role in EXPECTED[name]
        assert (profile.pk in visible_ids) is allowed, (name, "selector")
        page = client.get(reverse("marketplace:profile", args=[profile.pk]))
        assert page.status_code == (HTTPStatus.OK if allowed else HTTPStatus.NOT_FOUND), name
        api = anonymous_api.get(f"{API}/profiles/{profile.pk}", headers=bearer(market, role))
        assert api.status_code == (HTTPStatus.OK if allowed else HTTPStatus.NOT_FOUND), name
        recs_api = anonymous_api.get(
            f"{API}/profiles/{profile.pk}/recommendations", headers=bearer(market, role)
        )
        assert recs_api.status_code == (HTTPStatus.OK if allowed else HTTPStatus.NOT_FOUND)
        live_and_allowed = allowed and name != "draft"
        assert (profile.title in listing) is live_and_allowed, (name, "page list")
        assert (profile.pk in api_list) is live_and_allowed, (name, "api list")
        assert (profile.pk in recommended) is live_and_allowed, (name, "recommendations")


def test_recommendations_of_a_visible_profile_hide_invisible_ones(market: Market) -> None:
    """A stranger asking for matches of a public request never sees cluster-only offers."""
    from highlands.marketplace.services import profile_create

    stranger = market.users["stranger_rep"]
    request = profile_create(
        actor=stranger,
        organization=market.world.orgs["other"],
        kind="business_request",
        title="Need laser cutting of steel sheet",
        description="We need a subcontractor for sheet metal cutting.",
        publish=True,
    )
    client = Client()
    body = client.get(
        f"{API}/profiles/{request.pk}/recommendations", headers=bearer(market, "stranger_rep")
    ).json()
    ids = {r["profile"] for r in body["profiles"]}
    assert market.profiles["public"].pk in ids
    assert market.profiles["ecosystem"].pk in ids
    assert market.profiles["clusters"].pk not in ids
    assert market.profiles["draft"].pk not in ids


def test_contacts_only_after_acceptance_and_only_to_the_two_sides(market: Market) -> None:
    profile = market.profiles["public"]
    peer_rep = market.users["peer_rep"]
    interest = interest_express(
        actor=peer_rep, profile=profile, organization=market.peer, message="We can help."
    )
    client = Client()
    url = f"{API}/interests/{interest.pk}/contacts"
    before = client.get(url, headers=bearer(market, "peer_rep"))
    assert before.status_code == HTTPStatus.OK
    assert before.json() == []
    owner_before = client.get(url, headers=bearer(market, "representative")).json()
    assert owner_before == []
    page = _client(market, "peer_rep").get(reverse("marketplace:interests")).content.decode()
    assert "olga@own.example" not in page
    assert "rep@example.org" not in page

    interest_decide(actor=market.users["representative"], interest=interest, accept=True)
    peer_sees = {c["email"] for c in client.get(url, headers=bearer(market, "peer_rep")).json()}
    owner_sees = {
        c["email"] for c in client.get(url, headers=bearer(market, "representative")).json()
    }
    assert peer_sees == {"olga@own.example", "rep@example.org"}
    assert owner_sees == {"piotr@peer.example", "peer@example.org"}
    page = _client(market, "peer_rep").get(reverse("marketplace:interests")).content.decode()
    assert "olga@own.example" in page
    for outsider in ("stranger_rep", "visitor", "coordinator"):
        response = client.get(url, headers=bearer(market, outsider))
        assert response.status_code == HTTPStatus.NOT_FOUND, outsider
    assert Interest.objects.count() == 1


def test_declined_interest_reveals_nothing(market: Market) -> None:
    interest = interest_express(
        actor=market.users["peer_rep"],
        profile=market.profiles["public"],
        organization=market.peer,
        message="Hello",
    )
    interest_decide(actor=market.users["representative"], interest=interest, accept=False)
    assert selectors.interest_contacts(user=market.users["peer_rep"], interest=interest) == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("visitor", False),
        ("representative", False),
        ("stranger_rep", False),
        ("coordinator", True),
        ("city_admin", True),
    ],
)
def test_cluster_activity_and_statistics(market: Market, role: str, allowed: bool) -> None:
    client = _client(market, role)
    slug = market.world.clusters["own"].slug
    page = client.get(reverse("marketplace:cluster_activity", args=[slug]))
    if role == "anonymous":
        assert page.status_code == HTTPStatus.FOUND
    else:
        assert page.status_code == (HTTPStatus.OK if allowed else HTTPStatus.FORBIDDEN)
    api = Client().get(f"{API}/clusters/{slug}/activity", headers=bearer(market, role))
    expected_api = HTTPStatus.OK if allowed else HTTPStatus.FORBIDDEN
    if role == "anonymous":
        expected_api = HTTPStatus.UNAUTHORIZED
    assert api.status_code == expected_api
    if allowed:
        titles = {p["title"] for p in api.json()["profiles"]}
        assert "Sheet metal cutting public" in titles
        assert "Sheet metal cutting draft" not in titles
    stats = Client().get(f"{API}/statistics", headers=bearer(market, role))
    stats_allowed = role == "city_admin"
    if role == "anonymous":
        assert stats.status_code == HTTPStatus.UNAUTHORIZED
    else:
        assert stats.status_code == (HTTPStatus.OK if stats_allowed else HTTPStatus.FORBIDDEN)
    if stats_allowed:
        assert stats.json()["profiles_by_status"] == {"published": 3, "draft": 1}
