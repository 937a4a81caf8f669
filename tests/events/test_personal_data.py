"""Erasing a person (accounts.gdpr) through events' share: an upcoming seat is given up and
goes to the first person waiting; names and answers are replaced; the export lists them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from highlands.accounts import gdpr
from highlands.audit.models import AuditEntry
from highlands.events import services
from highlands.events.models import Registration

pytestmark = pytest.mark.django_db


def test_erasure_frees_an_upcoming_seat_and_replaces_names_and_answers(
    event_factory, people
) -> None:
    event = event_factory(capacity=2, questions=["Position?"])
    leaving = services.registration_create(
        actor=people[0], event=event, answers=["Welder"], attendees=["Ala Kot", "Jan Kot"]
    )
    waiting = services.registration_create(actor=people[1], event=event, answers=["Owner"])
    assert (leaving.status, waiting.status) == ("confirmed", "waiting")
    exported = gdpr.person_export(actor=people[0], user=people[0])["events"]["registrations"]
    assert exported[0]["attendees"] == ["Ala Kot", "Jan Kot"]
    assert exported[0]["answers"] == ["Welder"]

    gdpr.user_erase(actor=people[0], user=people[0])
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert leaving.status == "cancelled"
    assert leaving.attendees == [services.ERASED_NAME] * 2  # the seats counted stay two
    assert leaving.answers == [services.ERASED_NAME]
    assert waiting.status == "confirmed"  # the freed seats went to the first in line
    logged = AuditEntry.objects.filter(object_type="events.registration", object_id=str(leaving.pk))
    assert logged.exists()
    assert all(e.after is None and e.before is None for e in logged)  # the copies scrubbed


def test_erasure_keeps_a_past_attendance(event_factory, people) -> None:
    event = event_factory(questions=["Position?"])
    seat = services.registration_create(actor=people[0], event=event, answers=["Welder"])
    Registration.objects.filter(pk=seat.pk).update(checked_in_at=timezone.now())
    event.starts_at -= timedelta(days=30)
    event.ends_at -= timedelta(days=30)
    event.save(update_fields=["starts_at", "ends_at"])
    gdpr.user_erase(actor=people[0], user=people[0])
    seat.refresh_from_db()
    assert seat.status == "confirmed"  # it counts for the event's attendance
    assert seat.checked_in_at is not None
    assert seat.answers == [services.ERASED_NAME]


def test_erasure_takes_the_person_off_invitation_lists_and_their_copies_in_the_log(
    event_factory, people, world
) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=people[0], email="Private.Box@Example.org", verified=True)
    invited = event_factory(
        audience="invitation",
        invitees=["Person0@Example.org", "person1@example.org", "private.box@example.org"],
    )
    other = event_factory(audience="invitation", invitees=["person1@example.org"])
    services.event_update(
        actor=world.users["coordinator"],
        event=invited,
        invitees=["person0@example.org", "person1@example.org", "private.box@example.org"],
        capacity=12,
    )
    exported = gdpr.person_export(actor=people[0], user=people[0])["events"]["invitations"]
    assert [e["event"] for e in exported] == [invited.title]

    gdpr.user_erase(actor=people[0], user=people[0])
    invited.refresh_from_db()
    other.refresh_from_db()
    assert invited.invitees == ["person1@example.org"]  # every address of the person goes
    assert other.invitees == ["person1@example.org"]
    logged = AuditEntry.objects.filter(object_type="events.event", object_id=str(invited.pk))
    assert logged.count() >= 2  # created, then changed
    text = " ".join(str((e.before, e.after)) for e in logged).casefold()
    assert "person0@" not in text
    assert "private.box@" not in text
    assert "person1@example.org" in text  # the rest of the entry stays
    assert any(e.after and e.after.get("capacity") == 12 for e in logged)


def test_an_unverified_address_is_neither_exported_nor_taken_off(event_factory, people) -> None:
    """Anyone can add an address they do not own without confirming it: it must not show
    the owner's invitations in an export, nor take the owner off a list by an erasure."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=people[0], email="Victim@Example.org", verified=False)
    secret = event_factory(audience="invitation", invitees=["victim@example.org"])
    exported = gdpr.person_export(actor=people[0], user=people[0])["events"]["invitations"]
    assert exported == []
    gdpr.user_erase(actor=people[0], user=people[0])
    secret.refresh_from_db()
    assert secret.invitees == ["victim@example.org"]


def test_a_unicode_address_is_exported_and_erased_with_its_log_copies(
    event_factory, people, world
) -> None:
    """Lists hold addresses lower-cased; SQLite keeps the JSON with \\u escapes and casefold
    turns ß into ss: neither lets such an address escape the export or the erasure."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=people[0], email="Straße@Bücher.de", verified=True)
    invited = event_factory(
        audience="invitation", invitees=["STRASSE@BÜCHER.DE", "zoë@example.org"]
    )
    assert invited.invitees == ["strasse@bücher.de", "zoë@example.org"]
    services.event_update(
        actor=world.users["coordinator"],
        event=invited,
        invitees=["Straße@Bücher.de", "strasse@bücher.de", "zoë@example.org"],
        capacity=12,
    )
    invited.refresh_from_db()
    assert invited.invitees == ["straße@bücher.de", "strasse@bücher.de", "zoë@example.org"]
    exported = gdpr.person_export(actor=people[0], user=people[0])["events"]["invitations"]
    assert [e["event"] for e in exported] == [invited.title]

    gdpr.user_erase(actor=people[0], user=people[0])
    invited.refresh_from_db()
    assert invited.invitees == ["zoë@example.org"]
    logged = AuditEntry.objects.filter(object_type="events.event", object_id=str(invited.pk))
    text = " ".join(str((e.before, e.after)) for e in logged).casefold()
    assert "bücher" not in text
    assert "zoë@example.org" in text


def test_erasure_locks_the_events_whose_lists_it_rewrites(
    event_factory, people, monkeypatch
) -> None:
    from django.db.models import QuerySet

    invited = event_factory(audience="invitation", invitees=["person0@example.org", "x@y.org"])
    locked: list[QuerySet] = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        clone = original(self, *args, **kwargs)
        if self.model is invited.__class__:
            locked.append(clone)
        return clone

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    assert services.invitees_erase_person(["Person0@example.org"]) == 1
    assert any(invited.pk in {e.pk for e in qs} for qs in locked)
    invited.refresh_from_db()
    assert invited.invitees == ["x@y.org"]
