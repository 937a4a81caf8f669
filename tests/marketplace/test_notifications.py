"""Marketplace notifications go through the notifications layer: each of its six kinds is
registered, arrives in-app and by e-mail (after commit only), honours the person's switch
for that kind, and reads in Polish for a Polish profile and in the Polish inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from highlands.marketplace import services
from highlands.marketplace.models import CooperationProfile, NotificationKind
from highlands.notifications import registry
from highlands.notifications import services as notifications
from highlands.notifications.models import Notification

from .conftest import Market

pytestmark = pytest.mark.django_db

LASER = "Fibre laser cutting and bending of steel sheets up to 10 mm."


def _own_profile(market: Market, language: str) -> CooperationProfile:
    """A public offer of the representative's organisation, written in ``language``."""
    return services.profile_create(
        actor=market.users["representative"],
        organization=market.world.orgs["own"],
        kind="subcontracting",
        title="Cięcie laserowe blach" if language == "pl" else "Laser cutting of sheets",
        description=LASER,
        language=language,
        keywords=["laser cutting"],
        publish=True,
    )


def _interest(market: Market, profile: CooperationProfile) -> Any:
    return services.interest_express(
        actor=market.users["peer_rep"],
        profile=profile,
        organization=market.peer,
        message="We have a press brake.",
    )


