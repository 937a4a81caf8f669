"""The read API against the imported source document."""

from http import HTTPStatus

import pytest

from highlands.ecosystem.models import FigureObservation, Highland
from highlands.ecosystem.selectors import CLUSTER_NOT_FOUND

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    """These tests only read: one import of the source document for the whole module."""
    return shared_seed


def test_highlands_list_is_paginated_with_clusters_and_partners(client, seeded):
    body = client.get("/api/v1/highlands", {"page_size": 2}).json()
    assert body["count"] == 5
    assert body["pages"] == 3
    assert len(body["items"]) == 2
    medical = client.get("/api/v1/highlands/medical").json()
    assert medical["name"] == {
        "text": "Lublin Medical Highland",
        "language": "en",
        "fallback": False,
    }
    assert [c["slug"] for c in medical["clusters"]] == [
        "lublin-medicine-medical-and-wellness-cluster"
    ]
    assert [h["slug"] for h in medical["cooperates_with"]] == ["biotechnological"]
    assert set(medical["helix"]) == {
        "business",
        "bei",
        "academia",
        "public_authority",
        "civil_society",
    }
    assert medical["stated_helix"]["business"] == 123
    assert medical["stated_helix"]["public_authority"] is None
    automotive = client.get("/api/v1/highlands/automotive-and-machine").json()
    assert automotive["helix"]["business"] >= 17  # Industrial Upland Cluster lists 17 firms


def test_lang_pl_falls_back_to_english_with_a_flag_and_prefers_polish(client, seeded):
    it = client.get("/api/v1/highlands/it", {"lang": "pl"}).json()
    assert it["name"] == {"text": "Lublin IT Highland", "language": "en", "fallback": True}
    Highland.objects.filter(slug="it").update(name_pl="Lubelska Wyżyna IT")
    it = client.get("/api/v1/highlands/it", {"lang": "pl"}).json()
    assert it["name"] == {"text": "Lubelska Wyżyna IT", "language": "pl", "fallback": False}
    english = client.get("/api/v1/highlands/it").json()
    assert english["name"]["text"] == "Lublin IT Highland"


def test_cluster_filters_and_sort(client, seeded):
    by_size = client.get("/api/v1/clusters", {"sort": "-size", "page_size": 100}).json()
    sizes = [c["stated"]["members"] for c in by_size["items"] if c["stated"]["members"]]
    assert sizes == sorted(sizes, reverse=True)
    recent = client.get("/api/v1/clusters", {"year_min": 2020, "page_size": 100}).json()
    assert recent["count"] > 0
    assert all(c["year_established"] >= 2020 for c in recent["items"])
    aviation = client.get("/api/v1/clusters", {"highland": "aviation"}).json()
    assert [c["slug"] for c in aviation["items"]] == [
        "lublin-cluster-of-advanced-aviation-technologies"
    ]
    with_academia = client.get("/api/v1/clusters", {"helix_role": "academia"}).json()
    assert all(
        c["listed"].get("academia") or c["stated"]["universities"] for c in with_academia["items"]
    )
    assert client.get("/api/v1/clusters", {"q": "metal"}).json()["count"] == 1


def test_cluster_detail_has_members_by_role_figures_history_and_flags(client, seeded):
    body = client.get("/api/v1/clusters/industrial-upland-cluster").json()
    assert body["coordinator_stated"] == "Lublin Industrial Upland Foundation"
    business = [m["organization"]["name"] for m in body["members_by_role"]["business"]]
    assert "ABM Greiffenberger Polska Sp. z o.o." in business
    assert {f["kind"] for f in body["figures"]} >= {"members", "enterprises"}
    assert body["history"]["enterprises"][0]["value"] == 22
    assert any("states 22 enterprises but lists 17" in i["message"] for i in body["issues"])
    assert body["attributes"]["goal"][0]["source"]["line_start"] > 0


