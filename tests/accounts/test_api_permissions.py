"""Role × action × object matrix over every write endpoint of /api/v1/manage/ (and its one
private read): zero cross-tenant writes or reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client

from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureObservation,
    Membership,
    MembershipRequest,
    Organization,
)
from tests.accounts.fixtures import ROLES, World

pytestmark = pytest.mark.django_db
API = "/api/v1/manage"


@dataclass(frozen=True)
class Action:
    name: str
    call: Callable[[Client, World, str, dict[str, str]], Any]
    done: Callable[[World, str], bool]
    scope: str = "cluster"  # whose own object it is: the coordinator's or the representative's
    # Audit entries an allowed call writes, by role (a request the caller may answer for the
    # organisation is accepted at once: two entries).
    entries: Callable[[str], int] = lambda role: 1


def _json(method: str) -> Callable[..., Any]:
    def call(client: Client, url: str, body: dict | None, headers: dict[str, str]) -> Any:
        return getattr(client, method)(
            url, data=body or {}, content_type="application/json", headers=headers
        )

    return call


ACTIONS = [
    Action(
        "cluster_update_profile",
        lambda c, w, t, h: _json("patch")(
            c,
            f"{API}/clusters/{w.clusters[t].slug}",
            {
                "name_pl": "Nowa nazwa",
                "sections": [{"kind": "goal", "language": "pl", "items": ["Cel"]}],
            },
            h,
        ),
        lambda w, t: Cluster.objects.get(pk=w.clusters[t].pk).name_pl == "Nowa nazwa",
    ),
    Action(
        "membership_request_create",
        lambda c, w, t, h: _json("post")(
            c,
            f"{API}/clusters/{w.clusters[t].slug}/membership-requests",
            {"organization": "org-newcomer"},
            h,
        ),
        lambda w, t: MembershipRequest.objects.filter(
            cluster=w.clusters[t], organization=w.newcomer
        ).exists(),
        # Nobody represents the newcomer, so the city office answers for it at once.
        entries=lambda role: 2 if role in ("city_admin", "superuser") else 1,
    ),
    Action(
        "cluster_change_member_role",
        lambda c, w, t, h: _json("patch")(
            c,
            f"{API}/clusters/{w.clusters[t].slug}/members/{w.memberships[t].pk}",
            {"role": "founder"},
            h,
        ),
        lambda w, t: Membership.objects.get(pk=w.memberships[t].pk).role == "founder",
    ),
    Action(
        "cluster_remove_member",
        lambda c, w, t, h: c.delete(
            f"{API}/clusters/{w.clusters[t].slug}/members/{w.memberships[t].pk}", headers=h
        ),
        lambda w, t: not Membership.objects.filter(pk=w.memberships[t].pk).exists(),
    ),
    Action(
        "figure_observe",
        lambda c, w, t, h: _json("post")(
            c,
            f"{API}/clusters/{w.clusters[t].slug}/figures",
            {"kind": "members", "value": 77, "as_of": "2026-01-01"},
            h,
        ),
        lambda w, t: FigureObservation.objects.filter(cluster=w.clusters[t], value=77).exists(),
    ),
    Action(
        "issue_resolve",
        lambda c, w, t, h: _json("post")(c, f"{API}/issues/{w.issues[t].pk}/resolve", None, h),
        lambda w, t: DataQualityIssue.objects.get(pk=w.issues[t].pk).resolved,
    ),
    Action(
        "organization_update_profile",
        lambda c, w, t, h: _json("patch")(
            c, f"{API}/organizations/{w.orgs[t].slug}", {"city": "Zamość"}, h
        ),
        lambda w, t: Organization.objects.get(pk=w.orgs[t].pk).city == "Zamość",
        scope="organization",
    ),
]


def allowed(role: str, action: Action, target: str) -> bool:
    if role in ("city_admin", "superuser"):
        return True
    if role == "coordinator":
        return action.scope == "cluster" and target == "own"
    if role == "representative":
        return action.scope == "organization" and target == "own"
    return False


def _headers(world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"} if role in world.tokens else {}


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("role", ROLES)
def test_write_matrix(client: Client, world: World, role: str, action: Action, target: str) -> None:
    audit_before = AuditEntry.objects.count()
    response = action.call(client, world, target, _headers(world, role))
    if allowed(role, action, target):
        assert response.status_code < 300, response.content
        assert action.done(world, target)
        assert AuditEntry.objects.count() == audit_before + action.entries(role)
    else:
        expected = HTTPStatus.UNAUTHORIZED if role == "anonymous" else HTTPStatus.FORBIDDEN
        assert response.status_code == expected, response.content
        assert not action.done(world, target)
        assert AuditEntry.objects.count() == audit_before
    # Whatever happened to the target, the other tenant's records never change.
    untouched = "other" if target == "own" else "own"
    assert not action.done(world, untouched)


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_cluster_audit_read_matrix(client: Client, world: World, role: str, target: str) -> None:
    response = client.get(
        f"{API}/clusters/{world.clusters[target].slug}/audit", headers=_headers(world, role)
    )
    body = response.content.decode()
    may_read = role in ("city_admin", "superuser") or (role == "coordinator" and target == "own")
    if may_read:
        assert response.status_code == HTTPStatus.OK
        assert f"secret-of-{target}" in body
    else:
        assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    other = "other" if target == "own" else "own"
    assert f"secret-of-{other}" not in body


def test_session_auth_works_and_enforces_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    url = f"{API}/clusters/{world.clusters['own'].slug}/figures"
    body = {"kind": "members", "value": 55, "as_of": "2026-01-01"}
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.UNAUTHORIZED)
    assert not FigureObservation.objects.filter(value=55).exists()
    client.get("/workspace/me/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == HTTPStatus.CREATED
    assert FigureObservation.objects.filter(value=55).exists()


def test_revoked_token_is_refused(client: Client, world: World) -> None:
    from highlands.accounts.models import ApiToken

    ApiToken.objects.filter(user=world.users["city_admin"]).update(revoked_at="2026-01-01T00:00Z")
    response = client.post(
        f"{API}/issues/{world.issues['own'].pk}/resolve", headers=_headers(world, "city_admin")
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED
