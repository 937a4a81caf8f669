"""Pages, downloads and the API: both languages, public versus city office, the numbers in
every download equal the registry's, and no personal data in any open-data file."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import networkx as nx
import pytest
from django.test import Client
from django.utils import timezone

from highlands.accounts.models import ContactPerson
from highlands.analytics import opendata, selectors
from highlands.ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureObservation,
    Membership,
    Organization,
)
from highlands.marketplace.models import CooperationProfile
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db
PAGES = (
    "/analytics/",
    "/analytics/network/",
    "/analytics/report/",
    "/analytics/report/cluster/industrial-upland-cluster/",
    "/analytics/report/highland/automotive-and-machine/",
    "/analytics/open-data/",
)


@pytest.fixture
def city_client(shared_seed):
    client = Client()
    client.force_login(make_user("city@example.org", is_city_admin=True))
    return client


@pytest.mark.parametrize("prefix", ["", "/pl"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_open_in_both_languages(shared_seed, client, prefix, path):
    response = client.get(prefix + path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == ("pl" if prefix else "en")


def test_the_dashboard_shows_each_figure_with_its_source_and_a_table(shared_seed, client):
    html = client.get("/analytics/").content.decode()
    latest = selectors.figure_series("members")[-1]
    assert f'<td class="num">{latest.value}</td>' in html
    assert "/sources/" in html
    assert "#L" in html
    assert html.count('role="img"') >= 3
    assert "Registry activity" not in html
    for name in selectors.table_names():
        assert f"/analytics/tables/{name}/?format=csv" in html


def test_the_city_office_sees_more(city_client):
    html = city_client.get("/analytics/").content.decode()
    assert "Registry activity" in html
    assert "source.import" in html
    assert city_client.get("/analytics/tables/registry_activity/").status_code == 200


def test_the_public_cannot_download_the_city_office_s_tables(shared_seed, client):
    assert client.get("/analytics/tables/registry_activity/").status_code == 404
    assert client.get("/analytics/tables/helix_balance/?format=xml").status_code == 400


def test_table_downloads_carry_the_registry_s_numbers(shared_seed, client):
    body = client.get("/analytics/tables/helix_balance/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    industrial = next(r for r in rows if r["slug"] == "industrial-upland-cluster")
    members = Membership.objects.filter(cluster__slug="industrial-upland-cluster", role="member")
    assert int(industrial["business"]) + int(industrial["bei"]) + int(industrial["academia"]) == (
        members.count()
    )
    data = json.loads(client.get("/analytics/tables/members_over_time/?format=json").content)
    assert data[-1]["stated_members"] == selectors.figure_series("members")[-1].value
    assert "lublin-economic-highlands.txt:" in data[-1]["sources"]


def test_network_downloads(shared_seed, client):
    graph = nx.parse_graphml(client.get("/analytics/network/download/?format=graphml").content)
    data = json.loads(client.get("/analytics/network/download/?format=json").content)
    assert graph.number_of_nodes() == len(data["nodes"])
    nodes = client.get("/analytics/network/download/?format=csv&table=nodes").content
    assert len(list(csv.DictReader(io.StringIO(nodes.decode("utf-8-sig"))))) == len(data["nodes"])
    assert client.get("/analytics/network/download/?format=pdf").status_code == 400


def test_reports_of_unknown_scopes_are_404(shared_seed, client):
    assert client.get("/analytics/report/cluster/no-such-cluster/").status_code == 404
    assert client.get("/analytics/report/planet/earth/").status_code == 404


def test_a_cluster_report_lists_its_figures_and_open_flags(shared_seed, client):
    slug = "industrial-upland-cluster"
    html = client.get(f"/analytics/report/cluster/{slug}/").content.decode()
    cluster = Cluster.objects.get(slug=slug)
    for obs in FigureObservation.objects.filter(cluster=cluster):
        assert f"#L{obs.line_start}" in html
    for flag in DataQualityIssue.objects.filter(cluster=cluster, resolved=False):
        assert flag.message in html.replace("&#x27;", "'").replace("&quot;", '"')


def test_open_datasets_equal_the_registry(shared_seed, client):
    memberships = json.loads(client.get("/analytics/open-data/memberships/?format=json").content)
    assert len(memberships) == Membership.objects.count()
    figures = client.get("/analytics/open-data/figure_observations/?format=csv").content
    rows = list(csv.DictReader(io.StringIO(figures.decode("utf-8-sig"))))
    assert len(rows) == FigureObservation.objects.count()
    assert sum(int(r["value"]) for r in rows) == sum(
        o.value for o in FigureObservation.objects.all()
    )
    flags = json.loads(client.get("/analytics/open-data/data_quality_flags/?format=json").content)
    assert len(flags) == DataQualityIssue.objects.count()
    assert client.get("/analytics/open-data/contacts/").status_code == 404


def test_open_data_is_reproducible(shared_seed, client):
    for name in opendata.DATASETS:
        url = f"/analytics/open-data/{name}/?format=csv"
        assert client.get(url).content == client.get(url).content


def test_no_personal_data_in_any_open_file(shared_seed, client):
    org = Organization.objects.order_by("pk").first()
    cluster = Cluster.objects.order_by("pk").first()
    planted = ["Zofia Tajemnicza", "zofia.tajemnicza@example.org", "+48 600 700 800"]
    ContactPerson.objects.create(
        organization=org, full_name=planted[0], email=planted[1], phone=planted[2]
    )
    ContactPerson.objects.create(cluster=cluster, full_name=planted[0], email=planted[1])
    user = make_user("ukryty.uzytkownik@example.org")
    planted.append(user.email)
    CooperationProfile.objects.create(
        organization=org,
        kind="business_offer",
        direction="offer",
        title="Poufna oferta Q7",
        description="Tylko dla członków klastra: ceny hurtowe.",
        valid_until=timezone.localdate() + timedelta(days=30),
        visibility="clusters",
        status="published",
    )
    planted += ["Poufna oferta Q7", "ceny hurtowe"]
    outputs = []
    for name in opendata.DATASETS:
        for fmt in ("csv", "json"):
            outputs.append(client.get(f"/analytics/open-data/{name}/?format={fmt}").content)
        outputs.append(client.get(f"/api/v1/analytics/datasets/{name}").content)
    for fmt in ("json", "graphml", "csv"):
        outputs.append(client.get(f"/analytics/network/download/?format={fmt}").content)
    for name in selectors.table_names():
        outputs.append(client.get(f"/analytics/tables/{name}/?format=json").content)
    text = "\n".join(o.decode("utf-8-sig") for o in outputs)
    for secret in planted:
        assert secret not in text, secret


def test_api(shared_seed, client):
    names = client.get("/api/v1/analytics/tables").json()
    assert "helix_balance" in names
    assert "registry_activity" not in names
    assert client.get("/api/v1/analytics/tables/registry_activity").status_code == 404
    helix = client.get("/api/v1/analytics/helix-balance").json()
    city = next(r for r in helix if r["scope"] == "city")
    assert city["balance"] == selectors.helix_balance(city["counts"])
    net = client.get("/api/v1/analytics/network").json()
    assert net["nodes"]
    assert net["edges"]
    assert net["betweenness_exact"] is True
    datasets = client.get("/api/v1/analytics/datasets").json()
    assert {d["name"] for d in datasets} == set(opendata.DATASETS)
    assert all(d["licence"] == "CC-BY-4.0" for d in datasets)
    rows = client.get("/api/v1/analytics/datasets/memberships").json()["rows"]
    assert len(rows) == Membership.objects.count()


def test_network_filters_choose_what_is_listed(shared_seed, client):
    slug = "automotive-and-machine"
    response = client.get(f"/analytics/network/?highland={slug}&kind=membership")
    view = response.context["view"]
    assert view.edges
    assert all(e.kind == "membership" for e in view.edges)
    assert all(slug in n.highlands or n.id == f"highland:{slug}" for n in view.nodes)
    assert client.get("/analytics/network/?since=2100").context["view"].edges == []
    searched = client.get("/analytics/network/?q=INDUSTRIAL upland").context["view"].nodes
    assert {n.slug for n in searched} == {
        "industrial-upland-cluster",
        "lublin-industrial-upland-foundation",
    }


def test_bad_filters_are_reported_and_ignored(shared_seed, client):
    response = client.get("/analytics/network/?since=dawno&kind=nonsense")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"since", "kind"}
    assert response.context["view"].edges  # the rest still lists everything


def test_htmx_gets_only_the_results(shared_seed, client):
    response = client.get("/analytics/network/?q=lift", HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "analytics/_network_results.html"


def test_a_node_page_lists_every_link_of_the_node(shared_seed, client):
    slug = "industrial-upland-cluster"
    response = client.get(f"/analytics/network/cluster/{slug}/")
    members = Membership.objects.filter(cluster__slug=slug).count()
    relations = response.context["relations"]
    assert sum(e.kind in ("membership", "coordination") for e, _other in relations) == members
    assert client.get("/analytics/network/cluster/no-such/").status_code == 404


def test_the_data_package_describes_every_csv_and_its_columns(shared_seed, client):
    package = json.loads(client.get("/analytics/open-data/datapackage.json").content)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert len(package["resources"]) == len(opendata.DATASETS)
    for resource in package["resources"]:
        path = resource["path"].removeprefix("http://testserver")
        body = client.get(path).content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(body)))
        assert [f["name"] for f in resource["schema"]["fields"]] == header
    figures = next(r for r in package["resources"] if r["name"] == "figure-observations")
    types = {f["name"]: f["type"] for f in figures["schema"]["fields"]}
    assert types["value"] == "integer"
    assert types["cluster"] == "string"


def test_open_data_command_writes_the_same_files(shared_seed, client, tmp_path):
    from django.core.management import call_command

    call_command("open-data", str(tmp_path / "out"))
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {f"{n}.csv" for n in opendata.DATASETS}
    served = client.get("/analytics/open-data/memberships/?format=csv").content
    assert (tmp_path / "out" / "memberships.csv").read_bytes() == served
    flags = json.loads((tmp_path / "out" / "data_quality_flags.json").read_text(encoding="utf-8"))
    assert len(flags) == DataQualityIssue.objects.count()


def test_network_filters_by_helix_and_cluster(shared_seed, client):
    slug = "industrial-upland-cluster"
    view = client.get(f"/analytics/network/?cluster={slug}").context["view"]
    members = set(
        Membership.objects.filter(cluster__slug=slug).values_list("organization__slug", flat=True)
    )
    assert {n.slug for n in view.nodes if n.type == "organization"} == members
    assert {n.id for n in view.nodes if n.type != "organization"} == {f"cluster:{slug}"}
    academia = client.get("/analytics/network/?helix=academia").context["view"].nodes
    assert academia
    assert {n.helix_role for n in academia} == {"academia"}
    industry = client.get(f"/analytics/network/?helix=industry&cluster={slug}").context["view"]
    assert {n.helix_role for n in industry.nodes} == {"business", "bei"}
    assert client.get("/analytics/network/?helix=robots").status_code == 400


def test_the_drawing_opens_every_highland_and_cluster(shared_seed, client):
    html = client.get("/analytics/network/").content.decode()
    assert 'role="group"' in html
    for slug in Cluster.objects.filter(is_synthetic=False).values_list("slug", flat=True):
        assert f'href="/analytics/network/cluster/{slug}/"' in html
