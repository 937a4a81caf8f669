"""Following a marketplace search: who is told about which new profile, once, as their
preferences allow; the matching threshold; bad input; the API and the pages."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Highland
from highlands.errors import ApplicationError, NotFoundError, PermissionDeniedError
from highlands.marketplace import encoding, selectors, services
from highlands.marketplace.models import (
    CooperationProfile,
    NotificationKind,
    SavedSearch,
    SavedSearchMatch,
)
from highlands.notifications import services as notifications
from highlands.notifications.models import Notification

from .conftest import Market, bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/marketplace"
POLISH_QUERY = "cięcie laserowe blachy"


def _notes(user: Any) -> list[Notification]:
    """The person's search-match notifications, kept by the notifications layer."""
    return list(
        Notification.objects.filter(user=user, kind=NotificationKind.SEARCH_MATCH.registered)
    )


def _url(profile: CooperationProfile) -> str:
    return f"/marketplace/profiles/{profile.pk}/"


def _publish(market: Market, role: str = "stranger_rep", **extra: Any) -> CooperationProfile:
    """An English laser-cutting offer published by the stranger's organisation (or another)."""
    organization = {
        "stranger_rep": market.world.orgs["other"],
        "representative": market.world.orgs["own"],
        "peer_rep": market.peer,
    }[role]
    fields: dict[str, Any] = {
        "kind": "subcontracting",
        "title": "Laser cutting of steel sheets",
        "description": "Fibre laser cutting and bending of steel sheets up to 10 mm.",
        "keywords": ["sheet metal", "laser cutting"],
        "publish": True,
        **extra,
    }
    return services.profile_create(actor=market.users[role], organization=organization, **fields)


# -- the threshold -------------------------------------------------------------------------------


def _vector(title: str, description: str, keywords: str) -> Any:
    vectors = encoding.encode([f"{title}. {keywords}", f"{title}\n{description}\n{keywords}"])
    mean = vectors.mean(axis=0)
    return mean / (mean @ mean) ** 0.5


PROFILES = {
    "laser": ("Sheet metal cutting", "Laser cutting and bending of steel sheets.", "sheet metal"),
    "software": (
        "Hospital software development",
        "Clinical information systems and telemedicine apps for hospitals.",
        "software, healthcare IT",
    ),
    "food": ("Organic apple juice", "Cold-pressed apple juice from Lublin orchards.", "food"),
    "coating": (
        "Anti-corrosion coating services",
        "Powder coating and galvanising of steel structures.",
        "coating, corrosion",
    ),
}
# A Polish search and the English profile it is about (cosines 0.56, 0.64, 0.61, and 0.35 for
# "montaż fotowoltaiki": below the old fixed threshold of 0.4, which never matched it).
# Short same-language searches match by their words; the calibration catches the other language.
PAIRS = {
    "cięcie laserowe blachy": "laser",
    "oprogramowanie dla szpitali": "software",
    "powłoki antykorozyjne": "coating",
    "montaż fotowoltaiki": "pv",
}
PROFILES["pv"] = (
    "Solar panel installation",
    "Design and installation of photovoltaic systems for companies.",
    "photovoltaics, solar",
)


def test_the_calibrated_match_separates_matches_from_unrelated_profiles() -> None:
    """Each search's profile lies ≥ 1 spread above SEARCH_MATCH_Z, unrelated ones ≥ 1.5 below."""
    from highlands.search.selectors import query_calibration

    vectors = {name: _vector(*fields) for name, fields in PROFILES.items()}
    for query, target in PAIRS.items():
        q = encoding.encode([query])[0]
        calibration = query_calibration(q)
        for name, vector in vectors.items():
            z = calibration.z(float(q @ vector))
            if name == target:
                assert z >= selectors.SEARCH_MATCH_Z, (query, name)
            else:
                assert z < selectors.SEARCH_MATCH_Z - 1.5, (query, name)


def test_a_cross_lingual_match_below_the_old_fixed_cosine_matches(market: Market) -> None:
    """Issue 14: "montaż fotowoltaiki" ↔ an English solar profile has cosine 0.35 — a fixed
    threshold of 0.4 threw it away; calibrated on the query, it stands far out."""
    q = encoding.encode(["montaż fotowoltaiki"])[0]
    vector = _vector(*PROFILES["pv"])
    assert float(q @ vector) < 0.4
    saved = SavedSearch(query="montaż fotowoltaiki", vector=encoding.to_bytes(q))
    assert selectors.search_matches_profile(saved, frozenset(), vector)
    unrelated = _vector(*PROFILES["food"])
    assert not selectors.search_matches_profile(saved, frozenset(), unrelated)


# -- who is told ----------------------------------------------------------------------------------


