from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    """These tests only read: one import of the source document for the whole module."""
    return shared_seed


def test_home_lists_highlands_and_clusters(client, seeded):
    response = client.get(reverse("web:home"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Lublin Medical Highland" in body
    assert "Eastern Metal Processing Cluster" in body
    assert "Unnamed cluster (coordinator: Netrix Group sp. z o.o., est. 2011)" in body


def test_cluster_page_shows_facts_members_flags_and_source_lines(client, seeded):
    response = client.get(reverse("web:cluster", args=["industrial-upland-cluster"]))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Lublin Industrial Upland Foundation" in body
    assert "ABM Greiffenberger Polska Sp. z o.o." in body
    assert "The profile states 22 enterprises but lists 17." in body
    assert "#L294" in body


def test_unknown_cluster_is_404(client, seeded):
    response = client.get(reverse("web:cluster", args=["no-such-cluster"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_cluster_page_puts_stated_beside_listed_counts(client, seeded):
    response = client.get(reverse("web:cluster", args=["industrial-upland-cluster"]))
    rows = {r.kind: (r.current.value, r.listed) for r in response.context["d"].figure_rows}
    assert rows == {
        "members": (29, 24),
        "enterprises": (22, 17),
        "business_environment_institutions": (4, 4),
        "universities": (3, 3),
    }
    # A cluster that lists nobody by name shows no listed count at all.
    response = client.get(reverse("web:cluster", args=["eastern-ict-cluster"]))
    assert [r.listed for r in response.context["d"].figure_rows] == [None, None]


def test_every_page_of_the_seed_renders(client, seeded):
    from highlands.ecosystem.models import Cluster, Highland, Organization, SourceDocument

    urls = [
        reverse("web:home"),
        reverse("web:clusters"),
        reverse("web:organizations"),
        reverse("web:data_quality"),
    ]
    urls += [
        reverse("web:cluster", args=[s]) for s in Cluster.objects.values_list("slug", flat=True)
    ]
    urls += [
        reverse("web:highland", args=[s]) for s in Highland.objects.values_list("slug", flat=True)
    ]
    urls += [
        reverse("web:organization", args=[s])
        for s in Organization.objects.values_list("slug", flat=True)
    ]
    urls += [
        reverse("web:source", args=[pk])
        for pk in SourceDocument.objects.values_list("pk", flat=True)
    ]
    assert len(urls) == 4 + 20 + 5 + 49 + 1
    for url in urls:
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_admin_changelists_render_for_staff(admin_client, seeded):
    for name in ("cluster", "organization", "highland", "dataqualityissue", "sourcedocument"):
        response = admin_client.get(reverse(f"admin:ecosystem_{name}_changelist"))
        assert response.status_code == HTTPStatus.OK, name
    from highlands.ecosystem.models import Cluster

    pk = Cluster.objects.get(slug="industrial-upland-cluster").pk
    response = admin_client.get(reverse("admin:ecosystem_cluster_change", args=[pk]))
    assert response.status_code == HTTPStatus.OK
