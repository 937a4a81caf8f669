"""The organiser's session tools: the set-up of several blocks on several days (its plan
and its checks, nothing written on a refusal), the settings afterwards (deadlines, cap,
tables and their names, blocks added or removed, published meetings never orphaned), and a
single meeting cancelled with a reason or moved — the two sides told through notify()."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.meetings import selectors, services
from highlands.meetings.models import (
    Meeting,
    MeetingOutcome,
    MeetingSession,
    MeetingStatus,
    OutcomeResult,
    Slot,
)
from highlands.notifications.models import Notification

from .conftest import Brokerage, make_event
from .test_rules import _actor


def _event(world):
    return make_event(world, in_days=6, days=2, hours=10, title="Two-day brokerage")


def _at(event, day: int, hour: int, minute: int = 0):
    return timezone.localtime(event.starts_at).replace(hour=hour, minute=minute) + timedelta(
        days=day
    )


def _published(b: Brokerage, a: str, c: str) -> Meeting:
    request = services.request_create(
        actor=b.people[a].user, recipient=b.people[c], reason="Packaging"
    )
    services.request_decide(actor=b.people[c].user, request=request, accept=True)
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    services.schedule_publish(actor=b.organiser, session=b.session)
    return Meeting.objects.get(request=request, status=MeetingStatus.PUBLISHED)


def _update(b: Brokerage, **changes):
    b.session.refresh_from_db()
    values = {
        "tables": b.session.tables,
        "request_deadline": b.session.request_deadline,
        "join_deadline": b.session.join_deadline,
        "max_meetings": b.session.max_meetings,
        "table_names": b.session.table_names,
    }
    session = services.session_update(
        actor=changes.pop("actor", b.organiser), session=b.session, **{**values, **changes}
    )
    b.session.refresh_from_db()
    return session


# -- the set-up ----------------------------------------------------------------------------


def test_plan_of_two_days_with_breaks_says_what_is_left_over(world):
    event = _event(world)
    plan = services.session_plan(
        event=event,
        blocks=[
            (_at(event, 0, 13, 30), _at(event, 0, 16)),  # 150 min: 7 slots, 10 min left
            (_at(event, 0, 10), _at(event, 0, 12)),  # 120 min: 6 slots
            (_at(event, 1, 10), _at(event, 1, 11, 50)),  # 110 min: 5 slots, 10 min left
        ],
        slot_minutes=20,
    )
    assert [(b.slots, b.leftover_minutes) for b in plan.blocks] == [(6, 0), (7, 10), (5, 10)]
    assert len(plan.slots) == 18
    assert plan.slots[6] == (_at(event, 0, 13, 30), _at(event, 0, 13, 50))
    assert plan.slots[-1][1] == _at(event, 1, 11, 40)  # the last 10 minutes stay free
    assert not Slot.objects.exists()  # a plan writes nothing


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([(0, 10, 0, 12), (0, 11, 0, 13)], "overlap"),
        ([(0, 10, 0, 12), (2, 10, 2, 12)], "outside the event's time"),
        ([(0, 10, 0, 12), (1, 12, 1, 10)], "ends before it starts"),
        ([(0, 10, 0, 12), (1, 10, 1, 10.25)], r"shorter than one slot \(20 minutes\)"),
    ],
)
def test_a_bad_block_refuses_the_whole_set_up_and_writes_nothing(world, blocks, message):
    event = _event(world)

    def at(day, hour):
        return _at(event, day, int(hour), round(hour % 1 * 60))

    with pytest.raises(ApplicationError, match=message):
        services.session_create(
            actor=world.users["coordinator"],
            event=event,
            blocks=[(at(d1, h1), at(d2, h2)) for d1, h1, d2, h2 in blocks],
            tables=3,
        )
    assert not MeetingSession.objects.exists()
    assert not Slot.objects.exists()
    assert not AuditEntry.objects.filter(action="meetings.session_create").exists()


def test_set_up_keeps_table_names_cap_and_deadlines(world):
    event = _event(world)
    first = _at(event, 0, 10)
    session = services.session_create(
        actor=world.users["coordinator"],
        event=event,
        blocks=[(first, _at(event, 0, 12)), (_at(event, 1, 10), _at(event, 1, 12))],
        tables=3,
        slot_minutes=30,
        table_names=["Green room", "", "Terrace", ""],
        max_meetings=5,
        join_deadline=first - timedelta(days=1),
        request_deadline=first - timedelta(hours=2),
    )
    assert session.slots.count() == 8
    assert session.table_names == ["Green room", "", "Terrace"]
    assert [session.table_label(t) for t in (1, 2, 3)] == ["1 (Green room)", "2", "3 (Terrace)"]
    assert [len(b.slots) for b in selectors.session_blocks(session)] == [4, 4]
    entry = AuditEntry.objects.get(action="meetings.session_create")
    assert entry.after["max_meetings"] == 5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"table_names": ["A", "B", "C", "D"]}, "4 table names for 3 tables"),
        ({"table_names": ["Green", "green"]}, "Two tables are called “green”"),
        ({"max_meetings": 201}, "from 0 to 200"),
        ({"request_deadline": "after"}, "deadline for requests .* must come before the first"),
        ({"join_deadline": "after"}, "deadline for taking part .* must come before the first"),
    ],
)
def test_set_up_refuses_bad_settings(world, changes, message):
    event = _event(world)
    after = _at(event, 0, 11)
    changes = {k: after if v == "after" else v for k, v in changes.items()}
    with pytest.raises(ApplicationError, match=message):
        services.session_create(
            actor=world.users["coordinator"],
            event=event,
            blocks=[(_at(event, 0, 10), _at(event, 0, 12))],
            tables=3,
            **changes,
        )
    assert not MeetingSession.objects.exists()


def test_join_deadline_closes_joining(brokerage):
    b = brokerage
    b.session.join_deadline = timezone.now() - timedelta(minutes=1)
    b.session.save()
    with pytest.raises(ApplicationError, match="Taking part in these meetings closed"):
        services.participant_join(actor=b.outsider, session=b.session)


def test_session_cap_is_the_schedulers_cap_unless_a_participant_set_a_lower_one(brokerage):
    b = brokerage
    _update(b, max_meetings=2)
    anna = b.people["anna"]
    anna.max_meetings = 1
    anna.save()
    b.people["bolek"].max_meetings = 3
    b.people["bolek"].save()
    instance, _ = services.session_instance(b.session)
    caps = {p.id: p.max_meetings for p in instance.participants}
    assert caps[str(anna.pk)] == 1
    assert caps[str(b.people["bolek"].pk)] == 2
    assert caps[str(b.people["cezary"].pk)] == 2


# -- the settings afterwards -----------------------------------------------------------------


def test_removing_a_block_with_a_published_meeting_is_refused_naming_it(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    slots = list(b.session.slots.all())
    with pytest.raises(ApplicationError) as refused:
        _update(b, remove_slots=[s.pk for s in slots])
    assert "Anna Test + Bolek Test" in refused.value.message
    assert services.meeting_label(meeting) in refused.value.message
    assert b.session.slots.count() == 4  # nothing written
    # Slots without published meetings go; a draft there is cancelled.
    free = [s.pk for s in slots if s.pk != meeting.slot_id]
    _update(b, remove_slots=free)
    assert list(b.session.slots.values_list("pk", flat=True)) == [meeting.slot_id]
    assert AuditEntry.objects.filter(action="meetings.session_blocks").count() == 1


def test_adding_a_block_checks_it_against_the_others_and_makes_everybody_available(brokerage):
    b = brokerage
    last = b.session.slots.last()
    with pytest.raises(ApplicationError, match="overlap"):
        _update(b, add_blocks=[(last.starts_at, last.ends_at + timedelta(minutes=40))])
    with pytest.raises(ApplicationError, match="outside the event's time"):
        _update(b, add_blocks=[(last.ends_at, last.ends_at + timedelta(hours=9))])
    assert b.session.slots.count() == 4
    _update(
        b, add_blocks=[(last.ends_at + timedelta(minutes=30), last.ends_at + timedelta(minutes=90))]
    )
    assert b.session.slots.count() == 7
    assert len(selectors.session_blocks(b.session)) == 2
    assert b.people["anna"].available.count() == 7


def test_fewer_tables_move_published_meetings_to_a_free_table_and_tell_both(
    brokerage, django_capture_on_commit_callbacks
):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    Meeting.objects.filter(pk=meeting.pk).update(table=2)
    with django_capture_on_commit_callbacks(execute=True):
        _update(b, tables=1, table_names=["Green room"])
    meeting.refresh_from_db()
    assert meeting.table == 1
    assert meeting.status == MeetingStatus.PUBLISHED
    told = Notification.objects.filter(kind="meetings.change")
    assert sorted(n.user.email for n in told) == ["anna@example.org", "bolek@example.org"]
    anna = told.get(user=b.people["anna"].user)
    assert "Bolek Test" in anna.body_en
    assert "table 1 (Green room)" in anna.body_en
    assert "stolik 1 (Green room)" in anna.body_pl
    assert "Przeniesiono" in anna.subject_pl
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="meetings.meeting_relocate").count() == 1


def _draft(b: Brokerage, a: str, c: str) -> Meeting:
    request = services.request_create(
        actor=b.people[a].user, recipient=b.people[c], reason="Packaging"
    )
    services.request_decide(actor=b.people[c].user, request=request, accept=True)
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    return Meeting.objects.get(request=request, status=MeetingStatus.SCHEDULED)


def test_a_draft_does_not_block_moving_a_published_meeting_and_is_placed_again(brokerage):
    """Drafts are the next run's to replace (as b2match regenerates unpublished meetings):
    the draft at the table a published meeting moves to is cancelled, a draft elsewhere
    stays, and the next run places the cancelled one's pair again."""
    b = brokerage
    published = _published(b, "anna", "bolek")
    Meeting.objects.filter(pk=published.pk).update(table=2)
    in_the_way = _draft(b, "cezary", "dora")
    Meeting.objects.filter(pk=in_the_way.pk).update(slot=published.slot, table=1)
    _update(b, tables=1)
    published.refresh_from_db()
    in_the_way.refresh_from_db()
    assert (published.slot_id, published.table) == (in_the_way.slot_id, 1)
    assert published.status == MeetingStatus.PUBLISHED
    assert in_the_way.status == MeetingStatus.CANCELLED
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    again = Meeting.objects.get(request=in_the_way.request, status=MeetingStatus.SCHEDULED)
    assert again.table == 1
    assert again.slot_id != published.slot_id  # the published meeting keeps its slot's table


