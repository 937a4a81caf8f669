"""A record that fails to index backs off and is reported; it never holds other writes back."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from highlands.ecosystem.services import organization_create
from highlands.search import indexing, registry
from highlands.search.indexing import drain, enqueue_many, failing, retry_delay
from highlands.search.models import IndexOutbox
from highlands.search.selectors import SearchFilters, search
from highlands.servicekit import SYSTEM

from .conftest import slugs

pytestmark = pytest.mark.django_db
ORGS = SearchFilters(types=["organization"])


class WorkerKilled(BaseException):
    """What a drain sees of a worker killed mid-way (out of memory): nothing is caught."""


@pytest.fixture
def poison(monkeypatch):
    """Make organisations named "Poisoned …" fail to index with the given exception."""
    kinds = dict(registry._kinds)
    monkeypatch.setattr(registry, "_kinds", kinds)
    original = kinds["organization"]

    def arm(exc: BaseException) -> None:
        def build(pks):
            for document in original.build(pks):
                if document.title.startswith("Poisoned"):
                    raise exc
                yield document

        kinds["organization"] = dataclasses.replace(original, build=build)

    return arm


def found(query: str) -> list[str]:
    return slugs(search(query, filters=ORGS, mode="keyword"))


def test_a_poisoned_entry_no_longer_blocks_other_writes(
    indexed, poison, caplog, django_capture_on_commit_callbacks
):
    poison(MemoryError("encoder"))
    with (
        caplog.at_level(logging.ERROR, logger="highlands.search.indexing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        bad = organization_create(actor=SYSTEM, name="Poisoned Widgets")
    entry = IndexOutbox.objects.get(object_id=bad.pk)
    assert entry.attempts == 1
    assert entry.last_error == "MemoryError: encoder"
    assert f"organization {bad.pk} failed to index (attempt 1" in caplog.text

    # The next writes are indexed; the bad entry is tried once more, then backs off.
    with django_capture_on_commit_callbacks(execute=True):
        organization_create(actor=SYSTEM, name="Healthy Gears")
    assert found("healthy gears") == ["healthy-gears"]
    entry.refresh_from_db()
    assert entry.attempts == 2
    assert entry.next_attempt_at > timezone.now() + timedelta(seconds=50)
    with django_capture_on_commit_callbacks(execute=True):
        organization_create(actor=SYSTEM, name="Sturdy Bolts")
    assert found("sturdy bolts") == ["sturdy-bolts"]
    entry.refresh_from_db()
    assert entry.attempts == 2  # not due: left alone
    assert "poisoned-widgets" not in found("poisoned widgets")

    out = StringIO()
    call_command("search-index", "status", stdout=out)
    status = out.getvalue()
    assert "pending: 1  failing: 1" in status
    assert f"organization {bad.pk}: 2 attempts, next at " in status
    assert status.rstrip().endswith("MemoryError: encoder")


def test_one_bad_record_in_a_batch_leaves_the_others_indexed(indexed, poison, settings):
    from highlands.ecosystem.models import Organization

    poison(ValueError("bad data"))
    settings.HIGHLANDS_SEARCH_SYNC = False
    names = [f"Batch Member {i} Ironworks" for i in range(9)] + ["Poisoned Ironworks"]
    orgs = [organization_create(actor=SYSTEM, name=name) for name in names]
    IndexOutbox.objects.all().delete()
    enqueue_many("organization", [org.pk for org in orgs])
    assert drain() == len(orgs)
    indexed_slugs = found("ironworks")
    assert sorted(indexed_slugs) == sorted(o.slug for o in orgs if o.name != "Poisoned Ironworks")
    assert list(failing().values_list("object_id", flat=True)) == [
        Organization.objects.get(name="Poisoned Ironworks").pk
    ]


def test_a_drain_killed_by_an_entry_leaves_it_backing_off(
    indexed, poison, settings, django_capture_on_commit_callbacks
):
    """No exception reaches a drain whose worker was killed: the attempt is counted before
    the work, so the entry is not handed to every later drain."""
    poison(WorkerKilled())
    settings.HIGHLANDS_SEARCH_SYNC = False
    bad = organization_create(actor=SYSTEM, name="Poisoned Pumps")
    with pytest.raises(WorkerKilled):
        drain()  # attempt 1: retried by the next drain
    with pytest.raises(WorkerKilled):
        drain()  # attempt 2: now it waits
    entry = IndexOutbox.objects.get(object_id=bad.pk)
    assert (entry.attempts, entry.last_error) == (2, "")
    organization_create(actor=SYSTEM, name="Steady Valves")
    assert drain() == 1
    assert found("steady valves") == ["steady-valves"]
    out = StringIO()
    call_command("search-index", "status", stdout=out)
    assert (
        "no error recorded (being indexed now, or the draining process stopped)" in out.getvalue()
    )


@pytest.fixture
def backing_off(indexed, poison, settings):
    """An organisation that failed to index twice and now waits (SYNC off: drains by hand)."""
    poison(RuntimeError("flaky"))
    settings.HIGHLANDS_SEARCH_SYNC = False
    bad = organization_create(actor=SYSTEM, name="Poisoned Rivets")
    drain()
    drain()
    assert drain() == 0  # backing off
    assert list(failing().values_list("object_id", flat=True)) == [bad.pk]
    return bad


def test_indexing_a_record_again_clears_its_failed_entries(backing_off, monkeypatch):
    monkeypatch.undo()  # the cause is fixed; the record is written again
    enqueue_many("organization", [backing_off.pk])
    assert drain() == 1
    assert not IndexOutbox.objects.exists()
    assert found("poisoned rivets") == [backing_off.slug]


def test_a_failed_entry_is_retried_when_due(backing_off, monkeypatch):
    monkeypatch.undo()
    IndexOutbox.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert drain() == 1
    assert found("poisoned rivets") == [backing_off.slug]


def test_the_database_failing_is_not_blamed_on_a_record(indexed, monkeypatch, settings):
    settings.HIGHLANDS_SEARCH_SYNC = False
    organization_create(actor=SYSTEM, name="Patient Springs")

    def unavailable(kind, pks):
        raise OperationalError("database is locked")

    monkeypatch.setattr(indexing, "refresh_documents", unavailable)
    with pytest.raises(OperationalError):
        drain()
    assert IndexOutbox.objects.get().last_error == ""


def test_retries_back_off_exponentially_up_to_a_ceiling():
    delays = [retry_delay(n) for n in range(1, 13)]
    assert delays[:5] == [timedelta(0), *(timedelta(minutes=m) for m in (1, 2, 4, 8))]
    assert delays[-1] == indexing.RETRY_MAX == timedelta(hours=6)
    assert delays == sorted(delays)
