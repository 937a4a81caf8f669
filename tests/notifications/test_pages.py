"""The notifications pages: the list with the unread count in the header, marking read, and
the per-kind e-mail preferences, in English and Polish."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from highlands.notifications import services
from highlands.notifications.models import NotificationPreference
from highlands.notifications.registry import register_kind
from tests.accounts.fixtures import make_user

register_kind("test.hello", label="Test greetings")
SUBJECT = "Your seat is confirmed: %(title)s"


@pytest.fixture
def person(db):
    return make_user("reader@example.org")


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_list_shows_unread_count_in_the_header_and_marks_read(client, person):
    services.notify(
        recipient=person,
        kind="test.hello",
        subject=SUBJECT,
        context={"title": "Lean"},
        url="/events/",
    )
    services.notify(recipient=person, kind="test.hello", subject=SUBJECT, context={"title": "Six"})
    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Your seat is confirmed: Lean" in page
    assert '<span class="badge count">2<span class="visually-hidden"> unread</span>' in page
    with translation.override("pl"):
        url = reverse("notifications:list")
    polish = client.get(url).content.decode()
    assert "Twoje miejsce" in polish
    assert "Powiadomienia" in polish
    first = person.notifications.order_by("created_at").first()
    response = client.post(reverse("notifications:mark_read"), {"id": first.pk})
    assert response["Location"] == "/events/"
    page = client.get(reverse("notifications:list")).content.decode()
    assert '<span class="badge count">1<span' in page
    client.post(reverse("notifications:mark_read"))
    page = client.get(reverse("notifications:list")).content.decode()
    assert "badge count" not in page


def test_preferences_page_saves_each_kind(client, person):
    client.force_login(person)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'value="events.reminder" checked' in page
    assert "Test greetings" in page
    response = client.post(reverse("notifications:preferences"), {"email": ["test.hello"]})
    assert response.status_code == HTTPStatus.FOUND
    saved = dict(NotificationPreference.objects.filter(user=person).values_list("kind", "email"))
    assert saved["events.reminder"] is False
    assert "test.hello" not in saved
