"""Services: audit entries, notifications in the platform and by e-mail, preferences,
follows, renewals and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.marketplace import selectors, services
from highlands.marketplace.models import (
    CooperationProfile,
    Notification,
    NotificationKind,
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


def test_interest_notifies_owner_in_platform_and_by_mail(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_express(
            actor=market.users["peer_rep"],
            profile=market.profiles["public"],
            organization=market.peer,
            message="We have a laser.",
        )
    note = Notification.objects.get(user=market.users["representative"])
    assert note.kind == NotificationKind.INTEREST_RECEIVED
    assert "Org peer university" in note.message
    assert [m.to for m in mail.outbox] == [["rep@example.org"]]
    assert "We have a laser." not in mail.outbox[0].body  # the message stays in the platform
    # The platform does not know which language the recipient reads: Polish, then English.
    polish, english = mail.outbox[0].body.split("— English —")
    assert "Organizacja Org peer university jest zainteresowana profilem" in polish
    assert "/pl/marketplace/notifications/" in polish
    assert "Org peer university is interested in" in english
    assert "/marketplace/notifications/" in english
    assert "jest zainteresowana" in mail.outbox[0].subject


def test_preferences_switch_off_mail_and_notifications(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    rep = market.users["representative"]
    services.preferences_update(actor=rep, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_express(
            actor=market.users["peer_rep"],
            profile=market.profiles["public"],
            organization=market.peer,
            message="Hi",
        )
    assert Notification.objects.filter(user=rep).count() == 1
    assert mail.outbox == []
    services.preferences_update(actor=rep, notify_interests=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_express(
            actor=market.users["stranger_rep"],
            profile=market.profiles["public"],
            organization=market.world.orgs["other"],
            message="Hi",
        )
    assert Notification.objects.filter(user=rep).count() == 1
    assert not selectors.preferences_of(user=rep).notify_interests


def test_followers_hear_of_updates_and_new_matches(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    visitor = market.users["visitor"]
    offer = market.profiles["public"]
    services.profile_follow(actor=visitor, profile=offer)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            actor=market.users["representative"], profile=offer, capacity="3 mm"
        )
    assert Notification.objects.filter(user=visitor, kind=NotificationKind.PROFILE_UPDATED).exists()
    # A matching public request published by someone else is a new match for the follower.
    services.profile_create(
        actor=market.users["stranger_rep"],
        organization=market.world.orgs["other"],
        kind="business_request",
        title="Szukamy cięcia laserowego blachy stalowej",
        description="Potrzebujemy podwykonawcy do cięcia i gięcia blach.",
        language="pl",
        publish=True,
    )
    assert Notification.objects.filter(user=visitor, kind=NotificationKind.NEW_MATCH).exists()
    assert len(mail.outbox) >= 1
    services.notifications_mark_read(actor=visitor)
    assert not Notification.objects.filter(user=visitor, read_at__isnull=True).exists()


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
