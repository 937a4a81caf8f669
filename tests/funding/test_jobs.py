"""Call alerts (``funding/jobs.py``): a person who follows an organisation's fit or topics
hears of a new matching call once and of its deadline within seven days once; calls the
organisation's facts rule out, or on other topics, send nothing."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from highlands.accounts.services import api_token_create
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.funding import jobs, services
from highlands.funding.models import CallAlert, CallFollow
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db
PODKARPACKIE_ONLY = [
    {
        "id": "region",
        "title": {"en": "Seat in podkarpackie", "pl": "Siedziba w podkarpackim"},
        "condition": {"fact": "voivodeship", "in": ["podkarpackie"]},
    }
]
MAZOWIECKIE_ONLY = [
    {
        "id": "region",
        "title": {"en": "Seat in mazowieckie", "pl": "Siedziba w mazowieckim"},
        "condition": {"fact": "voivodeship", "in": ["mazowieckie"]},
    }
]


@pytest.fixture
def seeded(shared_seed):
    return shared_seed


def make_call(identifier: str, days: int, rules=(), topics=()):
    return services.call_create(
        actor=SYSTEM,
        data={
            "programme": "FENG",
            "identifier": identifier,
            "title": f"Call {identifier}",
            "closes_at": timezone.now() + timedelta(days=days),
            "rules": list(rules),
            "topics": list(topics),
        },
    )


def run(capture, job):
    with capture(execute=True):
        return job()


def test_new_matching_calls_alert_once_by_fit_and_by_topic(
    funding, django_capture_on_commit_callbacks
) -> None:
    rep = funding.users["representative"]
    services.facts_state(
        actor=rep, organization=funding.applicant, facts={"voivodeship": "Podkarpackie"}
    )
    make_call("OLD-1", 30, PODKARPACKIE_ONLY)  # published before the follow: no "new" alert
    services.calls_follow(actor=rep, organization=funding.applicant)
    services.calls_follow(actor=funding.users["stranger"], topics=["Circular economy"])
    fits = make_call("NEW-FIT", 30, PODKARPACKIE_ONLY)
    make_call("NEW-OUT", 30, MAZOWIECKIE_ONLY)  # ruled out by the facts
    open_to_all = make_call("NEW-ALL", 30, topics=["circular economy"])
    sent = run(django_capture_on_commit_callbacks, jobs.new_call_alerts_send)
    assert sent == 3  # rep: NEW-FIT and NEW-ALL (no rules: eligible); stranger: NEW-ALL
    alerts = {(a.user.email, a.call.identifier) for a in CallAlert.objects.all()}
    assert alerts == {
        ("rep@rzeszow-metal.example", "NEW-FIT"),
        ("rep@rzeszow-metal.example", "NEW-ALL"),
        ("stranger@example.org", "NEW-ALL"),
    }
    subjects = sorted(m.subject for m in mail.outbox)
    assert any(fits.identifier in s for s in subjects)
    stranger_mail = next(m for m in mail.outbox if m.to == ["stranger@example.org"])
    assert "topics: circular economy" in stranger_mail.body
    assert f"/funding/calls/{open_to_all.slug}/" in stranger_mail.body
    # Run again: nothing twice.
    assert run(django_capture_on_commit_callbacks, jobs.new_call_alerts_send) == 0
    assert len(mail.outbox) == 3


def test_an_unknown_fit_still_alerts_and_says_so(funding, django_capture_on_commit_callbacks):
    services.calls_follow(actor=funding.users["representative"], organization=funding.applicant)
    make_call("NEW-UNKNOWN", 30, PODKARPACKIE_ONLY)  # the seat is not stated: unknown
    assert run(django_capture_on_commit_callbacks, jobs.new_call_alerts_send) == 1
    assert "may be eligible (some facts are not stated)" in mail.outbox[0].body


def test_deadline_reminders_within_seven_days_once(
    funding, django_capture_on_commit_callbacks
) -> None:
    services.calls_follow(actor=funding.users["stranger"], topics=["r&d"])
    make_call("SOON", 6, topics=["r&d"])
    make_call("LATER", 8, topics=["r&d"])
    make_call("OTHER-TOPIC", 3, topics=["tourism"])
    assert run(django_capture_on_commit_callbacks, jobs.deadline_alerts_send) == 1
    assert mail.outbox[0].subject.endswith("SOON")
    assert run(django_capture_on_commit_callbacks, jobs.deadline_alerts_send) == 0
    # Eight days on, LATER is due (and SOON has closed).
    later = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.deadline_alerts_send(now=later) == 1
    assert mail.outbox[-1].subject.endswith("LATER")


def test_following_is_checked(funding) -> None:
    with pytest.raises(PermissionDeniedError):
        services.calls_follow(actor=funding.users["stranger"], organization=funding.applicant)
    with pytest.raises(ApplicationError, match="Follow an organisation, some topics, or both"):
        services.calls_follow(actor=funding.users["stranger"], topics=[])
    follow = services.calls_follow(actor=funding.users["stranger"], topics=["R&D"])
    again = services.calls_follow(actor=funding.users["stranger"], topics=["Training", "r&d"])
    assert again.pk == follow.pk
    assert again.topics == ["r&d", "training"]
    with pytest.raises(PermissionDeniedError):
        services.calls_unfollow(actor=funding.users["representative"], follow=follow)
    services.calls_unfollow(actor=funding.users["stranger"], follow=follow)
    assert not CallFollow.objects.exists()


def test_follow_through_the_api_and_the_cron_command(funding) -> None:
    token = api_token_create(actor=funding.users["representative"], name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    made = client.post(
        "/api/v1/funding/follows",
        {"organization": funding.applicant.slug, "topics": ["Industry 4.0"]},
        content_type="application/json",
    )
    assert made.status_code == HTTPStatus.OK
    assert made.json()["topics"] == ["industry 4.0"]
    assert [f["id"] for f in client.get("/api/v1/funding/follows").json()] == [made.json()["id"]]
    make_call("CRON-1", 5, topics=["industry 4.0"])
    out = StringIO()
    call_command("run-due-jobs", stdout=out)
    assert "funding.new_call_alerts: 1 new-call alerts sent" in out.getvalue()
    assert "funding.deadline_alerts: 1 deadline alerts sent" in out.getvalue()
    gone = client.delete(f"/api/v1/funding/follows/{made.json()['id']}")
    assert gone.status_code == HTTPStatus.NO_CONTENT
    assert client.delete(f"/api/v1/funding/follows/{made.json()['id']}").status_code == 404