def test_a_new_matching_profile_notifies_in_platform_and_by_mail(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query=POLISH_QUERY)
    with django_capture_on_commit_callbacks(execute=True):
        profile = _publish(market)
    [note] = _notes(visitor)
    assert note.url == _url(profile)
    assert POLISH_QUERY in note.subject_en
    assert [m.to for m in mail.outbox] == [["visitor@example.org"]]
    assert "Laser cutting of steel sheets" in mail.outbox[0].subject


def test_words_match_in_either_language_without_the_encoder(market: Market) -> None:
    """Every folded, stemmed word of the search (or its translation) is in the profile."""
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query="Fibre laser")  # folded: "fibre laser"
    services.saved_search_create(actor=visitor, query="Światłowody")  # nothing like it
    _publish(market)
    assert [n.subject_en for n in _notes(visitor)] == [
        "“Laser cutting of steel sheets” matches your followed search “Fibre laser”."
    ]


def test_an_unrelated_profile_notifies_nobody(market: Market) -> None:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query="oprogramowanie dla szpitali")
    _publish(market)
    assert _notes(visitor) == []


def test_filters_must_match_too(market: Market) -> None:
    visitor = market.users["visitor"]
    highland = Highland.objects.create(slug="metal", name="Metal", name_pl="Metal", position=1)
    services.saved_search_create(actor=visitor, query=POLISH_QUERY, kind="business_request")
    services.saved_search_create(actor=visitor, direction="offer", highland=highland)
    _publish(market)  # an offer, but in no highland
    assert _notes(visitor) == []
    profile = _publish(market, title="Laser cutting, metal highland", highlands=[highland])
    assert [n.url for n in _notes(visitor)] == [_url(profile)]


@pytest.mark.parametrize(
    ("visibility", "follower", "told"),
    [
        ("public", "anonymous-like visitor", True),
        ("ecosystem", "anonymous-like visitor", False),
        ("ecosystem", "peer_rep", True),
        ("clusters", "coordinator", False),  # coordinates "own", the stranger is in "other"
        ("clusters", "visitor", False),
        ("clusters", "city_admin", True),
    ],
)
def test_nobody_hears_of_a_profile_they_may_not_see(
    market: Market, visibility: str, follower: str, told: bool
) -> None:
    user = market.users["visitor" if follower.startswith("anonymous") else follower]
    services.saved_search_create(actor=user, query=POLISH_QUERY)
    _publish(market, visibility=visibility)
    assert bool(_notes(user)) is told


def test_cluster_members_hear_of_their_clusters_profiles(market: Market) -> None:
    """The peer shares cluster "own" with the representative's organisation."""
    peer, stranger = market.users["peer_rep"], market.users["stranger_rep"]
    for user in (peer, stranger):
        services.saved_search_create(actor=user, query=POLISH_QUERY)
    _publish(market, role="representative", visibility="clusters")
    assert len(_notes(peer)) == 1
    assert _notes(stranger) == []


def test_own_organisations_profiles_are_not_news(market: Market) -> None:
    rep = market.users["representative"]
    services.saved_search_create(actor=rep, query=POLISH_QUERY)
    _publish(market, role="representative")
    assert _notes(rep) == []


def test_drafts_are_not_news_until_published(market: Market) -> None:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query=POLISH_QUERY)
    draft = _publish(market, publish=False)
    assert _notes(visitor) == []
    services.profile_publish(actor=market.users["stranger_rep"], profile=draft)
    assert len(_notes(visitor)) == 1


def test_at_most_once_per_search_and_profile(market: Market) -> None:
    visitor, owner = market.users["visitor"], market.users["stranger_rep"]
    saved = services.saved_search_create(actor=visitor, query=POLISH_QUERY)
    profile = _publish(market)
    services.profile_update(actor=owner, profile=profile, capacity="500 pcs/month")
    services.profile_renew(actor=owner, profile=profile)
    assert len(_notes(visitor)) == 1
    assert SavedSearchMatch.objects.filter(saved_search=saved, profile=profile).count() == 1
    _publish(market, title="Laser cutting of stainless steel")
    assert len(_notes(visitor)) == 2


def test_an_update_into_a_match_notifies(market: Market) -> None:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query="anodising")
    profile = _publish(market)
    assert _notes(visitor) == []
    services.profile_update(
        actor=market.users["stranger_rep"], profile=profile, keywords=["anodising"]
    )
    assert len(_notes(visitor)) == 1


