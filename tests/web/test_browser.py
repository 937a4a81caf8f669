"""What a visitor clicks, in Debian's Chromium driven by Playwright (``-m browser``).

Playwright's own browser download does not work here; ``.ci/run`` installs Debian's
``chromium`` package and these tests launch it from CHROMIUM_PATH (default /usr/bin/chromium).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    # Playwright's sync API keeps an event loop alive in this thread, so Django would refuse
    # each test's database setup and flush as "async unsafe". Nothing here runs concurrently;
    # the allowance lasts exactly as long as the browser (this module's tests).
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def site(browser, live_server, transactional_db, seeded):
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    # Any CSP violation or script error shows up on the console.
    assert problems == []


def test_home_to_highland_to_cluster_to_organization(page, site):
    expect = playwright_api.expect
    page.goto(site + "/")
    expect(page.locator("h1")).to_have_text("Lublin Economic Highlands")
    page.get_by_role("link", name="Lublin Automotive and Machine Highland").click()
    expect(page.locator("h1")).to_have_text("Lublin Automotive and Machine Highland")
    expect(page.locator("svg.chart.helix")).to_be_visible()
    page.locator("main").get_by_role("link", name="Industrial Upland Cluster").first.click()
    expect(page.locator("h1")).to_have_text("Industrial Upland Cluster")
    expect(page.locator(".single-figure").first).to_be_visible()  # one observation: a figure
    expect(page.get_by_role("heading", name="Members by helix role")).to_be_visible()
    page.get_by_role("link", name="ABM Greiffenberger Polska Sp. z o.o.").click()
    expect(page.locator("h1")).to_have_text("ABM Greiffenberger Polska Sp. z o.o.")
    expect(page.get_by_role("link", name="Industrial Upland Cluster")).to_be_visible()


def test_switch_to_polish_and_back_stays_on_the_page(page, site):
    expect = playwright_api.expect
    page.goto(site + "/clusters/esta-cluster/")
    page.get_by_role("link", name="Polski").click()
    expect(page).to_have_url(site + "/pl/clusters/esta-cluster/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("navigation", name="Główna")).to_contain_text("Klastry")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(site + "/clusters/esta-cluster/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_filter_the_directory_without_reloading(page, site):
    expect = playwright_api.expect
    page.goto(site + "/clusters/")
    expect(page.locator("p.count")).to_have_text("20 clusters")
    page.evaluate("window.__same_document = true")
    page.get_by_label("Highland").select_option("aviation")
    expect(page.locator("p.count")).to_have_text("1 cluster")
    expect(page).to_have_url(re.compile(r"highland=aviation"))
    page.get_by_label("Highland").select_option("")
    page.get_by_label("Name contains").fill("metal")
    expect(page.locator("#results")).to_contain_text("Eastern Metal Processing Cluster")
    expect(page.locator("p.count")).to_have_text("1 cluster")
    assert page.evaluate("window.__same_document") is True  # htmx swapped, no full reload


def test_keyboard_reaches_skip_link_and_filter_form(page, site):
    page.goto(site + "/clusters/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    # Following the link is asynchronous: wait for the URL (it failed once under load in CI).
    playwright_api.expect(page).to_have_url(re.compile(r"#main$"))


def test_compare_clusters(page, site):
    expect = playwright_api.expect
    page.goto(site + "/compare/")
    page.get_by_label("ESTA Cluster").check()
    page.get_by_label("Industrial Upland Cluster").check()
    page.get_by_role("button", name="Compare").click()
    table = page.locator("table.compare-table")
    expect(table.locator("thead th")).to_have_count(2)
    expect(page.locator("figure.chart-box svg.chart.helix")).to_have_count(2)


def test_search_when_the_search_page_exists(page, site):
    if page.request.get(site + "/search/").status == 404:
        pytest.skip("no /search/ page on this branch (the search app lands separately)")
    page.goto(site + "/search/")
    box = page.get_by_role("searchbox").first
    box.fill("metal")
    box.press("Enter")
    playwright_api.expect(page.locator("main")).to_contain_text("Eastern Metal Processing Cluster")


@pytest.mark.parametrize(
    "path", ["/", "/clusters/", "/clusters/industrial-upland-cluster/", "/pl/compare/"]
)
def test_phone_sized_viewport_has_no_sideways_scroll(browser, site, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    header_height = page.locator("header.site").bounding_box()["height"]
    context.close()
    assert width <= 390
    assert header_height < 80  # one row: brand and menu button


def test_phone_header_opens_the_menu_and_filters_leave_results_in_view(browser, site):
    expect = playwright_api.expect
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/pl/clusters/")
    nav = page.get_by_role("navigation", name="Główna")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    # The filter panel starts collapsed on a phone: the first result is above the fold.
    expect(page.locator("details.filter-panel")).not_to_have_attribute("open", "")
    first = page.locator("table.clusters tbody tr").first.bounding_box()
    assert first["y"] + first["height"] < 844
    page.locator("details.filter-panel summary").click()
    expect(page.get_by_label("Wyżyna")).to_be_visible()
    context.close()


def test_wide_table_says_it_scrolls_sideways_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site + "/clusters/")
    playwright_api.expect(page.locator(".scroll-hint").first).to_be_visible()
    region = page.get_by_role("region", name="Clusters with the figures they state")
    region.focus()  # a keyboard user can scroll it
    page.keyboard.press("ArrowRight")
    context.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/clusters/")
    playwright_api.expect(page.locator(".scroll-hint").first).to_be_hidden()  # it fits
    page.close()


@pytest.mark.parametrize("width", [1232, 1280, 1600])  # just above the menu button; laptop; wide
def test_desktop_header_is_one_row(browser, site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in ("/clusters/", "/pl/clusters/"):
        page.goto(site + path)
        assert page.locator("header.site").bounding_box()["height"] < 80, path
    page.close()


@pytest.mark.parametrize("width", [1232, 1280, 1600])
def test_signed_in_header_with_unread_notifications_is_one_row(browser, site, width):
    """The account menu signed in (Workspace, the notifications bell with its unread count,
    Sign out) still fits the one-row header: in English from 1232 px, in Polish (whose main
    menu alone is 1,100 px wide, so it took two rows signed in before the bell) at 1600 px."""
    from django.test import Client

    from highlands.notifications.services import notify
    from tests.accounts.fixtures import make_user

    user = make_user(f"header{width}@example.org")
    for _ in range(12):  # a two-digit count
        notify(recipient=user, kind="events.reminder", subject="Reminder: %(title)s starts soon",
               context={"title": "Lean"})  # fmt: skip
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    page = context.new_page()
    for path in ("/clusters/", "/pl/clusters/") if width >= 1600 else ("/clusters/",):
        page.goto(site + path)
        playwright_api.expect(page.locator("a.nav-notifications .count")).to_contain_text("12")
        assert page.locator("header.site").bounding_box()["height"] < 80, (width, path)
    context.close()


def test_focus_ring_is_drawn_in_the_focus_colour(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/clusters/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the brand
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )
    page.close()
    assert style == ["solid", "3px", "rgb(10, 47, 92)"]  # --c-focus, 13.5:1 on white
