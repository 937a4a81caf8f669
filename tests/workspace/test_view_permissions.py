"""Role × action × object matrix over every workspace page and form: own vs other tenant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from highlands.accounts.models import ContactPerson, Invitation
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


@dataclass(frozen=True)
class Write:
    name: str
    url: Callable[[World, str], str]
    data: Callable[[World, str], dict[str, Any]]
    done: Callable[[World, str], bool]
    scope: str = "cluster"
    rule: Callable[[str, str], bool] | None = None  # (role, target) -> allowed, if not by scope


def _city(role: str, target: str) -> bool:
    return role in ("city_admin", "superuser")


WRITES = [
    Write(
        "cluster_edit",
        lambda w, t: reverse("workspace:cluster_edit", args=[w.clusters[t].slug]),
        lambda w, t: {"name": f"Cluster {t}", "name_pl": "Klaster PL", "goal__pl__0__text": "Cel"},
        lambda w, t: Cluster.objects.get(pk=w.clusters[t].pk).name_pl == "Klaster PL",
    ),
    Write(
        "cluster_members",
        lambda w, t: reverse("workspace:cluster_members", args=[w.clusters[t].slug]),
        lambda w, t: {"organization": "org-newcomer", "role": "member", "listed_as": ""},
        # a request (the city office, answering for an organisation nobody represents, is
        # accepted at once); the membership itself waits for the organisation's answer
        lambda w, t: MembershipRequest.objects.filter(
            cluster=w.clusters[t], organization=w.newcomer
        ).exists(),
    ),
    Write(
        "cluster_member_remove",
        lambda w, t: reverse(
            "workspace:cluster_member_remove", args=[w.clusters[t].slug, w.memberships[t].pk]
        ),
        lambda w, t: {},
        lambda w, t: not Membership.objects.filter(pk=w.memberships[t].pk).exists(),
    ),
    Write(
        "cluster_member_role",
        lambda w, t: reverse(
            "workspace:cluster_member_role", args=[w.clusters[t].slug, w.memberships[t].pk]
        ),
        lambda w, t: {"role": "founder", "listed_as": "academia"},
        lambda w, t: Membership.objects.get(pk=w.memberships[t].pk).role == "founder",
    ),
    Write(
        "cluster_figures",
        lambda w, t: reverse("workspace:cluster_figures", args=[w.clusters[t].slug]),
        lambda w, t: {"kind": "members", "value": "88", "as_of": "2026-02-01"},
        lambda w, t: FigureObservation.objects.filter(cluster=w.clusters[t], value=88).exists(),
    ),
    Write(
        "issue_resolve",
        lambda w, t: reverse("workspace:issue_resolve", args=[w.issues[t].pk]),
        lambda w, t: {},
        lambda w, t: DataQualityIssue.objects.get(pk=w.issues[t].pk).resolved,
    ),
    Write(
        "cluster_contacts",
        lambda w, t: reverse("workspace:cluster_contacts", args=[w.clusters[t].slug]),
        lambda w, t: {
            "full_name": "Anna Nowak",
            "email": "anna@example.org",
            "consent_given": "on",
        },
        lambda w, t: ContactPerson.objects.filter(
            cluster=w.clusters[t], full_name="Anna Nowak"
        ).exists(),
    ),
    Write(
        "organization_contacts",
        lambda w, t: reverse("workspace:organization_contacts", args=[w.orgs[t].slug]),
        lambda w, t: {"full_name": "Ewa Lis", "phone": "+48 500 600 700", "consent_given": "on"},
        lambda w, t: ContactPerson.objects.filter(organization=w.orgs[t]).exists(),
        scope="organization",
    ),
    Write(
        "organization_edit",
        lambda w, t: reverse("workspace:organization_edit", args=[w.orgs[t].slug]),
        lambda w, t: {"city": "Chełm", "description": "We make things."},
        lambda w, t: Organization.objects.get(pk=w.orgs[t].pk).city == "Chełm",
        scope="organization",
    ),
]

WRITES += [
    Write(
        "invite_representative",
        lambda w, t: reverse("workspace:invite_representative", args=[w.orgs[t].slug]),
        lambda w, t: {"email": "invitee@example.org"},
        lambda w, t: Invitation.objects.filter(organization=w.orgs[t]).exists(),
        # the coordinator of a cluster the organisation belongs to, its own representatives
        # (a colleague), or the city office
        rule=lambda role, t: (
            _city(role, t) or (role in ("coordinator", "representative") and t == "own")
        ),
    ),
    Write(
        "invite_coordinator",
        lambda w, t: reverse("workspace:invite_coordinator", args=[w.clusters[t].slug]),
        lambda w, t: {"email": "invitee@example.org"},
        lambda w, t: Invitation.objects.filter(cluster=w.clusters[t]).exists(),
        rule=_city,
    ),
    Write(
        "contact_erase",
        lambda w, t: reverse("workspace:contact_erase", args=[w.contacts[t].pk]),
        lambda w, t: {},
        lambda w, t: not ContactPerson.objects.filter(pk=w.contacts[t].pk).exists(),
    ),
]

# Pages that show private data (edit forms, member management, flags, audit log, contacts).
READS = [
    ("cluster_edit", "cluster"),
    ("cluster_members", "cluster"),
    ("cluster_figures", "cluster"),
    ("cluster_issues", "cluster"),
    ("cluster_audit", "cluster"),
    ("cluster_contacts", "cluster"),
    ("organization_edit", "organization"),
    ("organization_contacts", "organization"),
]


def allowed(role: str, scope: str, target: str) -> bool:
    if role in ("city_admin", "superuser"):
        return True
    if role == "coordinator":
        return scope == "cluster" and target == "own"
    if role == "representative":
        return scope == "organization" and target == "own"
    return False


def _client(world: World, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _assert_refused(response: Any, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
@pytest.mark.parametrize("role", ROLES)
def test_write_matrix(world: World, role: str, write: Write, target: str) -> None:
    client = _client(world, role)
    audit_before = AuditEntry.objects.exclude(action__startswith="auth.").count()
    response = client.post(write.url(world, target), write.data(world, target))
    may = write.rule(role, target) if write.rule else allowed(role, write.scope, target)
    if may:
        assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
        assert write.done(world, target)
        assert AuditEntry.objects.exclude(action__startswith="auth.").count() > audit_before
    else:
        _assert_refused(response, role)
        assert not write.done(world, target)
        assert AuditEntry.objects.exclude(action__startswith="auth.").count() == audit_before
    untouched = "other" if target == "own" else "own"
    assert not write.done(world, untouched)


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize(("page", "scope"), READS)
@pytest.mark.parametrize("role", ROLES)
def test_private_page_matrix(world: World, role: str, page: str, scope: str, target: str) -> None:
    obj = world.clusters[target] if scope == "cluster" else world.orgs[target]
    response = _client(world, role).get(reverse(f"workspace:{page}", args=[obj.slug]))
    if allowed(role, scope, target):
        assert response.status_code == HTTPStatus.OK
    else:
        _assert_refused(response, role)
    if page == "cluster_audit":
        other = "other" if target == "own" else "own"
        assert f"secret-of-{other}" not in response.content.decode()


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_contact_export_matrix(world: World, role: str, target: str) -> None:
    response = _client(world, role).get(
        reverse("workspace:contact_export", args=[world.contacts[target].pk])
    )
    if allowed(role, "cluster", target):
        assert response.status_code == HTTPStatus.OK
        assert f"contact-{target}@example.org" in response.content.decode()
    else:
        _assert_refused(response, role)
        assert b"@example.org" not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_whole_audit_log_only_for_the_city(world: World, role: str) -> None:
    response = _client(world, role).get(reverse("workspace:audit_all"))
    if role in ("city_admin", "superuser"):
        assert response.status_code == HTTPStatus.OK
        assert "secret-of-own" in response.content.decode()
    else:
        _assert_refused(response, role)


def test_coordinator_home_lists_only_own_cluster(world: World) -> None:
    body = _client(world, "coordinator").get(reverse("workspace:home")).content.decode()
    assert "Cluster own" in body
    assert "Cluster other" not in body


def test_cluster_edit_saves_both_languages_as_plain_text(world: World) -> None:
    client = _client(world, "coordinator")
    url = reverse("workspace:cluster_edit", args=["cluster-own"])
    response = client.post(
        url,
        {
            "name": "Cluster own",
            "name_pl": "Klaster własny",
            "goal__en__0__text": "Grow <script>alert(1)</script>exports",
            "goal__en__1__text": "Train people",
            "goal__pl__0__text": "Rozwój eksportu",
            "flagship_project__en__0__title": "Bridge",
            "flagship_project__en__0__text": "<b>Bridge</b> project\n\nSecond paragraph",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    cluster = world.clusters["own"]
    goals_en = list(
        cluster.attributes.filter(kind="goal", language="en").values_list("text", flat=True)
    )
    assert goals_en == ["Grow exports", "Train people"]
    assert list(
        cluster.attributes.filter(kind="goal", language="pl").values_list("text", flat=True)
    ) == ["Rozwój eksportu"]
    flagship = cluster.attributes.get(kind="flagship_project")
    assert (flagship.title, flagship.text) == ("Bridge", "Bridge project\n\nSecond paragraph")
    entry = AuditEntry.objects.get(action="cluster.update_profile")
    assert entry.before["goal/en"] == []
    assert entry.after["goal/en"] == ["Grow exports", "Train people"]
    assert entry.actor == world.users["coordinator"]
    # The form shows what was saved; saving it unchanged changes nothing.
    page = client.get(url)
    assert "Rozwój eksportu" in page.content.decode()
    unchanged = {
        name: field.initial
        for name, field in page.context["form"].fields.items()
        if field.initial not in (None, "")
    }
    unchanged.update({k: v for k, v in page.context["form"].initial.items() if v is not None})
    entries = AuditEntry.objects.count()
    assert client.post(url, unchanged).status_code == HTTPStatus.FOUND
    assert AuditEntry.objects.count() == entries
    assert cluster.attributes.get(kind="flagship_project").title == "Bridge"


def test_figure_is_a_new_observation_never_an_overwrite(world: World) -> None:
    client = _client(world, "coordinator")
    url = reverse("workspace:cluster_figures", args=["cluster-own"])
    client.post(url, {"kind": "members", "value": "12", "as_of": "2026-03-01"})
    values = sorted(
        FigureObservation.objects.filter(cluster=world.clusters["own"], kind="members").values_list(
            "value", flat=True
        )
    )
    assert values == [10, 12]
