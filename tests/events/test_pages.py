"""The event pages: calendar, event page with register/cancel, my registrations, the
organisers' pages (create, registrants, downloads, check-in), feeds; both languages."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import icalendar
import pytest
from django.utils import timezone

from highlands.events import services
from highlands.events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_calendar_lists_published_events_and_hides_drafts(client, event_factory):
    published = event_factory()
    event_factory(title="Secret draft", title_pl="", publish=False)
    body = client.get("/events/").content.decode()
    assert "Lean management training" in body
    assert "Secret draft" not in body
    pl = client.get("/pl/events/").content.decode()
    assert "Szkolenie lean management" in pl
    assert f"/pl/events/{published.pk}/" in pl


def test_english_only_title_is_marked_as_a_fallback_on_polish_pages(client, event_factory):
    event = event_factory(title_pl="")
    body = client.get(f"/pl/events/{event.pk}/").content.decode()
    assert 'class="fallback"' in body
    assert 'lang="en"' in body


def test_calendar_filters_by_kind_cluster_and_month(client, world, event_factory):
    event_factory()
    webinar = event_factory(kind="webinar", title="Cloud webinar", title_pl="")
    body = client.get("/events/?kind=webinar").content.decode()
    assert "Cloud webinar" in body
    assert "Lean management" not in body
    assert (
        "Lean management"
        not in client.get(f"/events/?cluster={world.clusters['other'].slug}").content.decode()
    )
    month = timezone.localtime(webinar.starts_at).strftime("%Y-%m")
    assert "Cloud webinar" in client.get(f"/events/?month={month}").content.decode()
    assert "Cloud webinar" not in client.get("/events/?month=2020-01").content.decode()
    assert client.get("/events/?month=bad").status_code == HTTPStatus.OK


def test_event_page_has_schema_org_jsonld_and_register_flow(client, people, event_factory):
    event = event_factory(capacity=1)
    body = client.get(f"/events/{event.pk}/").content.decode()
    assert '"@type": "Event"' in body
    assert "Sign in to register" in body
    client.force_login(people[0])
    response = client.post(f"/events/{event.pk}/register/")
    assert response.status_code == HTTPStatus.FOUND
    body = client.get(f"/events/{event.pk}/").content.decode()
    assert "You are registered." in body
    assert "<svg" in body  # the ticket's QR code
    client.force_login(people[1])
    client.post(f"/events/{event.pk}/register/")
    pl = client.get(f"/pl/events/{event.pk}/").content.decode()
    assert "lista oczekujących" in pl.lower()
    assert client.post(f"/events/{event.pk}/register/").status_code == HTTPStatus.FOUND
    assert Registration.objects.filter(user=people[1]).count() == 1  # no duplicate
    client.post(f"/events/{event.pk}/cancel/")
    assert Registration.objects.get(user=people[1]).status == "cancelled"
    mine = client.get("/events/mine/").content.decode()
    assert "Lean management training" in mine


def test_a_refusal_reads_in_polish(client, people, event_factory):
    event = event_factory()
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(people[0])
    response = client.post(f"/pl/events/{event.pk}/register/", follow=True)
    body = response.content.decode()
    assert "Rejestracja została zamknięta" in body


def test_coordinator_creates_a_bilingual_event_in_the_browser_form(client, world):
    client.force_login(world.users["coordinator"])
    assert client.get("/events/new/").status_code == HTTPStatus.OK
    start = timezone.localtime() + timedelta(days=20)
    data = {
        "organiser": f"cluster:{world.clusters['own'].slug}",
        "kind": "training",
        "title": "HACCP course",
        "title_pl": "Kurs HACCP",
        "language": "pl",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "audience": "open",
        "capacity": "10",
        "offer_hours": "0",
        "questions": "Dietary needs?\n",
        "publish": "on",
    }
    response = client.post("/events/new/", data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    event = Event.objects.get(title="HACCP course")
    assert event.status == "published"
    assert event.questions == ["Dietary needs?"]
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == start.strftime("%H:%M")
    bad = dict(data, ends_at=start.strftime("%Y-%m-%dT%H:%M"))
    body = client.post("/pl/events/new/", bad).content.decode()
    assert "Wydarzenie kończy się przed rozpoczęciem" in body
    assert Event.objects.count() == 1


def test_others_may_not_create_or_manage(client, world, event_factory):
    event = event_factory()
    client.force_login(world.users["representative"])
    assert client.get("/events/new/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/events/{event.pk}/registrants/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/events/{event.pk}/checkin/").status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"/events/{event.pk}/status/cancel/").status_code == HTTPStatus.FORBIDDEN


def test_registrants_download_and_check_in_page(client, world, people, event_factory):
    event = event_factory(questions=["Role?"])
    reg = services.registration_create(actor=people[0], event=event, answers=["=HYPERLINK(1)"])
    client.force_login(world.users["coordinator"])
    csv = client.get(f"/events/{event.pk}/registrants.csv").content.decode("utf-8-sig")
    assert "person0@example.org" in csv
    assert "'=HYPERLINK(1)" in csv  # formula neutralised
    xlsx = client.get(f"/events/{event.pk}/registrants.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get(f"/events/{event.pk}/checkin/?q=Person0").content.decode()
    assert "Person0" in page
    client.post(f"/events/{event.pk}/checkin/", {"code": services.ticket_code(reg)})
    client.post(f"/events/{event.pk}/checkin/", {"code": services.ticket_code(reg)})
    reg.refresh_from_db()
    assert reg.checked_in_at is not None
    response = client.post(f"/pl/events/{event.pk}/checkin/", {"code": "forged:code"}, follow=True)
    assert "sfałszowany" in response.content.decode()


def test_ical_feeds_parse_with_stable_uids_and_utc_times_across_dst(client, world):
    # 28 March 2027 and 31 October 2027 are the DST changes in Warsaw (UTC+1 <-> UTC+2).
    from zoneinfo import ZoneInfo

    from highlands.servicekit import SYSTEM

    warsaw = ZoneInfo("Europe/Warsaw")
    times = [
        timezone.datetime(2027, 3, 27, 10, 0, tzinfo=warsaw),  # before: UTC+1
        timezone.datetime(2027, 3, 29, 10, 0, tzinfo=warsaw),  # after: UTC+2
        timezone.datetime(2027, 10, 30, 10, 0, tzinfo=warsaw),  # before: UTC+2
        timezone.datetime(2027, 11, 1, 10, 0, tzinfo=warsaw),  # after: UTC+1
    ]
    events = [
        services.event_create(
            actor=SYSTEM, clusters=[world.clusters["own"]], kind="meetup", title=f"Meetup {i}",
            starts_at=t, ends_at=t + timedelta(hours=2), capacity=20, publish=True,
        )
        for i, t in enumerate(times)
    ]  # fmt: skip
    feed = client.get(f"/events/clusters/{world.clusters['own'].slug}/calendar.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(feed.content)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 4
    assert [v.decoded("dtstart").hour for v in vevents] == [9, 8, 8, 9]  # UTC
    assert all(v.decoded("dtstart").utcoffset() == timedelta(0) for v in vevents)
    assert [str(v["uid"]) for v in vevents] == [f"event-{e.pk}@highlands" for e in events]
    assert all("ORGANIZER" not in v for v in vevents)
    services.event_update(actor=SYSTEM, event=events[0], venue="Lublin")
    again = icalendar.Calendar.from_ical(client.get(f"/events/{events[0].pk}/event.ics").content)
    (one,) = again.walk("VEVENT")
    assert str(one["uid"]) == f"event-{events[0].pk}@highlands"
    assert int(one["sequence"]) == 1


def test_cluster_page_links_to_its_events(client, world, event_factory):
    event_factory()
    cluster = world.clusters["own"]
    assert (
        f"/events/clusters/{cluster.slug}/"
        in client.get(f"/clusters/{cluster.slug}/").content.decode()
    )
    body = client.get(f"/events/clusters/{cluster.slug}/").content.decode()
    assert "Lean management training" in body


def test_personal_feed_lists_ones_events_behind_an_unguessable_address(
    client, people, event_factory
):
    import re

    mine = event_factory()
    event_factory(title="Someone else's", title_pl="")
    services.registration_create(actor=people[0], event=mine)
    client.force_login(people[0])
    page = client.get("/events/mine/").content.decode()
    feed = re.search(r'value="http://testserver(/events/feeds/[^"]+)"', page).group(1)
    client.logout()
    cal = icalendar.Calendar.from_ical(client.get(feed).content)
    assert [str(v["summary"]) for v in cal.walk("VEVENT")] == ["Lean management training"]
    assert client.get(feed.replace("/calendar.ics", "x/calendar.ics")).status_code == 404
