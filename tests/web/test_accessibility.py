"""axe-core on every page, in both languages, signed out and as each role, on a desktop and
on a 390 px phone (``-m browser``): no serious or critical violation, and no page wider than
the screen (wide tables scroll inside their own region).

axe-core comes inside the ``axe-playwright-python`` wheel (``axe.min.js``); nothing is
fetched. One Chromium and one live server serve the whole module: each page is loaded once
per language and role, checked at 1280 px, then resized to 390 px and checked again.
Signed in, a role is checked on the pages only it can open, on every workspace page it
walks (their content follows the role), on every page whose answer differs from the
visitor's (e.g. a form the visitor is refused), plus the home page (its header); the public
pages are the same templates with the same data, checked signed out. The pages come from
``site_world.pages_for``, checked against every named route of the URL configuration
(``named_pages``), and every walked route must open (200) for at least one role.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .site_world import NOT_WALKED, ROLES, Site, named_pages, pages_for

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
# WCAG 2.0/2.1/2.2 A and AA plus axe's best practices (landmarks, headings, regions).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright keeps an event loop in this thread; Django then refuses sync DB calls as
    # "async unsafe" unless told that nothing runs concurrently here (true for this module).
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _pages(role: str, site: Site, answers: dict[str, dict[str, int]]) -> list[str]:
    """Signed out: every page. Signed in: the home page (the role's header), the pages only
    this role walks, its workspace pages, and the pages it gets another answer on than the
    visitor (``answers``: role -> path -> HTTP status, from ``_answers``)."""
    if role == "anonymous":
        return pages_for(role, site)
    public = set(pages_for("anonymous", site))
    visitor = set(pages_for("visitor", site)) if role != "visitor" else set()
    chosen = ["/"]
    for path in pages_for(role, site):
        if path in public or path == "/":
            continue
        differs = answers[role].get(path) != answers["visitor"].get(path)
        if path not in visitor or path.startswith("/workspace/") or differs:
            chosen.append(path)
    return chosen


def _answers(browser: Any, base_url: str, site: Site) -> dict[str, dict[str, int]]:
    """Each role's HTTP status for each page it walks (no rendering: a plain request)."""
    answers: dict[str, dict[str, int]] = {}
    for role in ROLES:
        context = browser.new_context()
        if site.users[role] is not None:
            context.add_cookies(_session_cookie(site.users[role], base_url))
        answers[role] = {
            path: context.request.get(base_url + path, max_redirects=0).status
            for path in pages_for(role, site)
        }
        context.close()
    return answers


def _session_cookie(user: Any, base_url: str) -> list[dict[str, str]]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


# The source viewer repeats one line element a thousand times: axe checks the first 40.
AXE_CONTEXT = {"exclude": [["ol.source > li:nth-child(n+41)"]]}


@pytest.fixture(autouse=True)
def _one_database() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("pages do not depend on the database: axe runs in the SQLite pass of CI")


# The innermost elements that reach past the right edge: what makes a page too wide.
WIDEST_ELEMENTS = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
      continue;
    out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  }
  return out.slice(0, 5);
}"""


def _check_role(
    browser: Any, base_url: str, site: Site, role: str, answers: dict[str, dict[str, int]]
) -> tuple[int, list[str]]:
    """axe on every page of ``role`` in both languages and both viewports."""
    script = f"axe.run({json.dumps(AXE_CONTEXT)}, {json.dumps(AXE_OPTIONS)})"
    desktop = VIEWPORTS["desktop"]
    context = browser.new_context(viewport=desktop)
    # Injected through the DevTools protocol on every load (the CSP does not apply to it).
    context.add_init_script(axe_api.Axe().axe_script)
    if site.users[role] is not None:
        context.add_cookies(_session_cookie(site.users[role], base_url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems: list[str] = []
    checked = 0
    for language, prefix in (("en", ""), ("pl", "/pl")):
        for path in _pages(role, site, answers):
            page.set_viewport_size(desktop)
            page.goto(base_url + prefix + path, wait_until="load")
            for viewport, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                results = page.evaluate(script)
                checked += 1
                overflow = page.evaluate("document.documentElement.scrollWidth") - size["width"]
                if overflow > 0:  # the page, not a table region, scrolls sideways
                    culprits = page.evaluate(WIDEST_ELEMENTS)
                    problems.append(
                        f"{role} {language} {viewport} {prefix}{path}: {overflow} px wide "
                        f"({', '.join(culprits)})"
                    )
                for violation in results["violations"]:
                    if violation["impact"] in BLOCKING:
                        targets = ", ".join(str(n["target"]) for n in violation["nodes"][:3])
                        problems.append(
                            f"{role} {language} {viewport} {prefix}{path}: {violation['id']} "
                            f"({violation['impact']}) {targets}"
                        )
    context.close()
    return checked, problems + [f"{role}: script error: {e}" for e in errors]


def test_no_serious_or_critical_violations_on_any_page(browser, live_server, site: Site):
    """One test for all roles: ``live_server`` empties the database after each test, and the
    site is built once (about 12 s)."""
    answers = _answers(browser, live_server.url, site)
    _assert_every_route_checked(site, answers)
    problems: list[str] = []
    for role in ROLES:
        started = time.monotonic()
        checked, found = _check_role(browser, live_server.url, site, role, answers)
        print(f"axe: {role}: {checked} checks in {time.monotonic() - started:.1f} s")
        assert checked >= 8, role
        problems += found
    assert not problems, "axe-core found:\n" + "\n".join(problems)


def _assert_every_route_checked(site: Site, answers: dict[str, dict[str, int]]) -> None:
    """Every named route of the URL configuration is checked by axe (or is in ``NOT_WALKED``
    with its reason), and opens (200) for at least one role that is checked on it."""
    from django.urls import Resolver404, resolve

    checked: set[str] = set()
    opened: set[str] = set()
    for role in ROLES:
        for path in _pages(role, site, answers):
            try:
                name = resolve(path.split("?")[0]).view_name
            except Resolver404:
                continue  # the walk's 404 page
            checked.add(name)
            if answers[role].get(path) == 200:
                opened.add(name)
    missing = named_pages() - checked - set(NOT_WALKED)
    assert missing == set(), "add these pages to tests/web/site_world.pages_for"
    # Routes whose page is walked only as a refusal or an error, on purpose.
    assert checked - opened <= {"accounts:invitation_accept"}, checked - opened


def test_the_check_finds_what_it_looks_for(browser):
    """The same axe run reports a missing alt text, an unlabelled field and 1.6:1 contrast."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><body><main><h1>Test</h1><img src="data:,">'
        '<input type="text"><p style="color:#bbb;background:#fff">faint text</p></main></body>'
        "</html>"
    )
    page.evaluate(axe_api.Axe().axe_script)
    found = page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
    page.close()
    ids = {v["id"] for v in found["violations"] if v["impact"] in BLOCKING}
    assert {"image-alt", "label", "color-contrast"} <= ids