def test_preferences_are_respected(market: Market, django_capture_on_commit_callbacks) -> None:
    visitor, peer = market.users["visitor"], market.users["peer_rep"]
    kind = NotificationKind.SEARCH_MATCH.registered
    notifications.preferences_update(actor=visitor, email={kind: False})
    for user in (visitor, peer):
        services.saved_search_create(actor=user, query=POLISH_QUERY)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(market)
    # Switched off: no e-mail, the in-app notification stays (the layer's one rule).
    assert len(_notes(visitor)) == 1
    assert len(_notes(peer)) == 1
    assert [m.to for m in mail.outbox] == [[peer.email]]


# -- bad input ------------------------------------------------------------------------------------


def test_bad_input_is_refused_and_changes_nothing(market: Market) -> None:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query="Cięcie  laserowe", kind="subcontracting")
    before = SavedSearch.objects.count(), AuditEntry.objects.count()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"query": "cięcie LASEROWE", "kind": "subcontracting"}, services.SEARCH_DUPLICATE),
        ({"query": "x" * (services.SAVED_QUERY_MAX + 1)}, "too long"),
        ({"query": "x" * 100_000}, "too long"),
        ({"query": "  <b></b> "}, services.SEARCH_EMPTY),
        ({"query": "laser", "kind": "spaceship"}, "not a valid profile type"),
        ({"query": "laser", "direction": "sideways"}, "not a valid direction"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ApplicationError, match=message):
            services.saved_search_create(actor=visitor, **kwargs)
    with pytest.raises(PermissionDeniedError, match=services.SIGN_IN_TO_FOLLOW):
        services.saved_search_create(actor=None, query="laser")
    assert (SavedSearch.objects.count(), AuditEntry.objects.count()) == before


def test_a_user_follows_a_bounded_number_of_searches(market: Market) -> None:
    visitor = market.users["visitor"]
    for i in range(services.SAVED_SEARCHES_MAX):
        services.saved_search_create(actor=visitor, query=f"laser {i}")
    with pytest.raises(ApplicationError, match="at most 20 searches"):
        services.saved_search_create(actor=visitor, query="one more")
    assert SavedSearch.objects.filter(user=visitor).count() == services.SAVED_SEARCHES_MAX


def test_only_ones_own_search_can_be_unfollowed(market: Market) -> None:
    saved = services.saved_search_create(actor=market.users["visitor"], query="laser")
    with pytest.raises(NotFoundError):
        selectors.saved_search_get(user=market.users["peer_rep"], pk=saved.pk)
    with pytest.raises(PermissionDeniedError, match=services.SEARCH_NOT_YOURS):
        services.saved_search_delete(actor=market.users["peer_rep"], saved_search=saved)
    services.saved_search_delete(actor=market.users["visitor"], saved_search=saved)
    assert not SavedSearch.objects.exists()


# -- API ------------------------------------------------------------------------------------------


