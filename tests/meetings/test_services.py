"""The meetings' services: session, participants, requests, scheduling with published
meetings kept, no-shows and standby offers, outcomes, jobs — each write audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.events.services import checkin
from highlands.marketplace.models import CooperationProfile, Interest
from highlands.meetings import jobs, selectors, services
from highlands.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
)
from highlands.meetings.scheduler import Assignment, violations

from .conftest import Brokerage


def _user(b: Brokerage, name: str):
    return b.people[name].user


def _accepted(b: Brokerage, a: str, c: str, priority: int = 1) -> MeetingRequest:
    request = services.request_create(
        actor=_user(b, a), recipient=b.people[c], reason="Packaging", priority=priority
    )
    return services.request_decide(actor=_user(b, c), request=request, accept=True)


def _audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_session_splits_blocks_into_slots_and_is_audited(brokerage):
    slots = list(brokerage.session.slots.all())
    assert len(slots) == 4
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in slots)
    assert slots[1].starts_at == slots[0].ends_at
    assert _audited("meetings.session_create") == 1


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        ((timedelta(hours=-2), timedelta(hours=1)), "outside the event"),
        ((timedelta(hours=2), timedelta(hours=1)), "ends before it starts"),
        ((timedelta(hours=1), timedelta(hours=1, minutes=10)), "shorter than one slot"),
    ],
)
def test_bad_blocks_are_refused_naming_the_block(world, shift, message):
    from highlands.events.services import event_create

    start = timezone.now() + timedelta(days=3)
    event = event_create(
        actor=world.users["coordinator"],
        kind="brokerage",
        title="B2B",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=5,
        clusters=[world.clusters["own"]],
    )
    with pytest.raises(ApplicationError, match=message):
        services.session_create(
            actor=world.users["coordinator"],
            event=event,
            blocks=[(start + shift[0], start + shift[1])],
            tables=3,
        )


def test_only_the_organiser_creates_a_session(world, brokerage):
    with pytest.raises(PermissionDeniedError):
        services.session_update(
            actor=world.users["representative"],
            session=brokerage.session,
            tables=5,
            request_deadline=None,
        )


def test_joining_needs_a_confirmed_registration(world, brokerage):
    with pytest.raises(PermissionDeniedError, match="Register for the event"):
        services.participant_join(actor=world.users["visitor"], session=brokerage.session)
    with pytest.raises(ApplicationError, match="already take part"):
        services.participant_join(actor=_user(brokerage, "anna"), session=brokerage.session)
    joined = services.participant_join(actor=brokerage.outsider, session=brokerage.session)
    assert joined.organization is None
    assert joined.available.count() == 4


def test_availability_cap_and_note(brokerage):
    anna = brokerage.people["anna"]
    slots = [s.pk for s in brokerage.session.slots.all()]
    services.participant_update(
        actor=anna.user,
        participant=anna,
        note="<b>Looking</b> for jars",
        available=slots[:2],
        max_meetings=3,
    )
    anna.refresh_from_db()
    assert anna.note == "Looking for jars"
    assert sorted(anna.available.values_list("pk", flat=True)) == slots[:2]
    assert _audited("meetings.participant_availability") == 1
    with pytest.raises(ApplicationError, match="not a slot"):
        services.participant_update(
            actor=anna.user, participant=anna, note="", available=[999999], max_meetings=None
        )
    with pytest.raises(PermissionDeniedError):
        services.participant_update(
            actor=_user(brokerage, "bolek"),
            participant=anna,
            note="",
            available=[],
            max_meetings=None,
        )


def test_request_accept_decline_and_mutual_interest(brokerage):
    b = brokerage
    first = services.request_create(
        actor=_user(b, "anna"), recipient=b.people["bolek"], reason="Jars"
    )
    assert first.status == RequestStatus.PENDING
    assert True  # mail goes after commit
    with pytest.raises(ApplicationError, match="already a request"):
        services.request_create(actor=_user(b, "anna"), recipient=b.people["bolek"], reason="Again")
    # Bolek asks Anna too: mutual, accepted at once with priority 2.
    mutual = services.request_create(
        actor=_user(b, "bolek"), recipient=b.people["anna"], reason="Yes"
    )
    assert mutual.pk == first.pk
    assert (mutual.status, mutual.priority) == (RequestStatus.ACCEPTED, 2)
    declined = services.request_create(
        actor=_user(b, "anna"), recipient=b.people["cezary"], reason="x"
    )
    with pytest.raises(PermissionDeniedError):
        services.request_decide(actor=_user(b, "anna"), request=declined, accept=True)
    services.request_decide(actor=_user(b, "cezary"), request=declined, accept=False)
    with pytest.raises(ApplicationError, match="already answered"):
        services.request_decide(actor=_user(b, "cezary"), request=declined, accept=True)
    with pytest.raises(ApplicationError, match="yourself"):
        services.request_create(actor=_user(b, "anna"), recipient=b.people["anna"], reason="me")
    with pytest.raises(PermissionDeniedError):
        services.request_create(actor=b.outsider, recipient=b.people["anna"], reason="hi")
    assert _audited("meetings.request_create") == 2
    assert _audited("meetings.request_mutual") == 1
    assert _audited("meetings.request_decline") == 1


def test_deadline_and_expiry_and_reminders_are_idempotent(
    brokerage, django_capture_on_commit_callbacks
):
    b = brokerage
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            actor=_user(b, "anna"), recipient=b.people["dora"], reason="Hi"
        )
    assert [m.to for m in mail.outbox] == [["dora@example.org"]]
    later = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=later) == 1
        assert jobs.reminders_send(now=later) == 0
    assert len(mail.outbox) == 2
    b.session.request_deadline = timezone.now() - timedelta(minutes=1)
    b.session.save()
    with pytest.raises(ApplicationError, match="deadline"):
        services.request_decide(actor=_user(b, "dora"), request=request, accept=True)
    with pytest.raises(ApplicationError, match="deadline"):
        services.request_create(actor=_user(b, "bolek"), recipient=b.people["dora"], reason="Hi")
    # The organiser still adds requests after the deadline.
    services.request_add(
        actor=b.organiser, requester=b.people["bolek"], recipient=b.people["cezary"], reason="Fit"
    )
    assert jobs.requests_expire() == 1
    assert jobs.requests_expire() == 0
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert _audited("meetings.request_expire") == 1


def test_scheduling_publishing_and_rescheduling_keep_published_meetings(brokerage):
    b = brokerage
    _accepted(b, "anna", "bolek")
    _accepted(b, "anna", "cezary")
    _accepted(b, "cezary", "dora")
    result = services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    assert result["meetings"] == 3
    assert result["status"] == "optimal"
    assert services.schedule_publish(actor=b.organiser, session=b.session) == 3
    published = {
        m.request_id: (m.slot_id, m.table) for m in Meeting.objects.filter(status="published")
    }
    # Late changes: a new accepted request, and Dora's availability shrinks around her meeting.
    _accepted(b, "bolek", "dora", priority=3)
    dora = b.people["dora"]
    kept = Meeting.objects.get(request__recipient=dora, status="published").slot_id
    services.participant_update(
        actor=dora.user, participant=dora, note="", available=[kept], max_meetings=None
    )
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    after = {m.request_id: (m.slot_id, m.table) for m in Meeting.objects.filter(status="published")}
    assert after == published
    instance, _ = services.session_instance(b.session)
    live = list(selectors.session_meetings(b.session))
    assert len(live) == 3  # Dora's only slot is taken: Bolek–Dora cannot be placed
    assert all(m.table <= b.session.tables for m in live)
    index = {r.id: i for i, r in enumerate(instance.requests)}
    slot_index = {name: i for i, name in enumerate(instance.slots)}
    placed = [
        Assignment(index[str(m.request_id)], slot_index[str(m.slot_id)], m.table) for m in live
    ]
    assert violations(instance, placed) == []
    # A published meeting's slot cannot be made unavailable, nor the cap go below it.
    with pytest.raises(ApplicationError, match="published meeting"):
        services.participant_update(
            actor=dora.user, participant=dora, note="", available=[], max_meetings=None
        )
    with pytest.raises(ApplicationError, match="cap cannot be lower"):
        services.participant_update(
            actor=dora.user, participant=dora, note="", available=[kept], max_meetings=0
        )
    with pytest.raises(ApplicationError, match="published meeting"):
        services.request_withdraw(
            actor=_user(b, "anna"),
            request=MeetingRequest.objects.filter(requester=b.people["anna"]).first(),
        )
    assert _audited("meetings.schedule_run") == 2
    assert _audited("meetings.schedule_publish") == 1


def test_agenda_and_grid_show_published_meetings(brokerage):
    b = brokerage
    _accepted(b, "anna", "bolek")
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    assert selectors.agenda(user=_user(b, "anna"), participant=b.people["anna"]) == []
    services.schedule_publish(actor=b.organiser, session=b.session)
    items = selectors.agenda(user=_user(b, "anna"), participant=b.people["anna"])
    assert [i.partner.pk for i in items] == [b.people["bolek"].pk]
    grid = selectors.grid(b.session)
    assert len(grid) == 4
    assert all(len(row.cells) == 2 for row in grid)
    assert sum(1 for row in grid for cell in row.cells if cell) == 1
    few = selectors.participants_with_few_meetings(b.session, below=1)
    assert {p.pk for p in few} == {b.people["cezary"].pk, b.people["dora"].pk}


def test_a_no_show_meeting_goes_to_a_standby_participant(brokerage):
    b = brokerage
    _accepted(b, "anna", "bolek")
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    services.schedule_publish(actor=b.organiser, session=b.session)
    # Cezary and Dora stand by; only Dora came.
    for name in ("cezary", "dora"):
        p = b.people[name]
        services.participant_update(
            actor=p.user,
            participant=p,
            note="",
            available=list(b.session.slots.values_list("pk", flat=True)),
            max_meetings=None,
            standby=True,
        )
    for name in ("bolek", "dora"):
        checkin(actor=b.organiser, event=b.event, registration=b.people[name].registration)
    with pytest.raises(ApplicationError, match="has checked in"):
        services.participant_mark_absent(actor=b.organiser, participant=b.people["bolek"])
    with pytest.raises(PermissionDeniedError):
        services.participant_mark_absent(actor=_user(b, "bolek"), participant=b.people["anna"])
    offers = services.participant_mark_absent(actor=b.organiser, participant=b.people["anna"])
    assert len(offers) == 1
    offer = offers[0]
    assert offer.request.requester == b.people["dora"]
    assert offer.status == MeetingStatus.OFFERED
    # Dora's agenda shows the offer at once; Bolek's shows the pending partner.
    assert [
        i.meeting.pk for i in selectors.agenda(user=_user(b, "dora"), participant=b.people["dora"])
    ] == [offer.pk]
    with pytest.raises(PermissionDeniedError):
        services.offer_answer(actor=_user(b, "cezary"), meeting=offer, accept=True)
    accepted = services.offer_answer(actor=_user(b, "dora"), meeting=offer, accept=True)
    assert accepted is not None
    assert accepted.status == MeetingStatus.PUBLISHED
    # A re-run keeps the standby meeting and does not bring back the no-show's.
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    assert list(Meeting.objects.filter(status__in=["published", "scheduled", "offered"])) == [
        accepted
    ]
    assert _audited("meetings.standby_offer") == 1
    assert _audited("meetings.standby_accept") == 1


def test_outcomes_and_the_cooperation_offer(brokerage, monkeypatch):
    b = brokerage
    _accepted(b, "anna", "bolek")
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    services.schedule_publish(actor=b.organiser, session=b.session)
    meeting = Meeting.objects.get(status="published")
    with pytest.raises(ApplicationError, match="once the meeting has started"):
        services.outcome_record(actor=_user(b, "anna"), meeting=meeting, result="information")
    meeting.slot.starts_at = timezone.now() - timedelta(minutes=30)
    meeting.slot.ends_at = timezone.now() - timedelta(minutes=10)
    meeting.slot.save()
    with pytest.raises(PermissionDeniedError):
        services.outcome_record(actor=_user(b, "cezary"), meeting=meeting, result="information")
    with pytest.raises(ApplicationError, match="not a meeting outcome"):
        services.outcome_record(actor=_user(b, "anna"), meeting=meeting, result="great")
    services.outcome_record(actor=_user(b, "anna"), meeting=meeting, result="information")
    outcome = services.outcome_record(actor=_user(b, "anna"), meeting=meeting, result="cooperation")
    assert outcome.result == "cooperation"
    assert outcome.took_place
    assert _audited("meetings.outcome_record") == 1
    assert _audited("meetings.outcome_change") == 1
    profile = CooperationProfile.objects.create(
        organization=b.people["bolek"].organization,
        kind="technology",
        direction="offer",
        title="Glass jars",
        description="Jars",
        valid_until=timezone.localdate() + timedelta(days=30),
        status="published",
    )
    other = CooperationProfile.objects.create(
        organization=b.people["cezary"].organization,
        kind="technology",
        direction="offer",
        title="Other",
        description="x",
        valid_until=timezone.localdate() + timedelta(days=30),
        status="published",
    )
    with pytest.raises(ApplicationError, match="other side"):
        services.outcome_start_cooperation(
            actor=_user(b, "anna"), meeting=meeting, profile=other, message="Hi"
        )
    with pytest.raises(ApplicationError, match="cooperation started"):
        services.outcome_start_cooperation(
            actor=_user(b, "bolek"), meeting=meeting, profile=profile, message="Hi"
        )
    interest = services.outcome_start_cooperation(
        actor=_user(b, "anna"), meeting=meeting, profile=profile, message="As agreed at the fair"
    )
    assert Interest.objects.get(pk=interest.pk).organization == b.people["anna"].organization
    from highlands.meetings.analytics_metrics import _count, _edges

    assert _count() == 1
    assert [(e.a, e.b) for e in _edges()] == [("org-anna", "org-bolek")]


def test_run_due_jobs_runs_the_meeting_jobs(brokerage):
    from io import StringIO

    from django.core.management import call_command

    b = brokerage
    request = services.request_create(
        actor=_user(b, "anna"), recipient=b.people["dora"], reason="x"
    )
    b.session.request_deadline = timezone.now() - timedelta(minutes=1)
    b.session.save()
    out = StringIO()
    call_command("run-due-jobs", stdout=out)
    assert "1 meeting requests expired" in out.getvalue()
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    out = StringIO()
    call_command("run-due-jobs", stdout=out)
    assert "0 meeting requests expired" in out.getvalue()


def test_mail_speaks_the_events_language(brokerage, django_capture_on_commit_callbacks):
    b = brokerage
    b.event.language = "pl"
    b.event.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.request_create(
            actor=_user(b, "anna"), recipient=b.people["bolek"], reason="Słoiki"
        )
    assert mail.outbox[-1].subject.endswith("Anna Test prosi o spotkanie z tobą")
    assert "Giełda kooperacyjna klastra spożywczego" in mail.outbox[-1].body