def test_a_moving_meeting_takes_an_empty_table_before_one_with_a_draft(brokerage):
    """Cancelling a draft is the last resort: with an empty table in the slot, the
    published meeting goes there and the draft at a lower table stays."""
    b = brokerage
    _update(b, tables=3)
    published = _published(b, "anna", "bolek")
    Meeting.objects.filter(pk=published.pk).update(table=3)
    draft = _draft(b, "cezary", "dora")
    Meeting.objects.filter(pk=draft.pk).update(slot=published.slot, table=1)
    _update(b, tables=2)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.slot_id, published.table) == (draft.slot_id, 2)
    assert published.status == MeetingStatus.PUBLISHED
    assert draft.status == MeetingStatus.SCHEDULED
    assert draft.table == 1


def test_a_draft_in_another_slot_stays_when_a_published_meeting_moves(brokerage):
    b = brokerage
    published = _published(b, "anna", "bolek")
    Meeting.objects.filter(pk=published.pk).update(table=2)
    elsewhere = _draft(b, "cezary", "dora")
    other_slot = b.session.slots.exclude(pk=published.slot_id).first()
    Meeting.objects.filter(pk=elsewhere.pk).update(slot=other_slot, table=1)
    _update(b, tables=1)
    elsewhere.refresh_from_db()
    assert elsewhere.status == MeetingStatus.SCHEDULED
    assert (elsewhere.slot_id, elsewhere.table) == (other_slot.pk, 1)


