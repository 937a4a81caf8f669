"""Group registration: one person registers several named attendees; capacity, the
per-organisation limit and the waiting list count seats; a group gets all its seats or waits
whole, is promoted whole, and nobody behind it overtakes it."""

from __future__ import annotations

import pytest
from django.core import mail

from highlands.accounts.models import OrganizationRepresentative
from highlands.errors import ApplicationError
from highlands.events import services
from highlands.events.models import Event

pytestmark = pytest.mark.django_db


def _rows(event: Event) -> list[tuple[str, int]]:
    return list(event.registrations.order_by("sequence").values_list("status", "seats"))


def test_a_group_takes_a_seat_per_attendee_or_waits_whole(event_factory, people):
    event = event_factory(capacity=5)
    group = services.registration_create(
        actor=people[0], event=event, attendees=["Anna Nowak", "Jan Kowalski", "Ewa Lis"]
    )
    assert (group.status, group.seats, group.attendees) == (
        "confirmed",
        3,
        ["Anna Nowak", "Jan Kowalski", "Ewa Lis"],
    )
    big = services.registration_create(
        actor=people[1], event=event, attendees=["A One", "B Two", "C Three"]
    )
    assert big.status == "waiting"  # 2 seats left: all or none
    single = services.registration_create(actor=people[2], event=event)
    assert single.status == "waiting"  # no overtaking the group ahead in the queue
    assert services._seats_taken(event) == 3


def test_a_freed_group_promotes_the_waiting_in_order_and_whole(
    event_factory, people, django_capture_on_commit_callbacks
):
    event = event_factory(capacity=4)
    first = services.registration_create(actor=people[0], event=event, attendees=["A", "B", "C"])
    services.registration_create(actor=people[1], event=event, attendees=["D", "E"])
    services.registration_create(actor=people[2], event=event)
    services.registration_create(actor=people[3], event=event, attendees=["F", "G", "H"])
    assert _rows(event) == [("confirmed", 3), ("waiting", 2), ("waiting", 1), ("waiting", 3)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=people[0], registration=first)
    # 4 free seats: the pair and the single (in order); the trio behind them does not fit.
    assert _rows(event) == [("cancelled", 3), ("confirmed", 2), ("confirmed", 1), ("waiting", 3)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[1].email, people[2].email])


def test_group_input_is_checked(event_factory, people):
    event = event_factory(capacity=3)
    with pytest.raises(ApplicationError, match="A group of 4 cannot fit this event"):
        services.registration_create(actor=people[0], event=event, attendees=list("ABCD"))
    with pytest.raises(ApplicationError, match="'anna' is named twice"):
        services.registration_create(actor=people[0], event=event, attendees=["Anna", "anna"])
    with pytest.raises(ApplicationError, match="needs a name"):
        services.registration_create(actor=people[0], event=event, attendees=["Anna", "  "])
    with pytest.raises(ApplicationError, match="attendees"):
        services.registration_create(
            actor=people[0], event=event, attendees=[f"P{i}" for i in range(51)]
        )
    assert not event.registrations.exists()  # nothing half-written


def test_the_per_organisation_limit_counts_seats(world, event_factory, people):
    rep = world.users["representative"]
    org = world.orgs["own"]
    OrganizationRepresentative.objects.create(user=people[0], organization=org)
    event = event_factory(per_organization_limit=3)
    services.registration_create(actor=rep, event=event, organization=org, attendees=["A", "B"])
    with pytest.raises(ApplicationError, match="already registered its 3 people"):
        services.registration_create(
            actor=people[0], event=event, organization=org, attendees=["C", "D"]
        )
    services.registration_create(actor=people[0], event=event, organization=org)


def test_group_registration_through_the_page_and_the_api(client, event_factory, people):
    event = event_factory(capacity=10)
    client.force_login(people[0])
    client.post(f"/events/{event.pk}/register/", {"attendees": "Anna Nowak\n\nJan Kowalski\n"})
    body = client.get(f"/events/{event.pk}/").content.decode()
    assert "Your group holds 2 seats:" in body
    assert "<li>Jan Kowalski</li>" in body
    client.force_login(people[1])
    response = client.post(
        f"/api/v1/events/{event.pk}/registrations",
        {"attendees": ["X Y", "Z W", "Q R"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["seats"] == 3
    assert response.json()["attendees"] == ["X Y", "Z W", "Q R"]
