"""Certificates of attendance: PDF for a checked-in attendee of a training, in their language,
with a verification page anyone can open; none before check-in; a forged link is refused."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail

from highlands.events import certificates, services

pytestmark = pytest.mark.django_db


def test_checked_in_attendee_downloads_a_verifiable_certificate(
    client, world, people, event_factory
):
    event = event_factory()
    reg = services.registration_create(actor=people[0], event=event)
    client.force_login(people[0])
    assert client.get(f"/events/{event.pk}/certificate.pdf").status_code == HTTPStatus.NOT_FOUND
    services.checkin(actor=world.users["coordinator"], event=event, code=services.ticket_code(reg))
    page = client.get(f"/pl/events/{event.pk}/").content.decode()
    assert f"/pl/events/{event.pk}/certificate.pdf" in page
    response = client.get(f"/pl/events/{event.pk}/certificate.pdf")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Roboto" in response.content  # the embedded font with Polish letters
    url = f"/events/certificates/{certificates.token(reg)}/"
    client.logout()
    body = client.get(url).content.decode()
    assert "This certificate is genuine." in body
    assert "Person0" in body
    forged = certificates.token(reg)[:-3] + "abc"
    assert client.get(f"/events/certificates/{forged}/").status_code == HTTPStatus.NOT_FOUND
    other = services.registration_create(actor=people[1], event=event)
    assert not certificates.eligible(other)  # not checked in
    assert not mail.outbox or all("certificate" not in m.subject for m in mail.outbox)


def test_no_certificate_for_kinds_that_do_not_train(world, people, event_factory):
    event = event_factory(kind="meetup")
    reg = services.registration_create(actor=people[0], event=event)
    services.checkin(actor=world.users["coordinator"], event=event, code=services.ticket_code(reg))
    reg.refresh_from_db()
    assert not certificates.eligible(reg)
