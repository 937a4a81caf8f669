"""Registration throughput and p95 under 50 concurrent clients, against the health endpoint's
floor in the same run, and the calendar page's p95 with 10,000 events.

Requests go through Django's whole stack (middleware, session auth, ninja) in-process via the
test client, one client per thread; no HTTP server or network is measured. Each round
registers 50 people at once for an event of 10 seats (10 confirmed, 40 waiting: checked).

    # SQLite (a fresh file database)
    HIGHLANDS_VAR_DIR=/tmp/evbench .venv/bin/python benchmarks/events/registration.py
    # PostgreSQL (an empty database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_events_bench \\
        .venv/bin/python benchmarks/events/registration.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import threading
import time
from datetime import timedelta


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--calendar-requests", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.test")
    os.environ.setdefault("HIGHLANDS_SEARCH_SYNC", "0")  # indexing is not registration's cost
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from highlands.accounts.models import User
    from highlands.ecosystem.models import Cluster
    from highlands.events.models import Event, Registration
    from highlands.events.services import event_create
    from highlands.servicekit import SYSTEM

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cluster, _ = Cluster.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "display_name": "Bench"}
    )
    users = []
    for i in range(args.clients):
        user, _ = User.objects.get_or_create(
            username=f"bench{i}", defaults={"email": f"bench{i}@example.org"}
        )
        users.append(user)
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)

    def burst(make_request) -> tuple[list[float], float]:
        barrier = threading.Barrier(len(clients))
        times: list[float] = []
        lock = threading.Lock()

        def work(index: int) -> None:
            barrier.wait()
            start = time.perf_counter()
            make_request(index)
            elapsed = time.perf_counter() - start
            with lock:
                times.append(elapsed)
            connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return times, time.perf_counter() - started

    health: list[float] = []
    register: list[float] = []
    health_rps: list[float] = []
    register_rps: list[float] = []
    for _round in range(args.rounds):
        times, wall = burst(lambda i: clients[i].get("/api/v1/health"))
        health += times
        health_rps.append(len(times) / wall)
        start = timezone.now() + timedelta(days=3)
        event = event_create(
            actor=SYSTEM, clusters=[cluster], kind="training", title="Bench",
            starts_at=start, ends_at=start + timedelta(hours=2), capacity=10, publish=True,
        )  # fmt: skip

        def post(i: int, pk: int = event.pk) -> None:
            response = clients[i].post(
                f"/api/v1/events/{pk}/registrations", {}, content_type="application/json"
            )
            assert response.status_code == 201, response.content

        times, wall = burst(post)
        register += times
        register_rps.append(len(times) / wall)
        statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
        assert statuses.count("confirmed") == 10, statuses
        assert statuses.count("waiting") == 40, statuses

    # The calendar with 10,000 events (published, one cluster, spread over ten years).
    have = Event.objects.filter(title__startswith="Calendar bench").count()
    now = timezone.now()
    new = [
        Event(
            kind="meetup", title=f"Calendar bench {i}", status="published", capacity=30,
            starts_at=now + timedelta(hours=9 * i), ends_at=now + timedelta(hours=9 * i + 2),
        )
        for i in range(have, args.events)
    ]  # fmt: skip
    Event.objects.bulk_create(new, batch_size=1000)
    through = Event.clusters.through
    through.objects.bulk_create(
        [through(event_id=e.pk, cluster_id=cluster.pk) for e in new], batch_size=1000
    )
    reader = Client()
    month = (now + timedelta(days=200)).strftime("%Y-%m")
    pages = {
        "list, one cluster": "/events/?cluster=bench",
        "list, page 3": "/events/?page=3",
        "month grid": f"/events/?view=grid&month={month}",
        "date range + kind": (
            f"/events/?date_from={now.date()}&date_to={(now + timedelta(days=90)).date()}"
            "&kind=meetup"
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}
    floor: list[float] = []  # the health endpoint, sequential, interleaved with the pages
    for path in pages.values():
        assert reader.get(path).status_code == 200  # warm-up
    for _ in range(args.calendar_requests):
        start_t = time.perf_counter()
        assert reader.get("/api/v1/health").status_code == 200
        floor.append(time.perf_counter() - start_t)
        for name, path in pages.items():
            start_t = time.perf_counter()
            response = reader.get(path)
            timings[name].append(time.perf_counter() - start_t)
            assert response.status_code == 200
    calendar = timings["list, one cluster"]
    ms = 1000
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"database: {engine}, {args.rounds} rounds x {args.clients} concurrent clients")
    print(
        f"health floor: median {statistics.median(health) * ms:.1f} ms, "
        f"p95 {_p95(health) * ms:.1f} ms, {statistics.median(health_rps):.0f} req/s"
    )
    print(
        f"registration: median {statistics.median(register) * ms:.1f} ms, "
        f"p95 {_p95(register) * ms:.1f} ms, {statistics.median(register_rps):.0f} req/s "
        f"(p95 {_p95(register) / _p95(health):.1f}x the health floor)"
    )
    print(
        f"calendar page, {Event.objects.count()} events: median "
        f"{statistics.median(calendar) * ms:.1f} ms, p95 {_p95(calendar) * ms:.1f} ms"
    )
    print(
        f"sequential health floor beside the calendar: median "
        f"{statistics.median(floor) * ms:.1f} ms, p95 {_p95(floor) * ms:.1f} ms"
    )
    for name, values in timings.items():
        print(
            f"  calendar {name}: median {statistics.median(values) * ms:.1f} ms, "
            f"p95 {_p95(values) * ms:.1f} ms ({_p95(values) / _p95(floor):.1f}x the floor's p95)"
        )


if __name__ == "__main__":
    main()
