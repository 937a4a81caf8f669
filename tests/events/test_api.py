"""The events API: public reads, registration with the waiting list, organiser management."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from highlands.events.models import Event

pytestmark = pytest.mark.django_db


def _auth(world, role: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}


def test_public_calendar_and_event_with_language_fallback(client, event_factory):
    event = event_factory(title_pl="")
    event_factory(publish=False, title="Draft")
    page = client.get("/api/v1/events?lang=pl").json()
    assert page["count"] == 1
    (item,) = page["items"]
    assert item["id"] == event.pk
    assert item["title"] == "Lean management training"
    assert item["fallback"] is True
    assert item["seats_left"] == 10
    assert client.get(f"/api/v1/events/{event.pk}").json()["status"] == "published"
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    assert client.get(f"/api/v1/events?month={month}").json()["count"] == 1
    assert client.get("/api/v1/events?month=2020-13").status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_register_wait_cancel_promote_through_the_api(client, world, event_factory):
    event = event_factory(capacity=1)
    first = client.post(
        f"/api/v1/events/{event.pk}/registrations", {}, content_type="application/json",
        **_auth(world, "visitor"),
    )  # fmt: skip
    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["status"] == "confirmed"
    assert first.json()["ticket_code"]
    second = client.post(
        f"/api/v1/events/{event.pk}/registrations", {"organization": "org-own"},
        content_type="application/json", **_auth(world, "representative"),
    ).json()  # fmt: skip
    assert second["status"] == "waiting"
    assert second["waiting_place"] == 1
    again = client.post(
        f"/api/v1/events/{event.pk}/registrations", {}, content_type="application/json",
        **_auth(world, "visitor"),
    )  # fmt: skip
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "already registered" in again.json()["message"]
    # Somebody else's registration is not theirs to cancel (and not even visible).
    other = client.post(
        f"/api/v1/events/registrations/{first.json()['id']}/cancel", **_auth(world, "coordinator")
    )
    assert other.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    done = client.post(
        f"/api/v1/events/registrations/{first.json()['id']}/cancel", **_auth(world, "visitor")
    )
    assert done.json()["status"] == "cancelled"
    mine = client.get("/api/v1/events/registrations/mine", **_auth(world, "representative"))
    assert mine.json()["items"][0]["status"] == "confirmed"


def test_organisers_create_manage_and_check_in(client, world):
    start = (timezone.now() + timedelta(days=5)).isoformat()
    end = (timezone.now() + timedelta(days=5, hours=2)).isoformat()
    body = {
        "kind": "workshop", "title": "CNC workshop", "starts_at": start, "ends_at": end,
        "capacity": 2, "clusters": ["cluster-own"], "publish": True,
    }  # fmt: skip
    refused = client.post(
        "/api/v1/events", body, content_type="application/json", **_auth(world, "representative")
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN
    created = client.post(
        "/api/v1/events", body, content_type="application/json", **_auth(world, "coordinator")
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    pk = created.json()["id"]
    bad = client.post(
        "/api/v1/events", {**body, "ends_at": start, "starts_at": end},
        content_type="application/json", **_auth(world, "coordinator"),
    )  # fmt: skip
    assert bad.json()["message"] == "The event ends before it starts."
    reg = client.post(
        f"/api/v1/events/{pk}/registrations", {}, content_type="application/json",
        **_auth(world, "visitor"),
    ).json()  # fmt: skip
    listed = client.get(f"/api/v1/events/{pk}/registrants", **_auth(world, "coordinator"))
    assert listed.json()["count"] == 1
    assert (
        client.get(f"/api/v1/events/{pk}/registrants", **_auth(world, "visitor")).status_code
        == HTTPStatus.FORBIDDEN
    )
    lower = client.patch(
        f"/api/v1/events/{pk}", {"capacity": 0}, content_type="application/json",
        **_auth(world, "coordinator"),
    )  # fmt: skip
    assert lower.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    scans = [
        client.post(
            f"/api/v1/events/{pk}/checkin", {"code": reg["ticket_code"]},
            content_type="application/json", **_auth(world, "coordinator"),
        ).json()
        for _ in range(2)
    ]  # fmt: skip
    assert [s["first_scan"] for s in scans] == [True, False]
    forged = client.post(
        f"/api/v1/events/{pk}/checkin", {"code": "1.abc:forged"},
        content_type="application/json", **_auth(world, "coordinator"),
    )  # fmt: skip
    assert forged.status_code == HTTPStatus.BAD_REQUEST
    cancelled = client.post(f"/api/v1/events/{pk}/cancel", **_auth(world, "coordinator"))
    assert cancelled.json()["status"] == "cancelled"
    assert Event.objects.get(pk=pk).status == "cancelled"
