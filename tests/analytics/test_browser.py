"""The dashboard and the network in Chromium (``-m browser``): both languages, a phone,
filtering the network and opening a node."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

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


SHOTS = Path(__file__).resolve().parents[2] / "docs/screenshots"
WRITE_SHOTS = os.environ.get("HIGHLANDS_SCREENSHOTS") == "1"
BLOCKING = ("serious", "critical")
HELIX_LABEL = {"": "Helix of the organisation", "/pl": "Helisa organizacji"}
CLUSTER_LABEL = {"": "Cluster", "/pl": "Klaster"}


def _axe_problems(tab: Any) -> list[str]:
    results = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("prefix", ["", "/pl"])
def test_on_a_phone_filter_the_network_and_open_a_node_by_keyboard(browser, site, prefix):  # noqa: F811
    """Dashboard and network at 390 px in each language, axe-clean; the graph filtered by
    helix and cluster; a node of the drawing opened with the keyboard."""
    from axe_playwright_python.sync_playwright import Axe

    expect = playwright_api.expect
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_init_script(Axe().axe_script)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(site + prefix + "/analytics/")
    expect(phone.locator("h1")).to_have_text("Analizy" if prefix else "Analytics")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe_problems(phone) == []
    if WRITE_SHOTS and prefix:
        phone.screenshot(path=str(SHOTS / "analytics-phone.png"))

    phone.goto(site + prefix + "/analytics/network/")
    phone.locator("details.filter-panel > summary").click()  # folded on a phone
    phone.get_by_label(HELIX_LABEL[prefix], exact=True).select_option("academia")
    expect(phone).to_have_url(re.compile(r"helix=academia"))
    nodes = phone.locator("#results table").first  # the nodes; links name both ends
    expect(nodes).to_contain_text("Medical University of Lublin")
    expect(nodes).not_to_contain_text("Industrial Upland Cluster")
    phone.get_by_label(CLUSTER_LABEL[prefix], exact=True).select_option("industrial-upland-cluster")
    expect(phone).to_have_url(re.compile(r"cluster=industrial-upland-cluster"))
    expect(nodes.locator("tbody tr").first).to_be_visible()
    expect(nodes).not_to_contain_text("Medical University of Lublin")  # not a member
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe_problems(phone) == []
    if WRITE_SHOTS and prefix:
        phone.locator("details.filter-panel").scroll_into_view_if_needed()
        phone.screenshot(path=str(SHOTS / "network-phone.png"))

    # The drawing: every highland and cluster is a link in the tab order; Enter opens it.
    node = phone.locator("svg.network a.net-node").first
    name = node.get_attribute("aria-label") or ""
    node.focus()
    assert phone.evaluate("document.activeElement.classList.contains('net-node')")
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/analytics/network/(highland|cluster)/[\w-]+/$"))
    expect(phone.locator("h1")).to_contain_text(name.split(" (")[0])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe_problems(phone) == []
    context.close()
    assert errors == []


def test_screenshots_of_the_dashboard_the_network_and_a_printed_report(page, site, tmp_path):  # noqa: F811
    """The README's pictures (written only with ``HIGHLANDS_SCREENSHOTS=1``); the printed
    report is Chromium's PDF of the report page, rendered to PNG with pypdfium2."""
    pdfium = pytest.importorskip("pypdfium2")
    expect = playwright_api.expect
    page.goto(site + "/analytics/")
    expect(page.locator("svg.chart").first).to_be_visible()
    if WRITE_SHOTS:
        page.screenshot(path=str(SHOTS / "analytics.png"), full_page=False)
    page.goto(site + "/analytics/network/")
    expect(page.locator("svg.network")).to_be_visible()
    if WRITE_SHOTS:
        page.screenshot(path=str(SHOTS / "network.png"), full_page=False)
    page.goto(site + "/analytics/network/?helix=academia")
    page.locator("svg.network a.net-node").nth(2).focus()
    page.evaluate("document.querySelector('svg.network').scrollIntoView()")
    expect(page.locator("svg.network a.net-node:focus")).to_have_count(1)
    if WRITE_SHOTS:
        page.screenshot(path=str(SHOTS / "network-explore.png"), full_page=False)
    page.goto(site + "/analytics/report/cluster/industrial-upland-cluster/")
    page.emulate_media(media="print")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    document = pdfium.PdfDocument(str(pdf))
    assert len(document) >= 1
    text = document[0].get_textpage().get_text_range()
    assert "Industrial Upland Cluster" in text
    # Printed on A4 (about 700 px of text width), no table is cut off at its right edge.
    page.set_viewport_size({"width": 700, "height": 1000})
    cut = "[...document.querySelectorAll('.table-wrap')].filter(e => e.scrollWidth > e.clientWidth)"
    assert page.evaluate(f"{cut}.length") == 0
    image = document[0].render(scale=1.4).to_pil()
    assert image.width > 800
    if WRITE_SHOTS:
        image.save(SHOTS / "analytics-report-print.png")
