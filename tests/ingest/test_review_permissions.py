"""Who may decide a row of the review queue (``ingest/rules.py``), and the audit entry.

Role × object: the city office, the coordinator of the candidate cluster, another cluster's
coordinator, a representative, a signed-in visitor and an anonymous caller, on a queued
cluster row and a queued organisation row.  A refusal changes nothing.
"""

from __future__ import annotations

import pytest

from highlands.accounts.models import ClusterCoordinator
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, ClusterAlias, Organization, OrganizationAlias
from highlands.errors import PermissionDeniedError
from highlands.ingest import review
from highlands.ingest.models import ReconciliationDecision, ReviewItem
from tests.accounts.fixtures import World, make_user
from tests.accounts.fixtures import world as world

pytestmark = pytest.mark.django_db

DENIED = "denied"


def queued_cluster_row(world: World) -> ReviewItem:
    own = world.clusters["own"]
    return ReviewItem.objects.create(
        source_key="klastry.csv",
        entity="cluster",
        row=2,
        incoming_name="Klaster Własny",
        normalized_name="klaster wlasny",
        language="pl",
        payload={"row": 2, "names": [["Klaster Własny", "pl"]], "figures": []},
        candidates=[{"pk": own.pk, "name": own.display_name, "score": 0.7}],
        score=0.7,
    )


def queued_organization_row(world: World) -> ReviewItem:
    own = world.orgs["own"]
    return ReviewItem.objects.create(
        source_key="czlonkowie.csv",
        entity="organization",
        row=3,
        incoming_name="Organizacja Własna",
        normalized_name="organizacja wlasna",
        language="pl",
        payload={
            "row": 3,
            "names": [["Organizacja Własna", "pl"]],
            "figures": [],
            "city": "Lublin",
            "cluster_pk": world.clusters["own"].pk,
        },
        candidates=[{"pk": own.pk, "name": own.name, "score": 0.8}],
        score=0.8,
    )


def actor_for(world: World, role: str):
    if role == "other_coordinator":
        user = make_user("other-coord@example.org")
        ClusterCoordinator.objects.create(user=user, cluster=world.clusters["other"])
        return user
    return world.users[role]


def decide(item: ReviewItem, actor, action: str, target_pk: int | None = None) -> str:
    """Resolve and return the new status, or DENIED after checking nothing changed."""
    audit_before = AuditEntry.objects.count()
    try:
        review.review_item_resolve(item=item, action=action, target_pk=target_pk, actor=actor)
    except PermissionDeniedError:
        item.refresh_from_db()
        assert item.status == "pending"
        assert not ReconciliationDecision.objects.exists()
        assert AuditEntry.objects.count() == audit_before
        assert not ClusterAlias.objects.filter(name=item.incoming_name).exists()
        assert not OrganizationAlias.objects.filter(name=item.incoming_name).exists()
        assert not Organization.objects.filter(name=item.incoming_name).exists()
        assert not Cluster.objects.filter(name=item.incoming_name).exists()
        return DENIED
    item.refresh_from_db()
    entry = AuditEntry.objects.get(action="review_item.resolve")
    assert entry.actor_id == getattr(actor, "pk", None)
    assert (entry.object_type, entry.object_id) == ("ingest.reviewitem", str(item.pk))
    assert entry.before == {"status": "pending"}
    assert entry.after["status"] == item.status
    assert entry.after["action"] == action
    return item.status


def forget(item: ReviewItem) -> None:
    """Undo a decision so the next action starts from the same queue."""
    ReviewItem.objects.all().delete()
    ReconciliationDecision.objects.all().delete()
    AuditEntry.objects.filter(action="review_item.resolve").delete()
    ClusterAlias.objects.filter(name=item.incoming_name).delete()
    OrganizationAlias.objects.filter(name=item.incoming_name).delete()
    Cluster.objects.filter(name=item.incoming_name).delete()
    Organization.objects.filter(name=item.incoming_name).delete()


CLUSTER_ROW = [
    # role, accept as own cluster, accept as other cluster, create, reject
    ("city_admin", "accepted", "accepted", "created", "rejected"),
    ("superuser", "accepted", "accepted", "created", "rejected"),
    ("coordinator", "accepted", DENIED, DENIED, "rejected"),
    ("other_coordinator", DENIED, DENIED, DENIED, DENIED),
    ("representative", DENIED, DENIED, DENIED, DENIED),
    ("visitor", DENIED, DENIED, DENIED, DENIED),
    ("anonymous", DENIED, DENIED, DENIED, DENIED),
]


@pytest.mark.parametrize(("role", "own", "other", "create", "reject"), CLUSTER_ROW)
def test_cluster_row(world, role, own, other, create, reject):
    actor = actor_for(world, role)
    outcomes = []
    for action, target in (
        ("accept", world.clusters["own"]),
        ("accept", world.clusters["other"]),
        ("create", None),
        ("reject", None),
    ):
        item = queued_cluster_row(world)
        outcomes.append(decide(item, actor, action, target.pk if target else None))
        forget(item)
    assert outcomes == [own, other, create, reject]


ORGANIZATION_ROW = [
    # role, accept as the candidate organisation, create, reject
    ("city_admin", "accepted", "created", "rejected"),
    ("coordinator", DENIED, DENIED, DENIED),  # coordinates the cluster the list names
    ("other_coordinator", DENIED, DENIED, DENIED),
    ("representative", DENIED, DENIED, DENIED),  # represents the candidate organisation
    ("anonymous", DENIED, DENIED, DENIED),
]


@pytest.mark.parametrize(("role", "accept", "create", "reject"), ORGANIZATION_ROW)
def test_organization_row(world, role, accept, create, reject):
    actor = actor_for(world, role)
    outcomes = []
    for action, target in (("accept", world.orgs["own"]), ("create", None), ("reject", None)):
        item = queued_organization_row(world)
        outcomes.append(decide(item, actor, action, target.pk if target else None))
        forget(item)
    assert outcomes == [accept, create, reject]


def test_an_accepted_row_is_applied_and_audited_with_its_record(world):
    city = world.users["city_admin"]
    own = world.clusters["own"]
    item = queued_cluster_row(world)
    review.review_item_resolve(item=item, action="accept", target_pk=own.pk, actor=city)
    assert own.aliases.filter(name="Klaster Własny").exists()
    entry = AuditEntry.objects.get(action="review_item.resolve")
    assert (entry.actor_id, entry.cluster_id, entry.organization_id) == (city.pk, own.pk, None)
    assert entry.after["incoming_name"] == "Klaster Własny"
    assert entry.after["cluster"] == own.pk
    decision = ReconciliationDecision.objects.get()
    assert (decision.decided_by, decision.cluster) == (city, own)
