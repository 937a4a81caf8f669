"""Issue 13's journeys, end to end in Chromium (``-m browser``), in English and Polish, on a
desktop and on a 390 px phone:

* a company owner signs up, registers their company, is verified by the cluster's
  coordinator, posts an offer and receives an interest;
* an investor contacts a cluster (signed out → sign in → back to the form → sent);
* a coordinator invites a representative of a member from the cluster's members tab and
  edits the cluster's profile in English and Polish, which the public page then serves;
* the city office confirms a proposed highland assignment.

Locators use ids, names and URLs, not words, so one test walks both languages. Every step
checks the page's language, that a Polish page shows no English interface text and that a
phone page does not scroll sideways. With ``HIGHLANDS_JOURNEY_SHOTS=1`` each step is saved to
``docs/screenshots/`` (English desktop and Polish phone), the pictures the README shows.

The sixteen walks share one world: the document is imported once for the module and one live
server serves it (pytest-django's ``live_server`` empties the database after every test, which
cost more than the walks on PostgreSQL). Each walk therefore uses its own people and names;
the coordinator's walk starts from the imported profile and the city office's from the
document's highlands, while the companies the owners register stay members of the metal
cluster for the walks after them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core import mail

from .page_text import english_in, english_msgids, page_strings
from .site_world import registry_names

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
# Each walk registers a company of its own; no two names resemble each other, so each owner's
# search finds nothing of the others'.
COMPANIES = {
    ("en", "desktop"): "Hartownia Zielona",
    ("en", "phone"): "Odlewnia Modra",
    ("pl", "desktop"): "Szlifiernia Jasna",
    ("pl", "phone"): "Kuźnia Srebrna",
}
# What the people of the journeys type: content, shown as written in either language.
TYPED = {
    "Induction hardening of steel shafts",
    "Induction hardening and tempering of shafts up to 2 m.",
    "We would like 200 shafts hardened.",
    "Właścicielka / owner",
    "Hardening of 200 shafts",
    "Which of your members could harden 200 steel shafts next month?",
    "Office: +48 81 000 00 00, Mon–Fri 8–16",
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
    # "async unsafe" unless told nothing runs concurrently here (true for this module).
    with pytest.MonkeyPatch.context() as mp, playwright_api.sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def world(
    request: Any, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[dict[str, Any]]:
    """The imported document plus a coordinator of the metal cluster, the city office and an
    investor with an account for each walk, committed once and served by one live server
    for the module; the database is emptied when the module ends."""
    from django.core.management import call_command
    from django.test.utils import modify_settings, override_settings
    from pytest_django.live_server_helper import LiveServer

    from highlands.accounts.models import ClusterCoordinator
    from highlands.ecosystem.models import Cluster
    from highlands.ingest.profile_import import profile_document_import
    from highlands.ingest.sources import read_source
    from tests.accounts.fixtures import make_user
    from tests.conftest import SEED_PATH

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    search = override_settings(HIGHLANDS_SEARCH_DIR=tmp_path_factory.mktemp("journey-search"))
    hosts = modify_settings(ALLOWED_HOSTS={"append": address.split(":")[0]})
    with search, hosts, django_db_blocker.unblock():
        profile_document_import(source=read_source(SEED_PATH))
        coordinator = make_user("coordinator@wktir.example.pl")
        metal = Cluster.objects.get(slug=METAL)
        ClusterCoordinator.objects.create(user=coordinator, cluster=metal)
        investors = {}
        for language, viewport in COMBOS:
            investor = make_user(f"investor-{language}-{viewport}@fund.example.com")
            investor.set_password(PASSWORD)
            investor.save()
            investors[(language, viewport)] = investor
        city = make_user("office@lublin.example.pl", is_city_admin=True)
        server = LiveServer(address)
        try:
            yield {
                "url": server.url,
                "coordinator": coordinator,
                "investors": investors,
                "city": city,
                "metal_profile": _profile(metal),
            }
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def db(world: dict[str, Any], django_db_blocker: Any) -> Iterator[None]:
    """The walks read and write the module's world as the live server does: committed, with
    no transaction to roll back and no flush after each test. (Named ``db`` so pytest-django
    still sets up the test database for these tests.)"""
    from django.db import connections

    with django_db_blocker.unblock():
        yield
        connections.close_all()  # as Django's TransactionTestCase does after each test


def _profile(cluster: Any) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Every editable section of ``cluster``'s profile in both languages, as
    ``cluster_update_profile`` takes them."""
    from highlands.ecosystem.models import ClusterAttribute
    from highlands.ecosystem.services import EDITABLE_ATTRIBUTE_KINDS

    sections: dict[tuple[str, str], list[tuple[str, str]]] = {
        (kind, language): [] for kind in EDITABLE_ATTRIBUTE_KINDS for language in ("en", "pl")
    }
    for item in ClusterAttribute.objects.filter(cluster=cluster).order_by("position"):
        if (item.kind, item.language) in sections:
            sections[(item.kind, item.language)].append((item.title, item.text))
    return sections


