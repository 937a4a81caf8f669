"""``highlands meetings schedule INSTANCE.json [--time-limit S] [--algorithm A] --json``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...scheduler.greedy import schedule_greedy
from ...scheduler.instance import Instance, InstanceError, load_instance
from ...scheduler.schedule import Schedule

ALGORITHMS = ("cp-sat", "greedy")


#: Always give the scheduler this much, even when start-up ate the whole budget.
_MIN_BUDGET_S = 0.2
#: Kept back for printing and for the interpreter's exit (unloading OR-Tools, Django and the
#: search engine's libraries takes up to ~2 s on a loaded machine).
_EXIT_SHARE, _EXIT_MAX_S = 0.2, 2.0


def _process_age() -> float:
    """Seconds since this process started (Linux ``/proc``; 0 elsewhere), so that
    ``--time-limit`` bounds the whole command, interpreter and Django start-up included."""
    try:
        stat = Path("/proc/self/stat").read_text()
        started_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


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
            help="wall-clock budget of the whole command, start-up included (default 30)",
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
            from ...scheduler.cpsat import schedule_optimal

            exit_time = min(_EXIT_MAX_S, _EXIT_SHARE * options["time_limit"])
            schedule = schedule_optimal(
                instance,
                time_limit=max(_MIN_BUDGET_S, options["time_limit"] - _process_age() - exit_time),
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