def test_api_lists_creates_and_deletes_followed_searches(market: Market) -> None:
    client, headers = Client(), bearer(market, "visitor")
    created = client.post(
        f"{API}/searches",
        {"query": POLISH_QUERY, "kind": "subcontracting"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == HTTPStatus.CREATED
    body = created.json()
    assert body["query"] == POLISH_QUERY
    assert body["label"] == f"{POLISH_QUERY} · Subcontracting capability"
    duplicate = client.post(
        f"{API}/searches",
        {"query": POLISH_QUERY.upper(), "kind": "subcontracting"},
        content_type="application/json",
        headers=headers,
    )
    assert duplicate.status_code == HTTPStatus.BAD_REQUEST
    assert duplicate.json()["message"] == services.SEARCH_DUPLICATE
    too_long = client.post(
        f"{API}/searches",
        {"query": "x" * 300},
        content_type="application/json",
        headers=headers,
    )
    assert too_long.status_code == HTTPStatus.BAD_REQUEST
    unknown_field = client.post(
        f"{API}/searches",
        {"query": "laser", "user": 1},
        content_type="application/json",
        headers=headers,
    )
    assert unknown_field.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    listed = client.get(f"{API}/searches", headers=headers).json()
    assert [s["id"] for s in listed] == [body["id"]]
    # Someone else's search is not found; the owner can delete it.
    other = client.delete(f"{API}/searches/{body['id']}", headers=bearer(market, "peer_rep"))
    assert other.status_code == HTTPStatus.NOT_FOUND
    gone = client.delete(f"{API}/searches/{body['id']}", headers=headers)
    assert gone.json() == {"id": body["id"], "following": False}
    assert client.get(f"{API}/searches", headers=headers).json() == []


def test_api_needs_a_signed_in_caller(market: Market) -> None:
    client = Client()
    assert client.get(f"{API}/searches").status_code == HTTPStatus.UNAUTHORIZED
    created = client.post(f"{API}/searches", {"query": "x"}, content_type="application/json")
    assert created.status_code == HTTPStatus.UNAUTHORIZED
    assert not SavedSearch.objects.exists()


def test_api_profile_list_searches_with_q(market: Market) -> None:
    from highlands.search.indexing import rebuild

    rebuild()
    found = Client().get(f"{API}/profiles", {"q": POLISH_QUERY, "kind": "subcontracting"}).json()
    assert [p["id"] for p in found] == [market.profiles["public"].pk]  # anonymous: public only


# -- pages ----------------------------------------------------------------------------------------


def test_follow_this_search_from_the_list_and_unfollow(market: Market) -> None:
    client = Client()
    client.force_login(market.users["visitor"])
    listing = client.get(reverse("marketplace:index"), {"q": "laser", "direction": "offer"})
    assert "Follow this search" in listing.content.decode()
    assert "Follow this search" not in client.get(reverse("marketplace:index")).content.decode()
    data = {"q": "laser", "kind": "", "direction": "offer", "highland": ""}
    response = client.post(reverse("marketplace:search_follow"), data, follow=True)
    page = response.content.decode()
    assert "You follow this search now." in page
    assert "laser · Offer" in page
    again = client.post(reverse("marketplace:search_follow"), data, follow=True)
    assert "You already follow this search." in again.content.decode()
    saved = SavedSearch.objects.get(user=market.users["visitor"])
    client.post(reverse("marketplace:searches"), {"unfollow": saved.pk})
    assert not SavedSearch.objects.exists()
    # Somebody else's id (or garbage) is not found.
    other = services.saved_search_create(actor=market.users["peer_rep"], query="laser")
    response = client.post(reverse("marketplace:searches"), {"unfollow": other.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND
    response = client.post(reverse("marketplace:searches"), {"unfollow": "x\x00"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert SavedSearch.objects.filter(pk=other.pk).exists()


def test_the_list_searches_as_you_type(market: Market) -> None:
    """htmx asks for the results only; they carry the follow button for that search."""
    from highlands.search.indexing import rebuild

    rebuild()
    client = Client()
    client.force_login(market.users["stranger_rep"])
    partial = client.get(
        reverse("marketplace:index"), {"q": POLISH_QUERY}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial
    assert "Follow this search" in partial
    ecosystem = reverse("marketplace:profile", args=[market.profiles["ecosystem"].pk])
    clusters = reverse("marketplace:profile", args=[market.profiles["clusters"].pk])
    assert ecosystem in partial
    assert clusters not in partial  # the stranger is not in the owner's cluster
    empty = client.get(
        reverse("marketplace:index"), {"q": "helikoptery"}, headers={"HX-Request": "true"}
    )
    assert "No profile matches this search yet." in empty.content.decode()


def test_follow_a_highland_from_the_list(market: Market) -> None:
    Highland.objects.create(slug="metal", name="Metal processing", name_pl="Metal", position=1)
    client = Client()
    client.force_login(market.users["visitor"])
    listing = client.get(reverse("marketplace:index"), {"highland": "metal"}).content.decode()
    assert "Follow this search" in listing
    client.post(reverse("marketplace:search_follow"), {"highland": "metal"})
    saved = SavedSearch.objects.get(user=market.users["visitor"])
    assert (saved.query, saved.highland.slug if saved.highland else None) == ("", "metal")
    # A highland that does not exist is not a choice: nothing is saved.
    response = client.post(reverse("marketplace:search_follow"), {"highland": "nowhere"})
    assert response.status_code == HTTPStatus.FOUND
    assert SavedSearch.objects.count() == 1


def test_pages_are_in_polish_too(market: Market) -> None:
    client = Client()
    client.force_login(market.users["visitor"])
    # override() restores the language afterwards: requests to /pl/ activate Polish.
    with translation.override("pl"):
        listing = client.get(reverse("marketplace:index"), {"q": "laser"}).content.decode()
        assert "Obserwuj to wyszukiwanie" in listing
        followed = client.post(reverse("marketplace:search_follow"), {"q": "laser"}, follow=True)
        page = followed.content.decode()
        assert "Obserwują Państwo teraz to wyszukiwanie." in page
        assert "Obserwowane wyszukiwania" in page
        again = client.post(reverse("marketplace:search_follow"), {"q": "LASER"}, follow=True)
        assert "To wyszukiwanie jest już przez Państwa obserwowane." in again.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(market: Market) -> None:
    client = Client()
    listing = client.get(reverse("marketplace:index"), {"q": "laser"}).content.decode()
    assert "Sign in to follow this search" in listing
    for response in (
        client.post(reverse("marketplace:search_follow"), {"q": "laser"}),
        client.get(reverse("marketplace:searches")),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert reverse("account_login") in response["Location"]
    assert not SavedSearch.objects.exists()
