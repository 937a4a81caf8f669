"""``highlands meetings schedule INSTANCE.json [--time-limit S] [--algorithm A] --json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...scheduler import InstanceError, load_instance, schedule_greedy, schedule_optimal
from ...scheduler.instance import Instance
from ...scheduler.schedule import Schedule

ALGORITHMS = ("cp-sat", "greedy")


class Command(BaseCommand):
    help = (
        "Schedule one-to-one meetings of a brokerage event from a JSON instance: the exact "
        "scheduler (LP bound + CP-SAT) or the greedy first-common-free-slot baseline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        schedule = actions.add_parser("schedule", help="schedule the requests of an instance file")
        schedule.add_argument("instance", metavar="INSTANCE.json", type=Path)
        schedule.add_argument(
            "--time-limit",
            type=float,
            default=30.0,
            metavar="SECONDS",
            help="wall-clock budget of the whole run (default 30)",
        )
        schedule.add_argument("--algorithm", choices=ALGORITHMS, default="cp-sat")
        schedule.add_argument("--workers", type=int, default=2, help="CP-SAT threads (default 2)")
        schedule.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
        schedule.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be a positive number of seconds")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        path: Path = options["instance"]
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from exc
        try:
            instance = load_instance(text)
        except InstanceError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if options["algorithm"] == "greedy":
            schedule = schedule_greedy(instance)
        else:
            schedule = schedule_optimal(
                instance,
                time_limit=options["time_limit"],
                workers=options["workers"],
                seed=options["seed"],
            )
        if options["json"]:
            self.stdout.write(json.dumps(schedule.to_json(instance), ensure_ascii=False))
        else:
            self._print_table(instance, schedule)

    def _print_table(self, instance: Instance, schedule: Schedule) -> None:
        people = instance.participants
        for item in schedule.assignments:
            request = instance.requests[item.request]
            self.stdout.write(
                f"{instance.slots[item.slot]:>8}  table {item.table:>3}  {request.id}: "
                f"{people[request.a].id} + {people[request.b].id}  (priority {request.priority})"
            )
        self.stdout.write(
            f"{len(schedule.assignments)} of {len(instance.requests)} requests scheduled; "
            f"objective {schedule.objective}, bound {schedule.bound} ({schedule.status}, "
            f"gap {schedule.gap:.2%}); {schedule.idle_slots} idle slots; "
            f"{schedule.algorithm}, {schedule.took_ms} ms"
        )
