"""Bad input: each refusal is a clear error (a constant) and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.marketplace import services
from highlands.marketplace.models import (
    CooperationConfirmation,
    CooperationProfile,
    Interest,
    ProfileStatus,
)

from .conftest import Market, bearer

pytestmark = pytest.mark.django_db
API = "/api/v1/marketplace"


def _state() -> tuple[int, int, int, int]:
    return (
        CooperationProfile.objects.count(),
        Interest.objects.count(),
        CooperationConfirmation.objects.count(),
        AuditEntry.objects.count(),
    )


def _create(market: Market, **overrides: Any) -> CooperationProfile:
    fields: dict[str, Any] = {
        "actor": market.users["representative"],
        "organization": market.world.orgs["own"],
        "kind": "technology_offer",
        "title": "Fibre sensors",
        "description": "Optical fibre sensors.",
        "publish": True,
    }
    fields.update(overrides)
    return services.profile_create(**fields)


@pytest.mark.parametrize(
    ("overrides", "message_start"),
    [
        ({"title": "x" * 201}, "The title is too long"),
        ({"description": "y" * 100_000}, "The description is too long"),
        ({"title": "<script>alert(1)</script>"}, "The title cannot be empty."),
        ({"description": "   "}, "The description cannot be empty."),
        ({"keywords": ["k"] * 21}, "At most 20 keywords"),
        ({"kind": "wish"}, "'wish' is not a valid profile type."),
        ({"visibility": "everyone"}, "'everyone' is not a valid visibility."),
        ({"language": "de"}, "'de' is not a valid language."),
        ({"valid_until": timezone.localdate()}, services.VALIDITY_PAST),
        ({"valid_until": timezone.localdate() + timedelta(days=800)}, "A profile may be valid"),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(
    market: Market, overrides: dict[str, Any], message_start: str
) -> None:
    before = _state()
    with pytest.raises(ApplicationError) as error:
        _create(market, **overrides)
    assert error.value.message.startswith(message_start)
    assert _state() == before


def test_hostile_markup_is_stored_as_plain_text(market: Market) -> None:
    profile = _create(
        market, title="<b>Laser</b> cutting<img src=x onerror=alert(1)>", description="<i>ok</i>"
    )
    assert profile.title == "Laser cutting"
    assert profile.description == "ok"
    page = Client().get(f"/marketplace/profiles/{profile.pk}/").content.decode()
    assert "onerror" not in page


def test_posting_for_an_organisation_one_does_not_represent(market: Market) -> None:
    before = _state()
    with pytest.raises(PermissionDeniedError, match=services.POST_DENIED):
        _create(market, organization=market.world.orgs["other"])
    assert _state() == before


@pytest.mark.parametrize("how", ["expired", "closed", "draft"])
def test_interest_in_expired_closed_or_draft_profile(market: Market, how: str) -> None:
    profile = market.profiles["public"]
    if how == "expired":
        CooperationProfile.objects.filter(pk=profile.pk).update(
            valid_until=timezone.localdate() - timedelta(days=1)
        )
    elif how == "closed":
        services.profile_close(actor=market.users["representative"], profile=profile)
    else:
        profile = market.profiles["draft"]
    profile.refresh_from_db()
    before = _state()
    with pytest.raises((ApplicationError, PermissionDeniedError)) as error:
        services.interest_express(
            actor=market.users["peer_rep"],
            profile=profile,
            organization=market.peer,
            message="Interested",
        )
    # A draft is simply not visible to others; an expired or closed one says so.
    expected = (
        services.PROFILE_NOT_VISIBLE.format(pk=profile.pk)
        if how == "draft"
        else services.PROFILE_NOT_OPEN.format(status=how)
    )
    assert error.value.message == expected
    assert _state() == before


def test_duplicate_and_self_interest(market: Market) -> None:
    profile = market.profiles["public"]
    services.interest_express(
        actor=market.users["peer_rep"], profile=profile, organization=market.peer, message="Hi"
    )
    before = _state()
    with pytest.raises(ApplicationError, match=services.DUPLICATE_INTEREST):
        services.interest_express(
            actor=market.users["peer_rep"],
            profile=profile,
            organization=market.peer,
            message="Hi again",
        )
    with pytest.raises(ApplicationError, match=services.SELF_INTEREST):
        services.interest_express(
            actor=market.users["representative"],
            profile=profile,
            organization=market.world.orgs["own"],
            message="Me",
        )
    assert _state() == before


def test_api_errors_are_clear_and_change_nothing(market: Market) -> None:
    client = Client()
    profile = market.profiles["public"]
    url = f"{API}/profiles/{profile.pk}/interests"
    body = {"organization": "org-peer", "message": "Interested"}
    first = client.post(
        url, body, content_type="application/json", headers=bearer(market, "peer_rep")
    )
    assert first.status_code == HTTPStatus.CREATED
    before = _state()
    again = client.post(
        url, body, content_type="application/json", headers=bearer(market, "peer_rep")
    )
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json() == {
        "code": "conflict",
        "message": services.DUPLICATE_INTEREST,
        "details": [],
    }
    own = client.post(
        url,
        {"organization": "org-own", "message": "self"},
        content_type="application/json",
        headers=bearer(market, "representative"),
    )
    assert own.json()["message"] == services.SELF_INTEREST
    huge = client.post(
        f"{API}/profiles",
        {
            "organization": "org-own",
            "kind": "business_offer",
            "title": "T",
            "description": "d" * 30000,
        },
        content_type="application/json",
        headers=bearer(market, "representative"),
    )
    assert huge.status_code == HTTPStatus.BAD_REQUEST
    assert huge.json()["code"] == "too_long"
    forged = client.post(
        f"{API}/profiles",
        {
            "organization": "org-own",
            "kind": "business_offer",
            "title": "T",
            "description": "d",
            "is_demo": True,
        },
        content_type="application/json",
        headers=bearer(market, "representative"),
    )
    assert forged.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _state() == before


def test_confirmations_one_per_side_no_self_endorsement_valid_rating(market: Market) -> None:
    rep, peer_rep = market.users["representative"], market.users["peer_rep"]
    interest = services.interest_express(
        actor=peer_rep, profile=market.profiles["public"], organization=market.peer, message="Hi"
    )
    before = _state()
    with pytest.raises(ApplicationError, match=services.NOT_A_COOPERATION):
        services.cooperation_close(actor=rep, interest=interest)
    services.interest_decide(actor=rep, interest=interest, accept=True)
    with pytest.raises(ApplicationError, match=services.COOPERATION_NOT_CLOSED):
        services.cooperation_confirm(
            actor=rep, interest=interest, organization=market.world.orgs["own"], rating=5
        )
    services.cooperation_close(actor=peer_rep, interest=interest)
    for rating in (0, 6, True):
        with pytest.raises(ApplicationError, match=services.INVALID_RATING):
            services.cooperation_confirm(
                actor=rep, interest=interest, organization=market.world.orgs["own"], rating=rating
            )
    # The stranger cannot confirm for a side they do not represent (nor for their own org).
    with pytest.raises(PermissionDeniedError):
        services.cooperation_confirm(
            actor=market.users["stranger_rep"],
            interest=interest,
            organization=market.world.orgs["other"],
            rating=5,
        )
    # Confirming "on behalf" of the other side = endorsing oneself: refused.
    with pytest.raises(PermissionDeniedError, match=services.CONFIRM_SIDE_DENIED):
        services.cooperation_confirm(
            actor=rep, interest=interest, organization=market.peer, rating=5
        )
    assert CooperationConfirmation.objects.count() == before[2]
    confirmation = services.cooperation_confirm(
        actor=rep, interest=interest, organization=market.world.orgs["own"], rating=4
    )
    assert confirmation.partner == market.peer
    with pytest.raises(ApplicationError, match=services.DUPLICATE_CONFIRMATION):
        services.cooperation_confirm(
            actor=rep, interest=interest, organization=market.world.orgs["own"], rating=5
        )
    assert CooperationConfirmation.objects.count() == before[2] + 1


def test_interest_decided_twice_and_by_the_wrong_side(market: Market) -> None:
    interest = services.interest_express(
        actor=market.users["peer_rep"],
        profile=market.profiles["public"],
        organization=market.peer,
        message="Hi",
    )
    with pytest.raises(PermissionDeniedError, match=services.DECIDE_DENIED):
        services.interest_decide(actor=market.users["peer_rep"], interest=interest, accept=True)
    services.interest_decide(actor=market.users["representative"], interest=interest, accept=False)
    with pytest.raises(ApplicationError, match="already declined"):
        services.interest_decide(
            actor=market.users["representative"], interest=interest, accept=True
        )
    interest.refresh_from_db()
    assert interest.status == "declined"


def test_closed_profile_cannot_be_edited_or_renewed(market: Market) -> None:
    rep = market.users["representative"]
    profile = services.profile_close(actor=rep, profile=market.profiles["public"])
    assert profile.status == ProfileStatus.CLOSED
    with pytest.raises(ApplicationError, match=services.PROFILE_CLOSED):
        services.profile_update(actor=rep, profile=profile, title="New")
    with pytest.raises(ApplicationError):
        services.profile_renew(actor=rep, profile=profile)
    profile.refresh_from_db()
    assert profile.title == "Sheet metal cutting public"
