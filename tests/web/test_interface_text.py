"""Every page, as every role: Polish pages speak Polish, public pages speak plainly.

The site is built once for the module (``site_world.build_site``); each page is rendered per
role through the test client on /pl/ (and on / for the plain-words check). A failure lists
each offending string with the page it is on.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .page_text import english_in, english_msgids, internal_words, page_strings
from .site_world import NOT_WALKED, ROLES, Site, named_pages, pages_for, walked_pages

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


def test_every_page_is_walked(site: Site) -> None:
    """Every named page of the URL configuration is walked (``pages_for``) or listed in
    ``site_world.NOT_WALKED`` with the reason."""
    missing = named_pages() - walked_pages(site) - set(NOT_WALKED)
    assert len(named_pages()) > 100
    assert missing == set(), "add these pages to tests/web/site_world.pages_for"
    assert set(NOT_WALKED) <= named_pages(), "NOT_WALKED names a page that no longer exists"


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
