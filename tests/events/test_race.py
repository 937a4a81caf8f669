"""50 people register at once for 10 seats: exactly 10 confirmed and 40 waiting, in arrival
order — on SQLite (a file database, threads in a separate process) and on PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from highlands.accounts.models import User
from highlands.ecosystem.models import Cluster
from highlands.events.models import Event
from highlands.events.services import event_create, registration_create
from highlands.servicekit import SYSTEM
from tests.events.race_worker import group_size

ENGINE = settings.DATABASES["default"]["ENGINE"]
WORKER = Path(__file__).with_name("race_worker.py")
HIGHLANDS = Path(sys.executable).with_name("highlands")
PEOPLE, SEATS = 50, 10


GROUPS = 30


def _check_groups(rows: list[tuple[int, str, int]]) -> None:
    """(sequence, status, seats) of concurrent group registrations: seats counted per
    attendee, never more than the capacity, and strictly in arrival order — every group
    before the first waiting one has its seats, none after it (it did not fit)."""
    rows = sorted(rows)
    assert len(rows) == GROUPS
    assert sorted(seats for _, _, seats in rows) == sorted(group_size(i) for i in range(GROUPS))
    statuses = [status for _, status, _ in rows]
    first_waiting = statuses.index("waiting")
    assert statuses == ["confirmed"] * first_waiting + ["waiting"] * (GROUPS - first_waiting)
    taken = sum(seats for _, status, seats in rows if status == "confirmed")
    assert taken <= SEATS
    assert taken + rows[first_waiting][2] > SEATS  # the first waiting group did not fit


def _check(rows: list[tuple[int, str]]) -> None:
    """(sequence, status) of every registration: 10 seats to the first 10 arrivals."""
    statuses = [status for _, status in sorted(rows)]
    assert len(rows) == PEOPLE
    assert statuses == ["confirmed"] * SEATS + ["waiting"] * (PEOPLE - SEATS)
    assert len({seq for seq, _ in rows}) == PEOPLE  # every arrival its own place


@pytest.mark.skipif(ENGINE != "django.db.backends.sqlite3", reason="SQLite file database")
def test_fifty_concurrent_registrations_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.test",
        "HIGHLANDS_VAR_DIR": str(tmp_path),
        "HIGHLANDS_SEARCH_DIR": str(tmp_path / "search"),
    }
    subprocess.run([HIGHLANDS, "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, WORKER, "setup", str(PEOPLE), str(SEATS)], env=env, check=True)
    done = subprocess.run(
        [sys.executable, WORKER, "register", str(PEOPLE)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"errors": []}
    rows = (
        sqlite3.connect(db).execute("SELECT sequence, status FROM events_registration").fetchall()
    )
    _check(rows)


@pytest.mark.skipif(ENGINE != "django.db.backends.sqlite3", reason="SQLite file database")
def test_concurrent_group_registrations_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.test",
        "HIGHLANDS_VAR_DIR": str(tmp_path),
        "HIGHLANDS_SEARCH_DIR": str(tmp_path / "search"),
    }
    subprocess.run([HIGHLANDS, "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, WORKER, "setup", str(GROUPS), str(SEATS)], env=env, check=True)
    done = subprocess.run(
        [sys.executable, WORKER, "register", str(GROUPS), "groups"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"errors": []}
    rows = (
        sqlite3.connect(db)
        .execute("SELECT sequence, status, seats FROM events_registration")
        .fetchall()
    )
    _check_groups(rows)


@pytest.mark.skipif(ENGINE != "django.db.backends.postgresql", reason="PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_group_registrations_on_postgresql(settings, tmp_path) -> None:
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    cluster = Cluster.objects.create(slug="racing", name="Racing", display_name="Racing")
    start = timezone.now() + timedelta(days=7)
    event = event_create(
        actor=SYSTEM, clusters=[cluster], kind="training", title="Race", starts_at=start,
        ends_at=start + timedelta(hours=2), capacity=SEATS, publish=True,
    )  # fmt: skip
    users = [
        User.objects.create_user(username=f"racer{i}", email=f"racer{i}@example.org")
        for i in range(GROUPS)
    ]
    barrier = threading.Barrier(GROUPS)
    errors: list[str] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            registration_create(
                actor=users[index],
                event=Event.objects.get(pk=event.pk),
                attendees=[f"Racer {index} guest {g}" for g in range(group_size(index))],
            )
        except Exception as exc:  # collected and asserted on, never hidden
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(GROUPS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check_groups(list(event.registrations.values_list("sequence", "status", "seats")))


@pytest.mark.skipif(ENGINE != "django.db.backends.postgresql", reason="PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_on_postgresql(settings, tmp_path) -> None:
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    cluster = Cluster.objects.create(slug="racing", name="Racing", display_name="Racing")
    start = timezone.now() + timedelta(days=7)
    event = event_create(
        actor=SYSTEM,
        clusters=[cluster],
        kind="training",
        title="Race",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=SEATS,
        publish=True,
    )
    users = [
        User.objects.create_user(username=f"racer{i}", email=f"racer{i}@example.org")
        for i in range(PEOPLE)
    ]
    barrier = threading.Barrier(PEOPLE)
    errors: list[str] = []

    def work(user: User) -> None:
        try:
            barrier.wait()
            registration_create(actor=user, event=Event.objects.get(pk=event.pk))
        except Exception as exc:  # collected and asserted on, never hidden
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check(list(event.registrations.values_list("sequence", "status")))