def test_figure_history_lists_every_observation_oldest_first(client, seeded):
    from datetime import date

    first = FigureObservation.objects.get(cluster__slug="esta-cluster", kind="members")
    FigureObservation.objects.create(
        cluster=first.cluster,
        kind="members",
        value=first.value + 5,
        as_of=date(2030, 1, 1),
        as_of_basis="given",
    )
    body = client.get("/api/v1/figures", {"cluster": "esta-cluster", "kind": "members"}).json()
    assert [f["value"] for f in body["items"]] == [first.value, first.value + 5]
    detail = client.get("/api/v1/clusters/esta-cluster").json()
    current = {f["kind"]: f["value"] for f in detail["figures"]}
    assert current["members"] == first.value + 5


def test_organizations_memberships_and_issues(client, seeded):
    orgs = client.get("/api/v1/organizations", {"cluster": "industrial-upland-cluster"}).json()
    assert orgs["count"] >= 17
    slug = orgs["items"][0]["slug"]
    org = client.get(f"/api/v1/organizations/{slug}").json()
    assert any(m["cluster"]["slug"] == "industrial-upland-cluster" for m in org["memberships"])
    coordinators = client.get("/api/v1/memberships", {"role": "coordinator"}).json()
    assert coordinators["count"] > 0
    assert all(m["role"] == "coordinator" for m in coordinators["items"])
    issues = client.get("/api/v1/issues", {"cluster": "industrial-upland-cluster"}).json()
    assert issues["count"] == 3


def test_compare_two_clusters(client, seeded):
    response = client.get(
        "/api/v1/compare", {"cluster": ["esta-cluster", "industrial-upland-cluster"]}
    )
    assert response.status_code == HTTPStatus.OK
    assert [c["slug"] for c in response.json()] == ["esta-cluster", "industrial-upland-cluster"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/clusters/no-such-cluster", HTTPStatus.NOT_FOUND, "not_found"),
        ("/api/v1/organizations/no-such-org", HTTPStatus.NOT_FOUND, "not_found"),
        ("/api/v1/no/such/route", HTTPStatus.NOT_FOUND, "not_found"),
        ("/api/v1/clusters?year_min=-1", HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error"),
        ("/api/v1/clusters?lang=de", HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error"),
        ("/api/v1/clusters?page=0", HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error"),
        (
            "/api/v1/compare?cluster=esta-cluster",
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation_error",
        ),
        ("/api/v1/clusters/bad%20slug", HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error"),
    ],
)
def test_errors_share_one_body(client, seeded, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code


def test_not_found_message_is_the_domain_constant(client, seeded):
    body = client.get("/api/v1/clusters/nope").json()
    assert body["message"] == CLUSTER_NOT_FOUND.format(slug="nope")


def test_validation_error_names_the_parameter(client, seeded):
    body = client.get("/api/v1/clusters", {"page_size": 1000}).json()
    assert body["details"][0]["loc"] == ["query", "page_size"]


def test_domain_error_maps_to_400(client, seeded, monkeypatch):
    from highlands.ecosystem import selectors
    from highlands.errors import ApplicationError

    def refuse(**kwargs):
        raise ApplicationError("refused", code="refused")

    monkeypatch.setattr(selectors, "cluster_list", refuse)
    response = client.get("/api/v1/clusters")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"code": "refused", "message": "refused", "details": []}


def test_health_still_answers(client, db):
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_helix_filter_counts_stated_figures_as_well_as_listed_members(client, seeded):
    from datetime import date

    def academia() -> list[str]:
        body = client.get("/api/v1/clusters", {"helix_role": "academia"}).json()
        return [c["slug"] for c in body["items"]]

    assert "esta-cluster" not in academia()  # it states 0 universities and lists none
    esta = FigureObservation.objects.filter(cluster__slug="esta-cluster").first().cluster
    FigureObservation.objects.create(
        cluster=esta, kind="universities", value=2, as_of=date(2030, 1, 1), as_of_basis="given"
    )
    assert "esta-cluster" in academia()  # the newest figure now states two
