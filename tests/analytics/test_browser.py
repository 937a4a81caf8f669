"""The dashboard and the network in Chromium (``-m browser``): both languages, a phone,
filtering the network and opening a node."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import browser, page, pytestmark, site  # noqa: F401 (fixtures)

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.parametrize("prefix", ["", "/pl"])
@pytest.mark.parametrize("path", ["/analytics/", "/analytics/network/", "/analytics/report/"])
def test_on_a_phone_nothing_scrolls_sideways(browser, site, prefix, path):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(site + prefix + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    charts = phone.locator("svg.chart").count()
    context.close()
    assert width <= 390
    assert charts >= 1


def test_dashboard_in_both_languages(page, site):  # noqa: F811
    expect = playwright_api.expect
    page.goto(site + "/analytics/")
    expect(page.locator("h1")).to_have_text("Analytics")
    expect(page.get_by_role("heading", name="Helix composition and balance")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    page.goto(site + "/pl/analytics/")
    expect(page.locator("h1")).to_have_text("Analizy")
    expect(page.get_by_role("heading", name="Skład i równowaga helisy")).to_be_visible()


def test_filter_the_network_and_open_a_node(page, site):  # noqa: F811
    expect = playwright_api.expect
    page.goto(site + "/analytics/network/")
    page.evaluate("window.__same_document = true")
    page.get_by_label("Type of link").select_option("coordination")
    expect(page).to_have_url(re.compile(r"kind=coordination"))
    expect(page.locator("#results")).not_to_contain_text("membership of a cluster")
    page.get_by_label("Name contains").fill("industrial upland cluster")
    expect(page.locator("#results tbody tr").first).to_contain_text("Industrial Upland Cluster")
    assert page.evaluate("window.__same_document") is True  # htmx swapped the results
    page.locator("#results").get_by_role("link", name="Industrial Upland Cluster").first.click()
    expect(page.locator("h1")).to_have_text(
        "Industrial Upland Cluster in the network of cooperation"
    )
    expect(page.locator("main table")).to_contain_text("membership of a cluster")
