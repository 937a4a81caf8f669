"""Every service write leaves one audit entry with who, what, when, before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client

from highlands.audit import selectors
from highlands.audit.models import AuditEntry
from highlands.ecosystem import services
from highlands.ecosystem.models import Cluster
from highlands.errors import PermissionDeniedError
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db

Service = Callable[[World, Any, str], Any]

SERVICES: dict[str, tuple[Service, str, dict | None, dict | None]] = {
    "cluster.update_profile": (
        lambda w, a, t: services.cluster_update_profile(
            actor=a, cluster=w.clusters[t], name_pl="Klaster", attributes={("goal", "en"): ["G"]}
        ),
        "cluster",
        {"name_pl": "", "goal/en": []},
        {"name_pl": "Klaster", "goal/en": ["G"]},
    ),
    "membership_request.create": (
        lambda w, a, t: services.membership_request_create(
            actor=a, cluster=w.clusters[t], organization=w.newcomer
        ),
        "cluster",
        None,
        {"role": "member", "listed_as": "", "status": "pending", "message": ""},
    ),
    "cluster.change_member_role": (
        lambda w, a, t: services.cluster_change_member_role(
            actor=a, cluster=w.clusters[t], membership=w.memberships[t], role="founder"
        ),
        "cluster",
        {"role": "member", "listed_as": ""},
        {"role": "founder", "listed_as": ""},
    ),
    "cluster.remove_member": (
        lambda w, a, t: services.cluster_remove_member(
            actor=a, cluster=w.clusters[t], membership=w.memberships[t]
        ),
        "cluster",
        {"role": "member", "listed_as": ""},
        None,
    ),
    "figure.observe": (
        lambda w, a, t: services.figure_observe(
            actor=a, cluster=w.clusters[t], kind="members", value=31, as_of=date(2026, 5, 1)
        ),
        "cluster",
        None,
        {"kind": "members", "value": 31, "as_of": "2026-05-01"},
    ),
    "issue.resolve": (
        lambda w, a, t: services.issue_resolve(actor=a, issue=w.issues[t]),
        "cluster",
        {"resolved": False},
        {"resolved": True},
    ),
    "organization.update_profile": (
        lambda w, a, t: services.organization_update_profile(
            actor=a, organization=w.orgs[t], city="Puławy", website="https://example.org"
        ),
        "organization",
        {"city": "Lublin", "website": ""},
        {"city": "Puławy", "website": "https://example.org"},
    ),
}


def _subset(expected: dict | None, actual: dict | None) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and all(actual.get(k) == v for k, v in expected.items())


@pytest.mark.parametrize("action", list(SERVICES))
def test_each_service_write_is_audited_with_before_and_after(world: World, action: str) -> None:
    call, scope, before, after = SERVICES[action]
    actor = world.users["coordinator" if scope == "cluster" else "representative"]
    baseline = AuditEntry.objects.count()
    call(world, actor, "own")
    assert AuditEntry.objects.count() == baseline + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == action
    assert entry.actor == actor
    assert entry.created_at is not None
    assert _subset(before, entry.before), entry.before
    assert _subset(after, entry.after), entry.after
    if scope == "cluster":
        assert entry.cluster_id == world.clusters["own"].pk


@pytest.mark.parametrize("action", list(SERVICES))
def test_each_service_refuses_the_other_tenant(world: World, action: str) -> None:
    call, scope, _, _ = SERVICES[action]
    actor = world.users["coordinator" if scope == "cluster" else "representative"]
    baseline = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        call(world, actor, "other")
    with pytest.raises(PermissionDeniedError):
        call(world, None, "own")  # no actor, no write
    assert AuditEntry.objects.count() == baseline


def test_no_change_writes_no_entry(world: World) -> None:
    baseline = AuditEntry.objects.count()
    services.organization_update_profile(
        actor=world.users["representative"], organization=world.orgs["own"], city="Lublin"
    )
    assert AuditEntry.objects.count() == baseline


def test_coordinator_sees_own_cluster_and_sub_cluster_entries_only(world: World) -> None:
    own = world.clusters["own"]
    sub = Cluster.objects.create(slug="sub", name="Sub", display_name="Sub", parent=own)
    services.figure_observe(
        actor=world.users["coordinator"],
        cluster=sub,
        kind="members",
        value=3,
        as_of=date(2026, 6, 1),
    )
    entries = list(
        selectors.audit_entries_for_cluster(actor=world.users["coordinator"], cluster=own)
    )
    assert {e.cluster_id for e in entries} == {own.pk, sub.pk}
    with pytest.raises(PermissionDeniedError, match=selectors.AUDIT_DENIED):
        selectors.audit_entries_for_cluster(
            actor=world.users["coordinator"], cluster=world.clusters["other"]
        )
    with pytest.raises(PermissionDeniedError, match=selectors.AUDIT_DENIED):
        selectors.audit_entries_all(actor=world.users["coordinator"])
    everything = list(selectors.audit_entries_all(actor=world.users["city_admin"]))
    assert {world.clusters["other"].pk, own.pk} <= {e.cluster_id for e in everything}


def test_rich_text_is_sanitised_server_side(world: World) -> None:
    services.organization_update_profile(
        actor=world.users["representative"],
        organization=world.orgs["own"],
        description='<img src=x onerror="alert(1)"><p>We <b>build</b> R&amp;D tools</p>',
    )
    world.orgs["own"].refresh_from_db()
    assert world.orgs["own"].description == "We build R&D tools"


def test_request_bodies_are_size_limited(world: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client()
    client.force_login(world.users["representative"])
    response = client.patch(
        "/api/v1/manage/organizations/org-own",
        data=json.dumps({"description": "x" * 4096}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    world.orgs["own"].refresh_from_db()
    assert world.orgs["own"].description == ""


def test_changing_to_a_role_the_organisation_already_has_is_refused(world: World) -> None:
    from highlands.ecosystem.models import Membership
    from highlands.errors import ApplicationError

    cluster = world.clusters["own"]
    Membership.objects.create(
        organization=world.orgs["own"], cluster=cluster, role="founder", position=1
    )
    baseline = AuditEntry.objects.count()
    with pytest.raises(ApplicationError, match=services.MEMBERSHIP_EXISTS):
        services.cluster_change_member_role(
            actor=world.users["coordinator"],
            cluster=cluster,
            membership=world.memberships["own"],
            role="founder",
        )
    assert AuditEntry.objects.count() == baseline
    assert Membership.objects.get(pk=world.memberships["own"].pk).role == "member"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/audit/auditentry/",
        "/admin/accounts/user/",
        "/admin/accounts/invitation/",
        "/admin/accounts/contactperson/",
    ],
)
def test_admin_pages_for_the_superuser(world: World, url: str) -> None:
    client = Client()
    client.force_login(world.users["superuser"])
    assert client.get(url).status_code == HTTPStatus.OK
    entry = AuditEntry.objects.first()
    assert entry is not None
    # The log is read-only, even in the admin.
    response = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
