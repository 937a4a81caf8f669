"""The marketplace API: documented, and the whole flow through HTTP."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from highlands.config.api import api

from .conftest import Market, bearer

pytestmark = pytest.mark.django_db
API = "/api/v1/marketplace"


def test_every_marketplace_endpoint_is_documented() -> None:
    schema = api.get_openapi_schema()
    operations = [
        op
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/marketplace")
        for op in item.values()
    ]
    assert len(operations) >= 24
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert op.get("summary"), op["operationId"]
        responses = op["responses"]
        for status in (400, 401, 403, 404):
            assert status in responses or str(status) in responses, (op["operationId"], status)
            responses = {int(k): v for k, v in responses.items()}
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut")


def test_full_flow_through_the_api(market: Market) -> None:
    client = Client()
    rep, peer = bearer(market, "representative"), bearer(market, "peer_rep")
    created = client.post(
        f"{API}/profiles",
        {
            "organization": "org-own",
            "kind": "expertise",
            "title": "Materials testing laboratory",
            "description": "Tensile and fatigue tests of metals.",
            "keywords": ["testing", "lab"],
            "visibility": "ecosystem",
        },
        content_type="application/json",
        headers=rep,
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    profile = created.json()
    assert (profile["status"], profile["direction"], profile["is_demo"]) == (
        "draft",
        "offer",
        False,
    )
    pid = profile["id"]
    assert client.get(f"{API}/profiles/{pid}").status_code == HTTPStatus.NOT_FOUND
    published = client.post(f"{API}/profiles/{pid}/publish", headers=rep)
    assert published.json()["status"] == "published"
    # Ecosystem visibility: anonymous still cannot see it.
    assert client.get(f"{API}/profiles/{pid}").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{API}/profiles/{pid}", headers=peer).status_code == HTTPStatus.OK
    changed = client.patch(
        f"{API}/profiles/{pid}",
        {"capacity": "20 samples/week"},
        content_type="application/json",
        headers=rep,
    )
    assert changed.json()["capacity"] == "20 samples/week"
    denied = client.patch(
        f"{API}/profiles/{pid}", {"title": "Hijack"}, content_type="application/json", headers=peer
    )
    assert denied.status_code == HTTPStatus.FORBIDDEN
    follow = client.post(f"{API}/profiles/{pid}/follow", headers=peer)
    assert follow.status_code == HTTPStatus.CREATED
    interest = client.post(
        f"{API}/profiles/{pid}/interests",
        {"organization": "org-peer", "message": "We need fatigue tests."},
        content_type="application/json",
        headers=peer,
    )
    assert interest.status_code == HTTPStatus.CREATED
    iid = interest.json()["id"]
    assert client.get(f"{API}/interests", headers=rep).json()[0]["id"] == iid
    assert client.post(f"{API}/interests/{iid}/accept", headers=peer).status_code == 403
    assert client.post(f"{API}/interests/{iid}/accept", headers=rep).json()["status"] == "accepted"
    assert client.post(f"{API}/interests/{iid}/close", headers=peer).status_code == HTTPStatus.OK
    confirmed = client.post(
        f"{API}/interests/{iid}/confirmations",
        {"organization": "org-peer", "rating": 5, "comment": "Great lab"},
        content_type="application/json",
        headers=peer,
    )
    assert confirmed.status_code == HTTPStatus.CREATED
    assert confirmed.json()["partner"] == "org-own"
    badge = client.get(f"{API}/organizations/org-own/badge").json()
    assert badge == {"verified": True, "count": 1, "average_rating": 5.0}
    notes = client.get(f"{API}/notifications", headers=rep).json()
    kinds = {n["kind"] for n in notes}
    assert kinds >= {"marketplace.interest_received", "marketplace.cooperation_confirmed"}
    assert all(n["url"] == f"/marketplace/profiles/{pid}/" for n in notes)
    assert not any(n["read"] for n in notes)
    assert client.post(
        f"{API}/notifications/read", {}, content_type="application/json", headers=rep
    ).json()["marked"] == len(notes)
    assert all(n["read"] for n in client.get(f"{API}/notifications", headers=rep).json())
    prefs = client.patch(
        f"{API}/me/preferences",
        {"interest_received": False},
        content_type="application/json",
        headers=rep,
    )
    assert prefs.json()["interest_received"] is False
    assert prefs.json()["search_match"] is True  # the others keep their default
    again = client.get(f"{API}/me/preferences", headers=rep).json()
    assert again["interest_received"] is False
    old_shape = client.patch(
        f"{API}/me/preferences",
        {"email_enabled": False},
        content_type="application/json",
        headers=rep,
    )
    assert old_shape.status_code == HTTPStatus.UNPROCESSABLE_ENTITY  # unknown fields refused
    recs = client.get(f"{API}/organizations/org-peer/recommendations", headers=peer)
    assert recs.status_code == HTTPStatus.OK
    closed = client.post(f"{API}/profiles/{pid}/close", headers=rep)
    assert closed.json()["status"] == "closed"
    assert (
        client.post(
            f"{API}/profiles/{pid}/renew", {}, content_type="application/json", headers=rep
        ).status_code
        == 400
    )
    assert client.delete(f"{API}/profiles/{pid}/follow", headers=peer).status_code == HTTPStatus.OK


def test_writes_need_authentication_and_bad_tokens_are_refused(market: Market) -> None:
    client = Client()
    body = {"organization": "org-own", "kind": "business_offer", "title": "t", "description": "d"}
    assert client.post(f"{API}/profiles", body, content_type="application/json").status_code == 401
    bad = {"Authorization": "Bearer hl_nope"}
    assert client.get(f"{API}/profiles", headers=bad).status_code == HTTPStatus.UNAUTHORIZED