@cache
def _english_msgids() -> frozenset[str]:
    return english_msgids()


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
        """Check the step's page (language, no English on /pl/, no sideways scrolling on a
        phone) and save it when asked to."""
        self.step += 1
        where = f"{self.name} step {self.step} ({label}, {self.language} {self.viewport})"
        assert self.page.locator("html").get_attribute("lang", timeout=5000)[:2] == self.language
        if self.language == "pl":
            chunks = page_strings(self.page.content(), "pl")
            names = registry_names() | TYPED | {u.email for u in _people()}
            english = english_in(chunks, proper_names=names, msgids=_english_msgids())
            assert english == [], f"{where}: English on a Polish page: {english}"
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{where}: the page is {overflow} px wider than the screen"
        if TAKE_SHOTS and (self.language, self.viewport) in SHOT_COMBOS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            suffix = "" if self.viewport == "desktop" else "-phone-pl"
            self.page.screenshot(
                path=str(SHOTS / f"journey-{self.name}-{self.step}-{label}{suffix}.png")
            )

    def show(self, selector: str) -> None:
        """Scroll what the step is about to the top of the screen (for its picture)."""
        self.page.locator(selector).evaluate(
            "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }"
        )

    def submit(self, form: str = "main form[method=post]") -> None:
        self.page.locator(form).locator("button[type=submit], button:not([type])").first.click()

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


def _expect() -> Any:
    return playwright_api.expect


