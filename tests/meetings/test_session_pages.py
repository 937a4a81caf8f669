"""The organiser's session pages through the test client: the set-up's preview (nothing
saved) and its refusals in English and Polish, the settings page, and a meeting moved or
cancelled from the schedule grid; nobody else reaches them."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from highlands.meetings import services
from highlands.meetings.models import Meeting, MeetingSession, MeetingStatus
from highlands.notifications.models import Notification

from .conftest import Brokerage, blocks_data, make_event


@pytest.fixture(autouse=True)
def _english():
    yield
    translation.activate("en")  # a /pl/ request leaves Polish active in this thread


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _event(world):
    event = make_event(world, in_days=8, days=2, hours=8, title="Two-day fair")
    return event, timezone.localtime(event.starts_at)


def _published(b: Brokerage) -> Meeting:
    request = services.request_add(
        actor=b.organiser, requester=b.people["anna"], recipient=b.people["bolek"], reason="x"
    )
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    services.schedule_publish(actor=b.organiser, session=b.session)
    return Meeting.objects.get(request=request, status=MeetingStatus.PUBLISHED)


def test_set_up_preview_saves_nothing_and_says_what_is_left_over(world):
    event, start = _event(world)
    organiser = _client(world.users["coordinator"])
    url = reverse("meetings:setup", args=[event.pk])
    page = organiser.get(url).content.decode()
    assert 'name="block-0-day"' in page
    assert f'value="{start:%Y-%m-%d}"' in page
    blocks = blocks_data(
        [
            (start.replace(hour=10), start.replace(hour=12)),
            (start.replace(hour=13, minute=30), start.replace(hour=16)),
            (
                start.replace(hour=10) + timedelta(days=1),
                start.replace(hour=11, minute=50) + timedelta(days=1),
            ),
        ]
    )
    form = {"slot_minutes": 20, "tables": 5, **blocks}
    preview = organiser.post(url, {**form, "preview": "1"})
    assert preview.status_code == HTTPStatus.OK
    text = preview.content.decode()
    assert "6 slots" in text
    assert "7 slots" in text
    assert "5 slots" in text
    assert "the last 10 minutes are shorter than a slot and stay free" in text
    assert "18 new slots in all." in text
    assert "Room for at most 90 meetings." in text
    assert not MeetingSession.objects.exists()
    polish = organiser.post("/pl" + url, {**form, "preview": "1"}).content.decode()
    assert "końcówka bloku (10 min) jest krótsza niż termin" in polish
    assert "Razem 18 nowych terminów." in polish
    translation.activate("en")
    created = organiser.post(url, {**form, "table_names": "Green room\n\nTerrace"})
    session = MeetingSession.objects.get(event=event)
    assert created.url == reverse("meetings:manage", args=[session.pk])
    assert session.slots.count() == 18
    assert session.table_names == ["Green room", "", "Terrace"]
    grid = organiser.get(created.url).content.decode()
    assert "1 (Green room)" in grid
    assert "3 (Terrace)" in grid


def test_set_up_refusals_in_the_page_language(world):
    event, start = _event(world)
    organiser = _client(world.users["coordinator"])
    url = reverse("meetings:setup", args=[event.pk])
    overlapping = blocks_data(
        [
            (start.replace(hour=10), start.replace(hour=12)),
            (start.replace(hour=11), start.replace(hour=13)),
        ]
    )
    form = {"slot_minutes": 20, "tables": 5, **overlapping}
    english = organiser.post(url, form)
    assert english.status_code == HTTPStatus.BAD_REQUEST
    day = f"{start:%Y-%m-%d}"
    assert (
        f"The blocks {day} 11:00–13:00 and {day} 10:00–12:00 overlap." in english.content.decode()
    )
    polish = organiser.post("/pl" + url, form).content.decode()
    assert f"Bloki {day} 11:00–13:00 i {day} 10:00–12:00 nakładają się." in polish
    half = blocks_data([(start.replace(hour=10), start.replace(hour=12))])
    half["block-2-day"] = day  # rows 0 and 1 start on the first day: untouched, they are empty
    incomplete = organiser.post("/pl" + url, {"slot_minutes": 20, "tables": 5, **half})
    assert "Podaj dzień, początek i koniec bloku." in incomplete.content.decode()
    nothing = organiser.post(url, {"slot_minutes": 20, "tables": 5, **blocks_data([])})
    assert "at least one block of time" in nothing.content.decode()
    assert not MeetingSession.objects.exists()


def test_settings_page_changes_the_session_and_refuses_orphaning_by_name(brokerage):
    b = brokerage
    meeting = _published(b)
    organiser = _client(b.organiser)
    url = reverse("meetings:edit", args=[b.session.pk])
    page = organiser.get(url).content.decode()
    assert "1 published meeting" in page
    block = b.session.slots.first().pk
    form = {
        "tables": 3,
        "table_names": "A\nB\nC",
        "max_meetings": "4",
        "request_deadline": "",
        "join_deadline": "",
        **blocks_data([], rows=3),
    }
    refused = organiser.post(url, {**form, "remove_blocks": [block]})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Anna Test + Bolek Test" in refused.content.decode()
    polish = organiser.post("/pl" + url, {**form, "remove_blocks": [block]}).content.decode()
    assert "najpierw je odwołaj lub przenieś: Anna Test + Bolek Test" in polish
    translation.activate("en")
    b.session.refresh_from_db()
    assert b.session.tables == 2
    last = timezone.localtime(b.session.slots.last().ends_at)
    added = blocks_data([(last + timedelta(minutes=20), last + timedelta(minutes=60))], rows=3)
    saved = organiser.post(url, {**form, **added})
    assert saved.status_code == HTTPStatus.FOUND
    b.session.refresh_from_db()
    assert (b.session.tables, b.session.max_meetings) == (3, 4)
    assert b.session.table_names == ["A", "B", "C"]
    assert b.session.slots.count() == 6
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    # The renamed table of the published meeting: both sides are told.
    assert Notification.objects.filter(kind="meetings.change").count() == 2


def test_move_and_cancel_from_the_grid(brokerage):
    b = brokerage
    meeting = _published(b)
    organiser = _client(b.organiser)
    grid = organiser.get(reverse("meetings:manage", args=[b.session.pk])).content.decode()
    assert reverse("meetings:move", args=[meeting.pk]) in grid
    assert f'id="cancel-reason-{meeting.pk}"' in grid
    move = reverse("meetings:move", args=[meeting.pk])
    page = organiser.get(move).content.decode()
    other = next(s for s in b.session.slots.all() if s.pk != meeting.slot_id)
    assert f'value="{other.pk}-1"' in page
    assert organiser.post(move, {"place": "999999-1"}).status_code == HTTPStatus.BAD_REQUEST
    moved = organiser.post(move, {"place": f"{other.pk}-1"})
    assert moved.status_code == HTTPStatus.FOUND
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.table) == (other.pk, 1)
    cancel = reverse("meetings:manage_action", args=[b.session.pk, "cancel"])
    organiser.post(cancel, {"meeting": meeting.pk, "reason": ""})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED  # no reason, no cancel
    done = organiser.post(
        cancel, {"meeting": meeting.pk, "reason": "The hall is closed"}, follow=True
    )
    assert "both sides are told why" in done.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    bodies = Notification.objects.filter(kind="meetings.change").values_list("body_en", flat=True)
    assert sum("The hall is closed" in body for body in bodies) == 2


@pytest.mark.parametrize("role", ["anna", "outsider", "visitor"])
def test_nobody_else_reaches_the_organisers_pages(brokerage, role):
    b = brokerage
    meeting = _published(b)
    user = {"anna": b.people["anna"].user, "outsider": b.outsider}.get(role) or b.world.users[role]
    client = _client(user)
    for url in (
        reverse("meetings:edit", args=[b.session.pk]),
        reverse("meetings:move", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.post(
            reverse("meetings:manage_action", args=[b.session.pk, "cancel"]),
            {"meeting": meeting.pk, "reason": "x"},
        ).status_code
        == HTTPStatus.NOT_FOUND
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
