"""Registrations from many threads at once into a database named by ``DATABASE_URL``.

Run by ``test_race.py`` on a file-based SQLite database (in-memory test databases do not
lock) in its own process, as the web server's workers would:

    python race_worker.py setup 50 10   # 50 people and an event with 10 seats
    python race_worker.py register 50   # 50 threads register at once; prints JSON
    python race_worker.py register 30 groups   # ... each a group of group_size(i) people
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from highlands.accounts.models import User  # noqa: E402
from highlands.ecosystem.models import Cluster  # noqa: E402
from highlands.events.models import Event  # noqa: E402
from highlands.events.services import event_create, registration_create  # noqa: E402
from highlands.servicekit import SYSTEM  # noqa: E402


def setup(people: int, seats: int) -> None:
    cluster = Cluster.objects.create(slug="racing", name="Racing", display_name="Racing")
    start = timezone.now() + timedelta(days=7)
    event_create(
        actor=SYSTEM,
        clusters=[cluster],
        kind="training",
        title="Race",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=seats,
        publish=True,
    )
    for i in range(people):
        User.objects.create_user(username=f"racer{i}", email=f"racer{i}@example.org")
    print("ready")


def group_size(index: int) -> int:
    """The group the index-th racer registers: 1, 2 or 3 people."""
    return index % 3 + 1


def register(threads: int, groups: bool = False) -> None:
    errors: list[str] = []
    barrier = threading.Barrier(threads)

    def work(index: int) -> None:
        try:
            user = User.objects.get(username=f"racer{index}")
            event = Event.objects.get(title="Race")
            barrier.wait()  # every thread registers at the same moment
            attendees = [f"Racer {index} guest {g}" for g in range(group_size(index))]
            registration_create(actor=user, event=event, attendees=attendees if groups else [])
        except Exception as exc:  # collected and asserted on, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print(json.dumps({"errors": errors}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(int(args[0]), int(args[1]))
    else:
        register(int(args[0]), groups=args[1:] == ["groups"])
