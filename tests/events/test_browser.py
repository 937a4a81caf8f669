"""The issue's whole story in Chromium (``-m browser``): a coordinator creates a bilingual
training with 10 seats in the browser, 12 people register (2 wait), one cancels and the first
waiting person is promoted and told, the organiser checks people in on a 390 px phone, and
an attendee downloads the certificate. With EVENTS_SCREENSHOTS=1 it rewrites the README's
screenshots in docs/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from highlands.events import services
from highlands.events.models import Event, Registration
from tests.accounts.fixtures import build_world, make_user

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# The README's screenshots are rewritten only when asked (EVENTS_SCREENSHOTS=1), so a test run
# leaves the work tree clean.
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


def test_training_from_creation_to_certificates(
    browser, live_server, transactional_db, settings, tmp_path
):
    shots = DOCS_SHOTS if os.environ.get("EVENTS_SCREENSHOTS") == "1" else tmp_path
    settings.HIGHLANDS_SEARCH_DIR = Path(settings.VAR_DIR) / "test-search-events"
    expect = playwright_api.expect
    world = build_world()
    coordinator = world.users["coordinator"]
    page = _signed_in(browser, live_server, coordinator)

    # The coordinator creates a bilingual training with 10 seats in the browser.
    page.goto(live_server.url + "/events/new/")
    start = timezone.localtime() + timedelta(days=7)
    page.select_option("#id_organiser", f"cluster:{world.clusters['own'].slug}")
    page.select_option("#id_kind", "training")
    page.fill("#id_title", "Lean management training")
    page.fill("#id_title_pl", "Szkolenie lean management")
    page.fill("#id_description", "Value streams, 5S and kaizen in practice.")
    page.fill("#id_description_pl", "Strumienie wartości, 5S i kaizen w praktyce.")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue", "Lublin Science and Technology Park")
    page.fill("#id_capacity", "10")
    page.check("#id_publish")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Lean management training")
    event = Event.objects.get(title="Lean management training")
    assert event.status == "published"

    # 12 people register: the first in the browser, the rest as the API and pages would.
    people = [make_user(f"p{i}@example.org", first_name=f"Person{i}") for i in range(12)]
    first = _signed_in(browser, live_server, people[0])
    first.goto(f"{live_server.url}/events/{event.pk}/")
    first.get_by_role("button", name="Register").click()
    expect(first.get_by_text("You are registered. Your ticket is below.")).to_be_visible()
    for person in people[1:]:
        services.registration_create(actor=person, event=event)
    statuses = list(event.registrations.order_by("sequence").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 10 + ["waiting"] * 2
    page.goto(f"{live_server.url}/events/")
    page.screenshot(path=str(shots / "events-calendar.png"), full_page=True)
    first.screenshot(path=str(shots / "events-event.png"), full_page=True)

    # One cancels in the browser: the first waiting person is promoted and told.
    mail.outbox.clear()
    third = _signed_in(browser, live_server, people[2])
    third.goto(f"{live_server.url}/events/{event.pk}/")
    third.get_by_role("button", name="Cancel my registration").click()
    expect(third.get_by_text("Your registration is cancelled.")).to_be_visible()
    promoted = Registration.objects.get(event=event, user=people[10])
    assert promoted.status == "confirmed"
    assert Registration.objects.get(event=event, user=people[11]).status == "waiting"
    assert [m.to for m in mail.outbox] == [[people[10].email]]

    # The organiser checks people in on a 390 px phone, by name.
    phone = _signed_in(browser, live_server, coordinator, width=390)
    phone.goto(f"{live_server.url}/events/{event.pk}/checkin/?q=Person0")
    phone.get_by_role("button", name="Check in Person0").click()
    expect(phone.get_by_text("Person0 is checked in.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    phone.screenshot(path=str(shots / "events-checkin-phone.png"), full_page=True)
    assert Registration.objects.get(event=event, user=people[0]).checked_in_at is not None

    # The attendee downloads the certificate.
    first.goto(f"{live_server.url}/pl/events/{event.pk}/")
    with first.expect_download() as download:
        first.get_by_role("link", name="Pobierz zaświadczenie o udziale (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
