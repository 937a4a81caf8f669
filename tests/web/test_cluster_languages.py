"""A cluster's profile sections in the page's language: the Polish page shows the Polish
items a coordinator wrote, the English page the English ones, and a section written in one
language only is shown in it with the fallback mark — never a mix of both."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from highlands.ecosystem import services
from highlands.ecosystem.models import Cluster
from highlands.ecosystem.selectors import attributes_in_language, cluster_detail
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db
METAL = "eastern-metal-processing-cluster"


def _section(html: str, kind: str) -> str:
    match = re.search(rf'<section aria-labelledby="attr-{kind}".*?</section>', html, re.S)
    assert match is not None, kind
    return match.group(0)


def test_each_section_in_the_page_language_or_marked(seeded) -> None:
    cluster = Cluster.objects.get(slug=METAL)
    services.cluster_update_profile(
        actor=SYSTEM,
        cluster=cluster,
        attributes={
            ("service", "pl"): ["Hartowanie indukcyjne wałów"],
            ("contact", "pl"): ["Biuro: pon.–pt. 8–16"],
        },
    )
    polish = Client().get(f"/pl/clusters/{METAL}/").content.decode()
    english = Client().get(f"/clusters/{METAL}/").content.decode()
    assert "Hartowanie indukcyjne wałów" in _section(polish, "service")
    assert "anti-corrosion protection" not in _section(polish, "service")  # no mix
    assert "fallback" not in _section(polish, "service").split("</h2>")[0]
    assert "anti-corrosion protection" in _section(english, "service")
    assert "Hartowanie" not in english.split('id="contact-h"')[0]
    goals = _section(polish, "goal")
    assert 'lang="en"' in goals
    assert '<abbr class="fallback"' in goals.split("</h2>")[0]  # English only: marked
    # The Polish contact line is on both pages: on the English one in Polish, marked.
    assert "Biuro: pon.–pt. 8–16" in polish
    contact = english.split('id="contact-h"')[1].split("</section>")[0]
    assert 'lang="pl"' in contact
    assert ">PL</abbr>" in contact


def test_attributes_in_language_picks_one_language_per_section(seeded) -> None:
    detail = cluster_detail(slug=METAL)
    for language in ("en", "pl"):
        chosen = attributes_in_language(detail.attributes, language)
        assert chosen.keys() == detail.attributes.keys()
        for items in chosen.values():
            assert len({a.language for a in items}) == 1
