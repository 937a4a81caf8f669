"""What people click (``-m browser``, Debian's Chromium): a representative states facts,
applies to the metal cluster and sees the explanation; the coordinator accepts; the
membership appears on the cluster page; the representative sees "calls for my
organisation" with explanations. With ``HIGHLANDS_SCREENSHOTS=1`` it also (re)writes the
README's screenshots, docs/screenshots/funding-*.png (otherwise a test run changes nothing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[2] / "docs/screenshots"
WRITE_SHOTS = os.environ.get("HIGHLANDS_SCREENSHOTS") == "1"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield instance
        instance.close()


def _shot(page: Any, name: str) -> None:
    if WRITE_SHOTS:
        page.screenshot(path=str(SHOTS / f"funding-{name}.png"), full_page=True)


def _context(browser: Any, user: Any, base_url: str) -> Any:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}])
    return context


def test_apply_accept_and_calls_for_my_organisation(
    browser, live_server, transactional_db, funding, tmp_path
):
    from highlands.funding.demo import demo_load

    demo_load()
    expect = playwright_api.expect
    base = live_server.url
    rep = _context(browser, funding.users["representative"], base).new_page()
    # Facts: seat and the share of revenue from metal-processing services.
    rep.goto(f"{base}/funding/organizations/{funding.applicant.slug}/facts/")
    rep.get_by_label("Seat (voivodeship)").select_option("podkarpackie")
    rep.get_by_label("Size class").select_option("small")
    rep.get_by_label("Activity codes (NACE/PKD), comma-separated").fill("25.62")
    rep.get_by_label("Share of revenue from metal-processing services").fill("45,5 %")
    rep.get_by_role("button", name="Save facts").click()
    expect(rep.get_by_text("The facts are saved.")).to_be_visible()
    # Calls for my organisation, ranked, with the explanation per rule.
    expect(rep.locator("li.card").first).to_contain_text("Eligible")
    rep.locator("details.more summary").first.click()
    expect(rep.locator("details.more").first).to_contain_text("podkarpackie — one of the admitted")
    _shot(rep, "calls-for-my-organisation")
    # Apply to the Eastern Metal Processing Cluster: the pre-check explains itself.
    rep.goto(f"{base}/funding/clusters/{funding.metal.slug}/apply/")
    expect(rep.locator("main")).to_contain_text("45.5 % of revenue from these sources, 40 % needed")
    _shot(rep, "apply")
    rep.get_by_label("Message to the coordinator").fill("We machine and weld steel parts.")
    # Evidence: a file that is not what its name says is refused, and nothing is sent.
    fake = tmp_path / "revenue split.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    rep.get_by_label("Evidence files").set_input_files([str(fake)])
    rep.get_by_role("button", name="Send the application").click()
    expect(rep.locator(".messages")).to_contain_text("“revenue split.pdf” was not accepted")
    extract = tmp_path / "KRS extract 2024.pdf"
    extract.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    rep.get_by_label("Message to the coordinator").fill("We machine and weld steel parts.")
    rep.get_by_label("Evidence files").set_input_files([str(extract)])
    rep.get_by_role("button", name="Send the application").click()
    expect(rep.get_by_text("Your application is sent")).to_be_visible()
    expect(rep.get_by_role("link", name="KRS extract 2024.pdf")).to_be_visible()
    application_url = rep.url
    # The coordinator sees the same pre-check and accepts.
    coordinator = _context(browser, funding.users["coordinator"], base).new_page()
    coordinator.goto(f"{base}/funding/clusters/{funding.metal.slug}/applications/")
    coordinator.get_by_role("link", name=funding.applicant.name).click()
    assert coordinator.url == application_url
    expect(coordinator.locator("main")).to_contain_text("Eligible")
    # The coordinator downloads the evidence the representative sent.
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="KRS extract 2024.pdf").click()
    assert download.value.suggested_filename == "KRS extract 2024.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    _shot(coordinator, "application-coordinator")
    coordinator.get_by_role("button", name="Accept").click()
    expect(coordinator.get_by_text("The application is accepted")).to_be_visible()
    # The membership is on the cluster's public page.
    visitor = browser.new_page()
    visitor.goto(f"{base}/clusters/{funding.metal.slug}/")
    expect(visitor.locator("main")).to_contain_text(funding.applicant.name)
    visitor.close()
