"""Issue 13's journeys, end to end in Chromium (``-m browser``), in English and Polish, on a
desktop and on a 390 px phone:

* a company owner signs up, registers their company, is verified by the cluster's
  coordinator, posts an offer and receives an interest;
* an investor contacts a cluster (signed out → sign in → back to the form → sent);
* a coordinator invites a representative of a member from the cluster's members tab and
  edits the cluster's profile in English and Polish, which the public page then serves;
* the city office confirms a proposed highland assignment.

Locators use ids, names and URLs, not words, so one test walks both languages. With
``HIGHLANDS_JOURNEY_SHOTS=1`` each step is saved to ``docs/screenshots/`` (English desktop and
Polish phone), the pictures the README shows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TAKE_SHOTS = os.environ.get("HIGHLANDS_JOURNEY_SHOTS") == "1"
METAL = "eastern-metal-processing-cluster"
PASSWORD = "a long enough password 42"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
COMBOS = [("en", "desktop"), ("en", "phone"), ("pl", "desktop"), ("pl", "phone")]
SHOT_COMBOS = {("en", "desktop"), ("pl", "phone")}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright keeps an event loop in this thread; Django then refuses sync DB calls as
    # "async unsafe" unless told nothing runs concurrently here (true for this module).
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def world(live_server: Any, transactional_db: Any, seeded: Any, settings: Any, tmp_path: Path):
    """The imported document plus a coordinator of the metal cluster, the city office and an
    investor with an account."""
    from highlands.accounts.models import ClusterCoordinator
    from highlands.ecosystem.models import Cluster
    from tests.accounts.fixtures import make_user

    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    coordinator = make_user("coordinator@wktir.example.pl")
    ClusterCoordinator.objects.create(user=coordinator, cluster=Cluster.objects.get(slug=METAL))
    investor = make_user("investor@fund.example.com")
    investor.set_password(PASSWORD)
    investor.save()
    city = make_user("office@lublin.example.pl", is_city_admin=True)
    return {"url": live_server.url, "coordinator": coordinator, "investor": investor, "city": city}


class Journey:
    """One browser context in one language and viewport, with a step counter for shots."""

    def __init__(self, browser: Any, base: str, language: str, viewport: str, name: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORTS[viewport])
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.base, self.language, self.viewport, self.name = base, language, viewport, name
        self.prefix = "/pl" if language == "pl" else ""
        self.step = 0

    def url(self, path: str) -> str:
        return self.base + self.prefix + path

    def goto(self, path: str) -> None:
        self.page.goto(self.url(path))

    def sign_in_as(self, user: Any) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": self.base}]
        )

    def shot(self, label: str) -> None:
        self.step += 1
        assert self.page.locator("html").get_attribute("lang", timeout=5000)[:2] == self.language
        if TAKE_SHOTS and (self.language, self.viewport) in SHOT_COMBOS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            suffix = "" if self.viewport == "desktop" else "-phone-pl"
            self.page.screenshot(
                path=str(SHOTS / f"journey-{self.name}-{self.step}-{label}{suffix}.png")
            )

    def submit(self, form: str = "main form[method=post]") -> None:
        self.page.locator(form).locator("button[type=submit], button:not([type])").first.click()

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


def _expect() -> Any:
    return playwright_api.expect


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_company_owner_signs_up_registers_is_verified_posts_and_gets_interest(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    from highlands.accounts.models import OrganizationRepresentative
    from highlands.ecosystem.models import Organization

    expect = _expect()
    owner = Journey(browser, world["url"], language, viewport, "owner")
    page = owner.page
    email = f"owner-{language}-{viewport}@hartownia.example.pl"
    owner.goto("/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    owner.shot("sign-up")
    owner.submit()
    (message,) = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    page.goto(link)
    owner.submit()
    # Verification signs the person in and offers "register or claim your organisation".
    expect(page).to_have_url(re.compile(r"/workspace/organizations/join/$"))
    page.fill("#id_q", "Hartownia Zielona")
    page.keyboard.press("Enter")
    expect(
        page.locator(
            "#results a[href$='/workspace/organizations/register/?name=Hartownia%20Zielona']"
        )
    ).to_be_visible()
    owner.shot("search")
    page.locator("#results a[href*='/workspace/organizations/register/']").first.click()
    expect(page.locator("#id_name")).to_have_value("Hartownia Zielona")
    page.fill("#id_name", f"Hartownia Zielona {language} {viewport} Sp. z o.o.")
    page.select_option("#id_org_type", "company")
    page.select_option("#id_cluster", METAL)
    page.fill("#id_website", "https://hartownia.example.pl")
    page.fill("#id_street_address", "ul. Metalowa 5")
    page.fill("#id_postal_code", "20-001")
    page.fill("#id_city", "Lublin")
    page.select_option("#id_voivodeship", "lubelskie")
    page.fill("#id_message", "Właścicielka / owner")
    page.check("#id_different_from_similar")
    owner.shot("register")
    owner.submit()
    # The helix role is proposed from the type and shown for confirmation.
    expect(page.locator("#id_helix_role")).to_have_value("business")
    owner.shot("helix-proposed")
    owner.submit()
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    organization = Organization.objects.get(name__startswith=f"Hartownia Zielona {language}")
    assert not organization.is_verified
    owner.shot("waiting")

    coordinator = Journey(browser, world["url"], language, viewport, "owner-verify")
    coordinator.sign_in_as(world["coordinator"])
    coordinator.goto("/workspace/claims/")
    expect(coordinator.page.locator("main")).to_contain_text(organization.name)
    coordinator.step = owner.step
    coordinator.shot("coordinator-queue")
    coordinator.page.locator("form[action$='/approve/']").first.locator("button").click()
    expect(coordinator.page.locator("form[action$='/approve/']")).to_have_count(0)
    expect(coordinator.page.locator(".messages")).to_contain_text(organization.name)
    coordinator.close()
    owner.step += 1
    organization.refresh_from_db()
    assert organization.is_verified
    assert OrganizationRepresentative.objects.filter(user__email=email).exists()

    owner.goto("/marketplace/new/")
    page.select_option("#id_organization", organization.slug)
    page.select_option("#id_kind", "business_offer")
    page.fill("#id_title", "Induction hardening of steel shafts")
    page.fill("#id_description", "Induction hardening and tempering of shafts up to 2 m.")
    page.select_option("#id_visibility", "public")
    page.check("#id_publish")
    owner.shot("post-offer")
    owner.submit()
    expect(page).to_have_url(re.compile(r"/marketplace/profiles/\d+/$"))
    profile_path = re.sub(r"^https?://[^/]+(/pl)?", "", page.url)

    investor = Journey(browser, world["url"], language, viewport, "owner-interest")
    investor.sign_in_as(world["investor"])
    investor.goto(profile_path)
    investor.page.select_option("#id_organization", "-person-")
    investor.page.fill("#id_message", "We would like 200 shafts hardened.")
    investor.step = owner.step
    investor.shot("investor-interest")
    investor.submit("#interest-h + form")
    investor.close()
    owner.step += 1

    owner.goto("/marketplace/interests/")
    expect(page.locator("main")).to_contain_text("We would like 200 shafts hardened.")
    owner.shot("interest-received")
    owner.close()


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_investor_contacts_a_cluster(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    expect = _expect()
    journey = Journey(browser, world["url"], language, viewport, "investor")
    page = journey.page
    journey.goto(f"/clusters/{METAL}/")
    contact = page.locator(f"a[href$='/clusters/{METAL}/contact/']")
    contact.scroll_into_view_if_needed()
    journey.shot("cluster-page")
    contact.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_login", world["investor"].email)
    page.fill("#id_password", PASSWORD)
    journey.shot("sign-in")
    journey.submit()
    expect(page).to_have_url(re.compile(rf"/clusters/{METAL}/contact/$"))
    page.fill("#id_subject", "Hardening of 200 shafts")
    page.fill("#id_body", "Which of your members could harden 200 steel shafts next month?")
    journey.shot("message")
    page.wait_for_timeout(3200)  # a form sent back within 3 s is taken for a bot
    journey.submit()
    expect(page).to_have_url(re.compile(rf"/clusters/{METAL}/$"))
    expect(page.locator(".messages")).to_be_visible()
    journey.shot("sent")
    delivered = [m for m in mail.outbox if "Hardening of 200 shafts" in m.subject]
    assert {m.to[0] for m in delivered} == {world["coordinator"].email}
    assert delivered[0].reply_to == [world["investor"].email]
    assert world["coordinator"].email not in page.content()
    journey.close()


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_coordinator_invites_a_representative_and_edits_the_profile_in_both_languages(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    from highlands.accounts.models import Invitation
    from highlands.audit.models import AuditEntry
    from highlands.ecosystem.models import ClusterAttribute

    expect = _expect()
    journey = Journey(browser, world["url"], language, viewport, "coordinator")
    page = journey.page
    journey.sign_in_as(world["coordinator"])
    journey.goto(f"/workspace/clusters/{METAL}/members/")
    form = page.locator("form[action*='/members/'][action$='/invite/']").first
    form.scroll_into_view_if_needed()
    form.locator("input[name=email]").fill(f"rep-{language}-{viewport}@member.example.pl")
    journey.shot("members-tab")
    form.locator("button").click()
    expect(page.locator(".messages")).to_be_visible()
    journey.shot("invited")
    invitation = Invitation.objects.get(email=f"rep-{language}-{viewport}@member.example.pl")
    assert invitation.invited_by == world["coordinator"]

    # The profile: English and Polish side by side; the source wrote it in English only.
    journey.goto(f"/workspace/clusters/{METAL}/")
    page.fill("#id_characteristics__pl__0__text", "Klaster firm obróbki metali z Lubelszczyzny.")
    page.fill("#id_service__pl__0__text", "Hartowanie indukcyjne wałów i kół zębatych")
    page.fill("#id_contact__en__0__text", "Office: +48 81 000 00 00, Mon–Fri 8–16")
    page.fill("#id_contact__pl__0__text", "Biuro: +48 81 000 00 00, pon.–pt. 8–16")
    services = page.locator("#section-service")
    page.locator("#section-characteristics").scroll_into_view_if_needed()
    english, polish = services.locator("[data-language=en]"), services.locator("[data-language=pl]")
    assert english.locator("textarea").count() == polish.locator("textarea").count()  # equal slots
    if viewport == "desktop":  # side by side on a desktop, one under the other on a phone
        assert english.first.bounding_box()["y"] == polish.first.bounding_box()["y"]
    else:
        assert english.first.bounding_box()["y"] < polish.first.bounding_box()["y"]
    journey.shot("profile-editor")
    journey.submit("main form.profile-editor")
    expect(page.locator(".messages")).to_be_visible()
    stored = ClusterAttribute.objects.filter(cluster__slug=METAL, language="pl")
    assert set(stored.values_list("kind", flat=True)) == {"characteristics", "service", "contact"}
    entry = AuditEntry.objects.filter(action="cluster.update_profile").get()
    assert entry.actor_id == world["coordinator"].pk

    # The public page serves each section in the page's language, else marks the fallback.
    journey.goto(f"/clusters/{METAL}/")
    service_section = page.locator("section[aria-labelledby=attr-service]")
    contact_lines = page.locator(".contact-lines")
    goals_heading = page.locator("#attr-goal")
    if language == "pl":
        expect(service_section).to_contain_text("Hartowanie indukcyjne wałów")
        expect(service_section.locator("h2 abbr.fallback")).to_have_count(0)
        expect(contact_lines).to_contain_text("Biuro:")
        expect(goals_heading.locator("abbr.fallback")).to_have_text("EN")  # not written in PL
    else:
        expect(service_section).not_to_contain_text("Hartowanie indukcyjne wałów")
        expect(contact_lines).to_contain_text("Office:")
        expect(goals_heading.locator("abbr.fallback")).to_have_count(0)
    service_section.scroll_into_view_if_needed()
    journey.shot("public-profile")
    journey.close()


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_city_office_confirms_a_proposed_highland_assignment(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    from highlands.ecosystem.models import HighlandCluster

    expect = _expect()
    journey = Journey(browser, world["url"], language, viewport, "city")
    journey.sign_in_as(world["city"])
    journey.goto("/workspace/highlands/")
    proposal = journey.page.locator(".proposals li").first
    expect(proposal.locator(".badge.proposed")).to_be_visible()
    journey.shot("proposals")
    cluster_slug = proposal.locator("input[name=cluster]").get_attribute("value")
    highland_slug = proposal.locator("input[name=highland]").get_attribute("value")
    proposal.locator("button").click()
    expect(journey.page.locator(".messages")).to_be_visible()
    link = HighlandCluster.objects.get(cluster__slug=cluster_slug, highland__slug=highland_slug)
    assert link.assigned_by == world["city"]
    journey.goto(f"/clusters/{cluster_slug}/")
    expect(journey.page.locator("dl.facts")).to_contain_text(
        "assigned by the city office" if language == "en" else "przypisane przez urząd miasta"
    )
    journey.shot("public-badge")
    journey.close()
