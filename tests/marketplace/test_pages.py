"""The /marketplace/ pages drive the same services: post, express interest, accept, confirm."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from highlands.marketplace.models import (
    CooperationConfirmation,
    CooperationProfile,
    Interest,
)
from highlands.notifications.models import Notification

from .conftest import Market

pytestmark = pytest.mark.django_db


def _login(market: Market, role: str) -> Client:
    client = Client()
    client.force_login(market.users[role])
    return client


def test_post_interest_accept_close_confirm_through_pages(market: Market) -> None:
    rep, peer = _login(market, "representative"), _login(market, "peer_rep")
    response = rep.post(
        reverse("marketplace:profile_create"),
        {
            "organization": "org-own",
            "kind": "expertise",
            "title": "Welding laboratory",
            "description": "Weld inspection.",
            "language": "en",
            "keywords": "welding, inspection",
            "visibility": "public",
            "publish": "on",
        },
    )
    profile = CooperationProfile.objects.get(title="Welding laboratory")
    assert response.status_code == HTTPStatus.FOUND
    assert profile.keywords == ["welding", "inspection"]
    detail = reverse("marketplace:profile", args=[profile.pk])
    peer.post(detail, {"organization": "org-peer", "message": "We need weld checks."})
    interest = Interest.objects.get(profile=profile)
    # The interested side cannot accept its own interest.
    refused = peer.post(reverse("marketplace:interest_action", args=[interest.pk, "accept"]))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    rep.post(reverse("marketplace:interest_action", args=[interest.pk, "accept"]))
    page = peer.get(reverse("marketplace:interests")).content.decode()
    assert "olga@own.example" in page
    peer.post(reverse("marketplace:interest_action", args=[interest.pk, "close"]))
    peer.post(
        reverse("marketplace:interest_action", args=[interest.pk, "confirm"]),
        {"organization": "org-peer", "rating": "5", "comment": "Fine"},
    )
    confirmation = CooperationConfirmation.objects.get()
    assert (confirmation.organization, confirmation.partner) == (market.peer, profile.organization)
    # The marketplace's old inbox sends people to the one notifications list.
    moved = rep.get(reverse("marketplace:notifications"))
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == reverse("notifications:list")
    notes = rep.get(reverse("notifications:list")).content.decode()
    assert "Org peer university is interested" in notes
    rep.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(
        user=market.users["representative"], read_at__isnull=True
    ).exists()
    badge_page = Client().get(detail).content.decode()
    assert "Verified partner: 1 confirmed cooperation" in badge_page


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/pl", "pl")])
def test_a_new_profile_is_in_the_page_language_until_chosen(
    market: Market, prefix: str, language: str
) -> None:
    page = _login(market, "representative").get(prefix + "/marketplace/new/").content.decode()
    select = page.split('name="language"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)" selected>', select) == [language]


def test_anonymous_cannot_post_and_visitor_without_organisation_is_refused(
    market: Market,
) -> None:
    anonymous = Client().get(reverse("marketplace:profile_create"))
    assert anonymous.status_code == HTTPStatus.FOUND
    visitor = _login(market, "visitor").get(reverse("marketplace:profile_create"))
    assert visitor.status_code == HTTPStatus.FORBIDDEN
    count = Interest.objects.count()
    response = Client().post(
        reverse("marketplace:profile", args=[market.profiles["public"].pk]),
        {"organization": "org-peer", "message": "x"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Interest.objects.count() == count
