"""The meetings API: a participant's requests and agenda, the organiser's scheduling, and
what each may not see (404) or do (403), through the test client."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.test import Client
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.meetings.models import Meeting

from .conftest import Brokerage

API = "/api/v1/meetings"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_participant_and_the_organiser_through_the_api(brokerage: Brokerage):
    b = brokerage
    sid = b.session.pk
    anna, bolek, cezary = (_client(b.people[n].user) for n in ("anna", "bolek", "cezary"))
    organiser = _client(b.organiser)
    session = anna.get(f"{API}/sessions/{sid}").json()
    assert session["participant"] == b.people["anna"].pk
    assert not session["manages"]
    assert len(session["slots"]) == 4
    slot_ids = [s["id"] for s in session["slots"]]
    # Availability: own only.
    mine = anna.put(
        f"{API}/participants/{b.people['anna'].pk}",
        {"note": "Jars", "available": slot_ids[:2], "max_meetings": 2},
        content_type="application/json",
    )
    assert mine.status_code == HTTPStatus.OK
    assert mine.json()["available"] == slot_ids[:2]
    other = anna.put(
        f"{API}/participants/{b.people['bolek'].pk}",
        {"note": "x", "available": []},
        content_type="application/json",
    )
    assert other.status_code == HTTPStatus.FORBIDDEN
    unknown = anna.put(
        f"{API}/participants/{b.people['anna'].pk}",
        {"note": "x", "available": [99999]},
        content_type="application/json",
    )
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert "99999" in unknown.json()["message"]
    people = anna.get(f"{API}/sessions/{sid}/participants").json()
    assert people["count"] == 4
    bolek_row = next(p for p in people["items"] if p["id"] == b.people["bolek"].pk)
    assert bolek_row["available"] is None  # others' availability is theirs
    # A request, answered through the API.
    sent = anna.post(
        f"{API}/sessions/{sid}/requests",
        {"recipient": b.people["bolek"].pk, "reason": "Glass jars"},
        content_type="application/json",
    )
    assert sent.status_code == HTTPStatus.CREATED
    rid = sent.json()["id"]
    assert cezary.get(f"{API}/sessions/{sid}/requests").json()["count"] == 0
    assert (
        cezary.post(
            f"{API}/requests/{rid}/decision", {"accept": True}, content_type="application/json"
        ).status_code
        == HTTPStatus.NOT_FOUND
    )
    decided = bolek.post(
        f"{API}/requests/{rid}/decision", {"accept": True}, content_type="application/json"
    )
    assert decided.json()["status"] == "accepted"
    # The organiser sees all, arranges one more, schedules and publishes.
    arranged = organiser.post(
        f"{API}/sessions/{sid}/requests/arranged",
        {"requester": b.people["cezary"].pk, "recipient": b.people["dora"].pk, "reason": "Fit"},
        content_type="application/json",
    )
    assert arranged.status_code == HTTPStatus.CREATED
    assert arranged.json()["priority"] == 3
    assert organiser.get(f"{API}/sessions/{sid}/requests").json()["count"] == 2
    assert (
        anna.post(f"{API}/sessions/{sid}/schedule", {}, content_type="application/json").status_code
        == HTTPStatus.NOT_FOUND
    )
    run = organiser.post(
        f"{API}/sessions/{sid}/schedule", {"time_limit": 5}, content_type="application/json"
    )
    assert run.json()["meetings"] == 2
    assert run.json()["objective"] == run.json()["bound"] == 4
    assert organiser.post(f"{API}/sessions/{sid}/publish").json() == {"published": 2}
    grid = organiser.get(f"{API}/sessions/{sid}/meetings").json()
    assert grid["count"] == 2
    agenda = anna.get(f"{API}/sessions/{sid}/agenda").json()["items"]
    assert [i["partner"]["id"] for i in agenda] == [b.people["bolek"].pk]
    assert agenda[0]["meeting"]["slot"] in slot_ids[:2]
    # The outcome, once the meeting has started.
    meeting = Meeting.objects.get(pk=agenda[0]["meeting"]["id"])
    meeting.slot.starts_at = timezone.now() - timedelta(minutes=20)
    meeting.slot.ends_at = timezone.now()
    meeting.slot.save()
    bad = anna.post(
        f"{API}/meetings/{meeting.pk}/outcome", {"result": "great"}, content_type="application/json"
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    ok = anna.post(
        f"{API}/meetings/{meeting.pk}/outcome",
        {"result": "cooperation"},
        content_type="application/json",
    )
    assert ok.json()["took_place"] is True
    assert (
        cezary.post(
            f"{API}/meetings/{meeting.pk}/outcome",
            {"result": "information"},
            content_type="application/json",
        ).status_code
        == HTTPStatus.NOT_FOUND
    )
    actions = set(
        AuditEntry.objects.filter(action__startswith="meetings.").values_list("action", flat=True)
    )
    assert {
        "meetings.participant_update",
        "meetings.request_create",
        "meetings.request_accept",
        "meetings.request_add",
        "meetings.schedule_run",
        "meetings.schedule_publish",
        "meetings.outcome_record",
    } <= actions


def test_outsiders_see_nothing(brokerage: Brokerage, world):
    sid = brokerage.session.pk
    visitor = _client(world.users["visitor"])
    assert visitor.get(f"{API}/sessions/{sid}").status_code == HTTPStatus.NOT_FOUND
    assert visitor.get(f"{API}/sessions/{sid}/participants").status_code == HTTPStatus.NOT_FOUND
    assert Client().get(f"{API}/sessions/{sid}").status_code == HTTPStatus.UNAUTHORIZED
    joined = _client(brokerage.outsider).post(f"{API}/sessions/{sid}/participants")
    assert joined.status_code == HTTPStatus.CREATED
    refused = visitor.post(f"{API}/sessions/{sid}/participants")
    assert refused.status_code == HTTPStatus.FORBIDDEN
