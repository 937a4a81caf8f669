"""Services: audit entries, follows, renewals and expiry (notifications: test_notifications.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.marketplace import selectors, services
from highlands.marketplace.models import (
    CooperationProfile,
    ProfileStatus,
)

from .conftest import Market

pytestmark = pytest.mark.django_db


def test_every_write_is_audited(market: Market) -> None:
    rep, peer_rep = market.users["representative"], market.users["peer_rep"]
    draft = market.profiles["draft"]
    services.profile_update(actor=rep, profile=draft, title="Laser cutting of steel")
    services.profile_publish(actor=rep, profile=draft)
    interest = services.interest_express(
        actor=peer_rep, profile=draft, organization=market.peer, message="Interested"
    )
    services.interest_decide(actor=rep, interest=interest, accept=True)
    services.cooperation_close(actor=rep, interest=interest)
    services.cooperation_confirm(
        actor=peer_rep, interest=interest, organization=market.peer, rating=5
    )
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for action in (
        "marketplace.profile_create",
        "marketplace.profile_update",
        "marketplace.profile_publish",
        "marketplace.interest_express",
        "marketplace.interest_accept",
        "marketplace.cooperation_close",
        "marketplace.cooperation_confirm",
    ):
        assert action in actions
    update = AuditEntry.objects.get(action="marketplace.profile_update")
    assert update.before == {"title": "Sheet metal cutting draft"}
    assert update.after == {"title": "Laser cutting of steel"}
    assert update.actor_id == rep.pk
    assert update.organization_id == market.world.orgs["own"].pk


def test_cannot_follow_an_invisible_profile(market: Market) -> None:
    with pytest.raises(services.PermissionDeniedError):
        services.profile_follow(actor=market.users["visitor"], profile=market.profiles["clusters"])


def test_expiry_and_renewal(market: Market) -> None:
    rep = market.users["representative"]
    profile = market.profiles["public"]
    CooperationProfile.objects.filter(pk=profile.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert not selectors.profile_is_visible(market.users["visitor"], profile)
    assert services.profile_expire_due() == 1
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.EXPIRED
    renewed = services.profile_renew(
        actor=rep, profile=profile, valid_until=timezone.localdate() + timedelta(days=30)
    )
    assert renewed.status == ProfileStatus.PUBLISHED
    assert selectors.profile_is_visible(market.users["visitor"], renewed)
    with pytest.raises(services.PermissionDeniedError):
        services.profile_renew(actor=market.users["peer_rep"], profile=renewed)


def test_badge_counts_confirmations_received(market: Market) -> None:
    rep, peer_rep = market.users["representative"], market.users["peer_rep"]
    interest = services.interest_express(
        actor=peer_rep, profile=market.profiles["public"], organization=market.peer, message="x"
    )
    services.interest_decide(actor=rep, interest=interest, accept=True)
    services.cooperation_close(actor=rep, interest=interest)
    services.cooperation_confirm(
        actor=peer_rep, interest=interest, organization=market.peer, rating=4
    )
    services.cooperation_confirm(
        actor=rep, interest=interest, organization=market.world.orgs["own"], rating=5
    )
    own = selectors.organization_badge(organization=market.world.orgs["own"])
    assert (own.count, own.average_rating, own.verified) == (1, 4.0, True)
    peer = selectors.organization_badge(organization=market.peer)
    assert (peer.count, peer.average_rating) == (1, 5.0)
    other = selectors.organization_badge(organization=market.world.orgs["other"])
    assert not other.verified
