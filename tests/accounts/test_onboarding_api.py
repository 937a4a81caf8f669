"""``/api/v1/onboarding/``: claims and registrations (create, list own, the verifiers' queue,
decide) and messages through the platform, as a role × object matrix over the accounts
``world``: a coordinator decides only claims of organisations in their cluster, the city
office all, the claimant only withdraws; a claim one may not see is a 404."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from highlands.accounts.models import OrganizationClaim, OrganizationRepresentative
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Organization
from tests.accounts.fixtures import ROLES, World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/onboarding"
VERIFIERS = {"city_admin", "superuser"}


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _as(world: World, role: str) -> dict[str, str]:
    return _headers(world.tokens.get(role))


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, data=body, content_type="application/json", headers=headers)


@pytest.fixture
def claims(world: World) -> dict[str, Any]:
    """A person with a pending claim on each tenant's organisation."""
    claimant = make_user("claimant@example.org")
    token = api_token_create(actor=claimant, name="tests")[1]
    made = {}
    for target in ("own", "other"):
        response = _post(
            Client(),
            f"{API}/claims",
            {"organization": world.orgs[target].slug, "message": "I run its office."},
            _headers(token),
        )
        assert response.status_code == HTTPStatus.CREATED, response.content
        made[target] = OrganizationClaim.objects.get(pk=response.json()["id"])
    return {"claimant": claimant, "token": token, "claims": made}


def may_decide(role: str, target: str) -> bool:
    return role in VERIFIERS or (role == "coordinator" and target == "own")


@pytest.mark.parametrize("decision", ["approve", "decline"])
@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_decide_matrix(
    client: Client, world: World, claims: dict[str, Any], role: str, target: str, decision: str
) -> None:
    claim = claims["claims"][target]
    audit_before = AuditEntry.objects.count()
    response = _post(
        client, f"{API}/claims/{claim.pk}/{decision}", {"reason": "Checked."}, _as(world, role)
    )
    claim.refresh_from_db()
    if may_decide(role, target):
        assert response.status_code == HTTPStatus.OK, response.content
        expected = "approved" if decision == "approve" else "declined"
        assert response.json()["status"] == claim.status == expected
        assert claim.decided_by == world.users[role]
        assert AuditEntry.objects.filter(action=f"organization_claim.{expected}").count() == 1
        represents = OrganizationRepresentative.objects.filter(
            user=claims["claimant"], organization=world.orgs[target]
        ).exists()
        assert represents == (decision == "approve")
    else:
        expected_status = HTTPStatus.UNAUTHORIZED if role == "anonymous" else HTTPStatus.NOT_FOUND
        assert response.status_code == expected_status, response.content
        assert claim.status == "pending"
        assert AuditEntry.objects.count() == audit_before
    untouched = claims["claims"]["other" if target == "own" else "own"]
    untouched.refresh_from_db()
    assert untouched.status == "pending"


@pytest.mark.parametrize("role", ROLES)
def test_queue_and_detail_matrix(
    client: Client, world: World, claims: dict[str, Any], role: str
) -> None:
    response = client.get(f"{API}/claims/to-verify", headers=_as(world, role))
    if role == "anonymous":
        assert response.status_code == HTTPStatus.UNAUTHORIZED
        return
    seen = {item["id"] for item in response.json()["items"]}
    for target, claim in claims["claims"].items():
        assert (claim.pk in seen) == may_decide(role, target)
        detail = client.get(f"{API}/claims/{claim.pk}", headers=_as(world, role))
        expected = HTTPStatus.OK if may_decide(role, target) else HTTPStatus.NOT_FOUND
        assert detail.status_code == expected
    # Nobody else's claims appear among one's own.
    assert client.get(f"{API}/claims", headers=_as(world, role)).json()["count"] == 0


def test_the_claimant_lists_and_withdraws_but_never_decides(
    client: Client, world: World, claims: dict[str, Any]
) -> None:
    token = _headers(claims["token"])
    own = client.get(f"{API}/claims", headers=token).json()
    assert {i["id"] for i in own["items"]} == {c.pk for c in claims["claims"].values()}
    assert own["items"][0]["claimant"] == "claimant@example.org"
    claim = claims["claims"]["own"]
    assert client.get(f"{API}/claims/{claim.pk}", headers=token).status_code == HTTPStatus.OK
    refused = _post(client, f"{API}/claims/{claim.pk}/approve", {}, token)
    assert refused.status_code == HTTPStatus.FORBIDDEN
    withdrawn = _post(client, f"{API}/claims/{claim.pk}/withdraw", {}, token)
    assert withdrawn.json()["status"] == "withdrawn"
    again = _post(client, f"{API}/claims/{claim.pk}/withdraw", {}, token)
    assert again.status_code == HTTPStatus.BAD_REQUEST  # decided already: a conflict, said so
    # A verifier may not withdraw someone's claim.
    other = claims["claims"]["other"]
    response = _post(client, f"{API}/claims/{other.pk}/withdraw", {}, _as(world, "city_admin"))
    assert response.status_code == HTTPStatus.FORBIDDEN


