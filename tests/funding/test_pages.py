"""The funding pages: call list with filters, a call with "am I eligible?", calls for my
organisation, facts, and an application from the representative to the coordinator."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from highlands.ecosystem.models import Membership
from highlands.funding import services
from highlands.funding.demo import demo_load
from highlands.funding.models import FundingCall, MembershipApplication

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_call_list_filters_and_labels_demo_calls(funding) -> None:
    demo_load()
    page = client_for(None).get(reverse("funding:index")).content.decode()
    assert page.count('class="badge demo"') == 4
    assert "Circular economy in metal processing" in page
    closed = client_for(None).get(reverse("funding:index") + "?status=closed").content.decode()
    assert "Pilot lines for digital manufacturing" in closed
    assert "Circular economy in metal processing" not in closed
    polish = client_for(None).get("/pl" + reverse("funding:index")).content.decode()
    assert "Gospodarka o obiegu zamkniętym w obróbce metali" in polish


def test_a_call_page_answers_am_i_eligible_for_a_representative(funding) -> None:
    demo_load()
    call = FundingCall.objects.get(demo_key="fel-circular-metal")
    url = reverse("funding:call", args=[call.slug])
    anonymous = client_for(None).get(url).content.decode()
    assert "Demo call" in anonymous
    assert "Sign in as your organisation" in anonymous
    rep = funding.users["representative"]
    services.facts_state(
        actor=rep,
        organization=funding.applicant,
        facts={"voivodeship": "podkarpackie", "size_class": "small"},
    )
    page = client_for(rep).get(url).content.decode()
    assert "Not known yet: facts are missing" in page
    assert "podkarpackie — one of the admitted" in page
    assert "activity codes (NACE/PKD) not stated" in page
    polish = client_for(rep).get("/pl" + url).content.decode()
    assert "kody działalności (NACE/PKD) – nie podano" in polish


def test_calls_for_my_organisation_need_a_role(funding) -> None:
    demo_load()
    url = reverse("funding:organization", args=[funding.applicant.slug])
    assert client_for(funding.users["stranger"]).get(url).status_code == HTTPStatus.FORBIDDEN
    page = client_for(funding.users["representative"]).get(url)
    assert page.status_code == HTTPStatus.OK
    assert "No facts are stated yet" in page.content.decode()


def test_facts_form_states_facts_and_refuses_bad_shares(funding) -> None:
    rep = funding.users["representative"]
    url = reverse("funding:facts", args=[funding.applicant.slug])
    bad = client_for(rep).post(
        url, {"metal_processing_services": "70 %", "own_metal_production": "40 %"}
    )
    assert bad.status_code == HTTPStatus.OK
    assert "add up to more than 100" in bad.content.decode()
    response = client_for(rep).post(
        url, {"voivodeship": "lubelskie", "metal_processing_services": "45,5 %"}
    )
    assert response.status_code == HTTPStatus.FOUND
    page = client_for(rep).get(reverse("funding:organization", args=[funding.applicant.slug]))
    assert "45.5 %" in page.content.decode()
    assert "declared by the representative" in page.content.decode()


def test_apply_see_the_precheck_and_the_coordinator_accepts(funding) -> None:
    rep, coordinator = funding.users["representative"], funding.users["coordinator"]
    services.facts_state(
        actor=rep,
        organization=funding.applicant,
        facts={"voivodeship": "Lublin", "revenue_shares": {"metal_processing_services": 0.5}},
    )
    url = reverse("funding:apply", args=[funding.metal.slug])
    form = client_for(rep).get(url).content.decode()
    assert "Eligible" in form
    assert "50 % of revenue from these sources, 40 % needed" in form
    response = client_for(rep).post(url, {"organization": funding.applicant.slug, "message": "Hi"})
    application = MembershipApplication.objects.get()
    assert response.url == reverse("funding:application", args=[application.pk])
    assert client_for(funding.users["stranger"]).get(response.url).status_code == 404
    board = client_for(coordinator).get(reverse("funding:applications", args=[funding.metal.slug]))
    assert funding.applicant.name in board.content.decode()
    detail = client_for(coordinator).get(response.url).content.decode()
    assert "Accept" in detail
    assert "lubelskie — one of the admitted" in detail
    client_for(coordinator).post(
        reverse("funding:application_action", args=[application.pk, "accept"]), {"reason": ""}
    )
    application.refresh_from_db()
    assert application.status == "accepted"
    assert Membership.objects.filter(cluster=funding.metal, organization=funding.applicant).exists()
    cluster_page = client_for(None).get(reverse("web:cluster", args=[funding.metal.slug]))
    assert funding.applicant.name in cluster_page.content.decode()


def test_deadlines_calendar(funding) -> None:
    demo_load()
    response = client_for(None).get(reverse("funding:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3
    assert "[DEMO] Deadline: DEMO-FELU.02.05-IZ.00-002/26" in text.replace("\r\n ", "")


def test_the_coordinator_edits_the_rules_with_validation(funding) -> None:
    coordinator = client_for(funding.users["coordinator"])
    url = reverse("funding:rules", args=[funding.metal.slug])
    assert client_for(funding.users["representative"]).get(url).status_code == 403
    assert "eastern-poland" in coordinator.get(url).content.decode()
    broken = coordinator.post(url, {"rules": "[{"})
    assert "not valid JSON" in broken.content.decode()
    wrong = coordinator.post(url, {"rules": '[{"id": "a", "condition": {"closed": true}}]'})
    assert "rules[0].title" in wrong.content.decode()
    rule = (
        '[{"id": "lublin", "title": {"en": "In Lublin", "pl": "W Lublinie"},'
        ' "condition": {"fact": "voivodeship", "in": ["Lubelskie"]}}]'
    )
    assert coordinator.post(url, {"rules": rule}).status_code == HTTPStatus.FOUND
    from highlands.funding.selectors import admission_rules

    current = admission_rules(cluster=funding.metal)
    assert (current.version, current.basis) == (1, "coordinator")
    assert current.rules[0]["id"] == "lublin"