def _people() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.only("email")


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_company_owner_signs_up_registers_is_verified_posts_and_gets_interest(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    from highlands.accounts.models import OrganizationRepresentative
    from highlands.ecosystem.models import Organization

    expect = _expect()
    owner = Journey(browser, world["url"], language, viewport, "owner")
    page = owner.page
    company = COMPANIES[(language, viewport)]
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
    page.fill("#id_q", company)
    page.keyboard.press("Enter")
    expect(
        page.locator(
            f"#results a[href$='/workspace/organizations/register/?name={quote(company)}']"
        )
    ).to_be_visible()
    owner.shot("search")
    page.locator("#results a[href*='/workspace/organizations/register/']").first.click()
    expect(page.locator("#id_name")).to_have_value(company)
    page.fill("#id_name", f"{company} Sp. z o.o.")
    page.select_option("#id_org_type", "company")
    page.select_option("#id_cluster", METAL)
    page.fill("#id_website", "https://hartownia.example.pl")
    page.fill("#id_street_address", "ul. Metalowa 5")
    page.fill("#id_postal_code", "20-001")
    page.fill("#id_city", "Lublin")
    page.select_option("#id_voivodeship", "lubelskie")
    page.fill("#id_message", "Właścicielka / owner")
    page.check("#id_different_from_similar")
    owner.show("label[for=id_nip]")
    owner.shot("register")
    owner.submit()
    # The helix role is proposed from the type and shown for confirmation.
    expect(page.locator("#id_helix_role")).to_have_value("business")
    owner.shot("helix-proposed")
    owner.submit()
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    organization = Organization.objects.get(name=f"{company} Sp. z o.o.")
    assert not organization.is_verified
    owner.shot("waiting")

    coordinator = Journey(browser, world["url"], language, viewport, "owner-verify")
    coordinator.sign_in_as(world["coordinator"])
    coordinator.goto("/workspace/claims/")
    expect(coordinator.page.locator("main")).to_contain_text(organization.name)
    coordinator.step = owner.step
    coordinator.shot("coordinator-queue")
    claim = coordinator.page.locator("article", has_text=organization.name)
    claim.locator("form[action$='/approve/'] button").click()
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
    page.select_option("#id_language", "en")  # the page's language until chosen
    page.select_option("#id_visibility", "public")
    page.check("#id_publish")
    owner.show("main form[method=post]")
    owner.shot("post-offer")
    owner.submit()
    expect(page).to_have_url(re.compile(r"/marketplace/profiles/\d+/$"))
    profile_path = re.sub(r"^https?://[^/]+(/pl)?", "", page.url)

    investor = Journey(browser, world["url"], language, viewport, "owner-interest")
    investor.sign_in_as(world["investors"][(language, viewport)])
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
    from highlands.web.forms import CONTACT_MIN_SECONDS

    expect = _expect()
    investor = world["investors"][(language, viewport)]
    journey = Journey(browser, world["url"], language, viewport, "investor")
    page = journey.page
    journey.goto(f"/clusters/{METAL}/")
    contact = page.locator(f"a[href$='/clusters/{METAL}/contact/']")
    contact.scroll_into_view_if_needed()
    journey.shot("cluster-page")
    contact.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_login", investor.email)
    page.fill("#id_password", PASSWORD)
    journey.shot("sign-in")
    journey.submit()
    expect(page).to_have_url(re.compile(rf"/clusters/{METAL}/contact/$"))
    form_shown = time.monotonic()  # the form's signed time is older
    page.fill("#id_subject", "Hardening of 200 shafts")
    page.fill("#id_body", "Which of your members could harden 200 steel shafts next month?")
    journey.shot("message")
    # A form sent back within CONTACT_MIN_SECONDS is taken for a bot's.
    page.wait_for_timeout(
        1000 * max(0, CONTACT_MIN_SECONDS + 0.2 - (time.monotonic() - form_shown))
    )
    journey.submit()
    expect(page).to_have_url(re.compile(rf"/clusters/{METAL}/$"))
    expect(page.locator(".messages")).to_be_visible()
    journey.shot("sent")
    delivered = [m for m in mail.outbox if "Hardening of 200 shafts" in m.subject]
    assert {m.to[0] for m in delivered} == {world["coordinator"].email}
    assert delivered[0].reply_to == [investor.email]
    assert world["coordinator"].email not in page.content()
    journey.close()


@pytest.mark.parametrize(("language", "viewport"), COMBOS)
def test_coordinator_invites_a_representative_and_edits_the_profile_in_both_languages(
    browser: Any, world: dict[str, Any], language: str, viewport: str
) -> None:
    from highlands.accounts.models import Invitation
    from highlands.audit.models import AuditEntry
    from highlands.ecosystem.models import Cluster, ClusterAttribute
    from highlands.ecosystem.services import cluster_update_profile

    # Each walk edits the profile as the document left it (another walk may have edited it).
    cluster_update_profile(
        actor=world["coordinator"],
        cluster=Cluster.objects.get(slug=METAL),
        attributes=world["metal_profile"],
    )
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
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
    entry = AuditEntry.objects.filter(action="cluster.update_profile", pk__gt=last_entry).get()
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
    from highlands.ecosystem.services import highland_cluster_unassign

    # Each walk sees the proposals as the document left them (another walk confirmed one).
    for earlier in HighlandCluster.objects.filter(assigned_by=world["city"]):
        highland_cluster_unassign(actor=world["city"], link=earlier)
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
