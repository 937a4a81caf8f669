"""The deadlines of funding calls as an iCalendar feed (RFC 5545), written by hand: a few
lines of text do not need a dependency."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.http import HttpResponse
from django.utils import timezone

from .models import FundingCall


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a leading space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " "
        current += char
    return [*out, current]


def calendar_text(calls: Iterable[FundingCall]) -> str:
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Highlands//Funding calls//EN"]
    for call in calls:
        deadline = call.closes_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        demo = "[DEMO] " if call.is_demo else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:funding-call-{call.pk}@highlands",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{deadline}",
            f"DTEND:{deadline}",
            f"SUMMARY:{_escape(f'{demo}Deadline: {call.identifier} {call.title}')}",
            f"DESCRIPTION:{_escape(call.programme)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"


def calendar_response(calls: Iterable[FundingCall]) -> HttpResponse:
    response = HttpResponse(calendar_text(calls), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="funding-deadlines.ics"'
    return response
