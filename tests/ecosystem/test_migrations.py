"""Migration 0003: listings a coordinator made alone before membership requests existed
become pending requests, so they grant nothing until the organisation accepts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("ecosystem", "0002_translatable_descriptions")]
AFTER = [("ecosystem", "0003_membership_requests")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """The tests after this one expect every migration applied: leave the schema at the leaves
    (migrating only to ``AFTER`` would drop the columns of later migrations for everyone)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_unilateral_listings_become_pending_requests() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps: Any = executor.loader.project_state(BEFORE).apps
    source = apps.get_model("ecosystem", "SourceDocument").objects.create(
        sha256="1" * 64, name="document.txt", kind="profile_text"
    )
    cluster = apps.get_model("ecosystem", "Cluster").objects.create(
        slug="a", name="A", display_name="A"
    )
    synthetic_cluster = apps.get_model("ecosystem", "Cluster").objects.create(
        slug="demo-cluster-1", name="D", display_name="D", is_synthetic=True
    )
    organization = apps.get_model("ecosystem", "Organization")
    stated, listed, synthetic = (
        organization.objects.create(slug=s, name=s, normalized_name=s, is_synthetic=s == "demo")
        for s in ("stated", "listed", "demo")
    )
    membership = apps.get_model("ecosystem", "Membership")
    membership.objects.create(organization=stated, cluster=cluster, role="member", source=source)
    membership.objects.create(organization=listed, cluster=cluster, role="founder", listed_as="bei")
    membership.objects.create(organization=synthetic, cluster=synthetic_cluster, role="member")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    remaining = apps.get_model("ecosystem", "Membership").objects
    assert set(remaining.values_list("organization__slug", flat=True)) == {"stated", "demo"}
    (request,) = apps.get_model("ecosystem", "MembershipRequest").objects.all()
    assert (request.organization.slug, request.role, request.listed_as, request.status) == (
        "listed",
        "founder",
        "bei",
        "pending",
    )
    entry = apps.get_model("audit", "AuditEntry").objects.get(action="membership.to_request")
    assert entry.organization_id == listed.pk
