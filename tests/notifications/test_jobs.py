"""The due-jobs registry and ``highlands run-due-jobs``: every registered job runs and is
listed with its count; a failing one is named, does not stop the others, and fails the run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from highlands.events.models import EventStatus
from highlands.notifications.jobs import jobs, register_job, run_due_jobs, unregister_job
from highlands.notifications.registry import register_kind
from tests.events.conftest import event_factory as event_factory
from tests.events.conftest import people as people
from tests.events.conftest import world as world

EVENTS_JOBS = ["events.offers_expire", "events.reminders_send", "events.events_finish"]


@pytest.fixture
def failing_job() -> Iterator[None]:
    def explode() -> int:
        raise RuntimeError("the mail server is down")

    register_job("test.explodes", explode, label="explosions")
    yield
    unregister_job("test.explodes")


def test_events_registers_its_three_jobs():
    assert [j.name for j in jobs() if j.name.startswith("events.")] == EVENTS_JOBS


def test_marketplace_expiry_and_gdpr_retention_run_from_the_same_command():
    names = [j.name for j in jobs()]
    assert "marketplace.profiles_expire" in names
    assert "accounts.retention" in names


def test_registering_a_name_twice_differently_is_refused():
    with pytest.raises(ValueError, match=r"events\.offers_expire"):
        register_job("events.offers_expire", lambda: 0, label="something else")
    with pytest.raises(ValueError, match=r"events\.reminder"):
        register_kind("events.reminder", label="another label")


@pytest.mark.django_db
def test_command_lists_every_job_and_is_idempotent(
    event_factory, people, capsys, django_capture_on_commit_callbacks
):
    event = event_factory(
        starts_at=timezone.now() + timedelta(hours=5),
        ends_at=timezone.now() + timedelta(hours=8),
    )
    from highlands.events.services import registration_create

    registration_create(actor=people[0], event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run-due-jobs")
    first = capsys.readouterr().out
    for name in [*EVENTS_JOBS, "marketplace.profiles_expire", "accounts.retention"]:
        assert f"{name}: " in first
    assert "events.reminders_send: 1 event reminders sent" in first
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run-due-jobs")
    second = capsys.readouterr().out
    assert "events.reminders_send: 0 event reminders sent" in second
    assert len(mail.outbox) == 1  # nothing sent twice


@pytest.mark.django_db
def test_a_failing_job_is_named_and_the_others_still_run(failing_job, event_factory, capsys):
    event = event_factory()
    event.__class__.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(CommandError, match=r"test\.explodes"):
        call_command("run-due-jobs")
    captured = capsys.readouterr()
    assert "test.explodes: FAILED (RuntimeError: the mail server is down)" in captured.err
    assert "events.events_finish: 1 ended events finished" in captured.out
    event.refresh_from_db()
    assert event.status == EventStatus.FINISHED
    results = {r.name: r for r in run_due_jobs()}
    assert results["test.explodes"].failed
    assert results["events.events_finish"].count == 0


@pytest.mark.django_db
def test_only_runs_the_named_jobs_and_refuses_unknown_names(capsys):
    call_command("run-due-jobs", only=["events.events_finish"])
    out = capsys.readouterr().out
    assert "events.events_finish: 0" in out
    assert "events.reminders_send" not in out
    with pytest.raises(
        CommandError, match=r"unknown job nope; the registered jobs: .*events\.offers_expire"
    ):
        call_command("run-due-jobs", only=["nope"])
