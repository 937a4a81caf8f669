"""A schedule: which request meets in which slot at which table, and what it is worth.

Shared by both algorithms: table numbering (after the slots are fixed), the objective, the
idle-slot count of the tie-break, a simple upper bound, and ``violations`` — an independent
check of every hard constraint that the tests, the benchmarks and the solvers themselves use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .instance import Instance

Status = Literal["optimal", "feasible"]


@dataclass(frozen=True, slots=True)
class Assignment:
    request: int  # request index
    slot: int  # slot index
    table: int  # 1-based


@dataclass(frozen=True)
class Schedule:
    algorithm: str  # "cp-sat" or "greedy"
    assignments: tuple[Assignment, ...]  # ordered by slot, then table
    objective: int  # sum of the priorities of the scheduled requests
    bound: int  # proven upper bound on ``objective`` over all feasible schedules
    status: Status  # "optimal" when objective == bound (proven), else "feasible"
    idle_slots: int  # the tie-break: available free slots between a person's meetings
    took_ms: int
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative optimality gap, (bound - objective) / bound; 0 when proven optimal."""
        return (self.bound - self.objective) / self.bound if self.bound else 0.0

    def to_json(self, instance: Instance) -> dict[str, Any]:
        """The CLI's output object, with request and slot ids instead of indices."""
        return {
            "assignments": [
                {
                    "request": instance.requests[a.request].id,
                    "slot": instance.slots[a.slot],
                    "table": a.table,
                }
                for a in self.assignments
            ],
            "objective": self.objective,
            "bound": self.bound,
            "status": self.status,
            "gap": round(self.gap, 6),
            "idle_slots": self.idle_slots,
            "algorithm": self.algorithm,
            "took_ms": self.took_ms,
        }


def build_schedule(
    instance: Instance,
    slot_of: Mapping[int, int],
    *,
    algorithm: str,
    bound: int,
    took_ms: int,
    stats: Mapping[str, Any] | None = None,
) -> Schedule:
    """Number the tables of a slot assignment, value it, and check it before handing it out."""
    assignments = assign_tables(instance, slot_of)
    problems = violations(instance, assignments)
    if problems:  # a defect in an algorithm, never a property of the input
        raise AssertionError(f"{algorithm} produced an infeasible schedule: {problems[0]}")
    objective = objective_value(instance, slot_of)
    if bound < objective:  # a bound below a feasible schedule proves nothing: a defect
        raise AssertionError(f"{algorithm} claims bound {bound} below its objective {objective}")
    return Schedule(
        algorithm=algorithm,
        assignments=tuple(assignments),
        objective=objective,
        bound=bound,
        status="optimal" if objective == bound else "feasible",
        idle_slots=idle_slots(instance, slot_of),
        took_ms=took_ms,
        stats=dict(stats or {}),
    )


def assign_tables(instance: Instance, slot_of: Mapping[int, int]) -> list[Assignment]:
    """Published meetings keep their table; the others take the lowest free numbers, in request
    order. Tables are interchangeable, so any numbering of a feasible slot assignment works."""
    taken: dict[int, set[int]] = {}
    for index, slot in slot_of.items():
        placement = instance.requests[index].published
        if placement is not None and placement.slot == slot:
            taken.setdefault(slot, set()).add(placement.table)
    next_free: dict[int, int] = {}
    result: list[Assignment] = []
    for index in sorted(slot_of):
        slot = slot_of[index]
        placement = instance.requests[index].published
        if placement is not None and placement.slot == slot:
            result.append(Assignment(index, slot, placement.table))
            continue
        used = taken.setdefault(slot, set())
        table = next_free.get(slot, 1)
        while table in used:
            table += 1
        used.add(table)
        next_free[slot] = table + 1
        result.append(Assignment(index, slot, table))
    result.sort(key=lambda a: (a.slot, a.table))
    return result


def objective_value(instance: Instance, slot_of: Iterable[int]) -> int:
    """Sum of the priorities of the scheduled requests (``slot_of`` iterates request indices)."""
    return sum(instance.requests[index].priority for index in slot_of)


def idle_slots(instance: Instance, slot_of: Mapping[int, int]) -> int:
    """Slots a participant is available in but idle, strictly between their first and last
    meeting, summed over participants. Unavailable slots are not idle time."""
    busy: dict[int, set[int]] = {}
    for index, slot in slot_of.items():
        request = instance.requests[index]
        busy.setdefault(request.a, set()).add(slot)
        busy.setdefault(request.b, set()).add(slot)
    total = 0
    for person, slots in busy.items():
        first, last = min(slots), max(slots)
        available = instance.participants[person].available
        total += sum(1 for s in available if first < s < last and s not in slots)
    return total


def simple_bound(instance: Instance) -> int:
    """An upper bound without search: every request that has a slot both sides could use."""
    total = 0
    for index, request in enumerate(instance.requests):
        people = instance.participants
        if request.published is not None or (
            instance.common_slots[index]
            and people[request.a].max_meetings != 0
            and people[request.b].max_meetings != 0
        ):
            total += request.priority
    return total


def violations(instance: Instance, assignments: Iterable[Assignment]) -> list[str]:
    """Every broken hard constraint of a schedule, as sentences (empty when feasible)."""
    problems: list[str] = []
    seen_request: set[int] = set()
    table_user: dict[tuple[int, int], int] = {}
    person_user: dict[tuple[int, int], int] = {}
    count = [0] * len(instance.participants)
    per_slot: dict[int, int] = {}
    for item in assignments:
        request = instance.requests[item.request]
        slot_name = instance.slots[item.slot]
        if item.request in seen_request:
            problems.append(f'request "{request.id}" is scheduled twice')
        seen_request.add(item.request)
        if not 1 <= item.table <= instance.tables_per_slot:
            problems.append(f'request "{request.id}" has table {item.table}, which does not exist')
        key = (item.slot, item.table)
        if key in table_user:
            other = instance.requests[table_user[key]].id
            problems.append(
                f'table {item.table} in slot "{slot_name}" holds "{request.id}" and "{other}"'
            )
        table_user[key] = item.request
        per_slot[item.slot] = per_slot.get(item.slot, 0) + 1
        for end in (request.a, request.b):
            person = instance.participants[end]
            if item.slot not in person.available:
                problems.append(
                    f'"{person.id}" meets in slot "{slot_name}" (request "{request.id}") '
                    "but is not available then"
                )
            if (end, item.slot) in person_user:
                other = instance.requests[person_user[end, item.slot]].id
                problems.append(
                    f'"{person.id}" has "{request.id}" and "{other}" in slot "{slot_name}"'
                )
            person_user[end, item.slot] = item.request
            count[end] += 1
        placement = request.published
        if placement is not None and (placement.slot, placement.table) != key:
            problems.append(f'published request "{request.id}" was moved')
    for index, request in enumerate(instance.requests):
        if request.published is not None and index not in seen_request:
            problems.append(f'published request "{request.id}" was dropped')
    for slot, used in per_slot.items():
        if used > instance.tables_per_slot:
            problems.append(
                f'slot "{instance.slots[slot]}" has {used} meetings for '
                f"{instance.tables_per_slot} tables"
            )
    for end, person in enumerate(instance.participants):
        if person.max_meetings is not None and count[end] > person.max_meetings:
            problems.append(
                f'"{person.id}" has {count[end]} meetings, more than max_meetings '
                f"{person.max_meetings}"
            )
    return problems
