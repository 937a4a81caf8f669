"""A separate process that writes through the services into a file-based SQLite database.

Run by ``test_sqlite_durability.py`` with ``DATABASE_URL`` pointing at a temporary file:

    python sqlite_worker.py setup            # a city administrator and a cluster
    python sqlite_worker.py threads 20 10    # 20 threads x 10 writes at once; prints JSON
    python sqlite_worker.py serial 1000 0.0  # 1000 writes, prints each id once committed
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.test")
django.setup()

from django.db import connection  # noqa: E402

from highlands.accounts.models import User  # noqa: E402
from highlands.ecosystem.models import Cluster  # noqa: E402
from highlands.ecosystem.services import figure_observe  # noqa: E402


def _actor_and_cluster() -> tuple[User, Cluster]:
    return User.objects.get(username="writer"), Cluster.objects.get(slug="durable")


def setup() -> None:
    User.objects.create_user(username="writer", email="writer@example.org", is_city_admin=True)
    Cluster.objects.create(slug="durable", name="Durable", display_name="Durable")
    print("ready")


def threads(n_threads: int, per_thread: int) -> None:
    errors: list[str] = []
    barrier = threading.Barrier(n_threads)

    def work(index: int) -> None:
        try:
            actor, cluster = _actor_and_cluster()
            barrier.wait()  # every thread starts writing at the same moment
            for i in range(per_thread):
                try:
                    figure_observe(
                        actor=actor,
                        cluster=cluster,
                        kind="members",
                        value=index * 1000 + i,
                        as_of=date(2026, 1, 1),
                    )
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps({"errors": errors}))


def serial(count: int, pause: float) -> None:
    actor, cluster = _actor_and_cluster()
    for i in range(count):
        observation = figure_observe(
            actor=actor, cluster=cluster, kind="members", value=i, as_of=date(2026, 1, 1)
        )
        # Printed only after the transaction committed: an acknowledged write.
        sys.stdout.write(f"{observation.pk}\n")
        sys.stdout.flush()
        if pause:
            time.sleep(pause)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "setup":
        setup()
    elif mode == "threads":
        threads(int(sys.argv[2]), int(sys.argv[3]))
    elif mode == "serial":
        serial(int(sys.argv[2]), float(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")
