"""Issue 13, contact paths: a message to a cluster or an organisation goes through the
platform (honeypot, signed timestamp, per-person and per-address limits); the recipients'
addresses are never shown to the sender."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from highlands.accounts import services
from highlands.accounts.models import ContactMessage
from highlands.accounts.services import contact_person_create
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.web import forms
from tests.accounts.fixtures import World, make_user
from tests.accounts.fixtures import world as world  # a fixture

pytestmark = pytest.mark.django_db


def _old_stamp(user_pk: int, age: float = 60) -> str:
    return signing.dumps({"u": user_pk, "t": time.time() - age}, salt=forms.CONTACT_SALT)


def _post(client: Client, url: str, user: Any, **extra: str) -> Any:
    data = {"subject": "Heat treatment", "body": "Can you harden 200 shafts?"}
    data.update({"stamp": _old_stamp(user.pk), "homepage": ""})
    data.update(extra)
    return client.post(url, data)


def test_an_investor_writes_to_a_cluster_and_never_sees_its_addresses(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    investor = make_user("investor@fund.example.com")
    contact_person_create(
        actor=world.users["coordinator"],
        cluster=world.clusters["own"],
        full_name="Public Person",
        email="public@cluster-own.example",
        position_title="Office manager",
    )
    public_page = Client().get(reverse("web:cluster", args=["cluster-own"])).content.decode()
    assert "Public Person" in public_page  # consented public contact: name and position
    assert "public@cluster-own.example" not in public_page
    assert "coord@example.org" not in public_page
    url = reverse("web:cluster_contact", args=["cluster-own"])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]
    client = Client()
    client.force_login(investor)
    form_page = client.get(url).content.decode()
    assert "coord@example.org" not in form_page
    assert "public@cluster-own.example" not in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, url, investor)
    assert response.status_code == 302
    delivered = {m.to[0]: m for m in mail.outbox}
    assert set(delivered) == {"coord@example.org", "public@cluster-own.example"}
    assert all(m.reply_to == ["investor@fund.example.com"] for m in delivered.values())
    assert "Can you harden 200 shafts?" in delivered["coord@example.org"].body
    followed = client.get(response["Location"]).content.decode()
    assert "coord@example.org" not in followed
    assert ContactMessage.objects.get().recipients == 2


@pytest.mark.parametrize(
    "extra",
    [
        {"homepage": "http://spam.example"},  # the honeypot
        {"stamp": "forged"},
        {"stamp": signing.dumps({"u": 0, "t": 0.0}, salt=forms.CONTACT_SALT)},  # someone else's
    ],
)
def test_bots_are_refused_and_nothing_is_sent(world: World, extra: dict[str, str]) -> None:
    person = make_user("writer@example.org")
    client = Client()
    client.force_login(person)
    url = reverse("web:organization_contact", args=["org-own"])
    response = _post(client, url, person, **extra)
    assert response.status_code == 200
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_a_form_sent_back_at_once_is_refused(world: World) -> None:
    person = make_user("fast@example.org")
    client = Client()
    client.force_login(person)
    url = reverse("web:organization_contact", args=["org-own"])
    fresh = forms.contact_stamp(person.pk)
    response = _post(client, url, person, stamp=fresh)
    assert response.status_code == 200
    assert not ContactMessage.objects.exists()


def test_per_person_and_per_address_limits(world: World) -> None:
    person = make_user("chatty@example.org")
    for n in range(services.CONTACT_PER_HOUR):
        services.contact_message_send(
            actor=person, organization=world.orgs["own"], subject=f"#{n}", body="Hello"
        )
    with pytest.raises(ApplicationError, match="many messages"):
        services.contact_message_send(
            actor=person, organization=world.orgs["own"], subject="again", body="Hello"
        )
    others = [make_user(f"bot{n}@example.org") for n in range(services.CONTACT_PER_ADDRESS_HOUR)]
    for other in others[:-1]:
        services.contact_message_send(
            actor=other,
            organization=world.orgs["own"],
            subject="s",
            body="b",
            client_address="203.0.113.7",
        )
    # The person's own limit was reached above; this one is the address's 20th... next refused.
    services.contact_message_send(
        actor=others[-1],
        organization=world.orgs["own"],
        subject="s",
        body="b",
        client_address="203.0.113.7",
    )
    with pytest.raises(ApplicationError, match="many messages"):
        services.contact_message_send(
            actor=make_user("fresh@example.org"),
            organization=world.orgs["own"],
            subject="s",
            body="b",
            client_address="203.0.113.7",
        )
    assert not ContactMessage.objects.filter(client_hash="203.0.113.7").exists()  # hashed


def test_nobody_to_reach_and_anonymous_refused(world: World) -> None:
    person = make_user("lonely@example.org")
    with pytest.raises(ApplicationError, match="Nobody can be reached"):
        services.contact_message_send(
            actor=person, organization=world.newcomer, subject="s", body="b"
        )
    with pytest.raises(PermissionDeniedError):
        services.contact_message_send(
            actor=None, organization=world.orgs["own"], subject="s", body="b"
        )
    client = Client()
    client.force_login(person)
    page = client.get(reverse("web:organization_contact", args=["org-newcomer"]))
    assert "Nobody can be reached" in page.content.decode()
