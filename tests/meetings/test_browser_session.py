"""The organiser's session tools in Chromium (``-m browser``): the set-up of a two-day
brokerage with a lunch break (the preview says what a short block end leaves free), the
settings page refusing to remove a block with a published meeting and then saving new
table names on a 390 px phone, and on the schedule grid a meeting moved and then cancelled
with a reason — both sides told. axe-core checks each of these pages at 1280 and 390 px in
both languages. With MEETINGS_SCREENSHOTS=1 it rewrites the README's screenshots of them."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from highlands.events import services as events
from highlands.meetings import services
from highlands.meetings.models import Meeting, MeetingSession, MeetingStatus
from highlands.notifications.models import Notification
from tests.accounts.fixtures import build_world, make_user

from .conftest import make_event
from .test_browser import CHROMIUM, DOCS_SHOTS, _fits, _signed_in, browser, playwright_api

axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]
__all__ = ["browser"]

AXE = json.dumps(
    {
        "resultTypes": ["violations"],
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        },
    }
)


def _axe(page, url: str) -> list[str]:
    """Serious or critical axe findings and sideways scrolling on ``url`` in both languages,
    at 1280 and 390 px."""
    problems = []
    for prefix in ("", "/pl"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url.replace("/meetings/", f"{prefix}/meetings/", 1))
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(axe_api.Axe().axe_script)
            found = page.evaluate(f"axe.run(document, {AXE})")
            problems += [
                f"{prefix}{url} {width}: {v['id']} ({v['impact']}) "
                + ", ".join(str(n["target"]) for n in v["nodes"][:3])
                for v in found["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if not _fits(page):
                problems.append(f"{prefix}{url} {width}: wider than the screen")
    return problems


def test_set_up_change_move_and_cancel_in_the_browser(
    browser, live_server, transactional_db, settings, tmp_path
):
    shots = DOCS_SHOTS if os.environ.get("MEETINGS_SCREENSHOTS") == "1" else tmp_path
    settings.HIGHLANDS_SEARCH_DIR = Path(settings.VAR_DIR) / "test-search-meetings-session"
    expect = playwright_api.expect
    world = build_world()
    organiser = world.users["coordinator"]
    event = make_event(world, in_days=9, days=2, hours=8, title="Two-day food brokerage")
    start = timezone.localtime(event.starts_at)

    # Set-up: 10:00-12:00 and 13:30-16:00 on the first day, 10:00-11:50 on the second.
    desk = _signed_in(browser, live_server, organiser)
    desk.goto(f"{live_server.url}/meetings/events/{event.pk}/setup/")
    desk.fill("#id_tables", "3")
    desk.fill("#id_table_names", "Green room\n\nTerrace")
    for row, (begins, ends) in enumerate(
        (("10:00", "12:00"), ("13:30", "16:00"), ("10:00", "11:50"))
    ):
        if row == 2:
            desk.fill("#id_block-2-day", (start + timedelta(days=1)).strftime("%Y-%m-%d"))
        desk.fill(f"#id_block-{row}-starts", begins)
        desk.fill(f"#id_block-{row}-ends", ends)
    desk.locator("#id_block-2-ends").press("Tab")  # with htmx the preview follows
    preview = desk.locator("#slot-preview")
    expect(preview).to_contain_text("18 new slots in all.")
    desk.get_by_role("button", name="Preview").click()  # without JS: the same, by button
    expect(preview).to_contain_text("18 new slots in all.")
    expect(preview).to_contain_text("the last 10 minutes are shorter than a slot and stay free")
    expect(preview).to_contain_text("Room for at most 54 meetings.")
    assert not MeetingSession.objects.exists()
    desk.screenshot(path=str(shots / "meetings-setup-preview.png"), full_page=True)
    # With htmx, changing a block refreshes the preview without a click.
    desk.fill("#id_block-2-ends", "12:00")
    desk.locator("#id_block-2-ends").press("Tab")  # leaving the field is the change
    expect(preview).to_contain_text("19 new slots in all.")
    desk.get_by_role("button", name="Set up the meetings").click()
    expect(desk.get_by_text("The meetings are set up.")).to_be_visible()
    session = MeetingSession.objects.get(event=event)
    assert session.slots.count() == 19
    assert session.table_names == ["Green room", "", "Terrace"]

    # Two participants meet (arranged by the organiser), published.
    people = {}
    for name in ("Anna", "Bolek"):
        user = make_user(f"{name.lower()}@example.org", first_name=name, last_name="Nowak")
        events.registration_create(actor=user, event=event)
        people[name] = services.participant_join(actor=user, session=session)
    services.request_add(
        actor=organiser, requester=people["Anna"], recipient=people["Bolek"], reason="Jars"
    )
    services.schedule_run(actor=organiser, session=session, time_limit=5)
    services.schedule_publish(actor=organiser, session=session)
    meeting = Meeting.objects.get(status=MeetingStatus.PUBLISHED)

    # The settings on a phone: removing the meeting's block is refused, naming the meeting.
    phone = _signed_in(browser, live_server, organiser, width=390)
    phone.goto(f"{live_server.url}/meetings/{session.pk}/manage/")
    phone.get_by_role("link", name="Settings", exact=True).click()
    block_start = timezone.localtime(meeting.slot.starts_at)
    label = next(
        text
        for text in phone.locator("#id_remove_blocks label").all_inner_texts()
        if "1 published meeting" in text
    )
    phone.get_by_label(label).check()
    phone.get_by_role("button", name="Save the settings").click()
    expect(phone.get_by_role("alert")).to_contain_text(
        f"Anna Nowak + Bolek Nowak ({block_start:%Y-%m-%d %H:%M}"
    )
    assert _fits(phone)
    phone.get_by_label(label).uncheck()
    phone.fill("#id_table_names", "Green room\nWindow\nTerrace")
    phone.fill("#id_max_meetings", "6")
    phone.screenshot(path=str(shots / "meetings-settings-phone.png"), full_page=True)
    phone.get_by_role("button", name="Save the settings").click()
    expect(phone.get_by_text("The meeting settings are saved.")).to_be_visible()
    session.refresh_from_db()
    assert (session.table_names, session.max_meetings) == (["Green room", "Window", "Terrace"], 6)

    # The grid: move the meeting to another slot, then cancel it with a reason.
    desk.goto(f"{live_server.url}/meetings/{session.pk}/manage/")
    desk.get_by_role("link", name=re.compile(r"^Move\W+Anna Nowak \+ Bolek Nowak$")).click()
    choice = desk.locator("input[name=place]").nth(3)
    choice.check()
    target = choice.get_attribute("value")
    desk.screenshot(path=str(shots / "meetings-move.png"), full_page=True)
    desk.get_by_role("button", name="Move the meeting").click()
    expect(desk.get_by_text("The meeting is moved; both sides are told.")).to_be_visible()
    meeting.refresh_from_db()
    assert f"{meeting.slot_id}-{meeting.table}" == target
    cell = desk.locator("td", has_text="Anna Nowak + Bolek Nowak")
    cell.locator("summary").click()
    cell.get_by_label("Reason (sent to both)").fill("The hall is closed for repairs")
    desk.screenshot(path=str(shots / "meetings-grid-cancel.png"), full_page=True)
    cell.get_by_role("button", name="Cancel the meeting").click()
    expect(desk.get_by_text("The meeting is cancelled; both sides are told why.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    told = Notification.objects.filter(kind="meetings.change", body_en__contains="repairs")
    assert sorted(n.user.first_name for n in told) == ["Anna", "Bolek"]

    # axe on the new pages (a second meeting for the move page), both languages, both widths.
    services.schedule_run(actor=organiser, session=session, time_limit=5)
    services.schedule_publish(actor=organiser, session=session)
    again = Meeting.objects.get(status=MeetingStatus.PUBLISHED)
    bare = make_event(world, in_days=9, days=1, hours=8, title="Subcontracting fair")
    base = live_server.url
    problems = []
    for url in (
        f"{base}/meetings/events/{bare.pk}/setup/",
        f"{base}/meetings/{session.pk}/settings/",
        f"{base}/meetings/meeting/{again.pk}/move/",
        f"{base}/meetings/{session.pk}/manage/",
    ):
        problems += _axe(desk, url)
    assert problems == []
