from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
