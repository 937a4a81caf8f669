"""The funding API: calls, the public admission evaluation (the CLI's contract), facts and
applications with tokens, and refusals that name the field."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.test import Client

from highlands.accounts.services import api_token_create
from highlands.funding.demo import demo_load

pytestmark = pytest.mark.django_db
API = "/api/v1/funding"


@pytest.fixture
def tokens(funding) -> dict[str, str]:
    return {
        role: api_token_create(actor=user, name="tests")[1] for role, user in funding.users.items()
    }


def call(method: str, path: str, token: str | None = None, body: object = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client()
    if method == "get":
        return client.get(API + path, **headers)
    return getattr(client, method)(API + path, body, content_type="application/json", **headers)


def test_calls_are_listed_with_status_and_demo_flag(funding) -> None:
    demo_load()
    page = call("get", "/calls?status=open").json()
    assert page["count"] == 2
    assert all(item["is_demo"] and item["status"] == "open" for item in page["items"])
    one = call("get", f"/calls/{page['items'][0]['slug']}").json()
    assert one["rules"]
    assert call("get", "/calls/no-such-call").status_code == HTTPStatus.NOT_FOUND


def test_public_evaluation_of_the_metal_cluster(funding) -> None:
    slug = funding.metal.slug
    body = {
        "voivodeship": "Warmian-Masurian Voivodeship",
        "revenue_shares": {"metal_processing_services": "20 %", "own_metal_production": 0.2},
    }
    out = call("post", f"/clusters/{slug}/admission-rules/evaluate", body=body).json()
    assert out["decision"] == "eligible"
    assert [r["result"] for r in out["rules"]] == ["pass", "pass"]
    assert out["rules"][0]["line"] == 186
    bad = call("post", f"/clusters/{slug}/admission-rules/evaluate", body={"voivodeship": "Texas"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "voivodeship" in bad.json()["message"]
    unknown_key = call("post", f"/clusters/{slug}/admission-rules/evaluate", body={"age": 3})
    assert unknown_key.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    polish = call(
        "post",
        f"/clusters/{slug}/admission-rules/evaluate?lang=pl",
        body={"voivodeship": "lubelskie"},
    ).json()
    assert polish["decision"] == "unknown"
    assert "nie podano" in polish["rules"][1]["explanation"]


def test_facts_and_an_application_through_the_api(funding, tokens) -> None:
    org = funding.applicant.slug
    denied = call(
        "post", f"/organizations/{org}/facts", tokens["stranger"], {"size_class": "small"}
    )
    assert denied.status_code == HTTPStatus.FORBIDDEN
    facts = call(
        "post",
        f"/organizations/{org}/facts",
        tokens["representative"],
        {"voivodeship": "Podkarpackie", "revenue_shares": {"own_metal_production": "40%"}},
    )
    assert facts.status_code == HTTPStatus.OK
    assert {f["name"]: f["source"] for f in facts.json()} == {
        "voivodeship": "declared",
        "revenue_shares.own_metal_production": "declared",
    }
    assert call("get", f"/organizations/{org}/facts", tokens["stranger"]).status_code == 403
    submitted = call(
        "post",
        "/applications",
        tokens["representative"],
        {"cluster": funding.metal.slug, "organization": org},
    )
    assert submitted.status_code == HTTPStatus.CREATED
    application = submitted.json()
    assert application["decision"] == "eligible"
    path = f"/applications/{application['id']}"
    assert call("get", path, tokens["stranger"]).status_code == HTTPStatus.NOT_FOUND
    refused = call("post", path + "/accept", tokens["representative"], {})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    accepted = call("post", path + "/accept", tokens["coordinator"], {"reason": "Welcome"})
    assert accepted.json()["status"] == "accepted"


def test_calls_for_my_organisation_through_the_api(funding, tokens) -> None:
    demo_load()
    org = funding.applicant.slug
    fits = call("get", f"/organizations/{org}/calls", tokens["representative"]).json()
    assert len(fits) == 3
    assert {fit["evaluation"]["decision"] for fit in fits} <= {
        "eligible",
        "unknown",
        "not_eligible",
    }
    assert call("get", f"/organizations/{org}/calls", tokens["stranger"]).status_code == 403


def test_calls_are_published_and_changed_by_keepers_only(funding, tokens) -> None:
    body = {
        "programme": "Horizon Europe",
        "identifier": "HORIZON-CL4-2027-01",
        "title": "Twin transition",
        "closes_at": "2027-03-01T17:00:00",
        "time_zone": "Europe/Brussels",
        "rules": [
            {
                "id": "sme",
                "title": {"en": "An SME", "pl": "MŚP"},
                "condition": {"fact": "size_class", "in": ["micro", "small", "medium"]},
            }
        ],
    }
    assert call("post", "/calls", tokens["representative"], body).status_code == 403
    created = call("post", "/calls", tokens["coordinator"], body)
    assert created.status_code == HTTPStatus.CREATED
    out = created.json()
    deadline = datetime.fromisoformat(out["closes_at"])
    assert deadline == datetime(2027, 3, 1, 16, tzinfo=UTC)  # 17:00 in Brussels
    assert not out["is_demo"]
    changed = call("patch", f"/calls/{out['slug']}", tokens["city_admin"], {"funding_rate": 60})
    assert changed.json()["funding_rate"] == 60
    bad = call("patch", f"/calls/{out['slug']}", tokens["city_admin"], {"rules": [{"id": "x"}]})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "rules[0]" in bad.json()["message"]
