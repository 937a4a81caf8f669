"""A small two-cluster registry and one user per role, for the permission matrices.

"own" is cluster A and its member organisation a1; "other" is cluster B and b1.  Import the
fixtures into a test directory's ``conftest.py`` with ``from tests.accounts.fixtures import *``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from highlands.accounts.models import (
    ClusterCoordinator,
    ContactPerson,
    OrganizationRepresentative,
    User,
)
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureObservation,
    Membership,
    Organization,
    SourceDocument,
)

PASSWORD = "correct horse battery staple"
ROLES = ("anonymous", "visitor", "representative", "coordinator", "city_admin", "superuser")


@dataclass
class World:
    clusters: dict[str, Cluster]
    orgs: dict[str, Organization]
    memberships: dict[str, Membership]
    issues: dict[str, DataQualityIssue]
    newcomer: Organization
    users: dict[str, User | None]
    contacts: dict[str, ContactPerson] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def make_user(email: str, **extra: Any) -> User:
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def build_world() -> World:
    clusters, orgs, memberships, issues = {}, {}, {}, {}
    # The memberships are stated by an imported source, as the document's are: they give
    # each cluster's coordinator authority over its member (a request would have to be
    # accepted first).
    source = SourceDocument.objects.create(sha256="0" * 64, name="fixture.txt", kind="csv")
    for key, position in (("own", 1), ("other", 2)):
        cluster = Cluster.objects.create(
            slug=f"cluster-{key}",
            name=f"Cluster {key}",
            display_name=f"Cluster {key}",
            position=position,
        )
        org = Organization.objects.create(
            slug=f"org-{key}",
            name=f"Org {key}",
            normalized_name=f"org {key}",
            helix_role="business",
            city="Lublin",
        )
        clusters[key], orgs[key] = cluster, org
        memberships[key] = Membership.objects.create(
            organization=org, cluster=cluster, role="member", position=1, source=source
        )
        issues[key] = DataQualityIssue.objects.create(
            code="test_flag",
            severity="warning",
            message=f"Flag of {key}",
            fingerprint=f"fp-{key}",
            cluster=cluster,
        )
        FigureObservation.objects.create(
            cluster=cluster, kind="members", value=10, as_of=date(2024, 1, 1), as_of_basis="stated"
        )
        AuditEntry.objects.create(
            action="private.note", cluster_id=cluster.pk, after={"secret": f"secret-of-{key}"}
        )
    newcomer = Organization.objects.create(
        slug="org-newcomer", name="Org newcomer", normalized_name="org newcomer"
    )
    representative = make_user("rep@example.org")
    OrganizationRepresentative.objects.create(user=representative, organization=orgs["own"])
    coordinator = make_user("coord@example.org")
    ClusterCoordinator.objects.create(user=coordinator, cluster=clusters["own"])
    users: dict[str, User | None] = {
        "anonymous": None,
        "visitor": make_user("visitor@example.org"),
        "representative": representative,
        "coordinator": coordinator,
        "city_admin": make_user("city@example.org", is_city_admin=True),
        "superuser": User.objects.create_superuser(
            username="root", email="root@example.org", password=PASSWORD
        ),
    }
    world = World(clusters, orgs, memberships, issues, newcomer, users)
    for key, cluster in clusters.items():
        world.contacts[key] = ContactPerson.objects.create(
            cluster=cluster, full_name=f"Contact {key}", email=f"contact-{key}@example.org"
        )
    for role, user in users.items():
        if user is not None:
            world.tokens[role] = api_token_create(actor=user, name="tests")[1]
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
