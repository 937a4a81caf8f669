"""Issue 12 finding 2 (the service half): every text people write is bounded at the service
layer, with an error naming the field and the limit, and nothing is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from highlands.accounts import services as accounts
from highlands.audit.models import AuditEntry
from highlands.ecosystem import selectors as registry_selectors
from highlands.ecosystem import services as registry
from highlands.ecosystem.models import ClusterAttribute, Organization
from highlands.marketplace import services as marketplace
from highlands.servicekit import FieldTooLongError
from tests.accounts.fixtures import World
from tests.accounts.fixtures import world as world  # the fixture

pytestmark = pytest.mark.django_db
LONG = "x"


def _profile(w: World, **texts: str) -> Any:
    fields = {"title": "t", "description": "d", **texts}
    return marketplace.profile_create(
        actor=w.users["representative"], organization=w.orgs["own"], kind="expertise", **fields
    )


def _request(w: World) -> Any:
    return registry.membership_request_create(
        actor=w.users["city_admin"], cluster=w.clusters["other"], organization=w.orgs["own"]
    )


# (what, call with a text of the given length, field named in the error, limit)
CASES: list[tuple[str, Callable[[World, str], Any], str, int]] = [
    (
        "cluster name",
        lambda w, t: registry.cluster_update_profile(
            actor=w.users["coordinator"], cluster=w.clusters["own"], name=t
        ),
        "name",
        255,
    ),
    (
        "cluster Polish name",
        lambda w, t: registry.cluster_update_profile(
            actor=w.users["coordinator"], cluster=w.clusters["own"], name_pl=t
        ),
        "Polish name",
        255,
    ),
    (
        "profile item",
        lambda w, t: registry.cluster_update_profile(
            actor=w.users["coordinator"],
            cluster=w.clusters["own"],
            attributes={("service", "pl"): [t]},
        ),
        "service (pl) item 1",
        4000,
    ),
    (
        "profile item title",
        lambda w, t: registry.cluster_update_profile(
            actor=w.users["coordinator"],
            cluster=w.clusters["own"],
            attributes={("flagship_project", "en"): [(t, "text")]},
        ),
        "title of flagship_project (en) item 1",
        255,
    ),
    (
        "organisation description",
        lambda w, t: registry.organization_update_profile(
            actor=w.users["representative"], organization=w.orgs["own"], description=t
        ),
        "description",
        5000,
    ),
    (
        "organisation city",
        lambda w, t: registry.organization_update_profile(
            actor=w.users["representative"], organization=w.orgs["own"], city=t
        ),
        "city",
        120,
    ),
    (
        "organisation name",
        lambda w, t: registry.organization_create(actor=w.users["city_admin"], name=t),
        "name",
        255,
    ),
    (
        "membership request message",
        lambda w, t: registry.membership_request_create(
            actor=w.users["coordinator"],
            cluster=w.clusters["own"],
            organization=w.newcomer,
            message=t,
        ),
        "message",
        1000,
    ),
    (
        "decline reason",
        lambda w, t: registry.membership_request_decline(
            actor=w.users["representative"], request=_request(w), reason=t
        ),
        "reason",
        1000,
    ),
    (
        "contact person name",
        lambda w, t: accounts.contact_person_create(
            actor=w.users["representative"], organization=w.orgs["own"], full_name=t
        ),
        "full name",
        200,
    ),
    (
        "contact person phone",
        lambda w, t: accounts.contact_person_create(
            actor=w.users["representative"], organization=w.orgs["own"], full_name="A", phone=t
        ),
        "phone",
        40,
    ),
    (
        "contact person position",
        lambda w, t: accounts.contact_person_create(
            actor=w.users["representative"],
            organization=w.orgs["own"],
            full_name="A",
            position_title=t,
        ),
        "position",
        200,
    ),
    (
        "API token name",
        lambda w, t: accounts.api_token_create(actor=w.users["visitor"], name=t),
        "token name",
        100,
    ),
    (
        "profile title",
        lambda w, t: _profile(w, title=t),
        "title",
        200,
    ),
    (
        "profile description",
        lambda w, t: _profile(w, description=t),
        "description",
        5000,
    ),
    (
        "profile capacity",
        lambda w, t: _profile(w, capacity=t),
        "capacity",
        300,
    ),
    (
        "profile region (its column's size)",
        lambda w, t: _profile(w, region=t),
        "region of interest",
        200,
    ),
    (
        "followed search",
        lambda w, t: marketplace.saved_search_create(actor=w.users["visitor"], query=t),
        "search",
        200,
    ),
]


@pytest.mark.parametrize(("what", "call", "field", "limit"), CASES, ids=[c[0] for c in CASES])
def test_one_character_over_the_limit_is_refused_by_name(
    world: World, what: str, call: Callable[[World, str], Any], field: str, limit: int
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(FieldTooLongError) as refused:
        call(world, LONG * (limit + 1))
    expected = f"The {field} is too long ({limit + 1} characters; at most {limit})."
    assert refused.value.message == expected
    assert refused.value.code == "too_long"
    entries = AuditEntry.objects.count() - before
    assert entries == (1 if what == "decline reason" else 0)  # (the request it declines)


# Marketplace profiles encode their text when saved (seconds for the model): their accepted
# side is covered by tests/marketplace.
FITTING = [case for case in CASES if not case[0].startswith("profile ")]


@pytest.mark.parametrize(("what", "call", "field", "limit"), FITTING, ids=[c[0] for c in FITTING])
def test_exactly_the_limit_is_accepted(
    world: World, what: str, call: Callable[[World, str], Any], field: str, limit: int
) -> None:
    call(world, LONG * limit)


def _manage(client: Client, world: World, method: str, url: str, body: dict) -> Any:
    client.force_login(
        world.users["coordinator"] if "clusters" in url else world.users["representative"]
    )
    return getattr(client, method)(
        f"/api/v1/manage{url}", data=body, content_type="application/json"
    )


def test_the_probe_million_character_description_is_a_400_naming_field_and_limit(
    world: World,
) -> None:
    response = _manage(
        Client(), world, "patch", "/organizations/org-own", {"description": "d" * 1_000_000}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "code": "too_long",
        "message": "The description is too long (1000000 characters; at most 5000).",
        "details": [],
    }
    assert Organization.objects.get(slug="org-own").description == ""


def test_the_probe_long_profile_item_is_a_400_naming_the_item(world: World) -> None:
    body = {"sections": [{"kind": "service", "language": "en", "items": ["ok", "s" * 200_000]}]}
    response = _manage(Client(), world, "patch", "/clusters/cluster-own", body)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert re.search(
        r"service \(en\) item 2 is too long .* at most 4000", response.json()["message"]
    )
    assert not ClusterAttribute.objects.filter(cluster__slug="cluster-own").exists()


def test_the_workspace_keeps_the_form_and_says_what_is_too_long(world: World) -> None:
    client = Client()
    client.force_login(world.users["representative"])
    url = reverse("workspace:organization_edit", args=["org-own"])
    response = client.post(url, {"description": "d" * 5001, "city": "Chełm"})
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "at most 5000 characters" in body
    assert 'maxlength="5000"' in body
    assert Organization.objects.get(slug="org-own").city == "Lublin"


def test_the_workspace_shows_a_service_refusal_beside_the_form(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    url = reverse("workspace:cluster_members", args=["cluster-own"])
    client.post(url, {"organization": "Org newcomer", "role": "member"})
    # The page marks an organisation already asked; a request sent meanwhile (another tab)
    # passes that check and is refused by the service, beside the form.
    monkeypatch.setattr(registry_selectors, "cluster_organization_states", lambda **kwargs: {})
    response = client.post(url, {"organization": "Org newcomer", "role": "member"})
    assert response.status_code == HTTPStatus.OK
    assert registry.REQUEST_PENDING in response.content.decode().replace("&#x27;", "'")
