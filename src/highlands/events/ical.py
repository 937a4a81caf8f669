"""iCalendar (RFC 5545) of events, built with the ``icalendar`` package.

One VEVENT per event with a stable UID (``event-<pk>@highlands``) and a SEQUENCE that grows
with every change, so a calendar app updates the entry instead of duplicating it. Times are
written in UTC. There is deliberately no ORGANIZER: calendar apps would mail the organiser
on every answer of every subscriber.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import icalendar
from django.utils import timezone

from ..ecosystem.localization import localized
from .models import Event, EventStatus

PRODID = "-//Lublin Economic Highlands//Events//EN"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@highlands"


def _location(event: Event) -> str:
    parts = [p for p in (event.venue, event.address) if p]
    if event.online_url:
        parts.append(event.online_url)
    return ", ".join(parts)


def calendar_bytes(
    events: Iterable[Event], *, name: str, language: str, url_of: dict[int, str] | None = None
) -> bytes:
    """The events as one VCALENDAR (UTF-8 bytes); ``url_of`` maps event ids to their pages."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC)
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", event_uid(event))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.starts_at.astimezone(UTC))
        vevent.add("dtend", event.ends_at.astimezone(UTC))
        vevent.add("sequence", event.ical_sequence)
        vevent.add("summary", localized(event, "title", language).text)
        description = localized(event, "description", language).text
        if description:
            vevent.add("description", description)
        location = _location(event)
        if location:
            vevent.add("location", location)
        if url_of and event.pk in url_of:
            vevent.add("url", url_of[event.pk])
        vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
        cal.add_component(vevent)
    return bytes(cal.to_ical())
