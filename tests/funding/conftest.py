"""Funding fixtures: the imported document, the demo calls, and people in each role around
the Eastern Metal Processing Cluster (a metal company applying, its coordinator, the city
office, a stranger)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative
from highlands.ecosystem.models import Cluster, Organization
from tests.accounts.fixtures import make_user


@pytest.fixture(autouse=True)
def _search_dir(settings: Any, tmp_path: Any) -> None:
    """Call writes queue search reindexing: drained index files go to this test's folder."""
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"


@dataclass
class Funding:
    metal: Cluster
    applicant: Organization  # a metal company from Rzeszów, not yet in any cluster
    users: dict[str, Any]

    def join_metal(self) -> None:
        """Make the applicant a (consented, imported) member of the metal cluster."""
        from highlands.ecosystem.models import Membership

        Membership.objects.create(
            organization=self.applicant,
            cluster=self.metal,
            role="member",
            position=999,
            source=self.metal.source,
        )


@pytest.fixture
def funding(seeded) -> Funding:
    metal = Cluster.objects.get(name="Eastern Metal Processing Cluster")
    applicant = Organization.objects.create(
        slug="rzeszow-metal",
        name="Rzeszów Metal Works",
        normalized_name="rzeszow metal works",
        helix_role="business",
        org_type="company",
    )
    users = {
        "representative": make_user("rep@rzeszow-metal.example"),
        "coordinator": make_user("coord@metal.example"),
        "city_admin": make_user("city@lublin.example", is_city_admin=True),
        "stranger": make_user("stranger@example.org"),
    }
    OrganizationRepresentative.objects.create(user=users["representative"], organization=applicant)
    ClusterCoordinator.objects.create(user=users["coordinator"], cluster=metal)
    return Funding(metal, applicant, users)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """A request to /pl/ leaves Polish active in the thread: reverse() in English again."""
    from django.utils import translation

    with translation.override("en"):
        yield
