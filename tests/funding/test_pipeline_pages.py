"""The pipeline pages: the representative records an intention and moves it on, invites a
partner whose representative agrees; the coordinator's board shows what members share."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from highlands.funding import services
from highlands.funding.models import CallApplication, ConsortiumMember
from highlands.servicekit import SYSTEM
from tests.funding.test_pipeline import world as world  # a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    return shared_seed


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pipeline_through_the_pages(world) -> None:
    funding, partner, users = world
    call = services.call_create(
        actor=SYSTEM,
        data={
            "programme": "FENG",
            "identifier": "FENG.01.01-IP.02-001/30",
            "title": "Smart Growth R&D",
            "closes_at": timezone.now() + timedelta(days=20),
            "rules": [],
        },
    )
    services.facts_state(
        actor=users["partner"], organization=partner, facts={"voivodeship": "lubelskie"}
    )
    rep = client_of(users["representative"])
    page = rep.get(f"/funding/organizations/{funding.applicant.slug}/pipeline/")
    assert page.status_code == HTTPStatus.OK
    assert call.identifier in page.content.decode()
    made = rep.post(
        f"/funding/organizations/{funding.applicant.slug}/pipeline/",
        {"call": call.slug, "requested_eur": "300000", "shared": "on"},
    )
    entry = CallApplication.objects.get()
    assert made.url == f"/funding/pipeline/{entry.pk}/"
    body = rep.get(made.url).content.decode()
    assert "Lublin Robotics" in body  # a candidate: facts stated, the call rules none out
    rep.post(f"/funding/pipeline/{entry.pk}/update/", {"stage": "submitted", "stage_note": "Sent"})
    entry.refresh_from_db()
    assert entry.stage == "submitted"
    assert entry.shared is False  # the checkbox was not sent: sharing is switched off
    rep.post(f"/funding/pipeline/{entry.pk}/invite/", {"organization": partner.slug})
    invitation = ConsortiumMember.objects.get(role="partner")
    other = client_of(users["partner"])
    assert "Agree to join" in other.get(f"/funding/pipeline/{entry.pk}/").content.decode()
    other.post(f"/funding/invitations/{invitation.pk}/accept/")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    # The stranger may not see it; the coordinator only once it is shared.
    stranger = client_of(users["stranger"])
    assert stranger.get(f"/funding/pipeline/{entry.pk}/").status_code == HTTPStatus.NOT_FOUND
    coordinator = client_of(users["coordinator"])
    board = f"/funding/clusters/{funding.metal.slug}/pipeline/"
    assert funding.applicant.name not in coordinator.get(board).content.decode()
    rep.post(f"/funding/pipeline/{entry.pk}/update/", {"stage": "submitted", "shared": "on"})
    assert funding.applicant.name in coordinator.get(board).content.decode()
    assert stranger.get(board).status_code == HTTPStatus.FORBIDDEN
    polish = rep.get(f"/pl/funding/pipeline/{entry.pk}/").content.decode()
    assert "złożony" in polish or "Etapy" in polish
