"""A participant's agenda as a file: PDF (``reportlab`` in Roboto from ``font-roboto``, like
the certificates, for the Polish letters) and iCalendar (``icalendar``, one VEVENT per
meeting with a stable UID, so a calendar app updates a moved or cancelled meeting)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

import font_roboto
import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..ecosystem.localization import localized
from .models import MeetingStatus, Participant
from .selectors import AgendaItem

PRODID = "-//Lublin Economic Highlands//Meetings//EN"
_FONTS = {"Roboto": "Roboto-Regular.ttf", "Roboto-Bold": "Roboto-Bold.ttf"}


def _fonts() -> None:
    directory = Path(font_roboto.__file__).parent / "files"
    for name, filename in _FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(directory / filename)))


def _place(item: AgendaItem, online: bool) -> str:
    if online:
        return gettext("Room %(n)s") % {"n": item.meeting.table}
    return gettext("Table %(n)s") % {"n": item.meeting.table}


def agenda_pdf(participant: Participant, items: Sequence[AgendaItem], *, language: str) -> bytes:
    """One A4 page (more when needed) listing the meetings: time, table, whom, organisation."""
    _fonts()
    session = participant.session
    buffer = io.BytesIO()
    _width, height = A4
    page = canvas.Canvas(buffer, pagesize=A4)
    with translation.override(language):
        title = localized(session.event, "title", language).text
        page.setTitle(gettext("My meetings") + f": {title}"[:120])
        y = height - 60
        page.setFont("Roboto-Bold", 18)
        page.drawString(50, y, gettext("My meetings"))
        y -= 24
        page.setFont("Roboto", 12)
        page.drawString(50, y, title[:90])
        y -= 18
        page.drawString(50, y, participant.name[:90])
        y -= 30
        if not items:
            page.drawString(50, y, gettext("No meetings are scheduled for you yet."))
        for item in items:
            if y < 80:
                page.showPage()
                y = height - 60
            start = timezone.localtime(item.meeting.slot.starts_at)
            end = timezone.localtime(item.meeting.slot.ends_at)
            page.setFont("Roboto-Bold", 12)
            page.drawString(50, y, f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}")
            page.drawString(200, y, _place(item, session.online))
            page.setFont("Roboto", 12)
            organisation = item.partner.organization.name if item.partner.organization else ""
            page.drawString(300, y, item.partner.name[:40])
            y -= 16
            if organisation:
                page.drawString(300, y, organisation[:45])
                y -= 16
            if item.meeting.status == MeetingStatus.OFFERED:
                page.drawString(300, y, gettext("Offered to you: accept it on your agenda page."))
                y -= 16
            y -= 10
        page.showPage()
        page.save()
    return buffer.getvalue()


def agenda_ical(
    participant: Participant, items: Sequence[AgendaItem], *, language: str, url: str
) -> bytes:
    """The meetings as one VCALENDAR; a calendar app updates each by its UID."""
    session = participant.session
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    with translation.override(language):
        title = localized(session.event, "title", language).text
        cal.add("x-wr-calname", gettext("My meetings") + f": {title}")
        stamp = timezone.now().astimezone(UTC)
        for item in items:
            vevent = icalendar.Event()
            vevent.add("uid", f"meeting-{item.meeting.pk}-{participant.pk}@highlands")
            vevent.add("dtstamp", stamp)
            vevent.add("dtstart", item.meeting.slot.starts_at.astimezone(UTC))
            vevent.add("dtend", item.meeting.slot.ends_at.astimezone(UTC))
            organisation = (
                f" ({item.partner.organization.name})" if item.partner.organization else ""
            )
            vevent.add(
                "summary",
                gettext("Meeting with %(name)s") % {"name": item.partner.name} + organisation,
            )
            location = ", ".join(
                p for p in (session.event.venue, _place(item, session.online)) if p
            )
            vevent.add("location", location)
            vevent.add("url", url)
            status = "TENTATIVE" if item.meeting.status == MeetingStatus.OFFERED else "CONFIRMED"
            vevent.add("status", status)
            cal.add_component(vevent)
    return bytes(cal.to_ical())
