"""Open data by the standards a portal harvests: the folder ``highlands open-data`` writes is
a Frictionless Data Package that ``frictionless`` validates, the DCAT-AP catalogue parses as
RDF (rdflib) and names every dataset and file, every export's numbers equal the registry's,
and no personal data planted in the database appears in any open-data output."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from frictionless import Package
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from highlands.accounts.models import ContactPerson
from highlands.analytics import network, opendata
from highlands.ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureObservation,
    Highland,
    Membership,
    Organization,
)
from highlands.events.models import Event, Registration
from highlands.marketplace.models import CooperationProfile
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db
DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture
def folder(shared_seed, tmp_path) -> Path:
    out = tmp_path / "open-data"
    call_command("open-data", str(out))
    return out


def test_frictionless_validates_the_folder_as_a_data_package(folder):
    package = Package(str(folder / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert {r.name for r in package.resources} == {n.replace("_", "-") for n in opendata.DATASETS}


def test_frictionless_finds_a_broken_file(folder):
    """The validation above can fail: a row of the wrong type is reported."""
    path = folder / "figure_observations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("value")] = "forty-three"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    report = Package(str(folder / "datapackage.json")).validate()
    assert not report.valid
    assert "type-error" in {row[0] for row in report.flatten(["type"])}


def _catalogue(text: str, base: str) -> Graph:
    return Graph().parse(data=text, format="json-ld", publicID=base)


def _check_catalogue(graph: Graph) -> dict[str, list[str]]:
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogues) == 1
    catalogue = catalogues[0]
    assert graph.value(catalogue, DCTERMS.title) is not None
    assert graph.value(catalogue, DCTERMS.publisher) is not None
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == datasets
    downloads: dict[str, list[str]] = {}
    for dataset in datasets:
        name = str(graph.value(dataset, DCTERMS.identifier))
        assert graph.value(dataset, DCTERMS.title) is not None  # DCAT-AP mandatory
        assert graph.value(dataset, DCTERMS.description) is not None  # DCAT-AP mandatory
        assert graph.value(dataset, DCTERMS.license) == URIRef(opendata.LICENCE["path"])
        urls = []
        for dist in graph.objects(dataset, DCAT.distribution):
            assert (dist, RDF.type, DCAT.Distribution) in graph
            assert graph.value(dist, DCAT.accessURL) is not None  # DCAT-AP mandatory
            urls.append(str(graph.value(dist, DCAT.downloadURL)))
        downloads[name] = sorted(urls)
    assert set(downloads) == set(opendata.DATASETS)
    return downloads


def test_the_served_dcat_catalogue_parses_and_every_download_url_answers(shared_seed, client):
    response = client.get("/analytics/open-data/catalogue.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    graph = _catalogue(response.content.decode(), "http://testserver/")
    downloads = _check_catalogue(graph)
    for name, urls in downloads.items():
        assert urls == [
            f"http://testserver/analytics/open-data/{name}/?format={fmt}" for fmt in ("csv", "json")
        ]
        for url in urls:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200
    # Stable URIs: the same catalogue twice is the same text.
    assert client.get("/analytics/open-data/catalogue.jsonld").content == response.content


def test_the_folders_catalogue_names_its_files(folder):
    text = (folder / "catalogue.jsonld").read_text(encoding="utf-8")
    base = "https://data.example.org/highlands/"
    downloads = _check_catalogue(_catalogue(text, base))
    for name, urls in downloads.items():
        assert urls == [f"{base}{name}.csv", f"{base}{name}.json"]
        for url in urls:
            assert (folder / url.removeprefix(base)).is_file()


def _expected_counts() -> dict[str, int]:
    return {
        "highlands": Highland.objects.count(),
        "clusters": Cluster.objects.filter(is_synthetic=False).count(),
        "organizations": Organization.objects.count(),
        "memberships": Membership.objects.filter(cluster__is_synthetic=False).count(),
        "figure_observations": FigureObservation.objects.filter(
            cluster__is_synthetic=False
        ).count(),
        "data_quality_flags": DataQualityIssue.objects.count(),
        "network_edges": sum(1 for e in network.build_network().edges if e.b),
    }


def test_the_numbers_in_every_export_equal_the_registrys(folder, client):
    expected = _expected_counts()
    assert set(expected) == set(opendata.DATASETS)
    figures_total = sum(FigureObservation.objects.values_list("value", flat=True))
    for name, count in expected.items():
        served_csv = client.get(f"/analytics/open-data/{name}/?format=csv").content
        served_json = json.loads(client.get(f"/analytics/open-data/{name}/?format=json").content)
        api = client.get(f"/api/v1/analytics/datasets/{name}").json()["rows"]
        written_csv = (folder / f"{name}.csv").read_bytes()
        written_json = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        csv_rows = list(csv.DictReader(io.StringIO(served_csv.decode("utf-8-sig"))))
        assert len(csv_rows) == len(served_json) == len(api) == len(written_json) == count, name
        assert written_csv == served_csv, name
        assert written_json == served_json == api, name
        if name == "figure_observations":
            assert sum(int(r["value"]) for r in csv_rows) == figures_total
        if name == "memberships":
            coordinators = Membership.objects.filter(
                cluster__is_synthetic=False, role="coordinator"
            ).count()
            assert sum(r["role"] == "coordinator" for r in csv_rows) == coordinators
        if name == "data_quality_flags":
            open_flags = DataQualityIssue.objects.filter(resolved=False).count()
            assert sum(r["resolved"] == "false" for r in csv_rows) == open_flags


def test_no_personal_data_in_any_open_data_output(shared_seed, client, tmp_path):
    org = Organization.objects.order_by("pk").first()
    cluster = Cluster.objects.filter(is_synthetic=False).order_by("pk").first()
    assert org is not None
    assert cluster is not None
    planted = ["Zofia Tajemnicza", "zofia.tajemnicza@example.org", "+48 600 700 800"]
    ContactPerson.objects.create(
        organization=org, full_name=planted[0], email=planted[1], phone=planted[2]
    )
    ContactPerson.objects.create(cluster=cluster, full_name=planted[0], email=planted[1])
    user = make_user("ukryty.uzytkownik@example.org", first_name="Bożydar", last_name="Skryty")
    planted += [user.email, "Bożydar", "Skryty", "ukryty.uzytkownik"]
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
    start = timezone.now() - timedelta(days=3)
    event = Event.objects.create(
        kind="workshop",
        title="Warsztat otwarty",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
        status="finished",
        invitees=["zaproszona.osoba@example.org"],
    )
    event.clusters.set([cluster])
    planted.append("zaproszona.osoba@example.org")
    Registration.objects.create(
        event=event,
        user=user,
        organization=org,
        status="confirmed",
        sequence=1,
        ticket_key="sekretnybilet42",
        answers=["Alergia na orzechy"],
        checked_in_at=start,
    )
    planted += ["sekretnybilet42", "Alergia na orzechy"]

    outputs: list[bytes] = []
    for name in opendata.DATASETS:
        for fmt in ("csv", "json"):
            outputs.append(client.get(f"/analytics/open-data/{name}/?format={fmt}").content)
        outputs.append(client.get(f"/api/v1/analytics/datasets/{name}").content)
    outputs.append(client.get("/analytics/open-data/datapackage.json").content)
    outputs.append(client.get("/analytics/open-data/catalogue.jsonld").content)
    outputs.append(client.get("/analytics/open-data/").content)
    for fmt in ("json", "graphml", "csv"):
        outputs.append(client.get(f"/analytics/network/download/?format={fmt}").content)
    out = tmp_path / "written"
    call_command("open-data", str(out), stdout=io.StringIO())
    files = sorted(out.iterdir())
    assert len(files) == 2 * len(opendata.DATASETS) + 2
    outputs += [f.read_bytes() for f in files]
    text = "\n".join(o.decode("utf-8-sig") for o in outputs)
    assert org.name in text  # the organisation itself is public: the search looks where it should
    for secret in planted:
        assert secret not in text, secret
