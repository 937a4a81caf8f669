"""Every page, as every role: Polish pages speak Polish, public pages speak plainly.

The site is built once for the module (``site_world.build_site``); each page is rendered per
role through the test client on /pl/ (and on / for the plain-words check). A failure lists
each offending string with the page it is on.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from .page_text import english_in, english_msgids, internal_words, page_strings
from .site_world import ROLES, Site, pages_for

# Pages the walk does not open, and why (every other named page of the portal must be in
# ``pages_for``; test_every_page_is_walked fails on a new page that is in neither).
NOT_WALKED = {
    # POST-only actions: each redirects to a page that is walked
    "marketplace:profile_action", "marketplace:interest_action", "marketplace:search_follow",
    "workspace:cluster_member_remove", "workspace:cluster_member_role",
    "workspace:invite_coordinator", "workspace:invite_representative",
    "workspace:issue_resolve", "workspace:contact_erase", "workspace:my_account_erase",
    "workspace:membership_request_withdraw", "workspace:membership_request_accept",
    "workspace:membership_request_decline", "workspace:representative_revoke",
    "workspace:invitation_cancel", "workspace:membership_leave",
    "workspace:claim_approve", "workspace:claim_decline", "workspace:claim_withdraw",
    "workspace:cluster_member_invite", "workspace:highland_assign", "workspace:highland_unassign",
    "funding:application_action",
    # downloads (JSON, CSV, XLSX), checked in test_downloads.py and the workspace tests
    "workspace:contact_export", "workspace:my_data_export",
    "web:clusters_download", "web:organizations_download", "search:download",
    "analytics:table_download", "analytics:network_download", "analytics:dataset_download",
    "funding:calendar",  # iCalendar, checked in tests/funding/test_pages.py
    "events:register", "events:cancel", "events:accept", "events:action",
    # iCal feeds and the attendance list (CSV, XLSX), checked in tests/events
    "events:ical", "events:cluster_ical", "events:highland_ical", "events:registrants_download",
    "events:certificate", "events:personal_ical",  # a PDF; a calendar feed
    "analytics:datapackage",
    # meetings: POST-only actions, each redirecting to a walked page; the agenda as PDF and
    # iCal (checked in tests/meetings); the session's home only redirects (agenda or schedule)
    "meetings:join", "meetings:request", "meetings:answer", "meetings:manage_action",
    "meetings:cooperation", "meetings:offer", "meetings:agenda_pdf", "meetings:agenda_ical",
    "meetings:home",
}  # fmt: skip
NAMESPACES = (
    "web",
    "search",
    "marketplace",
    "workspace",
    "accounts",
    "analytics",
    "funding",
    "events",
    "meetings",
)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(site: Site, django_db_blocker: Any) -> dict[tuple[str, str], dict[str, str]]:
    """(role, language) -> {path: HTML} for every page the role may open."""
    pages: dict[tuple[str, str], dict[str, str]] = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = Client()
            if site.users[role] is not None:
                client.force_login(site.users[role])
            for language, prefix in (("pl", "/pl"), ("en", "")):
                out = pages[(role, language)] = {}
                for path in pages_for(role, site):
                    response = client.get(prefix + path)
                    assert response.status_code in (200, 400, 403, 404), (role, path)
                    out[path] = response.content.decode()
    return pages


def _named_pages() -> set[str]:
    names = set()
    resolver = get_resolver()
    for namespace in NAMESPACES:
        for pattern in _patterns(resolver, namespace):
            names.add(f"{namespace}:{pattern}")
    return names


def _patterns(resolver: Any, namespace: str) -> list[str]:
    for ns_pattern in resolver.url_patterns:
        inner = getattr(ns_pattern, "url_patterns", None)
        if inner is None:
            continue
        for p in inner:
            if getattr(p, "namespace", None) == namespace:
                return [q.name for q in p.url_patterns if getattr(q, "name", None)]
    return []


def test_every_page_is_walked(site: Site, django_db_blocker: Any) -> None:
    from django.urls import Resolver404, resolve

    walked = set()
    for role in ROLES:
        for path in pages_for(role, site):
            try:
                walked.add(resolve(path.split("?")[0]).view_name)
            except Resolver404:
                continue  # the walk's 404 page
    missing = _named_pages() - walked - NOT_WALKED
    assert len(_named_pages()) > 30
    assert missing == set(), "add these pages to tests/web/site_world.pages_for"


@pytest.mark.parametrize("role", ROLES)
def test_polish_pages_have_no_english_interface_text(rendered: Any, site: Site, role: str):
    msgids = english_msgids()
    problems = []
    for path, html in rendered[(role, "pl")].items():
        chunks = page_strings(html, "pl")
        assert len([c for c in chunks if c.interface]) > 10, path  # the walk reads the page
        for where, text in english_in(chunks, proper_names=site.proper_names, msgids=msgids):
            problems.append(f"{path} [{where}] {text}")
    assert not problems, "English on Polish pages:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("role", ["anonymous", "representative"])
def test_public_pages_show_no_codes_scores_timings_or_line_numbers(
    rendered: Any, role: str, language: str
):
    problems = []
    for path, html in rendered[(role, language)].items():
        if path.startswith(("/workspace/", "/accounts/")):
            continue  # not public
        for what, found in internal_words(html):
            problems.append(f"{path}: {what}: {found!r}")
    assert not problems, "Internal words shown by default:\n" + "\n".join(problems)


def test_internal_details_stay_one_click_away(rendered: Any) -> None:
    pages = rendered[("anonymous", "en")]
    search = pages["/search/?q=hartowanie+stali"]
    assert "matches your words" in search
    assert "ms." in search.split("Technical details", 1)[1]  # the timing, behind the toggle
    quality = pages["/data-quality/"]
    assert "<code>coordinator_named_differently</code>" in quality  # the code, behind "Details"
    assert "The coordinator is named in two ways" in quality  # ...and in words up front
    cluster = pages["/clusters/eastern-metal-processing-cluster/"]
    assert "#L" in cluster.split("<summary>Sources")[1]  # lines behind "Sources"


def test_content_in_the_other_language_carries_its_badge(rendered: Any) -> None:
    """Marketplace titles written in English are marked lang="en" and badged on /pl/."""
    import re

    html = rendered[("anonymous", "pl")]["/marketplace/"]
    link = r'<a class="stretched" href="[^"]+" lang="(\w+)">[^<]+</a>(\s*<abbr)?'
    titles = re.findall(link, html)
    assert len(titles) >= 20
    assert all(badge for lang, badge in titles if lang == "en")
    assert {lang for lang, _badge in titles} >= {"en"}
