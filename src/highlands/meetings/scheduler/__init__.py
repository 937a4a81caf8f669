"""The meeting scheduler, pure Python (no Django): instance, greedy baseline, CP-SAT solver.

``load_instance``/``parse_instance`` validate, ``schedule_greedy`` is the quick schedule,
``schedule_optimal`` the exact solver; both return a ``Schedule`` whose ``to_json`` is the
CLI's output. ``violations`` checks every hard constraint independently.
"""

from typing import TYPE_CHECKING, Any

from .greedy import greedy_slots, schedule_greedy
from .instance import (
    Instance,
    InstanceError,
    Participant,
    Placement,
    Request,
    load_instance,
    parse_instance,
)
from .schedule import Assignment, Schedule, idle_slots, objective_value, violations

if TYPE_CHECKING:
    from .cpsat import schedule_optimal


def __getattr__(name: str) -> Any:
    # OR-Tools (and the pandas it imports) take a second to load: only when solving.
    if name == "schedule_optimal":
        from .cpsat import schedule_optimal

        return schedule_optimal
    raise AttributeError(name)


__all__ = [
    "Assignment",
    "Instance",
    "InstanceError",
    "Participant",
    "Placement",
    "Request",
    "Schedule",
    "greedy_slots",
    "idle_slots",
    "load_instance",
    "objective_value",
    "parse_instance",
    "schedule_greedy",
    "schedule_optimal",
    "violations",
]