def test_fewer_tables_refused_when_a_slot_is_full_naming_the_meetings(brokerage):
    b = brokerage
    first = _published(b, "anna", "bolek")
    second = _published(b, "cezary", "dora")
    Meeting.objects.filter(pk=first.pk).update(table=1)
    Meeting.objects.filter(pk=second.pk).update(slot=first.slot, table=2)
    with pytest.raises(ApplicationError, match="No free table left") as refused:
        _update(b, tables=1)
    assert "Cezary Test + Dora Test" in refused.value.message
    assert "Anna Test" not in refused.value.message
    b.session.refresh_from_db()
    assert b.session.tables == 2


def test_cap_below_published_meetings_is_refused_naming_the_people(brokerage):
    b = brokerage
    _published(b, "anna", "bolek")
    with pytest.raises(
        ApplicationError, match=r"more than 0 published meetings: .*Anna Test \(1\)"
    ):
        _update(b, max_meetings=0)
    _update(b, max_meetings=1)
    b.session.refresh_from_db()
    assert b.session.max_meetings == 1


def test_a_lower_cap_cancels_the_drafts_so_publishing_keeps_to_it(brokerage):
    b = brokerage
    for other in ("bolek", "dora"):
        services.request_add(
            actor=b.organiser, requester=b.people["anna"], recipient=b.people[other], reason="x"
        )
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    assert b.session.meetings.filter(status=MeetingStatus.SCHEDULED).count() == 2
    _update(b, max_meetings=1)
    assert not b.session.meetings.filter(status=MeetingStatus.SCHEDULED).exists()
    assert b.session.meetings.filter(status=MeetingStatus.CANCELLED).count() == 2


