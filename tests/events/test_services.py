"""The events' write path: organising, registration with capacity and the waiting list,
cancellation, promotion in order, check-in, reminders, and the refusals of bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.events import selectors, services
from highlands.events.models import Event, Registration
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db


def _statuses(event: Event) -> list[str]:
    return list(event.registrations.order_by("sequence").values_list("status", flat=True))


def test_twelve_for_ten_seats_two_wait_and_a_cancellation_promotes_the_first(
    event_factory, people, django_capture_on_commit_callbacks
):
    event = event_factory()
    with django_capture_on_commit_callbacks(execute=True):
        regs = [services.registration_create(actor=p, event=event) for p in people[:12]]
    assert [r.status for r in regs] == ["confirmed"] * 10 + ["waiting"] * 2
    assert selectors.waiting_place(regs[10]) == 1
    assert selectors.waiting_place(regs[11]) == 2
    assert len(mail.outbox) == 12
    assert mail.outbox[0].attachments[0][0] == "event.ics"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=people[3], registration=regs[3])
    regs[10].refresh_from_db()
    regs[11].refresh_from_db()
    assert regs[10].status == "confirmed"  # the first in line, and only them
    assert regs[11].status == "waiting"
    assert selectors.waiting_place(regs[11]) == 1
    assert [m.to for m in mail.outbox] == [[people[10].email]]
    assert "Zwolniło się miejsce" in mail.outbox[0].subject  # the event is held in Polish
    assert AuditEntry.objects.filter(action="registration.promote").count() == 1


def test_leaving_the_waiting_list_promotes_nobody(event_factory, people):
    event = event_factory(capacity=1)
    first = services.registration_create(actor=people[0], event=event)
    waiting = services.registration_create(actor=people[1], event=event)
    services.registration_create(actor=people[2], event=event)
    services.registration_cancel(actor=people[1], registration=waiting)
    assert _statuses(event) == ["confirmed", "cancelled", "waiting"]
    first.refresh_from_db()
    assert first.status == "confirmed"


def test_an_offered_seat_is_held_until_its_deadline_then_goes_to_the_next(event_factory, people):
    event = event_factory(capacity=1, offer_hours=12)
    seated = services.registration_create(actor=people[0], event=event)
    second = services.registration_create(actor=people[1], event=event)
    third = services.registration_create(actor=people[2], event=event)
    services.registration_cancel(actor=people[0], registration=seated)
    second.refresh_from_db()
    assert second.status == "offered"
    assert second.offer_expires_at is not None
    assert services.offers_expire() == 0  # not yet due
    later = timezone.now() + timedelta(hours=13)
    assert services.offers_expire(now=later) == 1
    assert services.offers_expire(now=later) == 0  # idempotent
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("expired", "offered")
    services.registration_accept_offer(actor=people[2], registration=third)
    third.refresh_from_db()
    assert third.status == "confirmed"
    with pytest.raises(ApplicationError, match="no seat offered"):
        services.registration_accept_offer(actor=people[1], registration=second)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": timezone.now() + timedelta(days=9)}, "ends before it starts"),
        (
            {
                "starts_at": timezone.now() - timedelta(days=1),
                "ends_at": timezone.now() + timedelta(days=1),
            },
            "cannot start in the past",
        ),
        ({"title": "", "title_pl": ""}, "needs a title"),
        ({"capacity": 0}, "capacity must be a whole number"),
        ({"online_url": "javascript:alert(1)"}, "online link must start"),
        ({"title": "x" * 201}, "too long"),
        ({"clusters": []}, "needs an organiser"),
        ({"invitees": ["not-an-address"]}, "not an e-mail address"),
        ({"kind": "party"}, "not a valid event kind"),
    ],
)
def test_bad_event_input_is_refused_by_name_and_writes_nothing(event_factory, overrides, message):
    with pytest.raises(ApplicationError, match=message):
        event_factory(**overrides)
    assert Event.objects.count() == 0
    assert not AuditEntry.objects.filter(action="event.create").exists()


def test_only_organisers_of_the_cluster_or_the_city_office_organise(world, event_factory):
    with pytest.raises(PermissionDeniedError):
        event_factory(clusters=[world.clusters["other"]])
    with pytest.raises(PermissionDeniedError):
        event_factory(clusters=[], by_city_office=True)
    event = event_factory()
    for role in ("visitor", "representative"):
        with pytest.raises(PermissionDeniedError):
            services.event_cancel(actor=world.users[role], event=event)
    city = services.event_create(
        actor=world.users["city_admin"],
        by_city_office=True,
        kind="conference",
        title="Engineers for Lublin",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=100,
    )
    assert city.status == "draft"
    with pytest.raises(PermissionDeniedError):
        services.event_publish(actor=world.users["coordinator"], event=city)


def test_capacity_cannot_drop_below_the_seats_taken_and_raising_it_promotes(
    world, event_factory, people
):
    event = event_factory(capacity=2)
    for p in people[:4]:
        services.registration_create(actor=p, event=event)
    coordinator = world.users["coordinator"]
    with pytest.raises(ApplicationError, match=r"capacity \(1\) cannot be lower than the 2"):
        services.event_update(actor=coordinator, event=event, capacity=1)
    event.refresh_from_db()
    assert event.capacity == 2
    services.event_update(actor=coordinator, event=event, capacity=3)
    assert _statuses(event) == ["confirmed", "confirmed", "confirmed", "waiting"]


def test_registration_refusals(world, event_factory, people):
    event = event_factory()
    services.registration_create(actor=people[0], event=event)
    with pytest.raises(ApplicationError, match="already registered"):
        services.registration_create(actor=people[0], event=event)
    with pytest.raises(PermissionDeniedError, match="organisation you represent"):
        services.registration_create(actor=people[1], event=event, organization=world.orgs["own"])
    closed = event_factory(registration_closes_at=timezone.now() + timedelta(seconds=1))
    Event.objects.filter(pk=closed.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    closed.refresh_from_db()
    with pytest.raises(ApplicationError, match="Registration closed on"):
        services.registration_create(actor=people[1], event=closed)
    draft = event_factory(publish=False)
    with pytest.raises(ApplicationError, match="not open for registration"):
        services.registration_create(actor=people[1], event=draft)
    services.event_cancel(actor=world.users["coordinator"], event=event)
    with pytest.raises(ApplicationError, match="This event is cancelled"):
        services.registration_create(actor=people[2], event=event)
    with pytest.raises(ApplicationError, match="already cancelled"):
        services.event_cancel(actor=world.users["coordinator"], event=event)
    assert Registration.objects.filter(user=people[1]).count() == 0


def test_cancelling_twice_someone_elses_or_after_the_deadline_is_refused(event_factory, people):
    event = event_factory(cancellation_deadline=timezone.now() + timedelta(days=1))
    mine = services.registration_create(actor=people[0], event=event)
    with pytest.raises(PermissionDeniedError, match="only cancel your own"):
        services.registration_cancel(actor=people[1], registration=mine)
    services.registration_cancel(actor=people[0], registration=mine)
    with pytest.raises(ApplicationError, match="already cancelled"):
        services.registration_cancel(actor=people[0], registration=mine)
    again = services.registration_create(actor=people[0], event=event)  # may register again
    Event.objects.filter(pk=event.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ApplicationError, match="cancellation deadline"):
        services.registration_cancel(actor=people[0], registration=again)
    again.refresh_from_db()
    assert again.status == "confirmed"


def test_per_organisation_limit_and_audiences(world, event_factory, people):
    rep = world.users["representative"]  # represents org "own", a member of cluster "own"
    members = event_factory(audience="members", per_organization_limit=1)
    with pytest.raises(PermissionDeniedError, match="not open to you"):
        services.registration_create(actor=people[0], event=members)
    services.registration_create(actor=rep, event=members, organization=world.orgs["own"])
    invited = event_factory(audience="invitation", invitees=["Person1@Example.org"])
    services.registration_create(actor=people[1], event=invited)
    with pytest.raises(PermissionDeniedError):
        services.registration_create(actor=people[2], event=invited)
    limited = event_factory(per_organization_limit=1)
    services.registration_create(actor=rep, event=limited, organization=world.orgs["own"])
    from highlands.accounts.models import OrganizationRepresentative

    OrganizationRepresentative.objects.create(user=people[3], organization=world.orgs["own"])
    with pytest.raises(ApplicationError, match="already registered its 1 people"):
        services.registration_create(actor=people[3], event=limited, organization=world.orgs["own"])


def test_questions_are_answered_one_each(event_factory, people):
    event = event_factory(questions=["Dietary needs?", "<b>Company size?</b>"])
    assert event.questions == ["Dietary needs?", "Company size?"]
    with pytest.raises(ApplicationError, match="asks 2 questions; 1 answers"):
        services.registration_create(actor=people[0], event=event, answers=["none"])
    reg = services.registration_create(actor=people[0], event=event, answers=["none", "<i>50</i>"])
    assert reg.answers == ["none", "50"]


def test_check_in_by_signed_code_counts_a_replay_once(world, event_factory, people):
    event = event_factory()
    other = event_factory()
    reg = services.registration_create(actor=people[0], event=event)
    code = services.ticket_code(reg)
    coordinator = world.users["coordinator"]
    assert services.checkin(actor=coordinator, event=event, code=code)[1] is True
    first_time = Registration.objects.get(pk=reg.pk).checked_in_at
    assert services.checkin(actor=coordinator, event=event, code=code)[1] is False
    assert Registration.objects.get(pk=reg.pk).checked_in_at == first_time
    assert AuditEntry.objects.filter(action="registration.checkin").count() == 1
    with pytest.raises(ApplicationError, match="forged or damaged"):
        services.checkin(actor=coordinator, event=event, code=code[:-2] + "xx")
    with pytest.raises(ApplicationError, match="another event"):
        services.checkin(actor=coordinator, event=other, code=code)
    with pytest.raises(PermissionDeniedError):
        services.checkin(actor=people[0], event=event, code=code)


def test_cancelling_an_event_mails_everyone_after_commit(
    world, event_factory, people, django_capture_on_commit_callbacks
):
    event = event_factory(capacity=1)
    services.registration_create(actor=people[0], event=event)
    services.registration_create(actor=people[1], event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=world.users["coordinator"], event=event)
    cancelled = [m for m in mail.outbox if "odwołane" in m.subject]
    assert sorted(m.to[0] for m in cancelled) == [people[0].email, people[1].email]


def test_reminders_are_sent_once(event_factory, people, django_capture_on_commit_callbacks):
    soon = timezone.now() + timedelta(hours=5)
    event = event_factory(starts_at=soon, ends_at=soon + timedelta(hours=2))
    later = event_factory()
    services.registration_create(actor=people[0], event=event)
    services.registration_create(actor=people[1], event=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert [m.to for m in mail.outbox] == [[people[0].email]]


def test_finished_events_stay_in_the_calendar_as_past(event_factory):
    event = event_factory()
    assert services.events_finish(now=event.ends_at + timedelta(minutes=1)) == 1
    event.refresh_from_db()
    assert event.status == "finished"
    past = selectors.event_list(user=None, when="past")
    assert list(past) == []  # by the clock it has not ended yet
    assert list(selectors.event_list(user=None)) == [event]
    assert services.events_finish(now=event.ends_at + timedelta(minutes=1)) == 0


def test_system_actor_organises_for_any_cluster(world):
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(
        actor=SYSTEM,
        clusters=[world.clusters["other"]],
        kind="meetup",
        title="Meetup",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
    )
    assert event.created_by is None
