"""The bilingual portal: languages, directories, compare, SEO, charts and security headers."""

import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from highlands.ecosystem.models import Highland, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    """These tests only read: one import of the source document for the whole module."""
    return shared_seed


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


def test_english_at_root_and_polish_under_pl(client, seeded):
    english = _get(client, "/")
    polish = _get(client, "/pl/")
    assert '<html lang="en">' in english
    assert '<html lang="pl">' in polish
    assert "The highlands" in english
    assert "Lubelskie Wyżyny Gospodarcze" in polish
    assert "Najważniejsze liczby" in polish


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/highlands/medical/",
        "/clusters/",
        "/clusters/industrial-upland-cluster/",
        "/organizations/",
        "/compare/",
        "/data-quality/",
    ],
)
def test_language_switch_keeps_the_page(client, seeded, path):
    english = _get(client, path)
    assert f'href="/pl{path}" hreflang="pl" lang="pl">Polski</a>' in english
    polish = _get(client, f"/pl{path}")
    assert f'href="{path}" hreflang="en" lang="en">English</a>' in polish


def test_language_switch_keeps_the_query_string(client, seeded):
    body = _get(client, "/clusters/", highland="aviation", sort="name")
    assert 'href="/pl/clusters/?highland=aviation&amp;sort=name"' in body


def test_content_falls_back_to_english_with_a_marker_and_polish_wins_when_present(client, seeded):
    polish = _get(client, "/pl/highlands/it/")
    assert '<span lang="en">Lublin IT Highland</span> <abbr class="fallback"' in polish
    Highland.objects.filter(slug="it").update(
        name_pl="Lubelska Wyżyna IT", description_pl="Pierwszy ekosystem."
    )
    polish = _get(client, "/pl/highlands/it/")
    assert "<h1>Lubelska Wyżyna IT</h1>" in polish
    assert "Pierwszy ekosystem." in polish
    english = _get(client, "/highlands/it/")
    assert "<h1>Lublin IT Highland</h1>" in english


def test_unnamed_cluster_is_described_in_the_page_language(client, seeded):
    polish = _get(client, "/pl/")
    assert "Klaster bez nazwy (koordynator: Netrix Group sp. z o.o., zał. 2011)" in polish


def test_home_shows_strategy_highlands_figures_and_latest_imports(client, seeded):
    body = _get(client, "/")
    assert "quadruple helix" in body
    assert "Key figures" in body
    assert body.count('class="card"') == 5
    assert "Latest activity" in body
    assert "imported <strong>Lublin Economic Highlands" in body
    assert "data-quality notes</a>" in body


def test_highland_page_shows_clusters_partners_and_helix_chart(client, seeded):
    body = _get(client, reverse("web:highland", args=["medical"]))
    assert "Lublin Medicine – Medical &amp; Wellness Cluster" in body
    assert 'href="/highlands/biotechnological/"' in body
    assert '<svg class="chart helix"' in body  # 123 enterprises stated, none listed by name
    assert "Business: 123 stated, 0 listed by name" in body
    automotive = _get(client, reverse("web:highland", args=["automotive-and-machine"]))
    assert '<svg class="chart helix"' in automotive
    assert "Industrial Upland Cluster" in automotive


def test_cluster_directory_filters_sorts_and_paginates(client, seeded):
    first = _get(client, "/clusters/")
    assert "20 clusters" in first
    assert "Page 1 of 2" in first
    second = _get(client, "/clusters/", page=2)
    assert "Page 2 of 2" in second
    aviation = _get(client, "/clusters/", highland="aviation")
    assert "1 cluster<" in aviation
    assert "Lublin Cluster of Advanced Aviation Technologies" in aviation
    named = _get(client, "/clusters/", q="metal")
    assert "Eastern Metal Processing Cluster" in named
    assert "ESTA Cluster" not in named
    recent = _get(client, "/clusters/", year_min=2020)
    assert "ESTA Cluster" in recent
    assert "Eastern ICT Cluster" not in recent
    small = _get(client, "/clusters/", size_max=20, sort="-size")
    assert "Eastern ICT Cluster" not in small
    by_size = _get(client, "/clusters/", sort="-size")
    assert by_size.index("Eastern ICT Cluster") < by_size.index("Eastern Metal Processing Cluster")
    academia = _get(client, "/clusters/", helix_role="academia")
    assert "Industrial Upland Cluster" in academia
    assert "ESTA Cluster" not in academia


def test_invalid_filter_values_are_reported_and_left_out(client, seeded):
    body = _get(client, "/clusters/", year_min="soon", sort="sideways", page="x", q="metal")
    assert "1 cluster<" in body  # the valid filter (name) still applies
    assert "Some filters could not be used" in body
    assert body.count('<ul class="errorlist"') == 2  # year and sort, each under its field
    assert 'aria-invalid="true"' in body
    polish = _get(client, "/pl/organizations/", role="wizard")
    assert "Niektórych filtrów nie udało się zastosować" in polish