def _nip(prefix: str) -> str:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    for last in range(10):
        digits = f"{prefix}{last}"[:9]
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return digits + str(check)
    raise AssertionError("no NIP")


@pytest.mark.parametrize("role", ROLES)
def test_registration_matrix(client: Client, world: World, role: str) -> None:
    body = {
        "name": "Zakład Hartowania Nowak",
        "org_type": "company",
        "helix_role": "business",
        "nip": _nip("71234567"),
        "city": "Lublin",
        "voivodeship": "lubelskie",
        "cluster": world.clusters["own"].slug,
    }
    response = _post(client, f"{API}/registrations", body, _as(world, role))
    if role == "anonymous":
        assert response.status_code == HTTPStatus.UNAUTHORIZED
        assert not Organization.objects.filter(name=body["name"]).exists()
        return
    assert response.status_code == HTTPStatus.CREATED, response.content
    created = response.json()
    assert (created["kind"], created["status"], created["organization_verified"]) == (
        "register",
        "pending",
        False,
    )
    assert created["cluster"] == world.clusters["own"].slug
    # The same NIP again is a duplicate, refused with the field named.
    again = _post(client, f"{API}/registrations", {**body, "name": "Nowak 2"}, _as(world, role))
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "NIP" in again.json()["message"]


def test_registration_refuses_a_wrong_check_digit_and_unknown_fields(
    client: Client, world: World
) -> None:
    good = _nip("71234567")
    wrong = good[:9] + str((int(good[9]) + 1) % 10)
    body = {"name": "Firma X", "org_type": "company", "helix_role": "business", "nip": wrong}
    response = _post(client, f"{API}/registrations", body, _as(world, "visitor"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "NIP" in response.json()["message"]
    response = _post(
        client, f"{API}/registrations", {**body, "is_verified": True}, _as(world, "visitor")
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY  # no mass assignment
    assert not Organization.objects.filter(name="Firma X").exists()


@pytest.mark.parametrize("role", ROLES)
def test_contact_matrix(client: Client, world: World, role: str) -> None:
    """Anyone signed in writes to the cluster; only its coordinator receives it, and nobody's
    address comes back; the coordinator writing to themselves reaches nobody."""
    mail.outbox.clear()
    url = f"{API}/clusters/{world.clusters['own'].slug}/messages"
    body = {"subject": "Heat treatment", "body": "Who could harden 200 shafts?"}
    response = _post(client, url, body, _as(world, role))
    if role == "anonymous":
        assert response.status_code == HTTPStatus.UNAUTHORIZED
    elif role == "coordinator":
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["code"] == "no_recipient"
    else:
        assert response.status_code == HTTPStatus.CREATED, response.content
        assert response.json()["cluster"] == world.clusters["own"].slug
        assert "coord@example.org" not in response.content.decode()
    organization = _post(
        client,
        f"{API}/organizations/{world.orgs['own'].slug}/messages",
        body,
        _as(world, role),
    )
    if role == "anonymous":
        assert organization.status_code == HTTPStatus.UNAUTHORIZED
    elif role == "representative":  # the only recipient is the sender
        assert organization.status_code == HTTPStatus.BAD_REQUEST
    else:
        assert organization.status_code == HTTPStatus.CREATED
        assert "rep@example.org" not in organization.content.decode()


def test_contact_is_delivered_after_commit_with_reply_to(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            f"{API}/clusters/{world.clusters['own'].slug}/messages",
            {"subject": "Heat treatment", "body": "Who could harden 200 shafts?"},
            _as(world, "visitor"),
        )
    assert response.status_code == HTTPStatus.CREATED
    (message,) = [m for m in mail.outbox if "Heat treatment" in m.subject]
    assert message.to == ["coord@example.org"]
    assert message.reply_to == ["visitor@example.org"]
    too_long = _post(
        client,
        f"{API}/clusters/{world.clusters['own'].slug}/messages",
        {"subject": "x" * 201, "body": "b"},
        _as(world, "visitor"),
    )
    assert too_long.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
