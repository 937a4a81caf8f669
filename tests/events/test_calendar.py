"""The calendar page: month grid, topic and date-range filters (validated, bounded), pages of
24, and a number of queries that does not grow with the events shown."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from highlands.ecosystem.models import Highland

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(db):
    return {
        slug: Highland.objects.create(slug=slug, name=slug.title(), name_pl=slug.upper())
        for slug in ("medical", "it")
    }


def test_topic_filter_keeps_events_of_that_topic(client, event_factory, topics):
    event_factory(title="Telemedicine workshop", topics=[topics["medical"]])
    event_factory(title="Cloud meetup", topics=[topics["it"]])
    body = client.get("/events/?topic=medical").content.decode()
    assert "Telemedicine workshop" in body
    assert "Cloud meetup" not in body
    assert "Select a valid choice" in client.get("/events/?topic=nope").content.decode()


def test_date_range_includes_its_last_day_and_is_validated(client, event_factory):
    start = timezone.localtime(timezone.now() + timedelta(days=20)).replace(hour=10, minute=0)
    event_factory(title="Range event", starts_at=start, ends_at=start + timedelta(hours=2))
    day = start.date()
    body = client.get(f"/events/?date_from={day}&date_to={day}").content.decode()
    assert "Range event" in body
    body = client.get(f"/events/?date_from={day + timedelta(days=1)}").content.decode()
    assert "Range event" not in body
    reversed_range = client.get(f"/events/?date_from={day}&date_to={day - timedelta(days=1)}")
    assert reversed_range.status_code == HTTPStatus.OK
    assert "The end of the date range is before its start." in reversed_range.content.decode()
    too_long = client.get(f"/events/?date_from={day}&date_to={day + timedelta(days=400)}")
    assert "A date range spans at most 366 days" in too_long.content.decode()
    assert "Choose a date in the years 2000 to 2200." in (
        client.get("/events/?date_from=1999-01-01").content.decode()
    )
    pl = client.get(f"/pl/events/?date_from={day}&date_to={day - timedelta(days=1)}")
    assert "Koniec zakresu dat" in pl.content.decode()


def test_api_date_range_is_bounded(client):
    response = client.get("/api/v1/events?date_from=2027-01-01&date_to=2028-06-01")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 366 days" in response.content.decode()
    response = client.get("/api/v1/events?date_from=2027-02-01&date_to=2027-01-01")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    response = client.get("/api/v1/events?date_from=2027-02-30")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "date_from '2027-02-30' is not a date of the calendar." in response.content.decode()
    response = client.get("/api/v1/events?date_from=2027-01-01&date_to=2027-01-31")
    assert response.status_code == HTTPStatus.OK


def test_month_grid_puts_events_on_their_days(client, event_factory):
    start = timezone.localtime(timezone.now() + timedelta(days=40)).replace(hour=9, minute=30)
    event = event_factory(title="Grid event", starts_at=start, ends_at=start + timedelta(hours=1))
    month = start.strftime("%Y-%m")
    body = client.get(f"/events/?view=grid&month={month}").content.decode()
    assert '<table class="month-grid">' in body
    cell = body.split(f'<time datetime="{start.date():%Y-%m-%d}">')[1].split("</td>")[0]
    assert "Grid event" in cell
    assert f"/events/{event.pk}/" in cell
    assert "09:30" in cell
    assert f"view=grid&amp;month={(start.date().replace(day=28) + timedelta(days=4)):%Y-%m}" in (
        body
    )
    first = date(start.year, start.month, 1)
    assert body.count("<tr>") - 1 in (4, 5, 6)  # the weeks of the month (header row aside)
    assert f'<time datetime="{first - timedelta(days=first.weekday()):%Y-%m-%d}">' in body
    assert ">Pon<" in client.get(f"/pl/events/?view=grid&month={month}").content.decode()


def test_list_is_paged_and_its_queries_do_not_grow(client, event_factory, world):
    for i in range(30):
        start = timezone.now() + timedelta(days=5, hours=i)
        event_factory(title=f"Paged {i:02d}", starts_at=start, ends_at=start + timedelta(hours=1))
    body = client.get("/events/").content.decode()
    assert "30 events" in body
    assert "Paged 23" in body
    assert "Paged 24" not in body
    assert "Page 1 of 2" in body
    assert "Paged 29" in client.get("/events/?page=2").content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get("/events/?page=2")
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few)  # 24 cards cost what 6 do
