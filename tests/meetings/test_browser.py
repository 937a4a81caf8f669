"""A small brokerage event end to end in Chromium (``-m browser``): the organiser sets up the
meetings, a participant registers and joins in the browser, marks her availability, browses
the participants (their live marketplace profiles, "whom to meet") and asks for meetings; the
others answer on a phone; the organiser schedules and publishes; the agenda is read on a
390 px phone; the outcome "cooperation started" opens the marketplace cooperation. With
MEETINGS_SCREENSHOTS=1 it rewrites the README's screenshots in docs/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from highlands.accounts.models import OrganizationRepresentative
from highlands.ecosystem.models import Membership, Organization
from highlands.events import services as events
from highlands.marketplace import services as marketplace
from highlands.marketplace.models import Interest
from highlands.meetings import services
from highlands.meetings.models import Meeting, MeetingRequest, Participant
from highlands.meetings.scheduler import Assignment, violations
from tests.accounts.fixtures import build_world, make_user

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs/screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield instance
        instance.close()


def _signed_in(browser: Any, live_server: Any, user: Any, width: int = 1200) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_small_brokerage_event_end_to_end(
    browser, live_server, transactional_db, settings, tmp_path
):
    shots = DOCS_SHOTS if os.environ.get("MEETINGS_SCREENSHOTS") == "1" else tmp_path
    settings.HIGHLANDS_SEARCH_DIR = Path(settings.VAR_DIR) / "test-search-meetings"
    expect = playwright_api.expect
    world = build_world()
    organiser = world.users["coordinator"]
    start = (timezone.localtime() + timedelta(days=7)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    event = events.event_create(
        actor=organiser,
        kind="brokerage",
        title="Food and packaging brokerage",
        title_pl="Giełda kooperacyjna: żywność i opakowania",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=30,
        venue="Lublin Congress Centre",
        publish=True,
        clusters=[world.clusters["own"]],
    )

    # The organiser sets up the meetings from the event's page: 10:00-11:20, 20 minutes, 3 tables.
    desk = _signed_in(browser, live_server, organiser)
    desk.goto(f"{live_server.url}/events/{event.pk}/")
    desk.get_by_role("link", name="B2B meetings").click()
    desk.fill("#id_block-0-starts", "10:00")  # the first day is filled in: the event's
    desk.fill("#id_block-0-ends", "11:20")
    desk.select_option("#id_slot_minutes", "20")
    desk.fill("#id_tables", "3")
    desk.get_by_role("button", name="Set up the meetings").click()
    expect(desk.get_by_text("The meetings are set up.")).to_be_visible()
    session = event.meeting_session
    assert session.slots.count() == 4

    # Four companies, each represented by its participant, all in the organising cluster.
    people = {}
    for name, company in (
        ("Anna", "Lublin Jams"),
        ("Bolek", "Glass Jar Works"),
        ("Cezary", "Label Print"),
        ("Dora", "Cold Chain Logistics"),
    ):
        user = make_user(f"{name.lower()}@example.org", first_name=name, last_name="Nowak")
        org = Organization.objects.create(
            slug=company.lower().replace(" ", "-"), name=company, normalized_name=company.lower()
        )
        OrganizationRepresentative.objects.create(user=user, organization=org)
        Membership.objects.create(
            organization=org,
            cluster=world.clusters["own"],
            role="member",
            position=9,
            source=world.memberships["own"].source,
        )
        people[name] = (user, org)
    for name, kind, title, text in (
        (
            "Anna",
            "business_request",
            "Glass jars for fruit preserves",
            "We need 200,000 twist-off glass jars a year for jams.",
        ),
        (
            "Bolek",
            "business_offer",
            "Twist-off glass jars",
            "Glass jars 200-900 ml with twist-off lids, food grade.",
        ),
        (
            "Cezary",
            "business_offer",
            "Food labels, short runs",
            "Printed food labels with allergen data, short runs.",
        ),
    ):
        user, org = people[name]
        marketplace.profile_create(
            actor=user, organization=org, kind=kind, title=title, description=text, publish=True
        )

    # Anna registers for the event and joins the meetings in the browser.
    anna_user, anna_org = people["Anna"]
    anna = _signed_in(browser, live_server, anna_user)
    anna.goto(f"{live_server.url}/events/{event.pk}/")
    anna.select_option("#id_organization", anna_org.slug)
    anna.get_by_role("button", name="Register").click()
    expect(anna.get_by_text("You are registered. Your ticket is below.")).to_be_visible()
    anna.get_by_role("link", name="B2B meetings").click()
    anna.get_by_role("button", name="Take part in the meetings").click()
    expect(anna.get_by_text("Say when you are available.")).to_be_visible()
    # Her availability: not the last slot; at most three meetings.
    boxes = anna.locator("input[name=available]")
    assert boxes.count() == 4
    boxes.nth(3).uncheck()
    anna.fill("#id_note", "Jams and preserves; we look for jars, labels and cold transport.")
    anna.fill("#id_max_meetings", "3")
    anna.get_by_role("button", name="Save").click()
    expect(anna.get_by_text("Your participant profile is saved.")).to_be_visible()
    anna.screenshot(path=str(shots / "meetings-profile.png"), full_page=True)
    me = Participant.objects.get(session=session, user=anna_user)
    assert me.available.count() == 3
    assert me.max_meetings == 3

    # The others register and join as the pages would.
    for name in ("Bolek", "Cezary", "Dora"):
        user, org = people[name]
        events.registration_create(actor=user, event=event, organization=org)
        services.participant_join(actor=user, session=session)

    # Anna browses the participants (live marketplace profiles, whom to meet) and asks two.
    anna.goto(f"{live_server.url}/meetings/{session.pk}/participants/")
    expect(anna.get_by_role("heading", name="Whom to meet")).to_be_visible()
    expect(anna.get_by_role("link", name="Twist-off glass jars")).to_be_visible()
    anna.screenshot(path=str(shots / "meetings-participants.png"), full_page=True)
    for name, reason in (("Bolek", "Jars for our jams"), ("Cezary", "Labels with allergens")):
        card = anna.locator("li.card", has=anna.get_by_role("heading", name=f"{name} Nowak"))
        card.get_by_label("Why do you want to meet?").fill(reason)
        card.get_by_role("button", name="Ask to meet").click()
        expect(anna.get_by_text(f"Your request is sent to {name} Nowak.")).to_be_visible()
    # Dora asks Anna; Bolek asks Dora (as the API would).
    dora = Participant.objects.get(session=session, user=people["Dora"][0])
    bolek = Participant.objects.get(session=session, user=people["Bolek"][0])
    services.request_create(actor=people["Dora"][0], recipient=me, reason="Cold transport")
    services.request_create(actor=people["Bolek"][0], recipient=dora, reason="Pallets of jars")

    # Bolek accepts on his phone; Anna accepts Dora's in her inbox; Cezary and Dora accept.
    bolek_phone = _signed_in(browser, live_server, people["Bolek"][0], width=390)
    bolek_phone.goto(f"{live_server.url}/meetings/{session.pk}/requests/")
    expect(bolek_phone.get_by_text("Jars for our jams")).to_be_visible()
    bolek_phone.screenshot(path=str(shots / "meetings-requests-phone.png"), full_page=True)
    bolek_phone.get_by_role("button", name="Accept").click()
    expect(bolek_phone.get_by_text("Your answer is saved.")).to_be_visible()
    assert _fits(bolek_phone)
    anna.goto(f"{live_server.url}/meetings/{session.pk}/requests/")
    anna.get_by_role("button", name="Accept").click()
    expect(anna.get_by_text("Your answer is saved.")).to_be_visible()
    for request in MeetingRequest.objects.filter(status="pending"):
        services.request_decide(actor=request.recipient.user, request=request, accept=True)
    assert MeetingRequest.objects.filter(status="accepted").count() == 4

    # The organiser schedules (exact solver) and publishes; the grid shows slots × tables.
    desk.goto(f"{live_server.url}/meetings/{session.pk}/manage/")
    desk.get_by_role("button", name="Schedule the accepted requests").click()
    expect(
        desk.get_by_text("Scheduled 4 meetings of 4 accepted requests (optimal).")
    ).to_be_visible()
    desk.get_by_role("button", name="Publish 4 meetings").click()
    expect(desk.get_by_text("4 meetings published.")).to_be_visible()
    desk.screenshot(path=str(shots / "meetings-schedule-grid.png"), full_page=True)
    live = list(Meeting.objects.filter(status="published").select_related("request"))
    instance, _requests = services.session_instance(session)
    index = {r.id: i for i, r in enumerate(instance.requests)}
    slot_index = {s: i for i, s in enumerate(instance.slots)}
    placed = [
        Assignment(index[str(m.request_id)], slot_index[str(m.slot_id)], m.table) for m in live
    ]
    assert violations(instance, placed) == []
    last_slot = session.slots.order_by("-starts_at").first()
    assert not any(
        m.slot_id == last_slot.pk and me.pk in (m.request.requester_id, m.request.recipient_id)
        for m in live
    )
    desk.goto(f"{live_server.url}/meetings/{session.pk}/tables/")
    expect(desk.get_by_role("heading", name="Table 1")).to_be_visible()
    desk.screenshot(path=str(shots / "meetings-table-cards.png"), full_page=True)

    # Anna reads her agenda on a 390 px phone, and it fits.
    phone = _signed_in(browser, live_server, anna_user, width=390)
    phone.goto(f"{live_server.url}/meetings/{session.pk}/agenda/")
    cards = phone.locator("ol.agenda > li")
    expect(cards).to_have_count(3)
    expect(phone.get_by_text("Glass Jar Works").first).to_be_visible()
    assert _fits(phone)
    phone.screenshot(path=str(shots / "meetings-agenda-phone.png"), full_page=True)
    pdf = phone.request.get(f"{live_server.url}/meetings/{session.pk}/agenda.pdf")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    ics = phone.request.get(f"{live_server.url}/meetings/{session.pk}/agenda.ics").text()
    assert ics.count("BEGIN:VEVENT") == 3
    assert "Bolek Nowak" in ics

    # After the meetings: Anna records "cooperation started" with Bolek, and opens the
    # marketplace cooperation on his offer.
    for offset, slot in enumerate(session.slots.order_by("starts_at")):
        slot.starts_at = timezone.now() - timedelta(minutes=100 - 20 * offset)
        slot.ends_at = slot.starts_at + timedelta(minutes=20)
        slot.save()
    with_bolek = next(
        m for m in live if {m.request.requester_id, m.request.recipient_id} == {me.pk, bolek.pk}
    )
    phone.goto(f"{live_server.url}/meetings/meeting/{with_bolek.pk}/outcome/")
    phone.get_by_label("We met and started cooperating").check()
    phone.fill("#id_note", "Samples of 370 ml jars next week.")
    phone.get_by_role("button", name="Save the outcome").click()
    expect(phone.get_by_text("The outcome is saved.")).to_be_visible()
    expect(
        phone.get_by_role("heading", name="Open the cooperation in the marketplace")
    ).to_be_visible()
    assert _fits(phone)
    phone.screenshot(path=str(shots / "meetings-outcome-phone.png"), full_page=True)
    phone.get_by_role("button", name="Send interest").click()
    expect(phone.get_by_text("Your interest is sent")).to_be_visible()
    interest = Interest.objects.get()
    assert interest.organization == anna_org
    assert interest.profile.organization == people["Bolek"][1]