# Each kind: (set-up outside the capture, the write that notifies) -> the person told.
def _interest_received(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    profile = _own_profile(market, language)
    return lambda: _interest(market, profile), market.users["representative"]


def _interest_decided(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    interest = _interest(market, _own_profile(market, language))
    rep = market.users["representative"]
    return (
        lambda: services.interest_decide(actor=rep, interest=interest, accept=True),
        market.users["peer_rep"],
    )


def _cooperation_confirmed(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    rep = market.users["representative"]
    interest = _interest(market, _own_profile(market, language))
    services.interest_decide(actor=rep, interest=interest, accept=True)
    services.cooperation_close(actor=rep, interest=interest)
    return (
        lambda: services.cooperation_confirm(
            actor=market.users["peer_rep"], interest=interest, organization=market.peer, rating=5
        ),
        rep,
    )


def _profile_updated(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    profile = _own_profile(market, language)
    visitor = market.users["visitor"]
    services.profile_follow(actor=visitor, profile=profile)
    return (
        lambda: services.profile_update(
            actor=market.users["representative"], profile=profile, capacity="3 mm"
        ),
        visitor,
    )


def _new_match(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    visitor = market.users["visitor"]
    services.profile_follow(actor=visitor, profile=market.profiles["public"])
    return (
        lambda: services.profile_create(
            actor=market.users["stranger_rep"],
            organization=market.world.orgs["other"],
            kind="business_request",
            title="Szukamy cięcia laserowego blachy stalowej",
            description="Potrzebujemy podwykonawcy do cięcia i gięcia blach stalowych.",
            language=language,
            publish=True,
        ),
        visitor,
    )


def _search_match(market: Market, language: str) -> tuple[Callable[[], Any], Any]:
    visitor = market.users["visitor"]
    services.saved_search_create(actor=visitor, query="laser cutting", kind="subcontracting")
    return (
        lambda: services.profile_create(
            actor=market.users["stranger_rep"],
            organization=market.world.orgs["other"],
            kind="subcontracting",
            title="Laser cutting of steel sheets",
            description=LASER,
            language=language,
            keywords=["laser cutting"],
            publish=True,
        ),
        visitor,
    )


TRIGGERS = {
    NotificationKind.INTEREST_RECEIVED: _interest_received,
    NotificationKind.INTEREST_DECIDED: _interest_decided,
    NotificationKind.COOPERATION_CONFIRMED: _cooperation_confirmed,
    NotificationKind.PROFILE_UPDATED: _profile_updated,
    NotificationKind.NEW_MATCH: _new_match,
    NotificationKind.SEARCH_MATCH: _search_match,
}
# What each kind's subject says in each language (a fragment of the catalogue's text).
SAYS = {
    NotificationKind.INTEREST_RECEIVED: ("is interested in", "jest zainteresowana"),
    NotificationKind.INTEREST_DECIDED: ("was accepted", "zostało przyjęte"),
    NotificationKind.COOPERATION_CONFIRMED: ("confirmed your cooperation", "potwierdziła"),
    NotificationKind.PROFILE_UPDATED: ("was updated", "został zaktualizowany"),
    NotificationKind.NEW_MATCH: ("New match for", "Nowe dopasowanie"),
    NotificationKind.SEARCH_MATCH: ("matches your followed search", "pasuje do obserwowanego"),
}


def _told(user: Any, kind: NotificationKind) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind.registered))


def _deliver(
    market: Market, kind: NotificationKind, language: str, capture: Any, *, email: bool = True
) -> tuple[Notification, list[Any]]:
    """Trigger ``kind`` about a profile in ``language`` (the person's e-mail switch for the
    kind set to ``email``) and commit: the person's one notification and their e-mails."""
    write, person = TRIGGERS[kind](market, language)
    if not email:
        notifications.preferences_update(actor=person, email={kind.registered: False})
    mail.outbox.clear()
    with capture(execute=True):
        write()
        assert mail.outbox == []  # nothing leaves before the commit
    [note] = _told(person, kind)  # in-app is always kept
    return note, [m for m in mail.outbox if m.to == [person.email]]


def test_every_kind_is_registered_with_the_layer() -> None:
    names = {k.name for k in registry.kinds()}
    assert {k.registered for k in NotificationKind} <= names
    assert TRIGGERS.keys() == set(NotificationKind)


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda k: k.value)
def test_each_kind_arrives_in_app_and_by_mail_after_commit(
    market: Market, kind: NotificationKind, django_capture_on_commit_callbacks
) -> None:
    note, [message] = _deliver(market, kind, "en", django_capture_on_commit_callbacks)
    english, polish = SAYS[kind]
    assert english in note.subject_en
    assert polish in note.subject_pl
    assert note.url.startswith("/marketplace/profiles/")
    assert note.emailed
    assert english in message.subject
    assert note.url in message.body
    assert reverse("notifications:preferences") in message.body


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda k: k.value)
def test_each_kind_honours_the_persons_email_switch(
    market: Market, kind: NotificationKind, django_capture_on_commit_callbacks
) -> None:
    note, messages = _deliver(market, kind, "en", django_capture_on_commit_callbacks, email=False)
    assert not note.emailed
    assert messages == []


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda k: k.value)
def test_each_kind_reads_in_polish_for_a_polish_reader(
    market: Market, kind: NotificationKind, django_capture_on_commit_callbacks
) -> None:
    note, [message] = _deliver(market, kind, "pl", django_capture_on_commit_callbacks)
    polish = SAYS[kind][1]
    assert polish in message.subject  # a Polish profile: the e-mail is in Polish
    assert "/pl/workspace/notifications/preferences/" in message.body
    client = Client()
    client.force_login(note.user)
    inbox = client.get("/pl" + reverse("notifications:list")).content.decode()
    assert polish in inbox
    assert SAYS[kind][0] not in inbox


def test_a_rolled_back_write_mails_nobody(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    write, person = _interest_received(market, "en")
    mail.outbox.clear()

    def fail_after_writing() -> None:
        with transaction.atomic():
            write()
            raise RuntimeError("the surrounding work fails")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        fail_after_writing()
    assert callbacks == []
    assert _told(person, NotificationKind.INTEREST_RECEIVED) == []
    assert mail.outbox == []


def test_the_header_bell_counts_marketplace_notifications(market: Market) -> None:
    write, person = _interest_received(market, "en")
    write()
    client = Client()
    client.force_login(person)
    page = client.get(reverse("marketplace:index")).content.decode()
    assert '<span class="badge count">1<' in page  # the one bell in the header
    inbox = client.get(reverse("notifications:list")).content.decode()
    assert "is interested in" in inbox
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(user=person, read_at__isnull=True).exists()
    assert "badge count" not in client.get(reverse("marketplace:index")).content.decode()
