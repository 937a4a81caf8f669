"""Take the README's screenshots of a running portal: `python scripts/screenshots.py URL`.

Drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through Playwright and
writes small viewport-sized PNGs to docs/screenshots/: desktop (1280 px) in English and
Polish, phone (390 px) in Polish; ``SHOTS=cluster,organization`` takes only those. Run it
against a portal with the source document and the marketplace demo imported (`make run`)
and the search index built.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COORDINATOR = "voivodeship-club-of-technology-and-rationalization"  # its cluster lists offers
PHONE = (390, 844)
# (file name, path, viewport width, viewport height); the phone shots are in Polish.
SHOTS = [
    ("home", "/", 1280, 900),
    ("home-pl", "/pl/", 1280, 900),
    ("home-phone", "/pl/", *PHONE),
    ("highland", "/highlands/automotive-and-machine/", 1280, 900),
    ("clusters", "/clusters/?sort=-size", 1280, 900),
    ("clusters-phone", "/pl/clusters/?sort=-size", *PHONE),
    ("cluster", "/clusters/industrial-upland-cluster/", 1280, 1000),
    ("cluster-phone", "/pl/clusters/industrial-upland-cluster/", *PHONE),
    ("organization", f"/organizations/{COORDINATOR}/", 1280, 900),
    ("organization-offers", f"/organizations/{COORDINATOR}/", 1280, 900),
    ("cluster-offers", "/clusters/eastern-metal-processing-cluster/", 1280, 900),
    ("cluster-contact-phone", "/pl/clusters/eastern-metal-processing-cluster/", *PHONE),
    (
        "compare",
        "/compare/?cluster=eastern-ict-cluster&cluster=industrial-upland-cluster",
        1280,
        1000,
    ),
    ("compare-phone", "/pl/compare/?cluster=eastern-ict-cluster&cluster=esta-cluster", *PHONE),
    ("search", "/search/?q=hartowanie+stali", 1280, 900),
    ("search-phone", "/pl/search/?q=hartowanie+stali", *PHONE),
    ("marketplace", "/marketplace/", 1280, 900),
    ("data-quality", "/pl/data-quality/", 1280, 900),
    ("analytics", "/analytics/", 1280, 1000),
    ("analytics-phone", "/pl/analytics/", *PHONE),
    ("network", "/analytics/network/", 1280, 1000),
    ("report", "/analytics/report/cluster/industrial-upland-cluster/", 1280, 1000),
]
# Scroll a shot to the part it is about (the page's top otherwise).
FOCUS = {
    "compare": "#helix-h",
    "compare-phone": "table.compare-table",
    "organization-offers": "#market-h",
    "cluster-offers": "#market-h",
    "cluster-contact-phone": "#contact-h",
    "analytics": "#helix-h",
    "network": "#drawing-h",
}
# ...with that part at the top (it is in view already when the page opens).
FOCUS_TOP = {"organization-offers"}


def main(base: str, only: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        only = set(os.environ.get("SHOTS", "").split(",")) - {""}
        for name, path, width, height in SHOTS:
            if only and name not in only:
                continue
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base.rstrip("/") + path, wait_until="networkidle")
            if name in FOCUS_TOP:
                page.locator(FOCUS[name]).evaluate(
                    "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }"
                )
            elif name in FOCUS:
                page.locator(FOCUS[name]).scroll_into_view_if_needed()
            page.screenshot(path=OUT / f"{name}.png")
            page.close()
            print(f"{name}.png  {(OUT / f'{name}.png').stat().st_size // 1024} KiB")
        browser.close()


if __name__ == "__main__":
    # python scripts/screenshots.py URL [NAME ...]: only the named shots when names are given
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8031", sys.argv[2:])
