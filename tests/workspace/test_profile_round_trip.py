"""Saving an imported cluster profile unchanged in the workspace loses nothing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from highlands.accounts.models import ClusterCoordinator
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, ClusterAttribute
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db


def _attributes(cluster: Cluster) -> list[tuple[str, str, int, str, str]]:
    return list(
        ClusterAttribute.objects.filter(cluster=cluster)
        .order_by("kind", "language", "position")
        .values_list("kind", "language", "position", "title", "text")
    )


@pytest.mark.parametrize(
    "slug", ["industrial-upland-cluster", "lubtechbridge", "unnamed-netrix-group-sp-z-oo-2011"]
)
def test_unchanged_save_of_an_imported_profile(seeded, slug: str) -> None:
    cluster = Cluster.objects.get(slug=slug)
    coordinator = make_user("keeper@example.org")
    ClusterCoordinator.objects.create(user=coordinator, cluster=cluster)
    client = Client()
    client.force_login(coordinator)
    url = reverse("workspace:cluster_edit", args=[slug])
    form = client.get(url).context["form"]
    data = {n: f.initial for n, f in form.fields.items() if f.initial not in (None, "")}
    data.update({k: v for k, v in form.initial.items() if v is not None})
    before = _attributes(cluster)
    assert any(title for _, _, _, title, _ in before) or slug != "industrial-upland-cluster"
    name_before = cluster.name
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert _attributes(cluster) == before
    cluster.refresh_from_db()
    assert cluster.name == name_before  # an unknown name is not invented
    assert not AuditEntry.objects.filter(action="cluster.update_profile").exists()
