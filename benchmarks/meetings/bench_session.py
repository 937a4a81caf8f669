"""Scheduling a brokerage event from the database: ``services.schedule_run`` (instance built from
the session's rows, the exact scheduler, the draft meetings written) and ``schedule_publish``,
then a re-run after 5 % of the requests changed (every published meeting must stay put).

The event is the congested instance of ``generate.py`` (same seeds as ``bench_scheduler.py``)
written into a session: participants with their available slots and caps, accepted requests
with their priorities. The baseline in the same run is the scheduler alone on the same
instance in-process (``schedule_optimal``), so ``overhead`` is what the database adds.

    HIGHLANDS_VAR_DIR=/tmp/meetbench .venv/bin/python benchmarks/meetings/bench_session.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_meetings_bench \\
        .venv/bin/python benchmarks/meetings/bench_session.py
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import congested_event


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, nargs="+", default=[60, 200, 500])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.test")
    os.environ.setdefault("HIGHLANDS_SEARCH_SYNC", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from highlands.accounts.models import User
    from highlands.ecosystem.models import Cluster
    from highlands.events.models import Registration
    from highlands.events.services import event_create
    from highlands.meetings import services
    from highlands.meetings.models import (
        Meeting,
        MeetingRequest,
        MeetingStatus,
        Participant,
        RequestStatus,
    )
    from highlands.meetings.scheduler import Assignment, parse_instance, violations
    from highlands.meetings.scheduler.cpsat import schedule_optimal
    from highlands.servicekit import SYSTEM

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"engine {engine}; {platform.machine()} {os.cpu_count()} cores; "
        f"load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}"
    )
    cluster, _ = Cluster.objects.get_or_create(
        slug="meetings-bench", defaults={"name": "Bench", "display_name": "Bench"}
    )
    print(
        "| participants × requests | baseline solve s | schedule_run s | overhead s | "
        "objective (db / baseline) | bound | publish s | re-run s | published kept |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.participants:
        data = congested_event(size, seed=args.seed)
        instance = parse_instance(data)
        started = time.monotonic()
        baseline = schedule_optimal(instance, time_limit=args.time_limit, workers=2)
        baseline_s = time.monotonic() - started

        start = (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
        slots = len(data["slots"])
        event = event_create(
            actor=SYSTEM,
            kind="brokerage",
            title=f"Bench {size}",
            starts_at=start,
            ends_at=start + timedelta(minutes=20 * slots + 60),
            capacity=size,
            clusters=[cluster],
            publish=True,
        )
        session = services.session_create(
            actor=SYSTEM,
            event=event,
            blocks=[(start, start + timedelta(minutes=20 * slots))],
            tables=data["tables_per_slot"],
        )
        slot_rows = list(session.slots.all())
        slot_of = {name: slot_rows[i] for i, name in enumerate(data["slots"])}
        people: dict[str, Participant] = {}
        with transaction.atomic():
            for n, entry in enumerate(data["participants"]):
                user = User.objects.create(
                    username=f"b{size}-{args.seed}-{n}", email=f"b{size}-{n}@example.org"
                )
                registration = Registration.objects.create(
                    event=event,
                    user=user,
                    status="confirmed",
                    sequence=n + 1,
                    ticket_key=f"{size}-{args.seed}-{n}",
                )
                participant = Participant.objects.create(
                    session=session,
                    registration=registration,
                    user=user,
                    max_meetings=entry.get("max_meetings"),
                )
                participant.available.set([slot_of[s] for s in entry["available"]])
                people[entry["id"]] = participant
            MeetingRequest.objects.bulk_create(
                MeetingRequest(
                    session=session,
                    requester=people[r["a"]],
                    recipient=people[r["b"]],
                    reason=r["id"],
                    priority=min(3, r.get("priority", 1)),
                    status=RequestStatus.ACCEPTED,
                )
                for r in data["requests"]
            )
        started = time.monotonic()
        result = services.schedule_run(actor=SYSTEM, session=session, time_limit=args.time_limit)
        run_s = time.monotonic() - started
        started = time.monotonic()
        services.schedule_publish(actor=SYSTEM, session=session)
        publish_s = time.monotonic() - started
        before = dict(
            Meeting.objects.filter(session=session, status=MeetingStatus.PUBLISHED).values_list(
                "request_id", "slot_id"
            )
        )
        # 5 % of the requests change: half of the unpublished ones withdrawn, as many new.
        rng = random.Random(args.seed)
        pending = list(
            MeetingRequest.objects.filter(session=session)
            .exclude(pk__in=before)
            .values_list("pk", flat=True)
        )
        change = max(1, len(data["requests"]) // 40)
        MeetingRequest.objects.filter(pk__in=rng.sample(pending, min(change, len(pending)))).update(
            status=RequestStatus.WITHDRAWN
        )
        ids = list(people.values())
        existing = {
            frozenset(p)
            for p in MeetingRequest.objects.filter(session=session).values_list(
                "requester_id", "recipient_id"
            )
        }
        added = 0
        while added < change:
            a, b = rng.sample(ids, 2)
            if frozenset((a.pk, b.pk)) in existing:
                continue
            existing.add(frozenset((a.pk, b.pk)))
            MeetingRequest.objects.create(
                session=session,
                requester=a,
                recipient=b,
                reason="late",
                status=RequestStatus.ACCEPTED,
            )
            added += 1
        started = time.monotonic()
        services.schedule_run(actor=SYSTEM, session=session, time_limit=args.time_limit)
        rerun_s = time.monotonic() - started
        after = dict(
            Meeting.objects.filter(session=session, status=MeetingStatus.PUBLISHED).values_list(
                "request_id", "slot_id"
            )
        )
        kept = sum(1 for k, v in before.items() if after.get(k) == v)
        # Every hard constraint of what the database now holds.
        db_instance, _ = services.session_instance(session)
        index = {r.id: i for i, r in enumerate(db_instance.requests)}
        slot_index = {s: i for i, s in enumerate(db_instance.slots)}
        live = Meeting.objects.filter(
            session=session, status__in=[MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED]
        )
        placed = [
            Assignment(index[str(m.request_id)], slot_index[str(m.slot_id)], m.table) for m in live
        ]
        problems = violations(db_instance, placed)
        assert not problems, problems[:3]
        print(
            f"| {size} × {len(data['requests'])} | {baseline_s:.1f} | {run_s:.1f} | "
            f"{run_s - result['took_ms'] / 1000:.1f} | {result['objective']} / "
            f"{baseline.objective} | {result['bound']} | {publish_s:.2f} | {rerun_s:.1f} | "
            f"{kept} / {len(before)} |"
        )


if __name__ == "__main__":
    main()
