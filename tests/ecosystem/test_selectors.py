"""Reads of the registry the workspace and the write API act on: scoped, ordered, 404s."""

from __future__ import annotations

from typing import Any

import pytest

from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative
from highlands.ecosystem import selectors, services
from highlands.ecosystem.models import Cluster, DataQualityIssue, Membership, MembershipRequest
from highlands.errors import NotFoundError
from tests.accounts.fixtures import World, make_user

pytestmark = pytest.mark.django_db


def test_a_membership_is_found_only_through_its_own_cluster_or_organisation(world: World) -> None:
    own, other = world.memberships["own"], world.memberships["other"]
    assert selectors.membership_get(cluster=world.clusters["own"], pk=own.pk) == own
    with pytest.raises(NotFoundError):
        selectors.membership_get(cluster=world.clusters["own"], pk=other.pk)
    found = selectors.membership_of_organization(organization=world.orgs["own"], pk=own.pk)
    assert found == own
    with pytest.raises(NotFoundError):
        selectors.membership_of_organization(organization=world.orgs["own"], pk=other.pk)


def test_cluster_memberships_come_by_role_and_position(world: World) -> None:
    cluster = world.clusters["own"]
    Membership.objects.create(
        organization=world.newcomer, cluster=cluster, role="coordinator", position=1
    )
    Membership.objects.create(
        organization=world.orgs["other"], cluster=cluster, role="member", position=0
    )
    rows = selectors.cluster_memberships(cluster=cluster)
    assert [(m.role, m.organization.slug) for m in rows] == [
        ("coordinator", "org-newcomer"),
        ("member", "org-other"),
        ("member", "org-own"),
    ]


def test_cluster_issues_put_open_flags_first(world: World) -> None:
    cluster = world.clusters["own"]
    resolved = DataQualityIssue.objects.create(
        code="a_flag", severity="error", message="m", fingerprint="fp-a", cluster=cluster
    )
    services.issue_resolve(actor=world.users["coordinator"], issue=resolved)
    issues = selectors.cluster_issues(cluster=cluster)
    assert [i.resolved for i in issues] == [False, True]
    assert selectors.issue_get(pk=resolved.pk).cluster == cluster
    with pytest.raises(NotFoundError):
        selectors.issue_get(pk=999_999)


def test_requests_of_a_cluster_and_of_an_organisation_list_pending_first(world: World) -> None:
    coordinator = world.users["coordinator"]
    decided = services.membership_request_create(
        actor=coordinator, cluster=world.clusters["own"], organization=world.newcomer
    )
    services.membership_request_withdraw(actor=coordinator, request=decided)
    pending = services.membership_request_create(
        actor=coordinator, cluster=world.clusters["own"], organization=world.newcomer
    )
    assert selectors.membership_requests_of_cluster(cluster=world.clusters["own"]) == [
        pending,
        decided,
    ]
    assert selectors.membership_requests_of_organization(organization=world.newcomer) == [
        pending,
        decided,
    ]
    assert selectors.membership_requests_of_cluster(cluster=world.clusters["other"]) == []
    with pytest.raises(NotFoundError):
        selectors.membership_request_get(pk=pending.pk + 100)


def test_who_answers_for_an_organisation(world: World) -> None:
    city = world.users["city_admin"]
    assert selectors.organization_answerers(organization=world.orgs["own"]) == [
        world.users["representative"]
    ]
    assert selectors.organization_answerers(organization=world.newcomer) == [city]
    rep = OrganizationRepresentative.objects.get(user=world.users["representative"])
    rep.user.is_active = False
    rep.user.save(update_fields=["is_active"])
    # a deactivated representative answers for nobody: the city office does
    assert selectors.organization_answerers(organization=world.orgs["own"]) == [city]


def test_coordinators_of_a_sub_cluster_include_the_parents(world: World) -> None:
    parent = world.clusters["own"]
    sub = Cluster.objects.create(slug="sub", name="Sub", display_name="Sub", parent=parent)
    sub_coordinator = make_user("sub@example.org")
    ClusterCoordinator.objects.create(user=sub_coordinator, cluster=sub)
    assert set(selectors.cluster_coordinator_users(cluster=sub)) == {
        world.users["coordinator"],
        sub_coordinator,
    }
    assert selectors.cluster_coordinator_users(cluster=parent) == [world.users["coordinator"]]


def test_only_stated_or_accepted_memberships_are_consented(world: World) -> None:
    stated = world.memberships["own"]  # the fixture's memberships come from a source
    typed = Membership.objects.create(
        organization=world.orgs["other"], cluster=world.clusters["own"], role="founder"
    )
    accepted: Any = services.membership_request_create(
        actor=world.users["city_admin"], cluster=world.clusters["own"], organization=world.newcomer
    ).membership
    consented = set(Membership.objects.consented())
    assert {stated, accepted} <= consented
    assert typed not in consented
    assert MembershipRequest.objects.filter(membership=accepted, status="accepted").exists()
