"""The workspace editor in Chromium (``-m browser``), at 1280 px in English and 390 px in
Polish: a coordinator adds a row to a profile section, moves it up with the mouse and the
keyboard, removes another row and saves (htmx swaps one section at a time, the focus follows
the row, the live region says what changed); then asks an organisation to join by typing
part of its name and choosing it in the candidates. axe-core finds nothing serious on the
way. With ``HIGHLANDS_JOURNEY_SHOTS=1`` the members tab's candidates are saved to
``docs/screenshots/`` (``editor-members-autocomplete*.png``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from . import test_accessibility as accessibility
from .test_accessibility import AXE_OPTIONS, BLOCKING, VIEWPORTS
from .test_accessibility import browser as browser  # one Chromium for the module (a fixture)

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TAKE_SHOTS = os.environ.get("HIGHLANDS_JOURNEY_SHOTS") == "1"
METAL = "eastern-metal-processing-cluster"
pytestmark = accessibility.pytestmark  # -m browser, skipped without Chromium


@pytest.fixture
def coordinator(live_server: Any, transactional_db: Any, seeded: Any, settings: Any, tmp_path):
    from highlands.accounts.models import ClusterCoordinator
    from highlands.ecosystem.models import Cluster
    from tests.accounts.fixtures import make_user

    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    user = make_user("coordinator@wktir.example.pl")
    ClusterCoordinator.objects.create(user=user, cluster=Cluster.objects.get(slug=METAL))
    return user


def _signed_in_page(browser: Any, base: str, user: Any, viewport: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.add_init_script(axe_api.Axe().axe_script)  # through DevTools: no CSP applies
    context.add_cookies(accessibility._session_cookie(user, base))
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def _axe(page: Any, where: str) -> list[str]:
    results = page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
    return [
        f"{where}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def _wide(page: Any, width: int) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - width


def _texts(section: Any, language: str) -> list[str]:
    return [
        area.input_value()
        for area in section.locator(f".item-cell[data-language={language}] textarea").all()
    ]


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("pl", "phone")])
def test_rows_are_added_moved_removed_and_saved_and_a_member_is_found_by_name(
    browser: Any, live_server: Any, coordinator: Any, language: str, viewport: str
) -> None:
    from highlands.ecosystem.models import ClusterAttribute, MembershipRequest

    expect = playwright_api.expect
    prefix = "/pl" if language == "pl" else ""
    page, problems = _signed_in_page(browser, live_server.url, coordinator, viewport)
    width = VIEWPORTS[viewport]["width"]
    found: list[str] = []
    page.goto(f"{live_server.url}{prefix}/workspace/clusters/{METAL}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.notReloaded = true")  # gone if a button reloads the page
    found += _axe(page, "editor")
    assert _wide(page, width) <= 0
    section = page.locator("#section-service")
    original = _texts(section, "en")
    count = len(original)
    assert count >= 3  # the source states 14 services
    assert _texts(section, "pl") == [""] * count  # equal slots: Polish has as many boxes

    # Add: a row in both languages, the focus in its first box, the change said.
    section.locator("button[name=add]").click()
    new = page.locator(f"#id_service__en__{count}__text")
    expect(new).to_be_focused()
    expect(page.locator(f"#id_service__pl__{count}__text")).to_be_visible()
    expect(page.locator("#editor-status")).to_contain_text(
        "added" if language == "en" else "Dodano"
    )
    new.fill("Laser cutting of steel sheets")
    page.fill(f"#id_service__pl__{count}__text", "Cięcie laserowe blach stalowych")

    # Move it up with the mouse, then once more with the keyboard (the focus stays on it).
    section.locator(f"button[name=move][value='service:{count}:up']").click()
    moved = page.locator(f"button[name=move][value='service:{count - 1}:up']")
    expect(moved).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"button[name=move][value='service:{count - 2}:up']")).to_be_focused()
    expect(page.locator(f"#id_service__en__{count - 2}__text")).to_have_value(
        "Laser cutting of steel sheets"
    )
    expect(page.locator(f"#id_service__pl__{count - 2}__text")).to_have_value(
        "Cięcie laserowe blach stalowych"
    )
    expect(page.locator("#editor-status")).to_contain_text(str(count - 1))  # its position

    # Remove the first row; the next one takes its place and the focus.
    section.locator("button[name=remove][value='service:0']").click()
    expect(page.locator("#id_service__en__0__text")).to_be_focused()
    expect(page.locator("#id_service__en__0__text")).to_have_value(original[1])
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the section only
    found += _axe(page, "editor after changes")
    assert _wide(page, width) <= 0
    if viewport == "desktop":  # side by side on a desktop, one under the other on a phone
        boxes = [
            page.locator(f"#id_service__{lang}__0__text").bounding_box() for lang in ["en", "pl"]
        ]
        assert boxes[0]["y"] == boxes[1]["y"]
    else:
        english = page.locator("#id_service__en__0__text").bounding_box()
        polish = page.locator("#id_service__pl__0__text").bounding_box()
        assert english["y"] < polish["y"]

    page.locator("main form.profile-editor button[type=submit]").first.click()
    expect(page.locator(".messages")).to_be_visible()
    stored = ClusterAttribute.objects.filter(cluster__slug=METAL, kind="service")
    english = list(stored.filter(language="en").order_by("position").values_list("text", flat=True))
    assert english == [
        *original[1 : count - 2],
        "Laser cutting of steel sheets",
        *original[count - 2 :],
    ]
    assert list(stored.filter(language="pl").values_list("text", flat=True)) == [
        "Cięcie laserowe blach stalowych"
    ]

    # Members: typed part of its name, the candidates appear, one is chosen and asked.
    page.goto(f"{live_server.url}{prefix}/workspace/clusters/{METAL}/members/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#id_organization").press_sequentially("Politechn", delay=40)
    choice = page.locator("#member-candidates input[value='politechnika-lubelska']")
    expect(choice).to_be_visible()
    expect(page.locator("#member-candidates-status")).to_contain_text("1")
    member = page.locator("#member-candidates li.unavailable")
    expect(member).to_have_count(0)  # no member of the cluster is called so
    choice.check()
    page.locator("#member-candidates").scroll_into_view_if_needed()
    found += _axe(page, "members with candidates")
    assert _wide(page, width) <= 0
    if TAKE_SHOTS:
        suffix = "" if viewport == "desktop" else "-phone-pl"
        page.locator("#add-h").scroll_into_view_if_needed()
        # caret="initial": hiding the caret injects a style, which the CSP refuses.
        page.screenshot(
            path=str(SHOTS / f"editor-members-autocomplete{suffix}.png"), caret="initial"
        )
    # A member is listed but cannot be chosen.
    page.locator("#id_organization").fill("")
    page.locator("#id_organization").press_sequentially("Voivodeship Club", delay=40)
    expect(page.locator("#member-candidates li.unavailable input[type=radio]")).to_be_disabled()
    page.locator("#id_organization").fill("")
    page.locator("#id_organization").press_sequentially("Politechn", delay=40)
    page.locator("#member-candidates input[value='politechnika-lubelska']").check()
    page.locator("button[name=send]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/workspace/clusters/{METAL}/members/$"))
    assert MembershipRequest.objects.filter(
        cluster__slug=METAL, organization__slug="politechnika-lubelska"
    ).exists()
    page.context.close()
    assert found == []
    assert problems == []
