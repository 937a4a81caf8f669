"""Issue 13: a person without an organisation (an investor) can express interest; their
address reaches the owner only once the owner accepts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.marketplace import selectors, services
from highlands.marketplace.forms import AS_PERSON
from highlands.marketplace.models import Interest
from highlands.notifications.models import Notification

from .conftest import Market

pytestmark = pytest.mark.django_db


def test_a_person_is_interested_and_sees_contacts_only_after_acceptance(market: Market) -> None:
    investor = market.users["visitor"]  # no organisation
    profile = market.profiles["public"]
    interest = services.interest_express(
        actor=investor, profile=profile, organization=None, message="We invest in metalwork."
    )
    assert interest.organization is None
    assert interest.author == investor
    owner = market.users["representative"]
    note = Notification.objects.get(user=owner, kind="marketplace.interest_received")
    assert "person without an organization" in note.subject_en
    assert investor.email not in note.subject_en + note.subject_pl + note.body_en
    assert selectors.interest_contacts(user=owner, interest=interest) == []
    assert interest in selectors.interests_sent(user=investor)
    assert selectors.interest_get(user=investor, pk=interest.pk) == interest

    services.interest_decide(actor=owner, interest=interest, accept=True)
    interest.refresh_from_db()
    (seen_by_owner,) = selectors.interest_contacts(user=owner, interest=interest)
    assert seen_by_owner.email == investor.email
    seen_by_investor = selectors.interest_contacts(user=investor, interest=interest)
    assert {c.email for c in seen_by_investor} >= {"olga@own.example", owner.email}
    assert Notification.objects.filter(user=investor, kind="marketplace.interest_decided").exists()
    # A person's interest is no cooperation between organisations to confirm.
    services.cooperation_close(actor=owner, interest=interest)
    with pytest.raises(ApplicationError, match="two organizations"):
        services.cooperation_confirm(
            actor=owner, interest=interest, organization=market.world.orgs["own"], rating=5
        )


def test_once_per_person_and_never_in_ones_own_organisations_profile(market: Market) -> None:
    investor = market.users["visitor"]
    profile = market.profiles["public"]
    services.interest_express(actor=investor, profile=profile, organization=None, message="Hi")
    with pytest.raises(ApplicationError, match="already expressed"):
        services.interest_express(actor=investor, profile=profile, organization=None, message="2")
    with pytest.raises(ApplicationError, match="represent this profile's organization"):
        services.interest_express(
            actor=market.users["representative"], profile=profile, organization=None, message="x"
        )
    with pytest.raises(PermissionDeniedError):
        services.interest_express(actor=None, profile=profile, organization=None, message="x")
    # A profile the person may not see stays hidden.
    with pytest.raises(PermissionDeniedError):
        services.interest_express(
            actor=investor, profile=market.profiles["clusters"], organization=None, message="x"
        )
    assert Interest.objects.filter(organization__isnull=True).count() == 1


def test_the_profile_page_offers_interest_as_a_person(market: Market) -> None:
    profile = market.profiles["public"]
    anonymous = Client().get(reverse("marketplace:profile", args=[profile.pk])).content.decode()
    assert "next=" in anonymous  # sign in, then back here
    client = Client()
    client.force_login(market.users["visitor"])
    page = client.get(reverse("marketplace:profile", args=[profile.pk])).content.decode()
    assert f'value="{AS_PERSON}"' in page
    response = client.post(
        reverse("marketplace:profile", args=[profile.pk]),
        {"organization": AS_PERSON, "message": "Interested as an investor."},
    )
    assert response.status_code == 302
    assert Interest.objects.get(author=market.users["visitor"]).organization is None
    listing: Any = client.get(reverse("marketplace:interests")).content.decode()
    assert "A person without an organization" in listing


def test_an_interest_in_demo_content_is_flagged_before_and_after_sending(market: Market) -> None:
    """Demo profiles have nobody behind them: the sender is told before sending, when it is
    sent, on their list of interests and in the API, never left waiting silently."""
    demo = market.profiles["public"]
    demo.is_demo = True
    demo.save(update_fields=["is_demo"])
    real = services.profile_create(
        actor=market.users["representative"],
        organization=market.world.orgs["own"],
        kind="subcontracting",
        title="Powder coating",
        description="Powder coating of steel parts.",
        publish=True,
    )
    client = Client()
    client.force_login(market.users["visitor"])
    url = reverse("marketplace:profile", args=[demo.pk])
    assert 'id="demo-owner-warning"' in client.get(url).content.decode()
    assert (
        'id="demo-owner-warning"'
        not in client.get(reverse("marketplace:profile", args=[real.pk])).content.decode()
    )
    response = client.post(url, {"organization": AS_PERSON, "message": "Hello"}, follow=True)
    assert "nobody will answer it" in response.content.decode()
    client.post(
        reverse("marketplace:profile", args=[real.pk]),
        {"organization": AS_PERSON, "message": "Hello"},
    )
    listing = client.get(reverse("marketplace:interests")).content.decode()
    assert listing.count('class="alert warning demo-owner"') == 1  # the demo one only
    # In Polish too.
    listing_pl = client.get("/pl" + reverse("marketplace:interests")).content.decode()
    assert "nikt nie odpowie" in listing_pl
    # The API says it per interest.
    token = market.tokens["visitor"]
    rows = (
        Client()
        .get("/api/v1/marketplace/interests", headers={"Authorization": f"Bearer {token}"})
        .json()
    )
    assert {r["profile"]: r["profile_is_demo"] for r in rows} == {demo.pk: True, real.pk: False}
    # The owner's side is unchanged: they may still answer.
    owner_page = Client()
    owner_page.force_login(market.users["representative"])
    assert "demo-owner" not in owner_page.get(reverse("marketplace:interests")).content.decode()
