"""Issue 13: the city office assigns clusters the document puts in no highland, from the
platform's proposals (topic similarity through the search layer) — shown as proposed until
a person confirms, and afterwards as the city office's decision, never as a document fact."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from highlands.audit.models import AuditEntry
from highlands.ecosystem import proposals, services
from highlands.ecosystem.models import Cluster, ClusterAttribute, Highland, HighlandCluster
from highlands.errors import ApplicationError, PermissionDeniedError
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def highlands(world: World) -> dict[str, Highland]:
    medical = Highland.objects.create(
        slug="medical",
        name="Medical Highland",
        description="Health care, medical devices, hospitals, pharmaceuticals and biotechnology.",
        position=1,
    )
    it = Highland.objects.create(
        slug="it",
        name="IT Highland",
        description="Software, computer games, cybersecurity and information technology.",
        position=2,
    )
    for key, texts in {
        "own": ["Medical devices and hospital equipment", "Clinical trials of new medicines"],
        "other": ["Software development and computer games", "Cloud computing services"],
    }.items():
        for position, text in enumerate(texts):
            ClusterAttribute.objects.create(
                cluster=world.clusters[key],
                kind="service",
                position=position,
                text=text,
                language="en",
            )
    return {"medical": medical, "it": it}


def test_proposals_follow_the_topic_and_give_reasons(
    world: World, highlands: dict[str, Highland]
) -> None:
    rows = {row.cluster.slug: row for row in proposals.highland_proposals()}
    assert set(rows) == {"cluster-own", "cluster-other"}
    assert rows["cluster-own"].proposals[0].highland == highlands["medical"]
    assert rows["cluster-other"].proposals[0].highland == highlands["it"]
    assert "medical" in rows["cluster-own"].proposals[0].shared_words
    # Proposals are not stored: the document's facts are unchanged.
    assert not HighlandCluster.objects.exists()


def test_the_city_office_confirms_a_proposal_and_pages_say_who_decided(
    world: World, highlands: dict[str, Highland]
) -> None:
    city = Client()
    city.force_login(world.users["city_admin"])
    page = city.get(reverse("workspace:highlands")).content.decode()
    assert "proposed" in page
    assert "Medical Highland" in page
    city.post(
        reverse("workspace:highland_assign"),
        {"cluster": "cluster-own", "highland": "medical", "basis": "confirmed proposal"},
    )
    link = HighlandCluster.objects.get()
    assert (link.cluster.slug, link.highland.slug) == ("cluster-own", "medical")
    assert link.assigned_by == world.users["city_admin"]
    assert link.assigned_at is not None
    assert AuditEntry.objects.filter(action="highland_cluster.assign").exists()
    public = Client().get(reverse("web:cluster", args=["cluster-own"])).content.decode()
    assert "assigned by the city office" in public
    # The assigned cluster is no longer proposed; undoing it is possible.
    assert "cluster-own" not in {r.cluster.slug for r in proposals.highland_proposals()}
    city.post(reverse("workspace:highland_unassign", args=[link.pk]))
    assert not HighlandCluster.objects.exists()


def test_only_the_city_office_assigns_and_document_links_stay(
    world: World, highlands: dict[str, Highland]
) -> None:
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    assert coordinator.get(reverse("workspace:highlands")).status_code == 403
    assert (
        coordinator.post(
            reverse("workspace:highland_assign"), {"cluster": "cluster-own", "highland": "it"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDeniedError):
        services.highland_cluster_assign(
            actor=world.users["coordinator"],
            highland=highlands["it"],
            cluster=world.clusters["own"],
        )
    stated = HighlandCluster.objects.create(
        highland=highlands["it"], cluster=world.clusters["other"], stated_name="Cluster other"
    )
    with pytest.raises(ApplicationError, match="source states"):
        services.highland_cluster_unassign(actor=world.users["city_admin"], link=stated)
    with pytest.raises(ApplicationError, match="already in this highland"):
        services.highland_cluster_assign(
            actor=world.users["city_admin"],
            highland=highlands["it"],
            cluster=Cluster.objects.get(slug="cluster-other"),
        )
