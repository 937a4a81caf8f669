"""Marketplace fixtures: the accounts ``world`` plus a peer in the same cluster and a
stranger in the other one, each with a representative, and a small set of profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from highlands.accounts.models import ContactPerson, OrganizationRepresentative
from highlands.accounts.services import api_token_create
from highlands.ecosystem.models import Membership, Organization
from highlands.marketplace import encoding, recommend
from highlands.marketplace.models import CooperationProfile
from highlands.marketplace.services import profile_create
from tests.accounts.fixtures import World, make_user
from tests.accounts.fixtures import world as world


@pytest.fixture(scope="session", autouse=True)
def _encoder() -> None:
    """Load the sentence encoder once per test session (it takes seconds)."""
    encoding.encode(["warm up"])


@pytest.fixture(autouse=True)
def _search_dir(settings: Any, tmp_path: Any) -> None:
    """Profile writes queue search reindexing: drained index files go to this test's own folder."""
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    """Rolled-back tests can leave the same version key with other rows: start clean."""
    recommend.reset_cache()
    yield
    recommend.reset_cache()


@dataclass
class Market:
    world: World
    peer: Organization  # another member of cluster "own"
    users: dict[str, Any]
    tokens: dict[str, str]
    profiles: dict[str, CooperationProfile]


def _rep(email: str, organization: Organization) -> Any:
    user = make_user(email)
    OrganizationRepresentative.objects.create(user=user, organization=organization)
    return user


@pytest.fixture
def market(world: World) -> Market:
    peer = Organization.objects.create(
        slug="org-peer",
        name="Org peer university",
        normalized_name="org peer university",
        helix_role="academia",
    )
    Membership.objects.create(
        organization=peer, cluster=world.clusters["own"], role="member", position=2
    )
    users = dict(world.users)
    users["peer_rep"] = _rep("peer@example.org", peer)
    users["stranger_rep"] = _rep("stranger@example.org", world.orgs["other"])
    tokens = dict(world.tokens)
    for role in ("peer_rep", "stranger_rep"):
        tokens[role] = api_token_create(actor=users[role], name="tests")[1]
    ContactPerson.objects.create(
        organization=world.orgs["own"], full_name="Olga Own", email="olga@own.example"
    )
    ContactPerson.objects.create(
        organization=peer, full_name="Piotr Peer", email="piotr@peer.example"
    )
    rep = users["representative"]
    own = world.orgs["own"]
    profiles = {
        visibility: profile_create(
            actor=rep,
            organization=own,
            kind="subcontracting",
            title=f"Sheet metal cutting {visibility}",
            description=f"Laser cutting and bending of steel sheets ({visibility} profile).",
            keywords=["sheet metal"],
            visibility=visibility,
            publish=True,
        )
        for visibility in ("public", "clusters", "ecosystem")
    }
    profiles["draft"] = profile_create(
        actor=rep,
        organization=own,
        kind="subcontracting",
        title="Sheet metal cutting draft",
        description="Draft profile about laser cutting of steel sheets.",
    )
    return Market(world, peer, users, tokens, profiles)


def bearer(market: Market, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {market.tokens[role]}"} if role in market.tokens else {}
