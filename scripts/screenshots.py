"""Take the README's screenshots of a running portal: `python scripts/screenshots.py URL`.

Drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through Playwright and
writes small viewport-sized PNGs to docs/screenshots/.
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
# (file name, path, viewport width, viewport height)
SHOTS = [
    ("home", "/", 1200, 900),
    ("home-pl", "/pl/", 1200, 900),
    ("highland", "/highlands/medical/", 1200, 800),
    ("clusters", "/clusters/?sort=-size", 1200, 900),
    ("cluster", "/clusters/industrial-upland-cluster/", 1200, 1000),
    ("organization", f"/organizations/{COORDINATOR}/", 1200, 900),
    (
        "compare",
        "/compare/?cluster=eastern-ict-cluster&cluster=industrial-upland-cluster",
        1200,
        1100,
    ),
    ("cluster-phone", "/pl/clusters/industrial-upland-cluster/", 360, 740),
]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for name, path, width, height in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base.rstrip("/") + path, wait_until="networkidle")
            if name == "compare":
                page.locator("table.compare").scroll_into_view_if_needed()
            page.screenshot(path=OUT / f"{name}.png")
            page.close()
            print(f"{name}.png  {(OUT / f'{name}.png').stat().st_size // 1024} KiB")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8031")