def test_removing_a_slot_keeps_a_meeting_with_recorded_outcomes(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    services.meeting_cancel(actor=b.organiser, meeting=meeting, reason="Moved to a call")
    MeetingOutcome.objects.create(
        meeting=meeting, participant=b.people["anna"], result=OutcomeResult.INFORMATION
    )
    with pytest.raises(ApplicationError, match="recorded outcomes") as refused:
        _update(b, remove_slots=[meeting.slot_id])
    assert services.meeting_label(meeting) in refused.value.message
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_renaming_a_table_with_a_published_meeting_tells_both(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    names = ["", ""]
    names[meeting.table - 1] = "Terrace"
    _update(b, table_names=names)
    told = Notification.objects.filter(kind="meetings.change")
    assert told.count() == 2
    assert all("Terrace" in n.body_en for n in told)
    _update(b, table_names=names)  # the same names again: nobody is told twice
    assert Notification.objects.filter(kind="meetings.change").count() == 2


# -- a single meeting ------------------------------------------------------------------------


def test_cancel_needs_a_reason_tells_both_and_frees_the_table(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    with pytest.raises(ApplicationError):
        services.meeting_cancel(actor=b.organiser, meeting=meeting, reason="  ")
    services.meeting_cancel(actor=b.organiser, meeting=meeting, reason="Bolek's flight is late")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.request.status == "accepted"  # the next run may place it again
    told = Notification.objects.filter(kind="meetings.change")
    assert {n.user_id for n in told} == {b.people["anna"].user.pk, b.people["bolek"].user.pk}
    assert all("Bolek's flight is late" in n.body_en for n in told)
    assert "odwołał" in told.first().body_pl
    entry = AuditEntry.objects.get(action="meetings.meeting_cancel")
    assert entry.after["reason"] == "Bolek's flight is late"
    # The table in that slot is free: the pair's meeting may be placed there again.
    Meeting.objects.create(
        session=b.session,
        request=meeting.request,
        slot=meeting.slot,
        table=meeting.table,
        status=MeetingStatus.SCHEDULED,
    )
    with pytest.raises(ApplicationError, match="already cancelled"):
        services.meeting_cancel(actor=b.organiser, meeting=meeting, reason="again")


def test_cancelling_a_draft_tells_nobody(brokerage):
    b = brokerage
    request = services.request_add(
        actor=b.organiser, requester=b.people["anna"], recipient=b.people["dora"], reason="x"
    )
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    draft = Meeting.objects.get(request=request, status=MeetingStatus.SCHEDULED)
    before = Notification.objects.count()
    services.meeting_cancel(actor=b.organiser, meeting=draft, reason="Not needed")
    assert Notification.objects.count() == before


def test_move_to_a_free_slot_where_both_are_available(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    other = _published(b, "cezary", "dora")
    slots = list(b.session.slots.all())
    target = next(s for s in slots if s.pk != meeting.slot_id)
    # Anna is not available then: refused, naming her.
    b.people["anna"].available.remove(target)
    with pytest.raises(ApplicationError, match="Anna Test is not available at"):
        services.meeting_move(actor=b.organiser, meeting=meeting, slot=target, table=1)
    b.people["anna"].available.add(target)
    # The other meeting's table in its slot is taken.
    if other.slot_id != meeting.slot_id:
        with pytest.raises(ApplicationError, match="is taken at"):
            services.meeting_move(
                actor=b.organiser, meeting=meeting, slot=other.slot, table=other.table
            )
    with pytest.raises(ApplicationError, match="There is no table 3"):
        services.meeting_move(actor=b.organiser, meeting=meeting, slot=target, table=3)
    options = selectors.move_targets(meeting)
    assert all(t.slot.pk != meeting.slot_id or t.tables for t in options)
    slot = options[0].slot
    table = options[0].tables[0][0]
    services.meeting_move(actor=b.organiser, meeting=meeting, slot=slot, table=table)
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.table) == (slot.pk, table)
    told = Notification.objects.filter(kind="meetings.change")
    assert told.count() == 2
    assert all("it was at" in n.body_en for n in told)
    assert AuditEntry.objects.filter(action="meetings.meeting_move").count() == 1


def test_move_refuses_a_busy_side(brokerage):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    other = _published(b, "anna", "cezary")
    if other.slot_id == meeting.slot_id:  # the scheduler never does this
        pytest.fail("one participant twice in a slot")
    with pytest.raises(ApplicationError, match="Anna Test has another meeting at"):
        services.meeting_move(
            actor=b.organiser, meeting=meeting, slot=other.slot, table=3 - other.table
        )
    assert all(t.slot.pk != other.slot_id for t in selectors.move_targets(meeting))


# -- who may: role × action ------------------------------------------------------------------

ROLES = ("visitor", "outsider", "anna", "bolek", "organiser", "city_admin")
MAY = {"organiser", "city_admin"}


def _actions(b: Brokerage, meeting: Meeting):
    slot = next(t.slot for t in selectors.move_targets(meeting))
    free = selectors.move_targets(meeting)[0].tables[0][0]
    return {
        "session_update": lambda actor: _update(b, actor=actor, tables=3),
        "meeting_cancel": lambda actor: services.meeting_cancel(
            actor=actor, meeting=meeting, reason="x"
        ),
        "meeting_move": lambda actor: services.meeting_move(
            actor=actor, meeting=meeting, slot=slot, table=free
        ),
    }


@pytest.mark.parametrize("action", ["session_update", "meeting_cancel", "meeting_move"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_organiser_and_the_city_office_change_the_session(brokerage, role, action):
    b = brokerage
    meeting = _published(b, "anna", "bolek")
    run = _actions(b, meeting)[action]
    actor = _actor(b, role)
    if role in MAY:
        run(actor)
        assert AuditEntry.objects.filter(action=f"meetings.{action}", actor=actor).exists()
    else:
        with pytest.raises(PermissionDeniedError):
            run(actor)
        meeting.refresh_from_db()
        b.session.refresh_from_db()
        assert meeting.status == MeetingStatus.PUBLISHED
        assert b.session.tables == 2
