"""Ownership, role, verification and cluster fields in API bodies are never persisted."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client

from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative, User
from highlands.ecosystem.models import Cluster, Membership, Organization
from highlands.ecosystem.services import CLASSIFY_DENIED
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db
API = "/api/v1/manage"


def _state(world: World) -> dict[str, Any]:
    return {
        "orgs": list(Organization.objects.order_by("pk").values()),
        "clusters": list(Cluster.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "coordinators": list(ClusterCoordinator.objects.values_list("user_id", "cluster_id")),
        "representatives": list(
            OrganizationRepresentative.objects.values_list("user_id", "organization_id")
        ),
    }


def _patch(client: Client, world: World, role: str, url: str, body: dict) -> Any:
    return client.patch(
        url,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens[role]}"},
    )


ORGANIZATION_BODIES = [
    {"verified": True},
    {"is_verified": True, "city": "X"},
    {"clusters": [1, 2]},
    {"memberships": [{"cluster": 2, "role": "coordinator"}]},
    {"representative_users": [1]},
    {"owner": 1},
    {"role": "coordinator"},
    {"is_city_admin": True},
    {"slug": "hijacked"},
    {"name": "Renamed by body"},
    {"normalized_name": "x"},
    {"is_synthetic": True},
]


@pytest.mark.parametrize("role", ["representative", "city_admin"])
@pytest.mark.parametrize("body", ORGANIZATION_BODIES)
def test_organization_body_with_protected_fields(
    client: Client, world: World, role: str, body: dict
) -> None:
    before = _state(world)
    response = _patch(client, world, role, f"{API}/organizations/org-own", body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _state(world) == before


def test_representative_cannot_change_helix_role(client: Client, world: World) -> None:
    before = _state(world)
    response = _patch(
        client, world, "representative", f"{API}/organizations/org-own", {"helix_role": "academia"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["message"] == CLASSIFY_DENIED
    assert _state(world) == before


def test_city_admin_may_change_helix_role(client: Client, world: World) -> None:
    response = _patch(
        client, world, "city_admin", f"{API}/organizations/org-own", {"helix_role": "academia"}
    )
    assert response.status_code == HTTPStatus.OK
    assert Organization.objects.get(slug="org-own").helix_role == "academia"


CLUSTER_BODIES = [
    {"parent": 2},
    {"slug": "hijacked"},
    {"is_synthetic": True},
    {"coordinator_users": [1]},
    {"coordinator": 1},
    {"owner": 1},
    {"memberships": [{"organization": "org-other"}]},
    {"highlands": [1]},
    {"sections": [{"kind": "goal", "language": "en", "items": ["x"], "cluster": 2}]},
]


@pytest.mark.parametrize("body", CLUSTER_BODIES)
def test_cluster_body_with_protected_fields(client: Client, world: World, body: dict) -> None:
    before = _state(world)
    response = _patch(client, world, "coordinator", f"{API}/clusters/cluster-own", body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _state(world) == before


def test_member_body_cannot_target_another_cluster(client: Client, world: World) -> None:
    before = _state(world)
    response = client.post(
        f"{API}/clusters/cluster-own/membership-requests",
        data={"organization": "org-newcomer", "cluster": world.clusters["other"].pk},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['coordinator']}"},
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _state(world) == before


def test_representative_cannot_change_memberships_through_services(world: World) -> None:
    from highlands.ecosystem.services import MEMBERS_DENIED, membership_request_create
    from highlands.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError, match=MEMBERS_DENIED):
        membership_request_create(
            actor=world.users["representative"],
            cluster=world.clusters["own"],
            organization=world.orgs["own"],
            role="coordinator",
        )


def test_openapi_schema_builds_and_documents_manage_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/manage/")
        for op in item.values()
    }
    assert operations == {
        "manage_cluster_update_profile",
        "manage_membership_request_create",
        "manage_cluster_membership_requests",
        "manage_membership_requests_to_answer",
        "manage_membership_request_accept",
        "manage_membership_request_decline",
        "manage_membership_request_withdraw",
        "manage_membership_leave",
        "manage_organization_representatives",
        "manage_representative_revoke",
        "manage_cluster_remove_member",
        "manage_cluster_change_member_role",
        "manage_figure_observe",
        "manage_issue_resolve",
        "manage_organization_update_profile",
        "manage_cluster_audit",
        "manage_me_export",
    }