def test_htmx_request_gets_only_the_results(client, seeded):
    response = client.get("/clusters/", {"q": "lublin"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in body
    assert 'role="status"' in body


def test_organization_directory_and_page(client, seeded):
    body = _get(client, "/organizations/", q="Greiffenberger")
    assert "1 organization<" in body
    assert "ABM Greiffenberger Polska Sp. z o.o." in body
    org = Organization.objects.get(name="ABM Greiffenberger Polska Sp. z o.o.")
    page = _get(client, reverse("web:organization", args=[org.slug]))
    assert "Industrial Upland Cluster" in page
    assert "Helix role" in page


def test_compare_two_clusters_side_by_side(client, seeded):
    both = ["lublin-biotechnology-cluster", "industrial-upland-cluster"]
    body = _get(client, "/compare/", cluster=both)
    table = body[body.index('<table class="compare-table">') : body.index("</table>")]
    assert "Lublin Biotechnology Cluster" in table
    assert "Industrial Upland Cluster" in table
    charts = body[body.index('id="helix-h"') :]  # one chart per cluster, full width on a phone
    assert charts.count('<svg class="chart helix"') == 2
    assert charts.count('<span class="swatch stated">') == 1  # one legend for both


def test_compare_needs_two_clusters(client, seeded):
    response = client.get("/pl/compare/", {"cluster": "esta-cluster"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Wybierz co najmniej dwa klastry do porównania." in response.content.decode()


def test_cluster_page_has_figures_helix_chart_sources_and_contact(client, seeded):
    body = _get(client, "/clusters/industrial-upland-cluster/")
    # One observation per figure so far: a number with its date, not a chart of one dot.
    assert '<svg class="chart line"' not in body
    assert body.count('<p class="single-figure">') == 4
    assert "one observation so far" in body
    assert '<svg class="chart helix"' in body
    assert "Nothing stated or listed for:</" not in body  # ... unless a role is empty:
    assert "Nothing stated or listed for: Public authority, Civil society." in body
    assert "Members by helix role" in body
    assert '<h2 id="sources-h">Sources</h2>' in body
    assert "<dt>Contact</dt>" in body


def test_a_figure_observed_twice_is_a_chart(client, seeded):
    from datetime import date

    from highlands.ecosystem.models import Cluster, FigureObservation

    cluster = Cluster.objects.get(slug="industrial-upland-cluster")
    FigureObservation.objects.create(
        cluster=cluster, kind="members", value=31, as_of=date(2027, 1, 1), as_of_basis="given"
    )
    body = _get(client, "/clusters/industrial-upland-cluster/")
    assert body.count('<svg class="chart line"') == 1
    assert body.count('<p class="single-figure">') == 3


def _jsonld(body: str) -> dict:
    match = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', body)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_cluster_and_organization_pages_carry_schema_org_jsonld(client, seeded):
    cluster = _jsonld(_get(client, "/clusters/industrial-upland-cluster/"))
    assert cluster["@type"] == "Organization"
    assert cluster["name"] == "Industrial Upland Cluster"
    assert cluster["foundingDate"] == "2018"
    assert any(m["name"] == "ABM Greiffenberger Polska Sp. z o.o." for m in cluster["member"])
    org = Organization.objects.get(name="ABM Greiffenberger Polska Sp. z o.o.")
    data = _jsonld(_get(client, reverse("web:organization", args=[org.slug])))
    assert data["@type"] == "Organization"
    assert data["memberOf"][0]["name"] == "Industrial Upland Cluster"


def test_titles_descriptions_canonical_and_hreflang(client, seeded):
    body = _get(client, "/pl/clusters/esta-cluster/")
    assert "<title>ESTA Cluster · Highlands</title>" in body
    assert '<meta name="description" content="ESTA Cluster: profil' in body
    assert '<link rel="canonical" href="http://testserver/pl/clusters/esta-cluster/">' in body
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/clusters/esta-cluster/">'
        in body
    )
    assert '<link rel="alternate" hreflang="x-default"' in body


def test_sitemap_lists_pages_in_both_languages(client, seeded):
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<loc>http://testserver/clusters/esta-cluster/</loc>" in body
    assert "<loc>http://testserver/pl/clusters/esta-cluster/</loc>" in body
    assert 'hreflang="pl"' in body
    assert "robots" not in body
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_csp_header_allows_only_own_assets(client, seeded):
    response = client.get("/clusters/industrial-upland-cluster/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_htmx_is_served_locally(client, seeded):
    body = _get(client, "/")
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js', body)
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", body.split("<body>")[0])


def test_unknown_page_is_a_translated_404(client, seeded):
    response = client.get("/pl/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    with translation.override("pl"):
        assert "Nie znaleziono" in response.content.decode()


def test_directory_columns_sort_and_a_second_click_reverses(client, seeded):
    body = _get(client, "/clusters/", sort="size", highland="medical")
    assert 'aria-sort="ascending"><a href="?sort=-size&amp;highland=medical">' in body
    assert '<a href="?sort=name&amp;highland=medical">' in body


def test_organization_page_lists_what_its_clusters_offer(client, seeded):
    from highlands.ecosystem.models import ClusterAttribute, Membership

    coordinator = Membership.objects.get(
        cluster__slug="eastern-metal-processing-cluster", role="coordinator"
    ).organization
    service = ClusterAttribute.objects.filter(
        cluster__slug="eastern-metal-processing-cluster", kind="service"
    ).first()
    body = _get(client, reverse("web:organization", args=[coordinator.slug]))
    assert "What it offers" in body
    assert service.text in body
    other = Organization.objects.get(name="ABM Greiffenberger Polska Sp. z o.o.")
    assert "list no services or products" in _get(
        client, reverse("web:organization", args=[other.slug])
    )


def test_contact_channel_is_translated_and_not_invented(client, seeded):
    polish = _get(client, "/pl/clusters/eastern-metal-processing-cluster/")
    assert "<dt>Kontakt</dt><dd>strona internetowa" in polish
    assert "źródło podaje kanał, a nie adres" in polish
