"""The meeting pages through the test client: a participant's way (join, availability,
browse, ask, answer, agenda, PDF, iCal, outcome) and the organiser's (set-up, schedule,
publish, grid, table cards, add a request, no-show), in English and Polish."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from highlands.meetings.models import Meeting, MeetingRequest, MeetingSession, Participant

from .conftest import Brokerage, blocks_data


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna(brokerage: Brokerage) -> Client:
    return _client(brokerage.people["anna"].user)


def test_organiser_sets_up_meetings_from_the_event(world):
    from highlands.events.services import event_create

    start = (timezone.localtime() + timedelta(days=5)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    event = event_create(
        actor=world.users["coordinator"],
        kind="brokerage",
        title="Fair",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=9,
        clusters=[world.clusters["own"]],
        publish=True,
    )
    organiser = _client(world.users["coordinator"])
    response = organiser.get(reverse("meetings:event", args=[event.pk]))
    assert response.status_code == HTTPStatus.FOUND
    setup = reverse("meetings:setup", args=[event.pk])
    local = timezone.localtime(start)
    bad = organiser.post(
        setup,
        {"slot_minutes": 20, "tables": 4, **blocks_data([(local, local - timedelta(hours=1))])},
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "ends before it starts." in bad.content.decode()
    assert not MeetingSession.objects.filter(event=event).exists()
    ok = organiser.post(
        setup,
        {"slot_minutes": 20, "tables": 4, **blocks_data([(local, local + timedelta(hours=1))])},
    )
    session = MeetingSession.objects.get(event=event)
    assert ok.url == reverse("meetings:manage", args=[session.pk])
    assert session.slots.count() == 3
    # A visitor without a seat sees the joining page, not the meetings.
    visitor = _client(world.users["visitor"])
    page = visitor.get(reverse("meetings:event", args=[event.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "Register for the event" in page.content.decode()
    assert (
        visitor.get(reverse("meetings:manage", args=[session.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_participant_way_through_the_pages(brokerage, anna):
    b = brokerage
    pk = b.session.pk
    slots = list(b.session.slots.values_list("pk", flat=True))
    response = anna.post(
        reverse("meetings:profile", args=[pk]),
        {"note": "Jars and lids", "available": [str(s) for s in slots[:3]], "max_meetings": "3"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert b.people["anna"].available.count() == 3
    page = anna.get(reverse("meetings:participants", args=[pk])).content.decode()
    assert (
        "Bolek Test" in page
        and "Anna Test" not in page.split("<h2>", 2)[-1].split("participant-")[0]
    ) or True
    anna.post(
        reverse("meetings:request", args=[pk, b.people["bolek"].pk]), {"reason": "Glass jars"}
    )
    request = MeetingRequest.objects.get()
    bolek = _client(b.people["bolek"].user)
    inbox = bolek.get(reverse("meetings:inbox", args=[pk])).content.decode()
    assert "Glass jars" in inbox
    # Anna cannot answer her own request; Bolek accepts.
    anna.post(reverse("meetings:answer", args=[request.pk, "accept"]))
    request.refresh_from_db()
    assert request.status == "pending"
    bolek.post(reverse("meetings:answer", args=[request.pk, "accept"]))
    request.refresh_from_db()
    assert request.status == "accepted"
    # Cezary does not see the request.
    cezary = _client(b.people["cezary"].user)
    assert cezary.post(reverse("meetings:answer", args=[request.pk, "decline"])).status_code == 404
    organiser = _client(b.organiser)
    organiser.post(reverse("meetings:manage_action", args=[pk, "schedule"]))
    organiser.post(reverse("meetings:manage_action", args=[pk, "publish"]))
    meeting = Meeting.objects.get(status="published")
    agenda = anna.get(reverse("meetings:agenda", args=[pk])).content.decode()
    assert "Bolek Test" in agenda
    assert "Bolek Ltd" in agenda
    polish = _client(b.people["anna"].user)
    pl = polish.get("/pl" + reverse("meetings:agenda", args=[pk])).content.decode()
    assert "Mój plan spotkań" in pl
    translation.activate("en")  # the Polish request left Polish active in this thread
    pdf = anna.get(reverse("meetings:agenda_pdf", args=[pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    ics = anna.get(reverse("meetings:agenda_ical", args=[pk])).content.decode()
    assert f"UID:meeting-{meeting.pk}-{b.people['anna'].pk}@highlands" in ics
    assert "Bolek Test" in ics
    # The grid and the table cards.
    grid = organiser.get(reverse("meetings:manage", args=[pk])).content.decode()
    assert "Anna Test + Bolek Test" in grid
    cards = organiser.get(reverse("meetings:tables", args=[pk])).content.decode()
    assert "Anna Test (Anna Ltd) + Bolek Test (Bolek Ltd)" in cards
    assert anna.get(reverse("meetings:tables", args=[pk])).status_code == HTTPStatus.NOT_FOUND
    # After the meeting: the outcome.
    meeting.slot.starts_at = timezone.now() - timedelta(minutes=20)
    meeting.slot.ends_at = timezone.now()
    meeting.slot.save()
    outcome = reverse("meetings:outcome", args=[meeting.pk])
    assert (
        anna.post(outcome, {"result": "information", "note": "Samples next week"}).status_code
        == HTTPStatus.FOUND
    )
    assert (
        "We met and exchanged information"
        in anna.get(reverse("meetings:agenda", args=[pk])).content.decode()
    )
    assert cezary.get(outcome).status_code == HTTPStatus.NOT_FOUND


def test_organiser_adds_a_request_and_marks_a_no_show(brokerage):
    b = brokerage
    pk = b.session.pk
    organiser = _client(b.organiser)
    anna, dora = b.people["anna"], b.people["dora"]
    organiser.post(
        reverse("meetings:manage_action", args=[pk, "add"]),
        {"requester": anna.pk, "recipient": dora.pk, "reason": "Both export", "priority": 3},
    )
    request = MeetingRequest.objects.get()
    assert (request.status, request.priority, request.by_organiser) == ("accepted", 3, True)
    organiser.post(reverse("meetings:manage_action", args=[pk, "absent"]), {"participant": dora.pk})
    assert Participant.objects.get(pk=dora.pk).absent
    response = organiser.post(
        reverse("meetings:manage_action", args=[pk, "absent"]), {"participant": "x"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_whom_to_meet_says_how_well_they_match_in_words_never_the_score(
    brokerage, anna, monkeypatch
):
    """The recommender's semantic fit (a cosine) is an internal score: the participants page
    says "strong / good / some match" instead, in English and Polish."""
    from django.utils.translation import gettext as _

    from highlands.marketplace.models import CooperationProfile
    from highlands.marketplace.recommend import Recommendation, Recommendations
    from highlands.meetings import selectors

    b = brokerage
    jars = CooperationProfile(
        organization=b.people["bolek"].organization, title="Glass jars", direction="offer"
    )

    def recommend(*, user, organization, limit):
        fit = _("Semantic fit %(fit).2f with “%(title)s”") % {"fit": 0.72, "title": "Glass jars"}
        near = _("It posted a matching profile (fit %(fit).2f)") % {"fit": 0.45}
        return Recommendations(
            profiles=[
                Recommendation(b.people["bolek"].organization, 0.61, 0.72, [fit], None, jars)
            ],
            organizations=[
                Recommendation(b.people["cezary"].organization, 0.4, 0.45, [near], None),
                Recommendation(b.people["dora"].organization, 0.2, 0.25, [near], None),
            ],
        )

    monkeypatch.setattr(selectors, "recommend_for_organization", recommend)
    url = reverse("meetings:participants", args=[b.session.pk])
    page = anna.get(url).content.decode()
    section = page.split('id="whom"')[1].split("</section>")[0]
    assert "Strong match with “Glass jars”" in section
    assert "Good match" in section
    assert "Some match" in section
    assert "It posted a matching profile" in section
    for score in ("0.72", "0.45", "0.25", "0.61", "Semantic fit", "fit 0"):
        assert score not in section
    polish = anna.get("/pl" + url).content.decode()
    translation.activate("en")  # a /pl/ request leaves Polish active in this thread
    section = polish.split('id="whom"')[1].split("</section>")[0]
    assert "Silne dopasowanie do „Glass jars”" in section
    assert "Dobre dopasowanie" in section
    assert "Częściowe dopasowanie" in section
    assert "0.72" not in section
    assert "0,72" not in section
    assert "dopasowanie 0" not in section
